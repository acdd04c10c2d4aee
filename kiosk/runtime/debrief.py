"""Which key moments of a scenario to replay after it, and in what words.

Only steps the author wrote a `debrief:` for can be replayed. Each answered one is placed by how far
the visitor's first answer was from the best (the share of the credit it could give); the furthest
come first, and when the visitor did one of them as a professional would, that one is always among
the cards, so every debrief also says what went well. Pure: the scenario, the observations and the
words come in; cards go out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.i18n import Words
from kiosk.scenario.evidence import Observation
from kiosk.scenario.model import Debrief, OrderingStep, Scenario

MAX_CARDS = 3


@dataclass(frozen=True, slots=True)
class Moment:
    """A debriefed step the visitor answered: their first answer and the share of the credit it earned."""

    step: str
    answer: tuple[str, ...]  # option ids picked, or the order given; () when time ran out
    share: float  # 0..1; 1 = what a professional would do
    order: int  # the step's place in the scenario (ties keep the story's order)

    @property
    def done_well(self) -> bool:
        return self.share >= 1.0


@dataclass(frozen=True, slots=True)
class DebriefCard:
    moment: str  # the situation, in one line
    did: str  # what the visitor did
    professional: str  # what a professional would do
    why: str  # why: safety, teamwork, the customer
    done_well: bool  # the visitor did what a professional would: the card says why it works


def moments(scenario: Scenario, observations: Sequence[Observation]) -> list[Moment]:
    """The debriefed steps answered in this play, first answer only (a second try measures learning)."""
    credit: dict[str, list[int]] = {}
    answers: dict[str, tuple[str, ...]] = {}
    seen: set[tuple[str, str]] = set()
    for obs in observations:
        if obs.step_id not in scenario.debriefs or (obs.step_id, obs.observable) in seen:
            continue
        seen.add((obs.step_id, obs.observable))
        answers.setdefault(obs.step_id, obs.answer)
        earned = credit.setdefault(obs.step_id, [0, 0])
        earned[0] += obs.credit
        earned[1] += obs.max_credit
    order = {step.id: index for index, step in enumerate(scenario.steps)}
    return [Moment(step, answers[step], earned / possible if possible else 1.0, order.get(step, len(order)))
            for step, (earned, possible) in credit.items()]


def choose(found: Sequence[Moment], limit: int = MAX_CARDS) -> list[Moment]:
    """Furthest from the best answer first; at least one done well when there is one."""
    ranked = sorted(found, key=lambda m: (m.share, m.order))
    chosen = ranked[:limit]
    well = [m for m in ranked if m.done_well]
    if limit > 0 and well and not any(m.done_well for m in chosen):
        chosen = [*chosen[:limit - 1], min(well, key=lambda m: m.order)]
    return chosen


def cards(scenario: Scenario, observations: Sequence[Observation], words: Words, *, easy: bool = False,
          limit: int = MAX_CARDS) -> tuple[DebriefCard, ...]:
    return tuple(_card(scenario, scenario.debriefs[m.step], m, words, easy)
                 for m in choose(moments(scenario, observations), limit))


def _card(scenario: Scenario, debrief: Debrief, moment: Moment, words: Words, easy: bool) -> DebriefCard:
    language = words.language
    return DebriefCard(debrief.moment.get(language, easy=easy), _did(scenario, moment, words, easy),
                       _professional(scenario, debrief, language, easy), debrief.why.get(language, easy=easy),
                       moment.done_well)


def _texts(scenario: Scenario, step_id: str, ids: Sequence[str], language: str, easy: bool) -> list[str]:
    step = scenario.step(step_id)
    options = {o.id: o for o in (step.items if isinstance(step, OrderingStep) else step.options())}
    return [options[i].text.get(language, easy=easy) for i in ids if i in options]


def _did(scenario: Scenario, moment: Moment, words: Words, easy: bool) -> str:
    picked = _texts(scenario, moment.step, moment.answer, words.language, easy)
    if not picked:
        return words.gettext("The time ran out before an answer.")
    if isinstance(scenario.step(moment.step), OrderingStep):
        return " · ".join(f"{index}. {text}" for index, text in enumerate(picked, 1))
    return " · ".join(picked)


def _professional(scenario: Scenario, debrief: Debrief, language: str, easy: bool) -> str:
    if debrief.professional is not None:
        return debrief.professional.get(language, easy=easy)
    best = _texts(scenario, debrief.step, [debrief.best or ""], language, easy)
    return best[0] if best else ""
