"""Evidence traces in plain words: "you told the chef as soon as a problem came up — communicating +".

The sentence is the scenario author's own `describe` text for the observable, in the
visitor's language (easy-read when asked and written); only the few connecting words below
are the engine's, translated through the interface catalogues (kiosk/locale). Skill names are
the plain names for people (assets/esco/plain_names.csv), not the ESCO labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kiosk.i18n import N_, words_for
from kiosk.scenario.esco import Skill
from kiosk.scoring.estimate import BANDS, Band, Bands, EvidenceLine, SkillEstimate, band

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


# -- results in words ---------------------------------------------------------------------------------

BAND_WORDS = {
    Band.STRENGTH: N_("a clear strength"),
    Band.SHOWN: N_("shown"),
    Band.DEVELOP: N_("to develop"),
    Band.UNKNOWN: N_("not enough to say yet"),
}
RANGE_ENDS = (N_("less often"), N_("more often than most visitors"))
EVIDENCE_PER_SKILL = 2

# One concrete thing to do at work for each skill the packs measure (and a general one for the others).
TIPS = {
    "T1.2": N_("Before you cut, order or pack, count or measure twice and write the figure down."),
    "T2.2": N_("At the start of each day, list your tasks and do the most urgent first."),
    "T2.3": N_("When a problem comes up, stop, tell your manager what you see, and suggest one safe solution."),
    "T4.1": N_("When you are given an instruction, say it back in your own words to check you understood."),
    "T4.2": N_("When someone is struggling, ask them what they need before doing it for them."),
    "T4.3": N_("When your task is done, ask your team who needs a hand."),
    "T4.5": N_("Ask a colleague or your tutor to explain the rules of the job and why they exist."),
    "T5.1": N_("Before using a tool, check it works and ask to be shown the right way to hold it."),
    "T6.1": N_("When you arrive somewhere, take ten seconds to look for what could hurt someone, and report "
               "it."),
}
GENERAL_TIP = N_("Ask an experienced colleague to show you how they do it, then try it yourself.")


@dataclass(frozen=True, slots=True)
class SkillWords:
    """A skill on the results screen in words: its plain name, its band, the range's ends, what the visitor
    did (full sentences) and one tip to develop it at work."""

    code: str
    name: str
    band: Band
    band_words: str
    range_ends: tuple[str, str]
    evidence: tuple[str, ...]
    tip: str


def _sentence(text: str, *, capital: bool = True) -> str:
    text = text.strip()
    if capital:
        text = text[:1].upper() + text[1:]
    return text if text[-1:] in ".!?…" else text + "."


def evidence_words(line: EvidenceLine, language: str, *, easy: bool = False) -> str | None:
    """What the visitor did, in a full sentence: never a sign, never a sentence that says something was
    and was not done. An answer that gave no credit names the moment to look back on (its debrief), or
    nothing."""
    _ = words_for(language).gettext
    if line.credit >= line.max_credit:
        return _sentence(line.describe.get(language, easy=easy))
    if line.credit > 0:
        return _("In part: {text}").format(text=_sentence(line.describe.get(language, easy=easy), capital=False))
    if line.moment is not None:
        return _("A moment to look back on: {moment}").format(moment=_sentence(line.moment.get(language, easy=easy)))
    return None


def skill_words(estimates: Sequence[SkillEstimate], skills: Mapping[str, Skill], language: str, *,
                easy: bool = False, bands: Bands = BANDS) -> list[SkillWords]:
    """Each estimate in words, in the order given. No sentence is used for two skills: one answer that
    bears on several skills is told under the first that shows it."""
    _ = words_for(language).gettext
    used: set[str] = set()
    result = []
    for estimate in estimates:
        found = band(estimate, bands)
        credited = sorted(estimate.evidence, key=lambda line: (line.credit == 0, -abs(line.weight), line.key))
        evidence: list[str] = []
        for line in credited:
            sentence = evidence_words(line, language, easy=easy)
            if sentence is not None and sentence not in used and len(evidence) < EVIDENCE_PER_SKILL:
                used.add(sentence)
                evidence.append(sentence)
        result.append(SkillWords(estimate.skill, skill_name(estimate.skill, skills, language), found,
                                 _(BAND_WORDS[found]), (_(RANGE_ENDS[0]), _(RANGE_ENDS[1])), tuple(evidence),
                                 _(TIPS.get(estimate.skill, GENERAL_TIP))))
    return result
