"""Cohort simulators: visitors with known true skills playing the real scenario graphs.

Four ways to generate answers (`CONDITIONS`), from the scoring model itself to visitors who
*choose options* under a response model that is not the scoring model:

- `model`: every item (step × skill) drawn from the generalized partial credit model at the
  visitor's level on that skill, independently — the engine's own assumption;
- `shared`: one credit per observable, drawn at the visitor's mean level over the
  observable's skills and shared by all of them (as the store's export really is);
- `options`: at each step the visitor picks an answer by a multidimensional nominal model
  over the step's options (utility Σₖ αₖ θₖ xₒₖ + cₒ, xₒₖ the option's credit share on skill k,
  a random appeal cₒ per option), follows the branch it leads to, and the scenario's own
  credit table turns the answer into credits; skills come from a correlated, heavy-tailed
  (multivariate t, 5 df) population;
- `guessing`: as `options`, but a quarter of the answers to choice steps are picked at random.

Paths follow the answers (or random branches under `model` and `shared`), so which steps a
visitor sees can depend on the skill, as in the kiosk.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kiosk.scenario.evidence import answers, observe, takes_several
from kiosk.scenario.model import ChoiceStep, EndStep, OrderingStep, Scenario, Step
from kiosk.scoring import gpcm
from kiosk.scoring.bank import ItemParams
from kiosk.scoring.items import ItemKey, StepItem, step_items
from kiosk.scoring.posterior import MISSING
from kiosk.scoring.responses import ObservationRow, ResponseTable

DEFAULT_GROUPS: dict[str, dict[str, float]] = {
    "language": {"fr": 0.6, "ar": 0.2, "en": 0.1, "uk": 0.1},
    "input": {"touch": 0.7, "buttons": 0.2, "switch": 0.1},
    "device": {"kiosk": 0.8, "headset": 0.2},
}
CONDITIONS = ("model", "shared", "options", "guessing")
HEAVY_TAIL_DF = 5.0  # the `options` population: multivariate t, as many extreme visitors as real life has
GUESS_RATE = 0.25  # the `guessing` condition: share of choice answers picked at random
TIMEOUT_RATE = 0.03  # timed choices left unanswered


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
    condition: str = "options"
    skill_correlation: float = 0.3  # transversal skills go together somewhat
    groups: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: DEFAULT_GROUPS)
    dif: PlantedDif | None = None
    max_steps: int = 200  # a walk stops here even if a scenario loops
    record: bool = False  # keep every observation (for the CSV `kiosk scoring simulate` writes)


@dataclass(frozen=True)
class Truth:
    """The generating parameters: items (`model`), observables (`shared`), option choices (others)."""

    items: Mapping[ItemKey, ItemParams]
    observables: Mapping[tuple[str, str, str], ItemParams]  # (pack, step, observable)
    slopes: Mapping[ItemKey, float]  # αₖ of the nominal model, per step × skill
    appeal: Mapping[tuple[str, str], tuple[float, ...]]  # cₒ per answer of (pack, step), in `answers` order


@dataclass
class Cohort:
    table: ResponseTable
    theta: dict[str, np.ndarray]  # skill -> true level of each visitor
    observations: list[ObservationRow] = field(default_factory=list)


@dataclass(frozen=True)
class _Answer:
    answer: tuple[str, ...]
    credits: dict[str, int]  # observable -> credit
    shares: dict[str, float]  # skill -> item credit / item max
    item_credits: tuple[int, ...]  # per item of the step
    next: str | None


@dataclass(frozen=True)
class _Step:
    step: Step
    items: list[StepItem]
    answers: list[_Answer]  # index 0: no answer (time ran out / nothing picked)
    timed: bool


def prepare(pack_id: str, scenario: Scenario) -> dict[str, _Step]:
    """Every step's items and answers, computed once per cohort."""
    prepared: dict[str, _Step] = {}
    for step in scenario.steps:
        items = step_items(pack_id, scenario, step)
        found: list[_Answer] = []
        for answer in answers(step):
            credits = {o.observable: o.credit for o in observe(scenario, step, answer, timed_out=not answer)}
            item_credits = tuple(i.credit(credits) for i in items)
            shares = {i.key.skill: c / i.max_credit for i, c in zip(items, item_credits, strict=True)}
            found.append(_Answer(answer, credits, shares, item_credits, _next(step, answer)))
        timed = isinstance(step, ChoiceStep) and step.seconds is not None
        prepared[step.id] = _Step(step, items, found, timed)
    return prepared


