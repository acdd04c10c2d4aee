"""Which skills earn a credential, and the credentials themselves (pure: keys, clock, ids come in).

A skill earns one when its estimate has enough evidence and clears the evidence bar: the
posterior probability that the visitor is above a typical visitor is at least `bar` (0.8 by
default) — a statement about the evidence, not a cut on a bare score.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from kiosk.credentials.badge import SkillAward, credential, sign
from kiosk.credentials.issuer import Issuer
from kiosk.credentials.keys import SigningKey
from kiosk.matching.match import above_typical
from kiosk.scenario.esco import Skill
from kiosk.scoring.estimate import Profile
from kiosk.scoring.explain import skill_name, trace


@dataclass(frozen=True)
class Issued:
    award: SkillAward
    credential: dict[str, object]
    jwt: str
    qr_jwt: str  # the compact variant (its own id) that fits in a QR code for offline hand-off


def awards(profile: Profile, skills: Mapping[str, Skill], language: str, played: str,
           bar: float = 0.8) -> list[SkillAward]:
    """`played`: the names of the scenarios the evidence comes from, as the visitor saw them."""
    chosen = []
    for e in profile.estimates:
        skill = skills.get(e.skill)
        if skill is None or not e.enough or above_typical(e.theta, e.sd) < bar:
            continue
        low, high = e.percentile_range
        chosen.append(SkillAward(e.skill, skill.uri, skill_name(e.skill, skills, language), round(low), round(high),
                                 tuple(trace(e, skills, language, limit=3)), played,
                                 skill.label.get(language) or skill.label["en"]))
    return chosen


def issue_all(chosen: list[SkillAward], issuer: Issuer, key: SigningKey, subject: str, issued: datetime,
              valid_days: int, language: str, namespace: str) -> list[Issued]:
    out = []
    for award in chosen:
        credential_id = f"urn:uuid:{uuid.uuid5(uuid.UUID(namespace), award.code)}"
        body = credential(issuer, subject, award, issued, valid_days, credential_id, language)
        compact = credential(issuer, subject, award, issued, valid_days,
                             f"urn:uuid:{uuid.uuid5(uuid.UUID(namespace), award.code + '/qr')}", language, compact=True)
        out.append(Issued(award, body, sign(body, key), sign(compact, key)))
    return out
