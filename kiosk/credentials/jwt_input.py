"""The edge of `kiosk badge verify`: what a credential handed in from outside may look like before
any of it is used. Anyone can hand in anything (a QR code, a file, a pasted text), so size, shape
and the types of the claims that verification reads are checked here, each with a clear refusal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.credentials.keys import CredentialError, unb64url

MAX_TOKEN_CHARS = 16 * 1024  # a full credential signs to about 4 KB; one in a QR code to under 1.8 KB
MAX_DEPTH = 16  # the credential nests 6 levels
MAX_TIMESTAMP = 2**33  # seconds since 1970: the year 2242
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
_HINT = "take the credential again from its QR code or file"


def read_credential(source: str) -> str:
    """The compact JWT given on the command line, or read (no further than the limit) from a file."""
    token = source.strip()
    if token.count(".") == 2 and "/" not in token and not _is_file(source):  # `badge.v2.jwt` is a file
        return token
    try:
        with Path(source).open("rb") as f:
            data = f.read(MAX_TOKEN_CHARS + 1)  # `/dev/zero` stops here instead of filling the memory
    except OSError as exc:
        raise CredentialError(f"{source}: neither a credential nor a readable file ({exc.strerror})",
                              "give a .jwt file or paste the credential") from exc
    if len(data) > MAX_TOKEN_CHARS:
        raise CredentialError(f"{source}: larger than {MAX_TOKEN_CHARS} bytes: not a credential", _HINT)
    try:
        return data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise CredentialError(f"{source}: not a credential (a JWT is plain ASCII text)", _HINT) from None


def _is_file(source: str) -> bool:
    try:
        return Path(source).is_file()
    except (OSError, ValueError):  # a name too long for the filesystem, a NUL: not a file
        return False


def check_shape(token: str) -> None:
    """CredentialError unless `token` is a compact JWT whose header and claims have the types read later."""
    if len(token) > MAX_TOKEN_CHARS:
        raise CredentialError(f"the credential is longer than {MAX_TOKEN_CHARS} characters", _HINT)
    parts = token.split(".")
    if len(parts) != 3 or not all(_B64URL.fullmatch(p) for p in parts):
        raise CredentialError("not a JWT: expected three dot-separated base64url parts", "paste the whole credential")
    header, payload = _object(parts[0], "header"), _object(parts[1], "payload")
    for name in ("alg", "kid"):
        if not isinstance(header.get(name), str):
            raise CredentialError(f"the header's `{name}` must be a text", _HINT)
    if not isinstance(payload.get("iss"), str):
        raise CredentialError("the claim `iss` must be a text", _HINT)
    for name in ("nbf", "exp", "iat"):
        if name in payload:  # verification reads each when present (exp only if the badge has an end date)
            _timestamp(payload.get(name), name)
    if "vc" in payload and "credentialSubject" not in payload:
        raise CredentialError("a VCDM 1.1-style `vc` claim: this kiosk's badges carry the credential itself as "
                              "the JWT payload (Open Badges 3.0 §8.2)", "ask the issuer for an Open Badges 3.0 badge")
    if not isinstance(payload.get("issuer"), dict | str) or not isinstance(payload.get("credentialSubject"), dict):
        raise CredentialError("the credential must carry `issuer` and a `credentialSubject` object", _HINT)


def _object(part: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(unb64url(part))
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        raise CredentialError(f"the credential is damaged: its {name} is not valid base64url JSON", _HINT) from None
    if not isinstance(value, dict):
        raise CredentialError(f"the credential's {name} must be a JSON object, not {type(value).__name__}", _HINT)
    if max(_depths(value, 1)) > MAX_DEPTH:
        raise CredentialError(f"the credential's {name} is nested deeper than {MAX_DEPTH} levels", _HINT)
    return value


def _depths(value: Any, depth: int) -> Iterator[int]:
    yield depth
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        if depth > MAX_DEPTH:
            return
        yield from _depths(child, depth + 1)


def _timestamp(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TIMESTAMP:
        raise CredentialError(f"the claim `{name}` must be a whole number of seconds (0 to {MAX_TIMESTAMP}), "
                              f"got {json.dumps(value)[:40]}", _HINT)
