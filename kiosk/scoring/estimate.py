"""A visit's skill profile: one estimate per ESCO skill from every scenario played, all the visit's
skills estimated together by the joint model (kiosk.scoring.joint_scores).

The observations a step produced (kiosk.scenario.evidence) become one response per skill
the step bears on (kiosk.scoring.items): one answer counts once for each skill. Responses
are put in a canonical order before anything is
summed, so the order answers were given never changes a bit of the result; an item seen
twice (a loop back to a step) counts once, with the first answer, because a second try after
feedback measures learning, not the skill.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from kiosk.scenario.evidence import Observation
from kiosk.scenario.item_bank import JointSettings
from kiosk.scenario.model import Scenario, Text
from kiosk.scoring.bank import ItemBank, ItemParams, provisional_params
from kiosk.scoring.gpcm import expected_credit
from kiosk.scoring.items import ItemKey, step_items
from kiosk.scoring.joint import step_loadings
from kiosk.scoring.joint_scores import JointScores, combined_settings, score_joint
from kiosk.scoring.posterior import percentile

SCORING_FORMAT = "nova-scoring/2"  # /2: the joint model over every skill of the visit (/1 one skill at a time)
JOINT_STAMP = "joint-"  # estimate stamps: joint-gpcm:pack@version#pN
TYPICAL = np.zeros(1)  # θ of a typical visitor: what "better than expected" is measured against


@dataclass(frozen=True, slots=True)
class Policy:
    """When an estimate is worth showing. Too little evidence is said so — never shown as low."""

    min_steps: int = 3  # independent observations: distinct steps bearing on the skill
    min_separating: int = 3  # of them, steps whose answers tell the skill apart from the step's other skills
    # (kiosk.scoring.separation): below that the evidence says something about a blend of skills, not this one
    max_width: float = 60.0  # widest range shown, in "visitors out of 100" (about a posterior SD of 0.5 for a
    # typical visitor; narrower in logits for one far from typical, whose range is bounded by 0 or 100 anyway)
    level: float = 0.90  # credible interval shown

    def shows(self, steps: int, low: float, high: float, separating: int) -> bool:
        """Whether an estimate with this many steps (`separating` of them separating the skill) and this
        interval (logits) is shown as a range."""
        return (steps >= self.min_steps and separating >= self.min_separating
                and percentile(high) - percentile(low) <= self.max_width)


@dataclass(frozen=True, slots=True)
class Played:
    """One scenario of a visit: its observations in the order they were made."""

    pack: str
    scenario: Scenario
    bank: ItemBank | None  # None: the pack ships no parameters yet (provisional values are used)
    observations: tuple[Observation, ...]


@dataclass(frozen=True, slots=True)
class Response:
    key: ItemKey
    credit: int
    max_credit: int
    params: ItemParams
    describe: Text  # the plain-language sentence of the step's observable that showed most on the skill
    stamp: str  # which parameter set `params` came from
    moment: Text | None = None  # the step's situation in one line, where the author wrote a debrief


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    """One piece of the trace shown beside an estimate."""

    key: ItemKey
    credit: int
    max_credit: int
    direction: int  # +1 more than a typical visitor would show, -1 less, 0 about the same
    weight: float  # how much this answer moved the estimate, relative to a typical visitor
    describe: Text
    moment: Text | None = None  # the step's situation in one line (its debrief), if written


@dataclass(frozen=True, slots=True)
class SkillEstimate:
    skill: str
    enough: bool  # False: "not enough evidence yet" — the numbers below must not be shown as a level
    theta: float  # posterior mode (joint model), logits of the visitor population (0 = typical)
    sd: float  # posterior SD, widened by the calibration's split-half check
    low: float  # credible interval at `level`
    high: float
    level: float
    steps: int  # independent observations
    responses: int
    evidence: tuple[EvidenceLine, ...]  # strongest first
    stamps: tuple[str, ...]  # the parameter sets used (model, pack, scenario version, version)

    @property
    def percentile(self) -> float:
        return percentile(self.theta)

    @property
    def percentile_range(self) -> tuple[float, float]:
        return percentile(self.low), percentile(self.high)


@dataclass(frozen=True, slots=True)
class Profile:
    estimates: tuple[SkillEstimate, ...]  # one per skill with any evidence, by skill code
    format: str = SCORING_FORMAT

    def get(self, skill: str) -> SkillEstimate | None:
        return next((e for e in self.estimates if e.skill == skill), None)


def responses_of(played: Sequence[Played]) -> list[Response]:
    """The visit's responses in canonical (item key) order, first answer per step."""
    first: dict[ItemKey, Response] = {}
    for scenario_played in played:
        scenario = scenario_played.scenario
        answered: dict[str, dict[str, int]] = {}  # step -> observable -> credit, first visit of the step
        for obs in scenario_played.observations:
            answered.setdefault(obs.step_id, {}).setdefault(obs.observable, obs.credit)
        for step_id, credits in answered.items():
            if step_id not in scenario.step_ids():
                continue
            for item in step_items(scenario_played.pack, scenario, scenario.step(step_id)):
                if item.key in first:
                    continue
                params, stamp = _params(scenario_played.bank, item.key, item.max_credit)
                shown = max(item.observables, key=lambda o: (credits.get(o, 0), -item.observables.index(o)))
                debrief = scenario.debriefs.get(step_id)
                first[item.key] = Response(item.key, item.credit(credits), item.max_credit, params,
                                           scenario.observables[shown].describe, stamp,
                                           debrief.moment if debrief is not None else None)
    return [first[key] for key in sorted(first)]


