"""The issuer's signing keys: Ed25519, one active, older ones kept (public half only) so that
credentials signed before a rotation still verify. Stored as files in a keys folder:

    active.pem            the private key (mode 0600), never leaves the kiosk
    public/<kid>.jwk      every public key ever active, as JWK
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import KioskError

if TYPE_CHECKING:  # imported where a key is made, read or checked: an idle kiosk without a key never loads
    # cryptography (its Rust and OpenSSL libraries: ~8 MB of RSS; docs/performance.md, memory)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class CredentialError(KioskError):
    """A credential or key that cannot be used; the message says which check failed."""

    exit_code = 65


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def unb64url(text: str) -> bytes:
    """Strict base64url (RFC 7515 §2): the URL-safe alphabet, no padding, and canonical — the unused
    low bits of the last character are zero. Python's decoder ignores those bits, so a signature
    with a changed last character would otherwise still verify: one credential, several spellings."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise ValueError("not base64url") from exc
    if b64url(data) != text:
        raise ValueError("not canonical base64url: the unused bits of the last character are set")
    return data


def public_jwk(key: Ed25519PublicKey) -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = {"crv": "Ed25519", "kty": "OKP", "x": b64url(raw)}
    return {**jwk, "kid": thumbprint(jwk)}  # RFC 7638 thumbprint as the key's local id


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 of the required members (crv, kty, x for OKP) in lexicographic order."""
    required = {name: jwk[name] for name in ("crv", "kty", "x")}
    return b64url(hashlib.sha256(json.dumps(required, separators=(",", ":"), sort_keys=True).encode()).digest())


def jwk_public_key(jwk: dict[str, Any]) -> Ed25519PublicKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" in jwk:
        raise CredentialError(f"key {jwk.get('kid')} is not a public Ed25519 key",
                              "issue keys with `kiosk keys generate`")
    try:
        raw = unb64url(str(jwk.get("x", "")))
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise CredentialError(f"key {jwk.get('kid')} is damaged: `x` is not 32 bytes of base64url",
                              "publish the keys again with `kiosk keys publish`")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    kid: str


def generate(folder: Path) -> SigningKey:
    """A new active key (the previous one, if any, stays verifiable): `kiosk keys generate|rotate`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "public").mkdir(exist_ok=True)
    private = Ed25519PrivateKey.generate()
    jwk = public_jwk(private.public_key())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    temporary = folder / "active.pem.new"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    (folder / "public" / f"{jwk['kid']}.jwk").write_text(json.dumps(jwk), encoding="utf-8")
    temporary.replace(folder / "active.pem")
    return SigningKey(private, jwk["kid"])


def active(folder: Path) -> SigningKey:
    try:
        pem = (folder / "active.pem").read_bytes()
    except FileNotFoundError:
        raise CredentialError(f"no signing key in {folder}", "create one with `kiosk keys generate`") from None
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise CredentialError(f"{folder / 'active.pem'} is not an Ed25519 key", "`kiosk keys rotate` makes one")
    return SigningKey(private, public_jwk(private.public_key())["kid"])


def trusted(folder: Path) -> dict[str, dict[str, Any]]:
    """Every public key this issuer has used, by key id."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((folder / "public").glob("*.jwk")):
        jwk = json.loads(path.read_text(encoding="utf-8"))
        found[jwk["kid"]] = jwk
    return found
