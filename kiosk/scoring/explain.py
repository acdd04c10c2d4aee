"""Evidence traces in plain words: "you told the chef as soon as a problem came up — communicating +".

The sentence is the scenario author's own `describe` text for the observable, in the
visitor's language (easy-read when asked and written); only the few connecting words below
are the engine's, translated through the interface catalogues (kiosk/locale). Skill names are
the plain names for people (assets/esco/plain_names.csv), not the ESCO labels.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.i18n import words_for
from kiosk.scenario.esco import Skill
from kiosk.scoring.estimate import EvidenceLine, SkillEstimate

_SIGNS = {1: " +", -1: " –", 0: ""}  # en dash: the bundled Noto Sans has no U+2212


def skill_name(code: str, skills: Mapping[str, Skill], language: str) -> str:
    """The plain name for people in the visitor's language (the ESCO label where none is written)."""
    skill = skills.get(code)
    return code if skill is None else skill.name(language)


def evidence_sentence(line: EvidenceLine, skills: Mapping[str, Skill], language: str, *, easy: bool = False) -> str:
    _ = words_for(language).gettext
    text = line.describe.get(language, easy=easy)
    if line.credit >= line.max_credit:
        sentence = text
    elif line.credit > 0:
        sentence = _("{text} (in part)").format(text=text)
    else:
        sentence = _("not seen this time: {text}").format(text=text)
    return f"{sentence} — {skill_name(line.key.skill, skills, language)}{_SIGNS[line.direction]}"


def headline(estimate: SkillEstimate, skills: Mapping[str, Skill], language: str) -> str:
    """One line for the results screen; never a level when the evidence is too thin."""
    _ = words_for(language).gettext
    name = skill_name(estimate.skill, skills, language)
    if not estimate.enough:
        return _("not enough evidence yet for {skill}").format(skill=name)
    low, high = estimate.percentile_range
    return _("{skill}: between {low} and {high} out of 100").format(skill=name, low=round(low), high=round(high))


def trace(estimate: SkillEstimate, skills: Mapping[str, Skill], language: str, *, easy: bool = False,
          limit: int = 3) -> list[str]:
    """The strongest pieces of evidence behind an estimate, as sentences."""
    return [evidence_sentence(line, skills, language, easy=easy) for line in estimate.evidence[:limit]]
