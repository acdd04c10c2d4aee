"""Open Badges 3.0 credentials for demonstrated skills, as VC-JWT (JWS compact, EdDSA).

The credential is an `OpenBadgeCredential` (VC data model 2.0) whose achievement is aligned to
the ESCO skill (URI and code) and whose evidence is the visitor's plain-language trace. Signed as
OB 3.0 §8.2 and VC-JOSE-COSE say for that data model: the JWT payload *is* the credential (no
VCDM 1.1 `vc` claim) plus the claims `iss`, `jti`, `sub`, `nbf`, `exp` mirroring `issuer.id`,
`id`, `credentialSubject.id`, `validFrom`, `validUntil`; the header is `alg: EdDSA`,
`typ: JWT` and a `kid` URI that dereferences to the public JWK (kiosk/credentials/issuer.py).
Building and checking are pure; keys and the clock come in as arguments.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.credentials.issuer import CRITERIA_PAGE, OB_CONTEXT, Issuer, key_id, profile, site
from kiosk.credentials.keys import CredentialError, SigningKey, b64url, jwk_public_key, unb64url
from kiosk.i18n import words_for

MEDIA_TYPE = "JWT"  # OB 3.0 §8.2.3: "If present, MUST be set to JWT"
ACCEPTED_TYPES = {MEDIA_TYPE, "vc+jwt", None}  # VC-JOSE-COSE's type, from issuers that follow it
HEADER_NAMES = {"alg", "kid", "typ"}  # OB 3.0 §8.2.3: no other JOSE header


@dataclass(frozen=True)
class SkillAward:
    code: str  # ESCO code, e.g. T4.3
    uri: str  # ESCO URI
    name: str  # the plain name for people, in the visitor's language
    range_low: int  # 0..100, as shown to the visitor
    range_high: int
    evidence: tuple[str, ...]  # the trace sentences
    scenario: str  # what was played
    esco_label: str = ""  # ESCO's preferred label: the alignment's targetName (the name is for people)


def credential(issuer: Issuer, subject: str, award: SkillAward, issued: datetime, valid_days: int,
               credential_id: str, language: str, *, compact: bool = False) -> dict[str, Any]:
    """The credential; `compact` (for a QR code) keeps one evidence sentence and points to the criteria
    by URL instead of spelling them out, so the signed JWT (2.2–2.7 KB) mostly fits a QR code."""
    until = issued + timedelta(days=valid_days)
    home = site(issuer.id)
    criteria = {"id": home.url(f"{home.base}{CRITERIA_PAGE}")} if compact else {"narrative": criteria_text(language)}
    evidence = award.evidence[:1] if compact else award.evidence
    embedded = {name: value for name, value in profile(issuer).items() if name != "@context"}
    return {
        "@context": OB_CONTEXT,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": embedded,
        "validFrom": issued.isoformat(timespec="seconds"),
        "validUntil": until.isoformat(timespec="seconds"),
        "name": award.name,
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": home.url(f"{home.base}achievements/{award.code}"),
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": award.name,
                "description": _describe(award, language),
                "criteria": criteria,
                "alignment": [{"type": ["Alignment"], "targetName": award.esco_label or award.name,
                               "targetUrl": award.uri, "targetCode": award.code, "targetFramework": "ESCO v1.1.1"}],
                "inLanguage": language,
            },
        },
        "evidence": [{"type": ["Evidence"], "name": award.scenario, "narrative": "\n".join(evidence)}],
    }


def sign(credential_json: Mapping[str, Any], key: SigningKey) -> str:
    """VC-JWT: header.payload.signature, EdDSA over Ed25519; the payload is the credential itself."""
    header = {"alg": "EdDSA", "typ": MEDIA_TYPE, "kid": key_id(credential_json["issuer"]["id"], key.kid)}
    payload = {**credential_json, **_claims(credential_json)}
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    return f"{signing_input}.{b64url(key.private.sign(signing_input.encode()))}"


def _claims(body: Mapping[str, Any]) -> dict[str, Any]:
    claims = {"iss": body["issuer"]["id"], "jti": body["id"], "sub": body["credentialSubject"]["id"],
              "nbf": _numeric_date(body["validFrom"])}
    if "validUntil" in body:
        claims["exp"] = _numeric_date(body["validUntil"])
    return claims


def _numeric_date(stamp: Any) -> int:
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        raise CredentialError(f"{stamp!r} is not a date and time", "dates are ISO 8601 with a time zone") from None
    if moment.tzinfo is None:
        raise CredentialError(f"{stamp!r} has no time zone", "dates are ISO 8601 with a time zone")
    return int(moment.timestamp())


@dataclass(frozen=True)
class Verified:
    credential: dict[str, Any]
    kid: str
    issuer: str
    expires: datetime | None


def verify(token: str, trusted_keys: Mapping[str, Mapping[str, Any]], issuers: Sequence[str], now: datetime
           ) -> Verified:
    """OB 3.0 §8.2.4: the signature by the key the `kid` names (among `trusted_keys`, by kid URI),
    then the claims against the credential, the issuer and the validity period. CredentialError
    says which check failed."""
    parts = token.strip().split(".")
    header, payload, signature = _decoded(parts)
    if header.get("alg") != "EdDSA":
        raise CredentialError(f"unsupported signature algorithm {header.get('alg')!r}", "expected EdDSA (Ed25519)")
    if header.get("typ") not in ACCEPTED_TYPES or set(header) - HEADER_NAMES:
        raise CredentialError(f"unexpected JOSE header {sorted(header)} (typ {header.get('typ')!r})",
                              f"a VC-JWT header has alg, kid and typ {MEDIA_TYPE!r} only")
    jwk = trusted_keys.get(str(header.get("kid")))
    if jwk is None:
        raise CredentialError(f"signed with an unknown key {header.get('kid')!r}", "it was not issued by this agency")
    from cryptography.exceptions import InvalidSignature  # as keys.py: loaded when a credential is checked

    try:
        jwk_public_key(dict(jwk)).verify(signature, f"{parts[0]}.{parts[1]}".encode())
    except InvalidSignature:
        raise CredentialError("the signature does not match: the credential was altered",
                              "only the original, unmodified credential verifies") from None
    credential_json = _credential_of(payload)
    _check_issuer(payload["iss"], str(header["kid"]), issuers)
    stamp = now.timestamp()
    if stamp < payload["nbf"]:
        raise CredentialError("the credential is not valid yet", "check the verifying computer's clock")
    if "exp" in payload and stamp >= payload["exp"]:
        raise CredentialError("the credential has expired", "ask the agency for a new one")
    expires = datetime.fromtimestamp(payload["exp"], tz=now.tzinfo) if "exp" in payload else None
    return Verified(credential_json, str(header["kid"]), payload["iss"], expires)


def _decoded(parts: list[str]) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    """The JOSE header, the payload and the signature of a compact JWS's three parts."""
    if len(parts) != 3:
        raise CredentialError("not a JWT: expected three dot-separated parts", "paste the whole credential")
    try:
        header = json.loads(unb64url(parts[0]))
        payload = json.loads(unb64url(parts[1]))
        signature = unb64url(parts[2])
    except ValueError:
        raise CredentialError("the credential is damaged: a part is not canonical base64url JSON",
                              "take the credential again from its QR code or file") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise CredentialError("the credential is damaged: header and payload must be JSON objects",
                              "take the credential again from its QR code or file")
    return header, payload, signature


