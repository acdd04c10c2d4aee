"""`kiosk scoring validate`: does the scoring do what it claims, on cohorts whose truth is known —
including cohorts that do *not* follow the scoring model?

For each generating condition (kiosk.scoring.simulate.CONDITIONS):
1. true parameters are scattered around the shipped ones; a calibration cohort is simulated
   and calibrated from the shipped values (the engine never sees the truth);
2. the joint model's settings (ρ, κ) are learnt from the calibration cohort as `kiosk scoring calibrate`
   learns them, and a fresh cohort is scored as the kiosk scores a visitor (kiosk.scoring.joint_scores,
   the show rule of kiosk.scoring.estimate.Policy): recovery r and RMSE of true against
   estimated skill, share of 90 % intervals holding the true value, overall and for extreme
   visitors (|θ| > 1.5), reliability as the engine reports it (marginal) and as it truly is
   (squared correlation of estimate and truth); the same for the estimates the kiosk *shows*
   (policy: enough steps, enough separating steps and a narrow interval); the same cohort scored one
   skill at a time is reported beside, for comparison;
3. DIF: one item is made harder for one language group; over several cohorts, how often the
   screen flags it (power) and how often it flags untouched items (false positives).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kiosk.scenario.model import Scenario
from kiosk.scoring.bank import ItemParams
from kiosk.scoring.calibrate import calibrate
from kiosk.scoring.dif import screen_groups
from kiosk.scoring.estimate import Policy
from kiosk.scoring.items import ItemKey
from kiosk.scoring.joint import step_loadings
from kiosk.scoring.joint_scores import JointScores, Loadings, score_joint
from kiosk.scoring.joint_scores import joint_settings as learn_joint_settings
from kiosk.scoring.posterior import MISSING, Summary
from kiosk.scoring.psychometrics import marginal_reliability, skill_estimates, skill_summary
from kiosk.scoring.responses import ResponseTable
from kiosk.scoring.separation import separating_items
from kiosk.scoring.simulate import CONDITIONS, CohortSpec, PlantedDif, Truth, make_truth, simulate

COVERAGE_TARGET = (0.85, 0.95)  # share of 90 % intervals holding the true skill
EXTREME = 1.5  # |θ| above this: the visitors intervals most often miss
EXTREME_COVERAGE_TARGET = 0.80
RECOVERY_TARGET = 0.8  # correlation of true and shown estimate, every skill
DIF_POWER_TARGET = 0.90
DIF_FALSE_POSITIVE_TARGET = 0.01
GATED = ("shared", "options")  # visitors who choose options / shared credits: what --check holds to targets
DESCRIBE = {"model": "the scoring model, items independent",
            "shared": "one credit per observable, shared by its skills",
            "options": "visitors choose options (nominal model), heavy-tailed skills",
            "guessing": "as options, 25 % of choice answers guessed"}


@dataclass
class SkillFigures:
    skill: str
    items: int
    recovery: float  # r, every visitor with evidence
    shown: float  # share of those visitors whose estimate is shown
    shown_recovery: float  # r over shown estimates
    coverage: float
    reliability_shown: float  # marginal reliability, as the report says it
    reliability_true: float  # r² of estimate and truth


@dataclass
class OneSkillFigures:
    """The same cohort scored one skill at a time on the grid (what the trainer's report and DIF use)."""

    coverage: float
    coverage_extreme: float
    worst_recovery: float
    shown: float
    worst_shown_recovery: float


@dataclass
class ConditionFigures:
    condition: str
    people: int
    skills: list[SkillFigures] = field(default_factory=list)
    recovery: float = float("nan")  # all skills pooled
    rmse: float = float("nan")
    coverage: float = float("nan")
    coverage_extreme: float = float("nan")
    shown_coverage: float = float("nan")
    shown: float = float("nan")
    slope_recovery: float = float("nan")
    dif_item: str = ""
    dif_runs: int = 0
    dif_power: float = float("nan")
    dif_false_positives: float = float("nan")
    correlation: float = float("nan")  # the joint prior's ρ, learnt from the calibration cohort
    inflation: float = float("nan")  # κ, the calibration cohort's split-half check
    one_skill: OneSkillFigures | None = None  # the same fresh cohort scored one skill at a time

    @property
    def worst_shown_recovery(self) -> float:
        values = [s.shown_recovery for s in self.skills if np.isfinite(s.shown_recovery)]
        return min(values, default=float("nan"))

    def meets_targets(self) -> dict[str, bool]:
        low, high = COVERAGE_TARGET
        return {"coverage": low <= self.coverage <= high,
                "extreme coverage": self.coverage_extreme >= EXTREME_COVERAGE_TARGET,
                "recovery of shown skills": self.worst_shown_recovery >= RECOVERY_TARGET,
                "DIF power": self.dif_power >= DIF_POWER_TARGET,
                "DIF false positives": self.dif_false_positives <= DIF_FALSE_POSITIVE_TARGET}


@dataclass
class Validation:
    people: int
    conditions: list[ConditionFigures] = field(default_factory=list)

    def meets_targets(self) -> dict[str, bool]:
        return {f"{c.condition}: {name}": ok for c in self.conditions if c.condition in GATED
                for name, ok in c.meets_targets().items()}


def validate(scenarios: Mapping[str, tuple[str, Scenario]], shipped: Mapping[ItemKey, ItemParams], *,
             people: int = 2000, dif_runs: int = 10, dif_people: int = 1500, seed: int = 2026,
             conditions: Sequence[str] = CONDITIONS, policy: Policy | None = None,
             progress: Callable[[str], None] = lambda _: None) -> Validation:
    policy = policy or Policy()
    result = Validation(people)
    loadings = {k: v for pack_id, (_, scenario) in sorted(scenarios.items())
                for k, v in step_loadings(pack_id, scenario).items()}
    for number, condition in enumerate(conditions):
        rng = np.random.default_rng([seed, number])
        truth = make_truth(scenarios, shipped, rng)
        figures = ConditionFigures(condition, people)
        progress(f"{condition}: calibrating on a simulated cohort")
        calibration = simulate(scenarios, truth, CohortSpec(people, seed=seed + 1, condition=condition))
        fit = calibrate(calibration.table, shipped)
        fitted = fit.params
        if condition == "model":
            keys = sorted(truth.items)
            figures.slope_recovery = _r([truth.items[k].a for k in keys], [fitted[k].a for k in keys])
        settings = learn_joint_settings(calibration.table, fitted, loadings)
        figures.correlation, figures.inflation = settings.correlation, settings.inflation
        progress(f"{condition}: scoring a fresh cohort")
        fresh = simulate(scenarios, truth, CohortSpec(people, seed=seed + 2, condition=condition))
        scores = score_joint(fresh.table.credits, fresh.table.items, [fitted[k] for k in fresh.table.items],
                             loadings, settings, policy.level)
        _skill_figures(figures, fresh.table, fresh.theta, scores.skills, _per_skill(scores), policy)
        figures.one_skill = _one_skill_figures(fresh.table, fresh.theta, fitted, loadings, policy)
        planted = _dif_item(fresh.table.items, fitted)
        _dif_figures(figures, scenarios, truth, fitted, planted, dif_runs, dif_people, seed, progress)
        result.conditions.append(figures)
    return result


def _dif_figures(figures: ConditionFigures, scenarios: Mapping[str, tuple[str, Scenario]], truth: Truth,
                 fitted: Mapping[ItemKey, ItemParams], planted: ItemKey, dif_runs: int, dif_people: int, seed: int,
                 progress: Callable[[str], None]) -> None:
    """Plant DIF against Arabic speakers on one item, `dif_runs` times: how often the screen finds it
    (power) and how often it flags an item with none (false positives)."""
    condition = figures.condition
    figures.dif_item, figures.dif_runs = str(planted), dif_runs
    flagged = false_positives = screened = 0
    for run in range(dif_runs):
        progress(f"{condition}: DIF cohort {run + 1}/{dif_runs}")
        spec = CohortSpec(dif_people, seed=seed + 100 + run, condition=condition,
                          dif=PlantedDif(planted, "language", "ar", 1.0))
        cohort = simulate(scenarios, truth, spec)
        found = screen_groups(cohort.table, skill_estimates(cohort.table, fitted), ["language"])
        ar = [d for d in found if d.focal == "ar"]
        flagged += any(d.key == planted and d.flagged for d in ar)
        # The planted bias moves the visitor's answer to its step, so the step's other items are biased too:
        # only items of other steps can be false positives.
        others = [d for d in ar if (d.key.pack, d.key.step) != (planted.pack, planted.step)]
        false_positives += sum(d.flagged for d in others)
        screened += len(others)
    figures.dif_power = flagged / dif_runs if dif_runs else float("nan")
    figures.dif_false_positives = false_positives / screened if screened else float("nan")


#: Per skill: (rows of the visits with evidence, estimate, SD, low, high, steps, separating steps).
PerSkill = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _per_skill(scores: JointScores) -> list[PerSkill]:
    found = []
    for d in range(len(scores.skills)):
        rows = np.flatnonzero(scores.steps[:, d] > 0)
        found.append((rows, scores.mode[rows, d], scores.sd[rows, d], scores.low[rows, d], scores.high[rows, d],
                      scores.steps[rows, d], scores.separating[rows, d]))
    return found


def _one_skill_per_skill(table: ResponseTable, fitted: Mapping[ItemKey, ItemParams], loadings: Loadings,
                         skills: Sequence[str], level: float) -> list[PerSkill]:
    apart = separating_items(table.items, loadings)
    found = []
    for skill in skills:
        summary, rows, columns = skill_summary(table, fitted, skill, level)
        seen = table.credits[np.ix_(rows, np.asarray(columns, dtype=np.intp))] != MISSING
        separating = seen[:, [table.items[c] in apart for c in columns]].sum(axis=1)
        found.append((rows, summary.mean, summary.sd, summary.low, summary.high, seen.sum(axis=1), separating))
    return found


def _skill_figures(figures: ConditionFigures, table: ResponseTable, theta: Mapping[str, np.ndarray],
                   skills: Sequence[str], per_skill: Sequence[PerSkill], policy: Policy) -> None:
    pooled_true: list[np.ndarray] = []
    pooled_est: list[np.ndarray] = []
    hits = total = extreme_hits = extreme_total = shown_hits = shown_total = 0
    for skill, (rows, mean, sd, low, high, steps, separating) in zip(skills, per_skill, strict=True):
        true = theta[skill][rows]
        shown = _shown(policy, steps, low, high, separating)
        covered = (low <= true) & (true <= high)
        extreme = np.abs(true) > EXTREME
        hits, total = hits + int(covered.sum()), total + rows.size
        extreme_hits, extreme_total = extreme_hits + int(covered[extreme].sum()), extreme_total + int(extreme.sum())
        shown_hits, shown_total = shown_hits + int(covered[shown].sum()), shown_total + int(shown.sum())
        pooled_true.append(true)
        pooled_est.append(mean)
        r = _r(true, mean)
        figures.skills.append(SkillFigures(skill, len(table.columns_of(skill)), r,
                                           float(shown.mean()) if rows.size else 0.0,
                                           _r(true[shown], mean[shown]) if shown.sum() > 2 else float("nan"),
                                           float(covered.mean()), marginal_reliability(Summary(mean, sd, low, high)),
                                           r * r))
    every_true, every_est = np.concatenate(pooled_true), np.concatenate(pooled_est)
    figures.recovery = _r(every_true, every_est)
    figures.rmse = float(np.sqrt(np.mean((every_true - every_est) ** 2)))
    figures.coverage = hits / total if total else float("nan")
    figures.coverage_extreme = extreme_hits / extreme_total if extreme_total else float("nan")
    figures.shown_coverage = shown_hits / shown_total if shown_total else float("nan")
    figures.shown = shown_total / total if total else float("nan")


def _shown(policy: Policy, steps: np.ndarray, low: np.ndarray, high: np.ndarray, separating: np.ndarray) -> np.ndarray:
    return np.array([policy.shows(int(n), float(lo), float(hi), int(k))
                     for n, lo, hi, k in zip(steps, low, high, separating, strict=True)], dtype=bool)


def _one_skill_figures(table: ResponseTable, theta: Mapping[str, np.ndarray], fitted: Mapping[ItemKey, ItemParams],
                       loadings: Loadings, policy: Policy) -> OneSkillFigures:
    comparison = ConditionFigures("one skill", len(table.visits))
    skills = table.skills
    _skill_figures(comparison, table, theta, skills,
                   _one_skill_per_skill(table, fitted, loadings, skills, policy.level), policy)
    return OneSkillFigures(comparison.coverage, comparison.coverage_extreme,
                           min((s.recovery for s in comparison.skills), default=float("nan")), comparison.shown,
                           comparison.worst_shown_recovery)


def _dif_item(items: list[ItemKey], params: Mapping[ItemKey, ItemParams]) -> ItemKey:
    # A mid-difficulty item of the most-measured skill: a typical place for a wording bias.
    skills = sorted({k.skill for k in items}, key=lambda s: (-sum(k.skill == s for k in items), s))
    candidates = sorted((k for k in items if k.skill == skills[0]), key=lambda k: (abs(params[k].difficulty), k))
    return candidates[0]


def _r(x: object, y: object) -> float:
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if a.size <= 2 or np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def _range(values: Sequence[float]) -> str:
    finite = [v for v in values if np.isfinite(v)]
    return f"{min(finite):.2f}–{max(finite):.2f}" if finite else "–"


def render(v: Validation) -> str:
    """One table, one row per generating condition, then the targets `--check` holds the gated rows to."""
    low, high = COVERAGE_TARGET
    lines = [f"scoring validation on simulated cohorts ({v.people} visitors playing every scenario, scored as the "
             f"kiosk scores them: joint model, show rule of kiosk.scoring.estimate.Policy; targets on rows marked *)",
             f"  {'data generated as':<58} {'r (worst)':>11} {'RMSE':>5} {'cover':>6} {'|θ|>1.5':>7} "
             f"{'shown':>6} {'r shown':>8} {'reliab. shown vs true':>22} {'DIF power':>9} {'false+':>7}"]
    for c in v.conditions:
        worst = min((s.recovery for s in c.skills), default=float("nan"))
        mark = "*" if c.condition in GATED else " "
        shown, true = _range([s.reliability_shown for s in c.skills]), _range([s.reliability_true for s in c.skills])
        reliability = f"{shown} vs {true}"
        lines.append(
            f"{mark} {c.condition + ': ' + DESCRIBE.get(c.condition, ''):<58} {c.recovery:>5.2f} ({worst:.2f}) "
            f"{c.rmse:>5.2f} {c.coverage:>6.3f} {c.coverage_extreme:>7.3f} {c.shown:>6.0%} "
            f"{c.worst_shown_recovery:>8.2f} "
            f"{reliability:>22} "
            f"{c.dif_power:>9.0%} {c.dif_false_positives:>7.1%}")
    lines.append("  the joint model's settings learnt from each calibration cohort, and the same fresh cohorts scored "
                 "one skill at a time (the report's estimates; not what the kiosk shows):")
    lines.append(f"  {'condition':<10} {'prior ρ':>7} {'SD × κ':>6} | one skill: {'cover':>6} {'|θ|>1.5':>7} "
                 f"{'r worst':>7} {'shown':>6} {'r shown (worst)':>15}")
    for c in v.conditions:
        if c.one_skill is not None:
            o = c.one_skill
            lines.append(f"  {c.condition:<10} {c.correlation:>7.2f} {c.inflation:>6.2f} | {'':>10} {o.coverage:>6.3f} "
                         f"{o.coverage_extreme:>7.3f} {o.worst_recovery:>7.2f} {o.shown:>6.0%} "
                         f"{o.worst_shown_recovery:>15.2f}")
    for c in v.conditions:
        if c.condition not in GATED:
            continue
        lines.append(f"  per skill ({c.condition}): skill items r shown r-shown coverage reliability shown/true")
        for s in c.skills:
            lines.append(f"    {s.skill:<6} {s.items:>3} {s.recovery:>6.2f} {s.shown:>6.0%} {s.shown_recovery:>7.2f} "
                         f"{s.coverage:>8.3f} {s.reliability_shown:>11.2f}/{s.reliability_true:.2f}")
    for name, ok in v.meets_targets().items():
        lines.append(f"  {'ok ' if ok else 'LOW'} {name}")
    lines.append(f"  targets: coverage {low}–{high}, |θ| > {EXTREME} ≥ {EXTREME_COVERAGE_TARGET}, r ≥ "
                 f"{RECOVERY_TARGET} for every shown skill, DIF power ≥ {DIF_POWER_TARGET:.0%} with ≤ "
                 f"{DIF_FALSE_POSITIVE_TARGET:.0%} false positives")
    return "\n".join(lines)
