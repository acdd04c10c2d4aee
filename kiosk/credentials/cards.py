"""The skills on the phone page, in words: plain name, word band, the range with labelled ends, what the
visitor did in full sentences (none repeated across skills) and one tip to develop it at work.

Provisional: the results' words (kiosk.scoring.explain.skill_words, docs/scoring.md "Word bands") are
built by another branch with the same message ids; once merged, `skill_cards` maps its `SkillWords`
onto `SkillCard` and the tables below go.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kiosk.i18n import N_, words_for
from kiosk.matching.suggest import band_of
from kiosk.scenario.esco import Skill
from kiosk.scoring.estimate import SkillEstimate
from kiosk.scoring.explain import skill_name

BAND_WORDS = {"strength": N_("a clear strength"), "shown": N_("shown"), "develop": N_("to develop"),
              "unknown": N_("not enough to say yet")}
RANGE_ENDS = (N_("less often"), N_("more often than most visitors"))
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
EVIDENCE_PER_SKILL = 2


@dataclass(frozen=True, slots=True)
class SkillCard:
    name: str
    band: str  # strength | shown | develop | unknown
    band_words: str
    range_ends: tuple[str, str]
    evidence: tuple[str, ...]
    tip: str
    enough: bool  # False: no range is drawn
    low: float  # percentile range among visitors, 0..100
    high: float


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text[-1:] in ".!?…" else text + "."


def skill_cards(estimates: Sequence[SkillEstimate], skills: Mapping[str, Skill], language: str, *,
                easy: bool = False) -> list[SkillCard]:
    """Each estimate as a card, in the order given; an answer that bears on several skills is told once."""
    _ = words_for(language).gettext
    used: set[str] = set()
    cards = []
    for estimate in estimates:
        band = band_of(estimate)
        evidence: list[str] = []
        fullest = sorted(estimate.evidence, key=lambda e: (-e.credit / max(1, e.max_credit), e.key.pack, e.key.step))
        for line in fullest:
            sentence = _sentence(line.describe.get(language, easy=easy)) if line.credit >= line.max_credit else ""
            if sentence and sentence not in used and len(evidence) < EVIDENCE_PER_SKILL:
                used.add(sentence)
                evidence.append(sentence)
        low, high = estimate.percentile_range
        cards.append(SkillCard(skill_name(estimate.skill, skills, language), band, _(BAND_WORDS[band]),
                               (_(RANGE_ENDS[0]), _(RANGE_ENDS[1])), tuple(evidence),
                               _(TIPS.get(estimate.skill, GENERAL_TIP)), estimate.enough, low, high))
    return cards
