"""The skills on the phone page, in words: the same words as the kiosk's results screen
(kiosk.scoring.explain.skill_words, docs/scoring.md "Word bands") — plain name, word band, the range
with labelled ends, what the visitor did in full sentences (none repeated across skills) and one tip
to develop it at work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kiosk.scenario.esco import Skill
from kiosk.scoring.estimate import SkillEstimate
from kiosk.scoring.explain import skill_words


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


def skill_cards(estimates: Sequence[SkillEstimate], skills: Mapping[str, Skill], language: str, *,
                easy: bool = False) -> list[SkillCard]:
    """Each estimate as a card, in the order given; an answer that bears on several skills is told once."""
    cards = []
    for estimate, said in zip(estimates, skill_words(estimates, skills, language, easy=easy), strict=True):
        low, high = estimate.percentile_range
        cards.append(SkillCard(said.name, said.band.value, said.band_words, said.range_ends, said.evidence, said.tip,
                               estimate.enough, low, high))
    return cards