def _next(step: Step, answer: tuple[str, ...]) -> str | None:
    if isinstance(step, ChoiceStep) and not answer and step.timeout_next is not None:
        return step.timeout_next
    if len(answer) == 1 and not isinstance(step, OrderingStep):
        option = next((o for o in step.options() if o.id == answer[0]), None)
        if option is not None and option.next is not None:
            return option.next
    return step.default_next()


def make_truth(scenarios: Mapping[str, tuple[str, Scenario]], shipped: Mapping[ItemKey, ItemParams],
               rng: np.random.Generator) -> Truth:
    """"True" parameters scattered around the shipped ones: items and options differ in reality."""
    items = perturb(shipped, rng)
    observables: dict[tuple[str, str, str], ItemParams] = {}
    slopes: dict[ItemKey, float] = {}
    appeal: dict[tuple[str, str], tuple[float, ...]] = {}
    for pack_id, (_, scenario) in sorted(scenarios.items()):
        for step_id, prepared in sorted(prepare(pack_id, scenario).items()):
            for observable in sorted({o for a in prepared.answers for o in a.credits}):
                top = scenario.observables[observable].max_credit if observable in scenario.observables else 1
                base = ItemParams(1.0, tuple(np.linspace(-1.0, 1.0, top)) if top > 1 else (0.0,))
                observables[(pack_id, step_id, observable)] = perturb({ItemKey(pack_id, step_id, observable): base},
                                                                      rng)[ItemKey(pack_id, step_id, observable)]
            for item in prepared.items:
                slopes[item.key] = float(2.2 * np.exp(rng.normal(0.0, 0.3)))
            appeal[(pack_id, step_id)] = tuple(float(v) for v in rng.normal(0.0, 0.7, len(prepared.answers)))
    return Truth(items, observables, slopes, appeal)


def population(rng: np.random.Generator, people: int, skills: int, correlation: float,
               heavy_tail_df: float | None) -> np.ndarray:
    """True levels (people, skills), unit variance; multivariate t when `heavy_tail_df` is given."""
    corr = np.full((skills, skills), correlation)
    np.fill_diagonal(corr, 1.0)
    levels = rng.multivariate_normal(np.zeros(skills), corr, size=people, method="cholesky")
    if heavy_tail_df is not None:
        df = heavy_tail_df
        levels *= np.sqrt((df - 2.0) / rng.chisquare(df, size=people))[:, None]
    result: np.ndarray = levels
    return result


def simulate(scenarios: Mapping[str, tuple[str, Scenario]], truth: Truth, spec: CohortSpec) -> Cohort:
    """`scenarios` maps pack id -> (scenario version, scenario); every visitor plays all of them.

    Visitors move through a scenario together, step by step (vectorised over the visitors at
    each step), so a cohort of 10,000 takes seconds."""
    if spec.condition not in CONDITIONS:
        raise ValueError(f"unknown condition {spec.condition!r}")
    rng = np.random.default_rng(spec.seed)
    prepared = {pack_id: prepare(pack_id, scenario) for pack_id, (_, scenario) in sorted(scenarios.items())}
    columns, column_of, skill_of = _columns(prepared)
    n = spec.people
    levels = population(rng, n, len(skill_of), spec.skill_correlation,
                        HEAVY_TAIL_DF if spec.condition == "options" else None)
    groups = {name: _draw(rng, probs, n) for name, probs in sorted(spec.groups.items())}
    focal = (np.asarray(groups[spec.dif.group]) == spec.dif.level) if spec.dif is not None else np.zeros(n, bool)
    credits = np.full((n, len(columns)), MISSING, dtype=np.int64)
    observations: list[ObservationRow] = []
    walk = _Walk(rng, spec, truth, levels, skill_of, column_of, focal, credits, observations)
    for pack_id, steps in prepared.items():
        walk.scenario(pack_id, steps, scenarios[pack_id][1])
    observations.sort(key=lambda row: row.visit)  # visit by visit, as the store exports them
    theta_by_skill = {s: levels[:, i] for s, i in skill_of.items()}
    table = ResponseTable([f"sim-{spec.seed}-{i:06d}" for i in range(n)], [i.key for i in columns],
                          [i.max_credit for i in columns], credits, groups,
                          {p: v for p, (v, _) in scenarios.items()})
    return Cohort(table, theta_by_skill, observations)


