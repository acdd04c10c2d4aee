"""`kiosk scoring validate`: does the scoring do what it claims, on cohorts whose truth is known?

1. Item parameters: true values scattered around the shipped ones; a calibration cohort is
   simulated and calibrated from the shipped values; recovery = correlation true vs fitted.
2. Skills: a fresh cohort is scored with the fitted parameters; recovery = correlation of
   true and estimated skill, coverage = share of 90% intervals holding the true value,
   marginal reliability per skill.
3. DIF: one item is made harder for one language group; over many cohorts, how often the
   screen flags it (power) and how often it flags untouched items (false alarms).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from kiosk.scenario.model import Scenario
from kiosk.scoring.bank import ItemKey, ItemParams
from kiosk.scoring.calibrate import calibrate
from kiosk.scoring.dif import screen_groups
from kiosk.scoring.psychometrics import marginal_reliability, skill_estimates, skill_summary
from kiosk.scoring.simulate import CohortSpec, PlantedDif, perturb, simulate

RECOVERY_TARGET = 0.8  # correlation of true and estimated skill
COVERAGE_TARGET = (0.85, 0.95)  # share of 90% intervals holding the true skill
RELIABILITY_TARGET = 0.7  # marginal reliability of every skill over the full scenario set
DIF_POWER_TARGET = 0.95  # share of cohorts where the planted biased item is flagged


@dataclass
class SkillFigures:
    skill: str
    items: int
    recovery: float
    coverage: float
    reliability: float


@dataclass
class Validation:
    people: int
    slope_recovery: float = float("nan")
    difficulty_recovery: float = float("nan")
    skills: list[SkillFigures] = field(default_factory=list)
    recovery: float = float("nan")  # all skills pooled
    coverage: float = float("nan")
    dif_item: str = ""
    dif_runs: int = 0
    dif_power: float = float("nan")
    dif_false_alarms: float = float("nan")

    def meets_targets(self) -> dict[str, bool]:
        low, high = COVERAGE_TARGET
        return {"recovery": self.recovery >= RECOVERY_TARGET,
                "coverage": low <= self.coverage <= high,
                "reliability": bool(self.skills) and min(s.reliability for s in self.skills) >= RELIABILITY_TARGET,
                "dif_power": self.dif_power >= DIF_POWER_TARGET}


def validate(scenarios: Mapping[str, tuple[str, Scenario]], shipped: Mapping[ItemKey, ItemParams], *,
             people: int = 2000, dif_runs: int = 20, dif_people: int = 1500, seed: int = 2026,
             progress: Callable[[str], None] = lambda _: None) -> Validation:
    rng = np.random.default_rng(seed)
    truth = perturb(shipped, rng)
    result = Validation(people)

    progress("calibrating on a simulated cohort")
    calibration = simulate(scenarios, truth, CohortSpec(people, seed=seed + 1))
    fitted = calibrate(calibration.table, shipped).params
    keys = sorted(truth)
    result.slope_recovery = _r([truth[k].a for k in keys], [fitted[k].a for k in keys])
    result.difficulty_recovery = _r([truth[k].difficulty for k in keys], [fitted[k].difficulty for k in keys])

    progress("scoring a fresh cohort")
    fresh = simulate(scenarios, truth, CohortSpec(people, seed=seed + 2))
    pooled_true: list[np.ndarray] = []
    pooled_est: list[np.ndarray] = []
    hits = total = 0
    for skill in fresh.table.skills:
        summary, rows, columns = skill_summary(fresh.table, fitted, skill)
        true = fresh.theta[skill][rows]
        covered = (summary.low <= true) & (true <= summary.high)
        hits, total = hits + int(covered.sum()), total + rows.size
        pooled_true.append(true)
        pooled_est.append(summary.mean)
        result.skills.append(SkillFigures(skill, len(columns), _r(true, summary.mean), float(covered.mean()),
                                          marginal_reliability(summary)))
    result.recovery = _r(np.concatenate(pooled_true), np.concatenate(pooled_est))
    result.coverage = hits / total

    planted = _dif_item(fresh.table.items, truth)
    result.dif_item, result.dif_runs = str(planted), dif_runs
    flagged = false_alarms = screened = 0
    for run in range(dif_runs):
        progress(f"DIF cohort {run + 1}/{dif_runs}")
        spec = CohortSpec(dif_people, seed=seed + 100 + run, dif=PlantedDif(planted, "language", "ar", 1.0))
        cohort = simulate(scenarios, truth, spec)
        found = screen_groups(cohort.table, skill_estimates(cohort.table, fitted), ["language"])
        ar = [d for d in found if d.focal == "ar"]
        flagged += any(d.key == planted and d.flagged for d in ar)
        others = [d for d in ar if d.key != planted]
        false_alarms += sum(d.flagged for d in others)
        screened += len(others)
    result.dif_power = flagged / dif_runs if dif_runs else float("nan")
    result.dif_false_alarms = false_alarms / screened if screened else float("nan")
    return result


def _dif_item(items: list[ItemKey], truth: Mapping[ItemKey, ItemParams]) -> ItemKey:
    # A mid-difficulty item of the most-measured skill: a typical place for a wording bias.
    skills = sorted({k.skill for k in items}, key=lambda s: (-sum(k.skill == s for k in items), s))
    candidates = sorted((k for k in items if k.skill == skills[0]), key=lambda k: (abs(truth[k].difficulty), k))
    return candidates[0]


def _r(x: object, y: object) -> float:
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.corrcoef(a, b)[0, 1]) if a.size > 2 else float("nan")


def render(v: Validation) -> str:
    ok = v.meets_targets()
    mark = {True: "ok ", False: "LOW"}
    low, high = COVERAGE_TARGET
    lines = [f"scoring validation on simulated cohorts ({v.people} visitors playing every scenario)",
             f"  item parameter recovery: slope r = {v.slope_recovery:.3f}, difficulty r = {v.difficulty_recovery:.3f}",
             "  skill   items  recovery r  90% coverage  reliability"]
    for s in v.skills:
        lines.append(f"  {s.skill:<6} {s.items:>6}  {s.recovery:>10.3f}  {s.coverage:>12.3f}  {s.reliability:>11.3f}"
                     f"  {'' if s.reliability >= RELIABILITY_TARGET else '< 0.7: add observations'}")
    lines += [f"  {mark[ok['recovery']]} recovery (pooled) r = {v.recovery:.3f}   target ≥ {RECOVERY_TARGET}",
              f"  {mark[ok['coverage']]} 90% interval coverage = {v.coverage:.3f}   target {low}–{high}",
              f"  {mark[ok['reliability']]} lowest skill reliability = "
              f"{min((s.reliability for s in v.skills), default=float('nan')):.3f}   target ≥ {RELIABILITY_TARGET}",
              f"  {mark[ok['dif_power']]} planted DIF item {v.dif_item} flagged in {v.dif_power:.0%} of {v.dif_runs} "
              f"cohorts   target ≥ 95%; untouched items flagged {v.dif_false_alarms:.1%}"]
    return "\n".join(lines)
