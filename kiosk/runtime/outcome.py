"""What the results, offers and hand-off screens show, as plain values.

The runtime does not score, match or sign: the composition root turns the scoring profile,
the ranked offers and the credential hand-off into these values and hands them down.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SkillLine:
    name: str
    enough: bool  # False: "not enough evidence yet", and no range is drawn
    low: float  # percentile range among visitors, 0..100
    high: float
    evidence: str  # one sentence of what the visitor did


@dataclass(frozen=True, slots=True)
class OfferLine:
    title: str
    employer: str
    town: str
    reason: str


@dataclass(frozen=True, slots=True)
class TrainingLine:
    """A training suggested to the visitor, with why in one sentence (kiosk.matching.suggest)."""

    title: str
    provider: str
    town: str
    reason: str
    link: str  # to enrol or ask: https, mailto: or tel:


QrMatrix = tuple[tuple[bool, ...], ...]  # True = dark module, rows top to bottom, no quiet zone


@dataclass(frozen=True, slots=True)
class Outcome:
    skills: tuple[SkillLine, ...] = ()
    offers: tuple[OfferLine, ...] = ()
    qr: QrMatrix | None = None  # None: the visitor did not ask to take their results
    qr_note: str = ""
    trainings: tuple[TrainingLine, ...] = ()  # two or three, nearest to the skills to develop and trades explored