def score_visit(played: Sequence[Played], policy: Policy = Policy()) -> Profile:
    """Every skill the visit produced evidence for, with its interval and its trace.

    All the visit's skills are estimated together by the joint model (kiosk.scoring.joint_scores), with the
    prior correlation and interval widening its banks' calibration wrote."""
    responses = responses_of(played)
    if not responses:
        return Profile(())
    loadings: dict[ItemKey, dict[str, float]] = {}
    for scenario_played in played:
        loadings.update(_loadings_of(scenario_played.pack, scenario_played.scenario))
    settings = combined_settings([p.bank.joint if p.bank is not None else JointSettings() for p in played])
    keys = [r.key for r in responses]
    credits = np.array([[r.credit for r in responses]], dtype=np.int64)
    scores = score_joint(credits, keys, [r.params for r in responses], loadings, settings, policy.level)
    by_skill: dict[str, list[Response]] = {}
    for response in responses:
        by_skill.setdefault(response.key.skill, []).append(response)
    return Profile(tuple(_estimate(skill, by_skill[skill], scores, scores.skills.index(skill), policy)
                         for skill in scores.skills))


#: A pack's loadings only change with its scenario, and working them out tries every answer of every step
#: (two thirds of scoring a five-scenario visit): kept per loaded scenario object, a few packs' worth.
_LOADINGS: dict[tuple[str, int], tuple[Scenario, dict[ItemKey, dict[str, float]]]] = {}
_LOADINGS_KEPT = 32


def _loadings_of(pack: str, scenario: Scenario) -> dict[ItemKey, dict[str, float]]:
    found = _LOADINGS.get((pack, id(scenario)))
    if found is not None and found[0] is scenario:  # the same object, not another that reused its id
        return found[1]
    if len(_LOADINGS) >= _LOADINGS_KEPT:
        _LOADINGS.pop(next(iter(_LOADINGS)))
    loadings = step_loadings(pack, scenario)
    _LOADINGS[(pack, id(scenario))] = (scenario, loadings)
    return loadings


def _estimate(skill: str, responses: Sequence[Response], scores: JointScores, column: int,
              policy: Policy) -> SkillEstimate:
    low, high = float(scores.low[0, column]), float(scores.high[0, column])
    steps, separating = int(scores.steps[0, column]), int(scores.separating[0, column])
    enough = policy.shows(steps, low, high, separating)
    lines = sorted((_line(r) for r in responses), key=lambda line: (-abs(line.weight), line.key))
    used = tuple(sorted({r.stamp for r in responses}))
    return SkillEstimate(skill, enough, float(scores.mode[0, column]), float(scores.sd[0, column]), low, high,
                         policy.level, steps, len(responses), tuple(lines), used)


def _line(response: Response) -> EvidenceLine:
    expected = float(expected_credit(response.params.a, response.params.b, TYPICAL)[0])
    weight = response.params.a * (response.credit - expected)
    direction = 1 if weight > 0.25 else -1 if weight < -0.25 else 0
    return EvidenceLine(response.key, response.credit, response.max_credit, direction, round(weight, 6),
                        response.describe, response.moment)


def _params(bank: ItemBank | None, key: ItemKey, max_credit: int) -> tuple[ItemParams, str]:
    # `kiosk lint` reports banks that lack an item or disagree with its maximum credit; the
    # kiosk still scores with the provisional values, and the stamp says so.
    # The stamp names the procedure too: an estimate from the joint model is not the one-skill estimate
    # the same parameters gave before (nova-scoring/1), so a stored result says which it is.
    found = bank.items.get(key) if bank is not None else None
    if bank is None or found is None or len(found.b) != max_credit:
        return provisional_params(max_credit), f"{JOINT_STAMP}gpcm:{key.pack}#provisional"
    return found, JOINT_STAMP + bank.stamp


class Band(StrEnum):
    """The words a skill is shown with (docs/scoring.md, "Word bands"), read from the posterior."""

    STRENGTH = "strength"  # a clear strength
    SHOWN = "shown"
    DEVELOP = "develop"  # to develop
    UNKNOWN = "unknown"  # not enough to say yet: never shown as weak


@dataclass(frozen=True, slots=True)
class Bands:
    """Where the words change. "A clear strength" needs the whole credible interval above the typical
    visitor (θ = 0) *and* answers above expectation in at least `strength_steps` different steps, so no
    single answer ever makes one; "to develop" needs an estimate (posterior mode) below typical. Only estimates the
    Policy shows as a range get a level word at all."""

    strength_low: float = 0.0  # the interval's low end must be above this (logits)
    strength_steps: int = 2
    develop_below: float = 0.0  # estimate (posterior mode) under this (logits): to develop


BANDS = Bands()


def band(estimate: SkillEstimate, bands: Bands = BANDS) -> Band:
    if not estimate.enough:
        return Band.UNKNOWN
    above = len({(line.key.pack, line.key.step) for line in estimate.evidence if line.direction > 0})
    if estimate.low > bands.strength_low and above >= bands.strength_steps:
        return Band.STRENGTH
    if estimate.theta < bands.develop_below:
        return Band.DEVELOP
    return Band.SHOWN
