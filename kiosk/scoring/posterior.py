"""Grid posteriors for many people at once: the one computation estimates, calibration,
reports and the simulator share, so a visit is scored exactly as the cohort studies assume.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.scoring.bank import ItemParams
from kiosk.scoring.gpcm import GRID, LOG_PRIOR, FloatArray, log_probs

IntMatrix = npt.NDArray[np.int64]
MISSING = -1  # the item was not seen: no evidence either way (never a zero)


def log_likelihood(credits: IntMatrix, params: Sequence[ItemParams]) -> FloatArray:
    """Σ over seen items of log P(credit | θ), shape (people, grid). `credits` is (people, items)."""
    total = np.zeros((credits.shape[0], GRID.size))
    for column, item in enumerate(params):  # fixed item order: the same bits every time
        table = log_probs(item.a, item.b)  # (m+1, G)
        seen = credits[:, column] != MISSING
        if seen.any():
            clipped = np.clip(credits[seen, column], 0, table.shape[0] - 1)
            total[seen] += table[clipped]
    return total


def normalise(log_posterior: FloatArray) -> FloatArray:
    """Posterior weights on the grid, each row summing to 1."""
    shifted = np.exp(log_posterior - log_posterior.max(axis=1, keepdims=True))
    result: FloatArray = shifted / shifted.sum(axis=1, keepdims=True)
    return result


def posterior(credits: IntMatrix, params: Sequence[ItemParams]) -> FloatArray:
    return normalise(log_likelihood(credits, params) + LOG_PRIOR[None, :])


@dataclass(frozen=True, slots=True)
class Summary:
    mean: FloatArray  # EAP
    sd: FloatArray  # posterior standard deviation
    low: FloatArray  # equal-tailed credible interval
    high: FloatArray


def summarise(weights: FloatArray, level: float = 0.90) -> Summary:
    mean = weights @ GRID
    sd = np.sqrt(np.maximum(weights @ GRID**2 - mean**2, 0.0))
    tail = (1.0 - level) / 2.0
    return Summary(mean, sd, _quantile(weights, tail), _quantile(weights, 1.0 - tail))


def _quantile(weights: FloatArray, q: float) -> FloatArray:
    # The grid posterior as a piecewise-linear CDF between cell midpoints.
    cdf = np.cumsum(weights, axis=1) - weights / 2.0
    out = np.empty(weights.shape[0])
    for row in range(weights.shape[0]):
        out[row] = np.interp(q, cdf[row], GRID)
    return out


def percentile(theta: float) -> float:
    """Share of visitors (0–100) below a skill level θ: how results are shown to people."""
    return 50.0 * (1.0 + math.erf(theta / math.sqrt(2.0)))
