"""Where an outside verifier finds the issuer and its keys, and the documents the agency's web server
hosts for that (pure: keys and names come in, paths and JSON go out).

Two kinds of issuer id are supported, and each decides what a credential's `kid` is:
- `did:web:agency.example.org:nova` (the default): the DID document is at
  `https://agency.example.org/nova/did.json` (`/.well-known/did.json` for a bare host) and
  lists every key ever used as a `JsonWebKey2020`; `kid` = `did:web:agency.example.org:nova#<thumbprint>`.
- `https://agency.example.org/nova/issuer`: the Profile is served at that very URL and the keys as
  a JWK Set at `https://agency.example.org/.well-known/jwks.json` (the place the OB 3.0
  implementation guide tells verifiers to look); `kid` = that URL `#<thumbprint>`.
Both layouts also get the JWK Set, the issuer Profile and the verification page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from kiosk.credentials.keys import CredentialError

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"]
OB_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
JWKS_PATH = ".well-known/jwks.json"
PAGE_FOLDER = "verify"
CRITERIA_PAGE = "criteria.html"  # what earns a badge, in every language the kiosk offers


@dataclass(frozen=True)
class Issuer:
    id: str  # did:web:agency.example.org:nova or https://agency.example.org/nova/issuer
    name: str
    url: str = ""  # the agency's home page, shown to verifiers


@dataclass(frozen=True)
class Site:
    """Where the issuer's documents live on its web server (paths relative to the server's root)."""

    origin: str  # https://agency.example.org
    base: str  # the folder of the issuer's documents, "" or "nova/"
    did_document: str | None  # nova/did.json (did:web only)
    profile: str  # nova/issuer.json, or the issuer URL's own path

    def url(self, path: str) -> str:
        return f"{self.origin}/{path}"


def site(issuer_id: str) -> Site:
    if issuer_id.startswith("did:web:"):
        return _did_web_site(issuer_id)
    address = urlsplit(issuer_id)
    if address.scheme == "https" and address.netloc and not address.query and not address.fragment:
        path = address.path.lstrip("/")
        if path and not path.endswith("/"):
            return Site(f"https://{address.netloc}", path.rpartition("/")[0] + "/" if "/" in path else "", None,
                        path)
    raise _bad_id(issuer_id)


def _did_web_site(issuer_id: str) -> Site:
    """did:web:host[:folder…]: the DID document at .well-known/did.json, or folder/…/did.json (did:web spec)."""
    parts = [unquote(p) for p in issuer_id.removeprefix("did:web:").split(":")]
    host, folders = parts[0], parts[1:]
    if not host or any(not f or "/" in f for f in folders) or "/" in host:
        raise _bad_id(issuer_id)
    base = "".join(f"{f}/" for f in folders)
    return Site(f"https://{host}", base, f"{base}did.json" if folders else ".well-known/did.json",
                f"{base}issuer.json")


def key_id(issuer_id: str, thumbprint: str) -> str:
    """The `kid` of a credential's JOSE header: a URI that dereferences to the public JWK."""
    if issuer_id.startswith("did:web:"):
        site(issuer_id)  # a well-formed did:web
        return f"{issuer_id}#{thumbprint}"
    return f"{site(issuer_id).url(JWKS_PATH)}#{thumbprint}"


def did_document(issuer_id: str, jwks: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Every key, current and past, may assert credentials: rotating must not void earlier badges."""
    methods = [{"id": key_id(issuer_id, str(jwk["kid"])), "type": "JsonWebKey2020", "controller": issuer_id,
                "publicKeyJwk": _public(jwk)} for jwk in jwks]
    ids = [m["id"] for m in methods]
    return {"@context": DID_CONTEXT, "id": issuer_id, "verificationMethod": methods, "assertionMethod": ids}


def key_set(issuer_id: str, jwks: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """JWK Set; `iss` in each key names its issuer (OB 3.0 implementation guide, key provenance)."""
    return {"keys": [{**_public(jwk), "kid": str(jwk["kid"]), "use": "sig", "alg": "EdDSA", "iss": issuer_id}
                     for jwk in jwks]}


def profile(issuer: Issuer, description: str = "") -> dict[str, Any]:
    """The OB 3.0 issuer Profile, as hosted (and as embedded in every credential)."""
    body: dict[str, Any] = {"@context": OB_CONTEXT, "id": issuer.id, "type": ["Profile"], "name": issuer.name}
    if issuer.url:
        body["url"] = issuer.url
    if description:
        body["description"] = description
    return body


def _public(jwk: Mapping[str, Any]) -> dict[str, str]:
    return {"kty": str(jwk["kty"]), "crv": str(jwk["crv"]), "x": str(jwk["x"])}  # never `d`


def _bad_id(issuer_id: str) -> CredentialError:
    return CredentialError(f"issuer id {issuer_id!r} is neither a did:web id nor an https URL of a file",
                           "set credentials.issuer_id to e.g. did:web:agency.example.org:nova")
