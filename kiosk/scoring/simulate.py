"""A cohort simulator: visitors with known true skills playing the real scenario graphs.

Each simulated visitor walks each scenario from its start, taking branches at random (as a
visitor's path does not depend on the skill in this model), and every item of every step
they reach gets a credit drawn from the measurement model at their true skill level. That
is data *from the model*: it tells whether estimation, intervals, calibration and DIF
detection do what they claim, not whether the model fits real visitors (the report's
statistics on real sessions do that).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from kiosk.scenario.model import EndStep, Scenario
from kiosk.scoring import gpcm
from kiosk.scoring.bank import ItemKey, ItemParams, scenario_items
from kiosk.scoring.posterior import MISSING
from kiosk.scoring.responses import ResponseTable

DEFAULT_GROUPS: dict[str, dict[str, float]] = {
    "language": {"fr": 0.6, "ar": 0.2, "en": 0.1, "uk": 0.1},
    "input": {"touch": 0.7, "buttons": 0.2, "switch": 0.1},
    "device": {"kiosk": 0.8, "headset": 0.2},
}


@dataclass(frozen=True, slots=True)
class PlantedDif:
    """An item made harder (shift > 0, in logits) for one group: what DIF analysis must catch."""

    item: ItemKey
    group: str
    level: str
    shift: float = 1.0


@dataclass(frozen=True)
class CohortSpec:
    people: int = 1000
    seed: int = 0
    skill_correlation: float = 0.3  # transversal skills go together somewhat
    groups: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: DEFAULT_GROUPS)
    dif: PlantedDif | None = None
    max_steps: int = 200  # a walk stops here even if a scenario loops


@dataclass
class Cohort:
    table: ResponseTable
    theta: dict[str, np.ndarray]  # skill -> true level of each visitor


def walk(scenario: Scenario, rng: np.random.Generator, max_steps: int) -> list[str]:
    """Step ids one random path visits, each once, in order."""
    seen: dict[str, None] = {}
    current: str | None = scenario.start
    for _ in range(max_steps):
        if current is None:
            break
        step = scenario.step(current)
        seen.setdefault(step.id, None)
        if isinstance(step, EndStep):
            break
        targets = sorted({target for target, _ in step.successors()})
        current = targets[int(rng.integers(len(targets)))] if targets else None
    return list(seen)


def simulate(scenarios: Mapping[str, tuple[str, Scenario]], truth: Mapping[ItemKey, ItemParams],
             spec: CohortSpec) -> Cohort:
    """`scenarios` maps pack id -> (scenario version, scenario); every visitor plays all of them."""
    rng = np.random.default_rng(spec.seed)
    keys: list[tuple[ItemKey, int]] = []
    for pack_id, (_, scenario) in sorted(scenarios.items()):
        keys.extend(scenario_items(pack_id, scenario))
    items = sorted(dict(keys))
    maxima = dict(keys)
    skills = sorted({k.skill for k in items})
    n = spec.people
    corr = np.full((len(skills), len(skills)), spec.skill_correlation)
    np.fill_diagonal(corr, 1.0)
    levels = rng.multivariate_normal(np.zeros(len(skills)), corr, size=n, method="cholesky")
    theta = {skill: levels[:, i] for i, skill in enumerate(skills)}
    groups = {name: _draw(rng, probs, n) for name, probs in sorted(spec.groups.items())}

    seen = np.zeros((n, len(items)), dtype=bool)
    column_of = {k: i for i, k in enumerate(items)}
    steps_of: dict[tuple[str, str], list[int]] = {}
    for key in items:
        steps_of.setdefault((key.pack, key.step), []).append(column_of[key])
    for pack_id, (_, scenario) in sorted(scenarios.items()):
        for person in range(n):
            for step_id in walk(scenario, rng, spec.max_steps):
                seen[person, steps_of.get((pack_id, step_id), [])] = True

    credits = np.full((n, len(items)), MISSING, dtype=np.int64)
    for column, key in enumerate(items):
        params = truth[key]
        who = np.flatnonzero(seen[:, column])
        level = theta[key.skill][who].copy()
        if spec.dif is not None and spec.dif.item == key:
            level -= spec.dif.shift * (np.asarray(groups[spec.dif.group])[who] == spec.dif.level)
        credits[who, column] = gpcm.sample(rng, params.a, params.b, level)
    table = ResponseTable([f"sim-{spec.seed}-{i:06d}" for i in range(n)], items, [maxima[k] for k in items],
                          credits, groups, {p: v for p, (v, _) in scenarios.items()})
    return Cohort(table, theta)


def perturb(params: Mapping[ItemKey, ItemParams], rng: np.random.Generator, *, slope_sd: float = 0.3,
            shift_sd: float = 0.6, threshold_sd: float = 0.3) -> dict[ItemKey, ItemParams]:
    """"True" parameters scattered around the given ones: items differ in reality."""
    out: dict[ItemKey, ItemParams] = {}
    for key in sorted(params):
        base = params[key]
        a = float(base.a * np.exp(rng.normal(0.0, slope_sd)))
        shift = rng.normal(0.0, shift_sd)
        b = tuple(float(v + shift + rng.normal(0.0, threshold_sd)) for v in base.b)
        out[key] = ItemParams(a, b)
    return out


def _draw(rng: np.random.Generator, probs: Mapping[str, float], n: int) -> list[str]:
    labels = sorted(probs)
    p = np.array([probs[label] for label in labels], dtype=np.float64)
    return [labels[i] for i in rng.choice(len(labels), size=n, p=p / p.sum())]