def _columns(prepared: Mapping[str, Mapping[str, _Step]]
             ) -> tuple[list[StepItem], dict[ItemKey, int], dict[str, int]]:
    """The items in key order, each item's column, each skill's column of the levels."""
    columns = sorted((i for steps in prepared.values() for s in steps.values() for i in s.items), key=lambda i: i.key)
    column_of = {i.key: n for n, i in enumerate(columns)}
    skills = sorted({i.key.skill for i in columns})
    return columns, column_of, {s: n for n, s in enumerate(skills)}


@dataclass
class _Walk:
    """The cohort walking through scenarios: where each visitor is, what they answer, the credits
    it gives. Random draws happen in a fixed order (scenario, position, answer), so a seed repeats."""

    rng: np.random.Generator
    spec: CohortSpec
    truth: Truth
    levels: np.ndarray
    skill_of: Mapping[str, int]
    column_of: Mapping[ItemKey, int]
    focal: np.ndarray
    credits: np.ndarray
    observations: list[ObservationRow]

    def scenario(self, pack_id: str, steps: Mapping[str, _Step], scenario: Scenario) -> None:
        n = self.levels.shape[0]
        order = list(steps)
        index_of = {step_id: i for i, step_id in enumerate(order)}
        current = np.full(n, index_of[scenario.start])
        active = np.ones(n, dtype=bool)
        visited = np.zeros((n, len(order)), dtype=bool)
        for _ in range(self.spec.max_steps):
            if not active.any():
                break
            for position in np.unique(current[active]):
                who = np.flatnonzero(active & (current == position))
                again = visited[who, position]
                active[who[again]] = False  # a loop back: the walk ends, as the first answer counts anyway
                who = who[~again]
                visited[who, position] = True
                self._step(pack_id, scenario, steps[order[position]], who, current, active, index_of)

    def _step(self, pack_id: str, scenario: Scenario, here: _Step, who: np.ndarray, current: np.ndarray,
              active: np.ndarray, index_of: Mapping[str, int]) -> None:
        """The visitors `who` at one step: they answer it and move on."""
        if isinstance(here.step, EndStep) or who.size == 0:
            active[who] = False
            return
        if len(here.answers) < 2:  # video, dialogue: nothing to answer
            _move(current, active, who, here.step.default_next(), index_of)
            return
        shift = _dif_shift(self.spec.dif, pack_id, here.step.id, self.focal[who])
        picked = _pick(self.rng, self.spec.condition, here, self.truth, pack_id, self.levels[who], self.skill_of,
                       shift)
        for answer_index in np.unique(picked):
            chose = picked == answer_index
            group = who[chose]
            chosen = here.answers[answer_index]
            self._credit(pack_id, scenario, here, chosen, group, {k: v[chose] for k, v in shift.items()})
            _move(current, active, group, chosen.next, index_of)

    def _credit(self, pack_id: str, scenario: Scenario, here: _Step, chosen: _Answer, group: np.ndarray,
                shift: Mapping[str, np.ndarray]) -> None:
        per_item, per_observable = _credits(self.rng, self.spec, scenario, self.truth, pack_id, here, chosen,
                                            self.levels[group], self.skill_of, shift)
        for item, values in zip(here.items, per_item, strict=True):
            self.credits[group, self.column_of[item.key]] = values
        if self.spec.record:
            self.observations.extend(
                ObservationRow(int(person), pack_id, here.step.id, o, int(values[i]), _top(scenario, o))
                for i, person in enumerate(group) for o, values in per_observable.items())


def _move(current: np.ndarray, active: np.ndarray, who: np.ndarray, target: str | None,
          index_of: Mapping[str, int]) -> None:
    if target is None or target not in index_of:
        active[who] = False
    else:
        current[who] = index_of[target]


def _top(scenario: Scenario, observable: str) -> int:
    found = scenario.observables.get(observable)
    return found.max_credit if found is not None else 1


def _dif_shift(dif: PlantedDif | None, pack_id: str, step_id: str, focal: np.ndarray) -> dict[str, np.ndarray]:
    """skill -> how much lower each visitor at the step answers as (the planted item only)."""
    if dif is None or dif.item.pack != pack_id or dif.item.step != step_id:
        return {}
    return {dif.item.skill: dif.shift * focal.astype(np.float64)}


