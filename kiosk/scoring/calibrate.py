"""Calibration: item parameters fitted from stored sessions by marginal maximum a posteriori
EM (Bock & Aitkin 1981), one skill at a time.

The visitor population is fixed at N(0, 1), which sets the scale. Weak priors on the
parameters (log a ~ N(0, 0.5²), b ~ N(0, 2²)) keep rare items from running off to infinity;
items with too few responses, or whose answers never vary, keep their current values and
are listed as kept.

Fast and lean for 10,000 visits: responses are a sparse one-hot matrix (visits × item
categories), so the E-step's log-likelihoods and expected counts are two sparse products
over 41 quadrature points, and the M-step is one Fisher-scoring step per item and EM cycle
(a generalised EM: every cycle raises the posterior) instead of a full numerical optimisation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from kiosk.errors import KioskError
from kiosk.scoring.bank import ItemParams
from kiosk.scoring.gpcm import GRID, FloatArray, log_probs
from kiosk.scoring.items import ItemKey
from kiosk.scoring.posterior import MISSING, IntMatrix
from kiosk.scoring.responses import ResponseTable

LOG_SLOPE_SD = 0.5
THRESHOLD_SD = 2.0
#: Quadrature for the EM: 41 points over ±5 integrate a N(0, 1) population to far better than
#: the parameters' own standard errors, at a fifth of the scoring grid's cost.
QUADRATURE: FloatArray = np.linspace(-5.0, 5.0, 41)
LOG_SLOPE_BOUNDS = (float(np.log(0.05)), float(np.log(8.0)))
THRESHOLD_BOUND = 8.0
MAX_STEP = 1.0  # a Fisher-scoring step moves no parameter further than this (logits)


class NotEnoughSessionsError(KioskError):
    exit_code = 75  # EX_TEMPFAIL: try again once more sessions are stored


@dataclass
class Fit:
    params: dict[ItemKey, ItemParams]
    iterations: dict[str, int] = field(default_factory=dict)  # per skill
    converged: dict[str, bool] = field(default_factory=dict)
    kept: dict[ItemKey, str] = field(default_factory=dict)  # item -> why it kept its start values
    visits: int = 0
    standard_errors: dict[ItemKey, tuple[float, ...]] = field(default_factory=dict)  # (log a, b₁..bₘ)


def calibrate(table: ResponseTable, start: Mapping[ItemKey, ItemParams], *, min_visits: int = 200,
              min_responses: int = 100, tolerance: float = 1e-3, max_iterations: int = 500) -> Fit:
    if len(table.visits) < min_visits:
        raise NotEnoughSessionsError(
            f"calibration needs at least {min_visits} stored visits; there are {len(table.visits)}",
            "keep the current parameters and calibrate later (or lower --min-visits for a pilot study)")
    fit = Fit(dict(start), visits=len(table.visits))
    for skill in table.skills:
        _fit_skill(fit, table, skill, start, min_responses, tolerance, max_iterations)
    return fit


def _fit_skill(fit: Fit, table: ResponseTable, skill: str, start: Mapping[ItemKey, ItemParams], min_responses: int,
               tolerance: float, max_iterations: int) -> None:
    """One skill's items, fitted together by EM (the others keep theirs)."""
    columns = table.columns_of(skill)
    credits = table.credits[:, columns]
    rows = np.flatnonzero((credits != MISSING).any(axis=1))
    credits = credits[rows]
    keys = [table.items[c] for c in columns]
    params = [start.get(k) or _flat(table.maxima[c]) for k, c in zip(keys, columns, strict=True)]
    free = _free_items(fit, keys, credits, min_responses)
    onehot, offsets = one_hot(credits, [len(p.b) for p in params])
    iteration, converged, information = _em(onehot, offsets, params, free, tolerance, max_iterations)
    fit.iterations[skill], fit.converged[skill] = iteration, converged
    fit.params.update({keys[j]: params[j] for j in free})
    for j in free:
        if j in information:
            fit.standard_errors[keys[j]] = tuple(float(v) for v in np.sqrt(np.diag(np.linalg.inv(information[j]))))


def _free_items(fit: Fit, keys: list[ItemKey], credits: IntMatrix, min_responses: int) -> list[int]:
    """The items with enough varied answers to fit; the others keep their start values (`fit.kept` says why)."""
    free = []
    for j, key in enumerate(keys):
        answered = credits[:, j][credits[:, j] != MISSING]
        if answered.size < min_responses:
            fit.kept[key] = f"{answered.size} responses (< {min_responses})"
        elif np.unique(answered).size < 2:
            fit.kept[key] = "every answer got the same credit"
        else:
            free.append(j)
    return free


