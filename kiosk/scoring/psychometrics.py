"""Classical and IRT statistics a trainer reads in the report: how each item behaves and how
precisely each skill is measured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kiosk.scoring.bank import ItemParams
from kiosk.scoring.gpcm import GRID, FloatArray, information
from kiosk.scoring.items import ItemKey
from kiosk.scoring.posterior import MISSING, IntMatrix, Summary, posterior, summarise
from kiosk.scoring.responses import ResponseTable


@dataclass(frozen=True, slots=True)
class ItemStats:
    key: ItemKey
    responses: int
    facility: float  # mean credit / max credit: 1 = everyone got full credit
    discrimination_r: float  # correlation between the credit and the skill estimate (nan when undefined)
    a: float
    difficulty: float  # mean threshold on the θ scale
    info_at_typical: float  # item information at θ = 0


@dataclass(frozen=True, slots=True)
class SkillStats:
    skill: str
    items: int
    visits: int  # visits with at least one response on the skill
    marginal_reliability: float
    alpha: float  # Cronbach's alpha from pairwise covariances (steps are seen on different paths)
    mean_sd: float  # mean posterior SD


def marginal_reliability(summary: Summary) -> float:
    """Share of the variance of the estimates that is true-score variance: var(EAP) / (var(EAP) + E[PSD²])."""
    signal = float(np.var(summary.mean))
    noise = float(np.mean(summary.sd**2))
    return signal / (signal + noise) if signal + noise > 0 else float("nan")


def cronbach_alpha(credits: IntMatrix) -> float:
    """Alpha from available-case (pairwise) variances and covariances; nan below two items."""
    k = credits.shape[1]
    if k < 2:
        return float("nan")
    data = np.where(credits == MISSING, np.nan, credits.astype(np.float64))
    cov = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(i, k):
            both = ~np.isnan(data[:, i]) & ~np.isnan(data[:, j])
            if both.sum() >= 3:
                cov[i, j] = cov[j, i] = np.cov(data[both, i], data[both, j])[0, 1]
    variances = np.diag(cov)
    total = np.nansum(cov)
    if not np.isfinite(variances).all() or total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - variances.sum() / total))


def skill_summary(table: ResponseTable, params: Mapping[ItemKey, ItemParams], skill: str,
                  level: float = 0.90) -> tuple[Summary, np.ndarray, list[int]]:
    """Posterior summaries of the visits that answered anything on `skill`, with their row numbers."""
    columns = table.columns_of(skill)
    credits = table.credits[:, columns]
    rows = np.flatnonzero((credits != MISSING).any(axis=1))
    weights = posterior(credits[rows], [params[table.items[c]] for c in columns])
    return summarise(weights, level), rows, columns


def item_and_skill_stats(table: ResponseTable, params: Mapping[ItemKey, ItemParams]
                         ) -> tuple[list[ItemStats], list[SkillStats]]:
    items: list[ItemStats] = []
    skills: list[SkillStats] = []
    for skill in table.skills:
        summary, rows, columns = skill_summary(table, params, skill)
        credits = table.credits[np.ix_(rows, np.asarray(columns, dtype=np.intp))]
        for j, column in enumerate(columns):
            key = table.items[column]
            answered = credits[:, j] != MISSING
            values = credits[answered, j].astype(np.float64)
            r = _correlation(values, summary.mean[answered])
            p = params[key]
            items.append(ItemStats(key, int(answered.sum()),
                                   float(values.mean() / table.maxima[column]) if values.size else float("nan"),
                                   r, p.a, p.difficulty, float(information(p.a, p.b, np.zeros(1))[0])))
        skills.append(SkillStats(skill, len(columns), int(rows.size), marginal_reliability(summary),
                                 cronbach_alpha(credits), float(np.mean(summary.sd)) if rows.size else float("nan")))
    return items, skills


def information_curve(params: Sequence[ItemParams], theta: FloatArray = GRID) -> FloatArray:
    """Information about a skill if every item were seen: where on the scale it measures well."""
    total = np.zeros(theta.size)
    for p in params:
        total += information(p.a, p.b, theta)
    return total


def _correlation(x: np.ndarray, y: np.ndarray) -> float:
    if x.size < 3 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def skill_estimates(table: ResponseTable, params: Mapping[ItemKey, ItemParams]) -> dict[str, np.ndarray]:
    """Each visit's EAP per skill (nan where the visit gave no evidence on it): DIF matching scores."""
    out: dict[str, np.ndarray] = {}
    for skill in table.skills:
        summary, rows, _ = skill_summary(table, params, skill)
        values = np.full(len(table.visits), np.nan)
        values[rows] = summary.mean
        out[skill] = values
    return out
