"""Model checks on real sessions: does the measurement model fit the answers visitors give?

- Item fit: RMSD between the item's observed and model-implied mean credit across the skill
  scale (Oliveri & von Davier 2011; PISA flags RMSD > 0.12), with credits as a share of the
  item's maximum. The observed curve is posterior-weighted: each visit counts at every grid
  level in proportion to its posterior there.
- Local dependence: Yen's (1984) Q3, the correlation of two items' residuals (credit minus
  its posterior expectation) over the visits that answered both. Q3 is about −1/(n − 1) when
  items are independent; a pair more than 0.2 above the skill's average Q3 shares something
  besides the skill (Christensen, Makransky & Horton 2017).
- Cross-skill correlations of the skill estimates: skills that cannot be told apart (r > 0.9)
  are reported, as are the visits each correlation rests on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from kiosk.scoring.bank import ItemParams
from kiosk.scoring.gpcm import GRID, expected_credit
from kiosk.scoring.items import ItemKey
from kiosk.scoring.posterior import MISSING, posterior
from kiosk.scoring.responses import ResponseTable

RMSD_LIMIT = 0.12
Q3_EXCESS_LIMIT = 0.2
MIN_PAIR = 50  # visits that answered both items, for a Q3
SAME_SKILL_R = 0.9


@dataclass(frozen=True, slots=True)
class ItemFit:
    key: ItemKey
    rmsd: float

    @property
    def misfits(self) -> bool:
        return self.rmsd > RMSD_LIMIT


@dataclass(frozen=True, slots=True)
class Dependence:
    first: ItemKey
    second: ItemKey
    q3: float
    excess: float  # q3 minus the skill's average q3
    visits: int

    @property
    def dependent(self) -> bool:
        return self.excess > Q3_EXCESS_LIMIT


@dataclass(frozen=True, slots=True)
class Correlation:
    first: str
    second: str
    r: float
    visits: int


def model_checks(table: ResponseTable, params: Mapping[ItemKey, ItemParams]
                 ) -> tuple[list[ItemFit], list[Dependence], list[Correlation]]:
    fits: list[ItemFit] = []
    pairs: list[Dependence] = []
    estimates: dict[str, np.ndarray] = {}
    for skill in table.skills:
        columns = table.columns_of(skill)
        credits = table.credits[:, columns]
        rows = np.flatnonzero((credits != MISSING).any(axis=1))
        credits = credits[rows]
        items = [params[table.items[c]] for c in columns]
        weights = posterior(credits, items)  # (visits, grid)
        values = np.full(len(table.visits), np.nan)
        values[rows] = weights @ GRID
        estimates[skill] = values
        residuals = _item_fits(table, columns, items, credits, weights, fits)
        pairs += _dependences(table, columns, residuals)
    return fits, pairs, _correlations(estimates)


def _item_fits(table: ResponseTable, columns: list[int], items: list[ItemParams], credits: np.ndarray,
               weights: np.ndarray, fits: list[ItemFit]) -> np.ndarray:
    """Each item's fit (observed against expected credit along θ) into `fits`; the residuals (visits, items)."""
    residuals = np.full(credits.shape, np.nan)
    for j, (column, item) in enumerate(zip(columns, items, strict=True)):
        seen = credits[:, j] != MISSING
        if not seen.any():
            continue
        curve = expected_credit(item.a, item.b)  # (grid,)
        w = weights[seen]
        x = credits[seen, j].astype(np.float64)
        mass = w.sum(axis=0)
        observed = (w * x[:, None]).sum(axis=0) / np.maximum(mass, 1e-12)
        share = mass / mass.sum()
        maximum = table.maxima[column]
        fits.append(ItemFit(table.items[column],
                            float(np.sqrt((share * ((observed - curve) / maximum) ** 2).sum()))))
        residuals[seen, j] = x - w @ curve
    return residuals


def _dependences(table: ResponseTable, columns: list[int], residuals: np.ndarray) -> list[Dependence]:
    """Pairs of items of one skill whose residuals correlate (Yen's Q3), against the skill's mean Q3."""
    found: list[tuple[int, int, float, int]] = []
    for i in range(len(columns)):
        for j in range(i + 1, len(columns)):
            both = ~np.isnan(residuals[:, i]) & ~np.isnan(residuals[:, j])
            n = int(both.sum())
            if n < MIN_PAIR or np.std(residuals[both, i]) == 0 or np.std(residuals[both, j]) == 0:
                continue
            found.append((i, j, float(np.corrcoef(residuals[both, i], residuals[both, j])[0, 1]), n))
    if not found:
        return []
    mean = float(np.mean([q for _, _, q, _ in found]))
    return [Dependence(table.items[columns[i]], table.items[columns[j]], q, q - mean, n) for i, j, q, n in found]


def _correlations(estimates: Mapping[str, np.ndarray]) -> list[Correlation]:
    correlations: list[Correlation] = []
    skills = sorted(estimates)
    for a_index, first in enumerate(skills):
        for second in skills[a_index + 1:]:
            both = np.isfinite(estimates[first]) & np.isfinite(estimates[second])
            n = int(both.sum())
            if n >= 3 and np.std(estimates[first][both]) > 0 and np.std(estimates[second][both]) > 0:
                r = float(np.corrcoef(estimates[first][both], estimates[second][both])[0, 1])
                correlations.append(Correlation(first, second, r, n))
    return correlations
