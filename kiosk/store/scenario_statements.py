"""The statements that tell an LRS about one scenario played in a visit (pure).

launched → initialized → answered (one per step left, with its credits) → completed (skill
estimates with intervals, keyed by ESCO URI) and terminated; or, when the visitor walked away,
progressed (how far they got) and terminated with completion false: an interrupted scenario is
recorded as incomplete, never scored as low.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from kiosk.scenario.esco import Skill
from kiosk.scenario.evidence import Observation
from kiosk.scenario.model import EndStep, OrderingStep, Pack, Scenario, Step
from kiosk.scoring.estimate import Profile
from kiosk.store import xapi


def step_groups(observations: Sequence[Observation]) -> list[tuple[str, list[Observation]]]:
    """Observations grouped by the step that produced them, in order (a step seen twice stays twice)."""
    groups: list[tuple[str, list[Observation]]] = []
    for obs in observations:
        if groups and groups[-1][0] == obs.step_id and all(o.observable != obs.observable for o in groups[-1][1]):
            groups[-1][1].append(obs)
        else:
            groups.append((obs.step_id, [obs]))
    return groups


def _asks(step: Step) -> bool:
    """A step that takes an answer (and so makes observations)."""
    return bool(step.options()) or isinstance(step, OrderingStep)


def answers_to_end(scenario: Scenario, after: str) -> int:
    """The fewest answers still needed to reach an end once `after` is left (0 if no end is reachable)."""
    queue = [(0, target) for target, _ in scenario.step(after).successors()]
    heapq.heapify(queue)
    seen: set[str] = set()
    while queue:
        cost, step_id = heapq.heappop(queue)
        if step_id in seen:
            continue
        seen.add(step_id)
        step = scenario.step(step_id)
        if isinstance(step, EndStep):
            return cost
        for target, _ in step.successors():
            heapq.heappush(queue, (cost + int(_asks(step)), target))
    return 0


def progress_share(scenario: Scenario, observations: Sequence[Observation]) -> float:
    """How far an interrupted scenario got: steps answered ÷ (those + the fewest still needed to end)."""
    answered = [step for step, _ in step_groups(observations)]
    if not answered:
        return 0.0
    done = len(dict.fromkeys(answered))
    return done / (done + answers_to_end(scenario, answered[-1]))


def scenario_statements(visit: xapi.Visit, pack: Pack, observations: Sequence[Observation], profile: Profile | None,
                        skills: Mapping[str, Skill], started: datetime, step_times: Sequence[datetime],
                        ended: datetime, *, finished: bool, level: float = 0.90) -> list[xapi.Statement]:
    activity = xapi.scenario_activity(visit, pack.id, pack.scenario.id, pack.scenario.title.values)
    statements = [xapi.launched(visit, activity, started),
                  xapi.initialized(visit, activity, started + timedelta(milliseconds=1))]
    for index, (step, group) in enumerate(step_groups(observations)):
        at = step_times[index] if index < len(step_times) else ended
        statements.append(xapi.answered(visit, activity, step, list(group[0].answer),
                                        {o.observable: o.credit for o in group},
                                        {o.observable: o.max_credit for o in group}, at, index))
    if finished and profile is not None:
        estimates = {skills[e.skill].uri: xapi.estimate_extension(e.theta, e.sd, e.low, e.high, level, e.enough,
                                                                  e.steps, e.stamps)
                     for e in profile.estimates if e.skill in skills}
        statements.append(xapi.completed(visit, activity, ended, estimates, (ended - started).total_seconds()))
    else:
        statements.append(xapi.progressed(visit, activity, ended, progress_share(pack.scenario, observations),
                                          len(step_groups(observations))))
    statements.append(xapi.terminated(visit, activity, ended + timedelta(milliseconds=1), finished=finished))
    return statements
