"""Evidence rules: what a step's answer is worth for each observable it can produce.

Every observable a step mentions gets a credit when the player leaves the step — 0 when
the answer does not mention it — so a weak answer is evidence too, and an observable
only counts where the step could have produced it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.scenario.model import OrderingStep, Scenario, Step


@dataclass(frozen=True, slots=True)
class Observation:
    step_id: str
    observable: str
    credit: int
    max_credit: int
    answer: tuple[str, ...]  # the option ids picked, or the order given; () when time ran out


def observables_of(step: Step) -> tuple[str, ...]:
    """The observables `step` can produce, in first-mention order."""
    return tuple(dict.fromkeys(c.observable for c in step.evidence()))


def swap_distance(order: Sequence[str], correct: Sequence[str]) -> int:
    """Kendall tau distance: how many swaps of neighbours turn `order` into `correct`."""
    rank = {item: i for i, item in enumerate(correct)}
    positions = [rank.get(item, len(correct)) for item in order]
    return sum(1 for i in range(len(positions)) for j in range(i + 1, len(positions)) if positions[i] > positions[j])


def observe(scenario: Scenario, step: Step, answer: Sequence[str], *, timed_out: bool = False) -> list[Observation]:
    """Credits the answer earns on each observable of the step (0 for all when time ran out)."""
    picked = tuple(answer)
    result: list[Observation] = []
    if isinstance(step, OrderingStep):
        distance = swap_distance(picked, step.correct)
        for rule in step.rules:
            credit = 0 if timed_out else rule.exact if distance == 0 else rule.near if distance == 1 else 0
            result.append(Observation(step.id, rule.observable, credit, _max(scenario, rule.observable), picked))
        return result
    for observable in observables_of(step):
        credit = 0
        if not timed_out:
            credit = sum(c.credit for o in step.options() if o.id in picked for c in o.evidence
                         if c.observable == observable)
        maximum = _max(scenario, observable)
        result.append(Observation(step.id, observable, min(credit, maximum), maximum, picked))
    return result


def _max(scenario: Scenario, observable: str) -> int:
    found = scenario.observables.get(observable)
    return found.max_credit if found is not None else 1
