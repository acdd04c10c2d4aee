"""Evidence rules: what a step's answer is worth for each observable it can produce.

Every observable a step mentions gets a credit when the player leaves the step — 0 when
the answer does not mention it — so a weak answer is evidence too, and an observable
only counts where the step could have produced it.

Steps that take several answers (multiple choice, hotspots with `multiple: true`) use
*right minus wrong*: each picked option that gives no credit (a distractor) takes one
credit off every observable of the step, never below 0 — so picking everything never
earns full credit. `outcomes` lists every credit pattern a step can give: the scoring
model sizes its items from it, so an item's maximum is what the step can really give.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

from kiosk.scenario.model import ChoiceStep, HotspotStep, OrderingStep, Scenario, Step

#: Above this many options, `answers` of a multiple-answer step would be too many subsets to list.
MAX_ENUMERATED_OPTIONS = 14


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


def takes_several(step: Step) -> bool:
    """True for steps where the visitor may pick several options (right-minus-wrong applies)."""
    return isinstance(step, ChoiceStep | HotspotStep) and step.multiple


def distractors(step: Step) -> tuple[str, ...]:
    """Options of a multiple-answer step that give no credit at all: each pick costs a credit."""
    if not takes_several(step):
        return ()
    return tuple(o.id for o in step.options() if not any(c.credit > 0 for c in o.evidence))


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
    chosen = set(picked)
    penalty = sum(1 for option_id in distractors(step) if option_id in chosen)
    for observable in observables_of(step):
        credit = 0
        if not timed_out:
            credit = sum(c.credit for o in step.options() if o.id in chosen for c in o.evidence
                         if c.observable == observable)
        maximum = _max(scenario, observable)
        result.append(Observation(step.id, observable, max(0, min(credit, maximum) - penalty), maximum, picked))
    return result


def answers(step: Step) -> Iterator[tuple[str, ...]]:
    """Every distinct answer the step accepts, with () for "no answer" (time ran out, nothing picked)."""
    yield ()
    if isinstance(step, OrderingStep):
        correct = tuple(step.correct)
        yield correct
        if len(correct) >= 2:
            yield (correct[1], correct[0], *correct[2:])  # one swap away: "near"
            yield tuple(reversed(correct))  # far from it
        return
    ids = [o.id for o in step.options()]
    if not takes_several(step):
        yield from ((i,) for i in ids)
        return
    if len(ids) > MAX_ENUMERATED_OPTIONS:
        raise ValueError(f"step {step.id} has {len(ids)} options: too many to enumerate its answers")
    for size in range(1, len(ids) + 1):
        yield from combinations(ids, size)


def outcomes(scenario: Scenario, step: Step) -> list[dict[str, int]]:
    """Each distinct credit pattern (observable -> credit) some answer to the step gives."""
    seen: dict[tuple[tuple[str, int], ...], dict[str, int]] = {}
    for answer in answers(step):
        pattern = {o.observable: o.credit for o in observe(scenario, step, answer)}
        seen.setdefault(tuple(sorted(pattern.items())), pattern)
    return list(seen.values())


def _max(scenario: Scenario, observable: str) -> int:
    found = scenario.observables.get(observable)
    return found.max_credit if found is not None else 1