def _em(onehot: sparse.csr_matrix, offsets: list[int], params: list[ItemParams], free: list[int], tolerance: float,
        max_iterations: int) -> tuple[int, bool, dict[int, FloatArray]]:
    """EM on the quadrature grid, updating `params[j]` for j in `free` in place: (iterations, converged,
    each free item's information matrix)."""
    log_prior = -0.5 * QUADRATURE**2
    iteration, converged = 0, not free
    information: dict[int, FloatArray] = {}
    while free and iteration < max_iterations:
        iteration += 1
        table_of = np.vstack([log_probs(p.a, p.b, QUADRATURE) for p in params])  # (categories, Q)
        log_post = onehot @ table_of + log_prior[None, :]
        weights = np.exp(log_post - log_post.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        counts = np.asarray(onehot.T @ weights)  # expected visits per category and quadrature point
        change = 0.0
        for j in free:
            block = counts[offsets[j]:offsets[j + 1]]
            new, information[j] = fisher_step(block, params[j])
            change = max(change, abs(np.log(new.a) - np.log(params[j].a)),
                         *(abs(x - y) for x, y in zip(new.b, params[j].b, strict=True)))
            params[j] = new
        if change < tolerance:
            converged = True
            break
    return iteration, converged, information


def one_hot(credits: IntMatrix, sizes: list[int]) -> tuple[sparse.csr_matrix, list[int]]:
    """(visits × Σ(mⱼ + 1)) indicator of each visit's credit on each item, and each item's first column."""
    offsets = [0]
    for m in sizes:
        offsets.append(offsets[-1] + m + 1)
    seen_rows, seen_items = np.nonzero(credits != MISSING)
    values = np.clip(credits[seen_rows, seen_items], 0, np.asarray(sizes)[seen_items])
    columns = np.asarray(offsets[:-1])[seen_items] + values
    matrix = sparse.csr_matrix((np.ones(seen_rows.size), (seen_rows, columns)), shape=(credits.shape[0], offsets[-1]))
    return matrix, offsets


def _flat(max_credit: int) -> ItemParams:
    return ItemParams(1.0, tuple(np.linspace(-1.0, 1.0, max_credit)) if max_credit > 1 else (0.0,))


def fisher_step(counts: FloatArray, current: ItemParams, grid: FloatArray = QUADRATURE
                ) -> tuple[ItemParams, FloatArray]:
    """One Fisher-scoring step on the expected complete-data log posterior of one item.

    counts = r[k, q] from the E-step; x = (log a, b₁..bₘ). Returns the new parameters and the
    information matrix (for standard errors). In the GPCM, zₖ = Σ_{j≤k} a(θ − bⱼ) is the log-odds
    numerator: ∂zₖ/∂log a = a·sₖ with sₖ = Σ_{j≤k}(θ − bⱼ), ∂zₖ/∂bⱼ = −a·[k ≥ j]; the score is
    Σ_q Σ_k (r_kq − n_q p_kq) ∂z_kq, the information Σ_q n_q Dᵀ(diag p − p pᵀ)D.
    """
    m = len(current.b)
    a, b = current.a, np.asarray(current.b)
    x = np.array([np.log(a), *b])
    p = np.exp(log_probs(a, b, grid))  # (m+1, Q)
    s = np.vstack([np.zeros((1, grid.size)), np.cumsum(grid[None, :] - b[:, None], axis=0)])  # (m+1, Q)
    derivative = np.empty((grid.size, m + 1, m + 1))  # D[q, k, parameter]
    derivative[:, :, 0] = (a * s).T
    derivative[:, :, 1:] = -a * np.tril(np.ones((m + 1, m)), -1)[None, :, :]
    n = counts.sum(axis=0)
    residual = counts - n[None, :] * p  # (m+1, Q)
    score = np.einsum("kq,qkp->p", residual, derivative)
    centred = derivative - np.einsum("kq,qkp->qp", p, derivative)[:, None, :]
    information = np.einsum("q,kq,qkp,qkr->pr", n, p, centred, centred)
    prior_precision = np.array([1.0 / LOG_SLOPE_SD**2] + [1.0 / THRESHOLD_SD**2] * m)
    score -= prior_precision * np.array([x[0], *b])
    information += np.diag(prior_precision)
    step = np.linalg.solve(information, score)
    largest = float(np.abs(step).max())
    if largest > MAX_STEP:
        step *= MAX_STEP / largest
    new = x + step
    new[0] = np.clip(new[0], *LOG_SLOPE_BOUNDS)
    new[1:] = np.clip(new[1:], -THRESHOLD_BOUND, THRESHOLD_BOUND)
    return ItemParams(float(np.exp(new[0])), tuple(float(v) for v in new[1:])), information


def objective(x: FloatArray, counts: FloatArray, grid: FloatArray = GRID) -> tuple[float, FloatArray]:
    """Negative expected complete-data log posterior of one item, and its gradient (tests check
    `fisher_step` against it). x = (log a, b₁..bₘ); counts = r[k, g] on `grid`."""
    m = x.size - 1
    a, b = float(np.exp(x[0])), x[1:]
    logp = log_probs(a, b, grid)  # (m+1, G)
    p = np.exp(logp)
    s = np.vstack([np.zeros((1, grid.size)), np.cumsum(grid[None, :] - b[:, None], axis=0)])  # Σ_{j≤k}(θ − b_j)
    value = -float((counts * logp).sum()) + x[0] ** 2 / (2 * LOG_SLOPE_SD**2) + float((b**2).sum()) / (
        2 * THRESHOLD_SD**2)
    n_g = counts.sum(axis=0)  # expected visitors at each grid point
    d_a = (counts * s).sum() - (n_g * (p * s).sum(axis=0)).sum()
    at_least = np.flip(np.cumsum(np.flip(p, axis=0), axis=0), axis=0)[1:]  # P(X ≥ j), (m, G)
    at_or_above = np.tril(np.ones((m + 1, m)), -1)  # [k ≥ j] for k = 0..m, j = 1..m
    d_b = a * ((n_g[None, :] * at_least).sum(axis=1) - (at_or_above.T @ counts).sum(axis=1))
    grad = np.concatenate([[-a * d_a + x[0] / LOG_SLOPE_SD**2], -d_b + b / THRESHOLD_SD**2])
    return value, grad
