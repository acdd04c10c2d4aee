"""Evidence traces in plain words: "you told the chef as soon as a problem came up — communicating +".

The sentence is the scenario author's own `describe` text for the observable, in the
visitor's language (easy-read when asked and written); only the few connecting words below
are the engine's. Languages without a phrasing here fall back to English connecting words.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.scenario.esco import Skill
from kiosk.scoring.estimate import EvidenceLine, SkillEstimate

_PHRASES: dict[str, dict[str, str]] = {
    "fr": {"full": "{text}", "part": "{text} (en partie)", "none": "pas observé cette fois : {text}",
           "not_enough": "pas encore assez d'indices pour {skill}",
           "range": "{skill} : entre {low} et {high} sur 100"},
    "en": {"full": "{text}", "part": "{text} (in part)", "none": "not seen this time: {text}",
           "not_enough": "not enough evidence yet for {skill}",
           "range": "{skill}: between {low} and {high} out of 100"},
}
_SIGNS = {1: " +", -1: " –", 0: ""}  # en dash: the bundled Noto Sans has no U+2212


def _phrases(language: str) -> dict[str, str]:
    return _PHRASES.get(language, _PHRASES["en"])


def skill_name(code: str, skills: Mapping[str, Skill], language: str) -> str:
    skill = skills.get(code)
    if skill is None:
        return code
    return skill.label.get(language) or skill.label.get("en") or code


def evidence_sentence(line: EvidenceLine, skills: Mapping[str, Skill], language: str, *, easy: bool = False) -> str:
    text = line.describe.get(language, easy=easy)
    kind = "full" if line.credit >= line.max_credit else "part" if line.credit > 0 else "none"
    sentence = _phrases(language)[kind].format(text=text)
    return f"{sentence} — {skill_name(line.key.skill, skills, language)}{_SIGNS[line.direction]}"


def headline(estimate: SkillEstimate, skills: Mapping[str, Skill], language: str) -> str:
    """One line for the results screen; never a level when the evidence is too thin."""
    name = skill_name(estimate.skill, skills, language)
    if not estimate.enough:
        return _phrases(language)["not_enough"].format(skill=name)
    low, high = estimate.percentile_range
    return _phrases(language)["range"].format(skill=name, low=round(low), high=round(high))


def trace(estimate: SkillEstimate, skills: Mapping[str, Skill], language: str, *, easy: bool = False,
          limit: int = 3) -> list[str]:
    """The strongest pieces of evidence behind an estimate, as sentences."""
    return [evidence_sentence(line, skills, language, easy=easy) for line in estimate.evidence[:limit]]
