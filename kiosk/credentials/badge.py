"""Open Badges 3.0 credentials for demonstrated skills, as VC-JWT (JWS compact, EdDSA).

The credential is an `OpenBadgeCredential` whose achievement is aligned to the ESCO skill (URI
and code) and whose evidence is the visitor's plain-language trace. The JWT carries it in the
`vc` claim with `iss`, `jti`, `sub`, `nbf`, `exp` (Open Badges 3.0 §8.2, VC-JWT). Building and
checking are pure; keys come in as arguments.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature

from kiosk.credentials.keys import CredentialError, SigningKey, b64url, jwk_public_key, unb64url

OB_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


@dataclass(frozen=True)
class Issuer:
    id: str  # e.g. https://agency.example.org/nova/issuer
    name: str


@dataclass(frozen=True)
class SkillAward:
    code: str  # ESCO code, e.g. T4.3
    uri: str  # ESCO URI
    name: str  # in the visitor's language
    range_low: int  # 0..100, as shown to the visitor
    range_high: int
    evidence: tuple[str, ...]  # the trace sentences
    scenario: str  # what was played


def credential(issuer: Issuer, subject: str, award: SkillAward, issued: datetime, valid_days: int,
               credential_id: str, language: str, *, compact: bool = False) -> dict[str, Any]:
    """The credential; `compact` (for a QR code) keeps one evidence sentence and points to the criteria
    by URL instead of spelling them out, so the signed JWT stays under ~1.8 KB."""
    until = issued + timedelta(days=valid_days)
    criteria = {"id": f"{issuer.id}/criteria"} if compact else {"narrative": _criteria(language)}
    evidence = award.evidence[:1] if compact else award.evidence
    return {
        "@context": OB_CONTEXT,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
        "validFrom": issued.isoformat(timespec="seconds"),
        "validUntil": until.isoformat(timespec="seconds"),
        "name": award.name,
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"{issuer.id}/achievements/{award.code}",
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": award.name,
                "description": _describe(award, language),
                "criteria": criteria,
                "alignment": [{"type": ["Alignment"], "targetName": award.name, "targetUrl": award.uri,
                               "targetCode": award.code, "targetFramework": "ESCO v1.1.1"}],
                "inLanguage": language,
            },
        },
        "evidence": [{"type": ["Evidence"], "name": award.scenario, "narrative": "\n".join(evidence)}],
    }


def sign(credential_json: Mapping[str, Any], key: SigningKey) -> str:
    """VC-JWT: header.payload.signature, EdDSA over Ed25519."""
    issued = datetime.fromisoformat(credential_json["validFrom"])
    until = datetime.fromisoformat(credential_json["validUntil"])
    header = {"alg": "EdDSA", "typ": "JWT", "kid": key.kid}
    payload = {"iss": credential_json["issuer"]["id"], "jti": credential_json["id"],
               "sub": credential_json["credentialSubject"]["id"], "nbf": int(issued.timestamp()),
               "iat": int(issued.timestamp()), "exp": int(until.timestamp()), "vc": credential_json}
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    return f"{signing_input}.{b64url(key.private.sign(signing_input.encode()))}"


@dataclass(frozen=True)
class Verified:
    credential: dict[str, Any]
    kid: str
    issuer: str
    expires: datetime


def verify(token: str, trusted_keys: Mapping[str, Mapping[str, Any]], issuers: Sequence[str], now: datetime
           ) -> Verified:
    """Signature (by a key this issuer used), issuer, validity period; CredentialError says which failed."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise CredentialError("not a JWT: expected three dot-separated parts", "paste the whole credential")
    try:
        header = json.loads(unb64url(parts[0]))
        payload = json.loads(unb64url(parts[1]))
        signature = unb64url(parts[2])
    except ValueError:
        raise CredentialError("the credential is damaged: a part is not valid base64url JSON",
                              "take the credential again from its QR code or file") from None
    if header.get("alg") != "EdDSA":
        raise CredentialError(f"unsupported signature algorithm {header.get('alg')!r}", "expected EdDSA (Ed25519)")
    jwk = trusted_keys.get(str(header.get("kid")))
    if jwk is None:
        raise CredentialError(f"signed with an unknown key {header.get('kid')!r}", "it was not issued by this agency")
    try:
        jwk_public_key(dict(jwk)).verify(signature, f"{parts[0]}.{parts[1]}".encode())
    except InvalidSignature:
        raise CredentialError("the signature does not match: the credential was altered",
                              "only the original, unmodified credential verifies") from None
    if payload.get("iss") not in issuers or payload.get("vc", {}).get("issuer", {}).get("id") != payload.get("iss"):
        raise CredentialError(f"issuer {payload.get('iss')!r} is not trusted", "check the issuer's address")
    stamp = now.timestamp()
    if stamp < payload.get("nbf", 0):
        raise CredentialError("the credential is not valid yet", "check the verifying computer's clock")
    if stamp >= payload.get("exp", 0):
        raise CredentialError("the credential has expired", "ask the agency for a new one")
    return Verified(payload["vc"], str(header["kid"]), payload["iss"], datetime.fromtimestamp(payload["exp"],
                                                                                             tz=now.tzinfo))


def _segment(data: Mapping[str, Any]) -> str:
    return b64url(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())


def _describe(award: SkillAward, language: str) -> str:
    if language == "fr":
        return (f"{award.name} : démontré dans le jeu « {award.scenario} » d'une borne Nova, "
                f"entre {award.range_low} et {award.range_high} sur 100.")
    return (f"{award.name}: shown in the Nova kiosk game \"{award.scenario}\", "
            f"between {award.range_low} and {award.range_high} out of 100.")


def _criteria(language: str) -> str:
    if language == "fr":
        return ("Compétence observée dans au moins trois situations différentes d'un jeu de mise en situation "
                "professionnelle, avec assez d'indices (docs/scoring.md).")
    return ("Skill observed in at least three different situations of a work-simulation game, with enough "
            "evidence (docs/scoring.md).")
