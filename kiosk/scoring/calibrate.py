"""Calibration: item parameters fitted from stored sessions by marginal maximum a posteriori
EM (Bock & Aitkin 1981) on the θ grid, one skill at a time.

The visitor population is fixed at N(0, 1), which sets the scale. Weak priors on the
parameters (log a ~ N(0, 0.5²), b ~ N(0, 2²)) keep rare items from running off to infinity;
items with too few responses, or whose answers never vary, keep their current values and
are listed as kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from kiosk.errors import KioskError
from kiosk.scoring.bank import ItemKey, ItemParams
from kiosk.scoring.gpcm import GRID, FloatArray, log_probs
from kiosk.scoring.posterior import MISSING, posterior
from kiosk.scoring.responses import ResponseTable

LOG_SLOPE_SD = 0.5
THRESHOLD_SD = 2.0


class NotEnoughSessionsError(KioskError):
    exit_code = 75  # EX_TEMPFAIL: try again once more sessions are stored


@dataclass
class Fit:
    params: dict[ItemKey, ItemParams]
    iterations: dict[str, int] = field(default_factory=dict)  # per skill
    converged: dict[str, bool] = field(default_factory=dict)
    kept: dict[ItemKey, str] = field(default_factory=dict)  # item -> why it kept its start values
    visits: int = 0


def calibrate(table: ResponseTable, start: Mapping[ItemKey, ItemParams], *, min_visits: int = 200,
              min_responses: int = 100, tolerance: float = 1e-3, max_iterations: int = 300) -> Fit:
    if len(table.visits) < min_visits:
        raise NotEnoughSessionsError(
            f"calibration needs at least {min_visits} stored visits; there are {len(table.visits)}",
            "keep the current parameters and calibrate later (or lower --min-visits for a pilot study)")
    fit = Fit(dict(start), visits=len(table.visits))
    for skill in table.skills:
        columns = table.columns_of(skill)
        credits = table.credits[:, columns]
        keys = [table.items[c] for c in columns]
        params = [start.get(k) or _flat(table.maxima[c]) for k, c in zip(keys, columns, strict=True)]
        free = []
        for j, key in enumerate(keys):
            answered = credits[:, j][credits[:, j] != MISSING]
            if answered.size < min_responses:
                fit.kept[key] = f"{answered.size} responses (< {min_responses})"
            elif np.unique(answered).size < 2:
                fit.kept[key] = "every answer got the same credit"
            else:
                free.append(j)
        iteration, converged = 0, not free
        while free and iteration < max_iterations:
            iteration += 1
            weights = posterior(credits, params)
            change = 0.0
            for j in free:
                counts = _expected_counts(credits[:, j], weights, len(params[j].b))
                new = _m_step(counts, params[j])
                change = max(change, abs(new.a - params[j].a), *(abs(x - y) for x, y in zip(new.b, params[j].b,
                                                                                            strict=True)))
                params[j] = new
            if change < tolerance:
                converged = True
                break
        fit.iterations[skill], fit.converged[skill] = iteration, converged
        fit.params.update({keys[j]: params[j] for j in free})
    return fit


def _flat(max_credit: int) -> ItemParams:
    return ItemParams(1.0, tuple(np.linspace(-1.0, 1.0, max_credit)) if max_credit > 1 else (0.0,))


def _expected_counts(column: np.ndarray, weights: FloatArray, m: int) -> FloatArray:
    """r[k, g]: expected number of visitors at grid point g who gave credit k."""
    counts = np.zeros((m + 1, GRID.size))
    for k in range(m + 1):
        rows = column == k
        if rows.any():
            counts[k] = weights[rows].sum(axis=0)
    return counts


def _m_step(counts: FloatArray, current: ItemParams) -> ItemParams:
    m = len(current.b)
    x0 = np.array([np.log(current.a), *current.b])
    result = minimize(objective, x0, args=(counts,), jac=True, method="L-BFGS-B",
                      bounds=[(np.log(0.05), np.log(8.0))] + [(-8.0, 8.0)] * m)
    return ItemParams(float(np.exp(result.x[0])), tuple(float(v) for v in result.x[1:]))


def objective(x: FloatArray, counts: FloatArray) -> tuple[float, FloatArray]:
    """Negative expected complete-data log posterior of one item, and its gradient.

    x = (log a, b₁..bₘ); counts = r[k, g] from the E-step.
    """
    m = x.size - 1
    a, b = float(np.exp(x[0])), x[1:]
    logp = log_probs(a, b)  # (m+1, G)
    p = np.exp(logp)
    s = np.vstack([np.zeros((1, GRID.size)), np.cumsum(GRID[None, :] - b[:, None], axis=0)])  # Σ_{j≤k}(θ − b_j)
    value = -float((counts * logp).sum()) + x[0] ** 2 / (2 * LOG_SLOPE_SD**2) + float((b**2).sum()) / (
        2 * THRESHOLD_SD**2)
    n_g = counts.sum(axis=0)  # expected visitors at each grid point
    d_a = (counts * s).sum() - (n_g * (p * s).sum(axis=0)).sum()
    at_least = np.flip(np.cumsum(np.flip(p, axis=0), axis=0), axis=0)[1:]  # P(X ≥ j), (m, G)
    at_or_above = np.tril(np.ones((m + 1, m)), -1)  # [k ≥ j] for k = 0..m, j = 1..m
    d_b = a * ((n_g[None, :] * at_least).sum(axis=1) - (at_or_above.T @ counts).sum(axis=1))
    grad = np.concatenate([[-a * d_a + x[0] / LOG_SLOPE_SD**2], -d_b + b / THRESHOLD_SD**2])
    return value, grad
