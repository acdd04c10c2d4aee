"""The statements that tell an LRS about one scenario played in a visit (pure).

launched → answered (one per step left, with its credits) → completed (skill estimates with
intervals, keyed by ESCO URI) or, when the visitor walked away, terminated with completion
false: an interrupted scenario is recorded as incomplete, never scored as low.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from kiosk.scenario.esco import Skill
from kiosk.scenario.evidence import Observation
from kiosk.scenario.model import Pack
from kiosk.scoring.estimate import Profile
from kiosk.sync import xapi


def step_groups(observations: Sequence[Observation]) -> list[tuple[str, list[Observation]]]:
    """Observations grouped by the step that produced them, in order (a step seen twice stays twice)."""
    groups: list[tuple[str, list[Observation]]] = []
    for obs in observations:
        if groups and groups[-1][0] == obs.step_id and all(o.observable != obs.observable for o in groups[-1][1]):
            groups[-1][1].append(obs)
        else:
            groups.append((obs.step_id, [obs]))
    return groups


def scenario_statements(visit: xapi.Visit, pack: Pack, observations: Sequence[Observation], profile: Profile | None,
                        skills: Mapping[str, Skill], started: datetime, step_times: Sequence[datetime],
                        ended: datetime, *, finished: bool, level: float = 0.90) -> list[xapi.Statement]:
    activity = xapi.scenario_activity(visit, pack.id, pack.scenario.id, pack.scenario.title.values)
    statements = [xapi.launched(visit, activity, started)]
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
    statements.append(xapi.terminated(visit, activity, ended + timedelta(milliseconds=1), finished=finished))
    return statements
