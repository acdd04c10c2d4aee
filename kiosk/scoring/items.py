"""Items: one per step and skill, scored from the credits the step's answer gave.

A step's answer can credit several observables bearing on the same skill (the kitchen's
breakdown: "suggested a safe way round it" and "told the chef", both T2.3). Read as separate
items they would count one answer twice. So the item is the step × skill: its raw value is
the sum of the step's credits on the observables bearing on the skill, and its ordered
credit is the rank of that sum among the sums some answer to the step can give. Every
credit 0..max is then reachable, and the best answer earns the maximum.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kiosk.scenario.evidence import observables_of, outcomes
from kiosk.scenario.item_bank import ItemKey
from kiosk.scenario.model import Scenario, Step

__all__ = ["ItemKey", "StepItem", "scenario_step_items", "step_items"]


@dataclass(frozen=True, slots=True)
class StepItem:
    key: ItemKey
    observables: tuple[str, ...]  # the step's observables that bear on the skill
    levels: tuple[int, ...]  # the raw sums some answer can give, ascending: credit k is levels[k]

    @property
    def max_credit(self) -> int:
        return len(self.levels) - 1

    def raw(self, credits: Mapping[str, int]) -> int:
        return sum(credits.get(o, 0) for o in self.observables)

    def credit(self, credits: Mapping[str, int]) -> int:
        """The ordered credit of the observables' credits (a sum no answer gives rounds down)."""
        return max(0, bisect.bisect_right(self.levels, self.raw(credits)) - 1)


def step_items(pack_id: str, scenario: Scenario, step: Step) -> list[StepItem]:
    """The step's items, skills in first-mention order; a skill no answer can move is no item."""
    mentioned = [o for o in observables_of(step) if o in scenario.observables]
    if not mentioned:
        return []
    patterns = outcomes(scenario, step)
    skills = dict.fromkeys(s for o in mentioned for s in scenario.observables[o].skills)
    found: list[StepItem] = []
    for skill in skills:
        bearing = tuple(o for o in mentioned if skill in scenario.observables[o].skills)
        levels = tuple(sorted({sum(p.get(o, 0) for o in bearing) for p in patterns}))
        if len(levels) >= 2:
            found.append(StepItem(ItemKey(pack_id, step.id, skill), bearing, levels))
    return found


def scenario_step_items(pack_id: str, scenario: Scenario) -> Iterator[StepItem]:
    for step in scenario.steps:
        yield from step_items(pack_id, scenario, step)