def _pick(rng: np.random.Generator, condition: str, here: _Step, truth: Truth, pack_id: str, theta: np.ndarray,
          skill_of: Mapping[str, int], shift: Mapping[str, np.ndarray]) -> np.ndarray:
    """Index of the answer each visitor gives (0: none — a timed choice left to run out, nothing picked)."""
    people, count = theta.shape[0], len(here.answers)
    step = here.step
    single = not takes_several(step)
    picked: np.ndarray
    if condition in ("model", "shared"):
        picked = 1 + np.asarray(rng.integers(count - 1, size=people))  # a random branch: credits drawn apart
    else:
        appeal = np.asarray(truth.appeal[(pack_id, step.id)])
        utilities: np.ndarray = np.tile(appeal, (people, 1))
        for item in here.items:
            skill = item.key.skill
            level = theta[:, skill_of[skill]] - shift.get(skill, 0.0)
            share = np.array([a.shares.get(skill, 0.0) for a in here.answers])
            utilities += truth.slopes[item.key] * level[:, None] * share[None, :]
        if single:
            utilities[:, 0] = -np.inf  # an answer is always given (timeouts are drawn below)
        utilities -= utilities.max(axis=1, keepdims=True)
        weights = np.exp(utilities)
        cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        draws: np.ndarray = np.asarray(rng.random(people))
        picked = np.minimum((draws[:, None] > cumulative).sum(axis=1), count - 1)
        if condition == "guessing" and single and not isinstance(step, OrderingStep):
            guessed: np.ndarray = np.asarray(rng.random(people)) < GUESS_RATE
            picked[guessed] = 1 + rng.integers(count - 1, size=int(guessed.sum()))
    if here.timed:
        picked[np.asarray(rng.random(people)) < TIMEOUT_RATE] = 0
    result: np.ndarray = picked
    return result


def _credits(rng: np.random.Generator, spec: CohortSpec, scenario: Scenario, truth: Truth, pack_id: str,
             here: _Step, chosen: _Answer, theta: np.ndarray, skill_of: Mapping[str, int],
             shift: Mapping[str, np.ndarray]) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
    """(credit per item, credit per observable) for visitors who gave `chosen`, by the condition's rule."""
    people = theta.shape[0]
    if spec.condition == "model":
        per_item = []
        for item in here.items:
            level = theta[:, skill_of[item.key.skill]] - shift.get(item.key.skill, 0.0)
            params = truth.items[item.key]
            per_item.append(gpcm.sample(rng, params.a, params.b, level))
        return per_item, {}  # no observable credits: the model's items are not built from observables
    if spec.condition == "shared":
        drawn: dict[str, np.ndarray] = {}
        for observable in chosen.credits:
            skills_of = [s for s in scenario.observables[observable].skills if s in skill_of]
            level = sum((theta[:, skill_of[s]] - shift.get(s, 0.0) for s in skills_of), np.zeros(people))
            # the sum of k skills correlated ρ has variance k(1 + (k − 1)ρ): back to unit variance
            level = level / math.sqrt(len(skills_of) * (1 + (len(skills_of) - 1) * spec.skill_correlation))
            params = truth.observables[(pack_id, here.step.id, observable)]
            drawn[observable] = gpcm.sample(rng, params.a, params.b, level)
        per_item = []
        for item in here.items:
            raw = sum((drawn[o] for o in item.observables if o in drawn), np.zeros(people, dtype=np.int64))
            per_item.append(np.maximum(np.searchsorted(np.asarray(item.levels), raw, side="right") - 1, 0))
        return per_item, drawn
    return ([np.full(people, c, dtype=np.int64) for c in chosen.item_credits],
            {o: np.full(people, c, dtype=np.int64) for o, c in chosen.credits.items()})


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


def skills_of_observables(scenarios: Mapping[str, tuple[str, Scenario]]) -> dict[tuple[str, str], Sequence[str]]:
    return {(pack_id, o.id): o.skills for pack_id, (_, s) in scenarios.items() for o in s.observables.values()}


def _draw(rng: np.random.Generator, probs: Mapping[str, float], n: int) -> list[str]:
    labels = sorted(probs)
    p = np.array([probs[label] for label in labels], dtype=np.float64)
    return [labels[i] for i in rng.choice(len(labels), size=n, p=p / p.sum())]