def _check_issuer(issuer: str, kid: str, issuers: Sequence[str]) -> None:
    """A trusted issuer, and the signing key one it publishes."""
    if issuer not in issuers:
        raise CredentialError(f"issuer {issuer!r} is not trusted", "check the issuer's address")
    if not kid.startswith(key_id(issuer, "")):
        raise CredentialError(f"key {kid!r} is not published by issuer {issuer!r}",
                              "the credential was signed by someone else")


def _credential_of(payload: dict[str, Any]) -> dict[str, Any]:
    """The credential is the payload; each JWT claim must equal the property it mirrors (§8.2.4.1)."""
    if "vc" in payload or not isinstance(payload.get("@context"), list) or payload["@context"][:1] != OB_CONTEXT[:1]:
        raise CredentialError("not a VC data model 2.0 credential (a `vc` claim or another @context)",
                              "credentials in the VC 1.1 layout are not issued by this kiosk")
    try:
        expected = _claims(payload)
    except (KeyError, TypeError):
        raise CredentialError("the credential lacks issuer.id, id, credentialSubject.id or validFrom",
                              "it is not an Open Badges 3.0 credential") from None
    for claim, value in expected.items():
        if payload.get(claim) != value:
            raise CredentialError(f"the JWT claim {claim!r} does not match the credential",
                                  "the credential was assembled wrongly or altered")
    if "exp" in payload and "validUntil" not in payload:
        raise CredentialError("the JWT claim 'exp' has no validUntil in the credential",
                              "the credential was assembled wrongly or altered")
    return {name: value for name, value in payload.items() if name not in {"iss", "jti", "sub", "nbf", "exp"}}


def _segment(data: Mapping[str, Any]) -> str:
    return b64url(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())


def _describe(award: SkillAward, language: str) -> str:
    return words_for(language).gettext(
        "{skill}: shown in the Nova kiosk game “{game}”, between {low} and {high} out of 100.").format(
        skill=award.name, game=award.scenario, low=award.range_low, high=award.range_high)


def criteria_text(language: str) -> str:
    return words_for(language).gettext(
        "Skill observed in at least three different situations of a work-simulation game, with enough "
        "evidence (docs/scoring.md).")
