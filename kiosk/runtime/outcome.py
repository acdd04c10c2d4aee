"""What the results, offers and hand-off screens show, as plain values.

The runtime does not score, match or sign: the composition root turns the scoring profile,
the ranked offers and the credential hand-off into these values and hands them down.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SkillLine:
    """A skill in words (docs/scoring.md, "Word bands"): the words carry it; the range is drawn for those
    who want it."""

    name: str  # the plain name for people
    band: str  # strength | shown | develop | unknown (kiosk.scoring.estimate.Band)
    band_words: str  # "a clear strength", "shown", "to develop", "not enough to say yet", translated
    range_ends: tuple[str, str]  # the labels of the range's two ends ("less often", "more often than ...")
    evidence: tuple[str, ...]  # one or two full sentences of what the visitor did; none repeated across skills
    tip: str  # one concrete way to develop the skill at work
    enough: bool  # False: not enough to say yet, and no range is drawn
    low: float  # percentile range among visitors, 0..100
    high: float


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


class QrCode:
    """A QR code's modules, encoded off the frame thread: segno takes ~0.1 s for a link and up to
    ~1 s for a signed credential here, so the code is started when the results are put together and
    the hand-off page (after the results and offers pages) takes it, waiting only if it is not done."""

    def __init__(self, modules: Future[QrMatrix] | QrMatrix) -> None:
        self._modules = modules

    def ready(self) -> bool:
        return not isinstance(self._modules, Future) or self._modules.done()

    def matrix(self) -> QrMatrix:
        return self._modules.result() if isinstance(self._modules, Future) else self._modules


@dataclass(frozen=True, slots=True)
class Outcome:
    skills: tuple[SkillLine, ...] = ()
    offers: tuple[OfferLine, ...] = ()
    qr: QrCode | None = None  # None: the visitor did not ask to take their results
    qr_note: str = ""
    trainings: tuple[TrainingLine, ...] = ()  # two or three, nearest to the skills to develop and trades explored
