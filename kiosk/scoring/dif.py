"""Differential item functioning: does an item treat two groups of equal skill differently?

Mantel's (1963) test for ordered credits, visitors matched on their skill estimate in
strata, with the standardised mean difference (SMD) as the effect size, classified as ETS
does for polytomous items: AA negligible, BB moderate, CC large. An item is flagged at BB
or CC: p < .05 *and* |SMD| / SD > .17, with p adjusted for the number of tests
(Benjamini–Hochberg) when a whole screen is run. Groups are the ones the kiosk knows without knowing
anyone: interface language, input device, kiosk or headset.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from kiosk.scoring.items import ItemKey
from kiosk.scoring.posterior import MISSING
from kiosk.scoring.responses import ResponseTable

STRATA = 10
MIN_PER_GROUP = 30


@dataclass(frozen=True, slots=True)
class DifResult:
    key: ItemKey
    group: str
    reference: str
    focal: str
    n_reference: int
    n_focal: int
    chi2: float
    p: float  # Benjamini–Hochberg adjusted when it comes from screen_groups
    smd: float  # focal minus reference mean credit at equal skill (negative: harder for the focal group)
    effect: float  # |SMD| / SD of the item's credits
    category: str  # AA, BB, CC

    @property
    def flagged(self) -> bool:
        return self.category != "AA"


def mantel(credits: np.ndarray, focal: np.ndarray, matching: np.ndarray, strata: int = STRATA
           ) -> tuple[float, float, float, float]:
    """(chi2, p, SMD, |SMD|/SD) for one item; `credits` and the masks cover the visits that answered it."""
    edges = np.unique(np.quantile(matching, np.linspace(0, 1, strata + 1)[1:-1]))
    stratum = np.searchsorted(edges, matching, side="right")
    observed = expected = variance = smd = 0.0
    n_focal = int(focal.sum())
    for s in np.unique(stratum):
        in_s = stratum == s
        y, f = credits[in_s].astype(np.float64), focal[in_s]
        n, nf = y.size, int(f.sum())
        nr = n - nf
        if nf == 0 or nr == 0:
            continue
        observed += float(y[f].sum())
        expected += nf * float(y.mean())
        if n > 1:
            variance += nr * nf / (n * n * (n - 1)) * (n * float((y**2).sum()) - float(y.sum()) ** 2)
        smd += nf / n_focal * (float(y[f].mean()) - float(y[~f].mean()))
    chi2 = (observed - expected) ** 2 / variance if variance > 0 else 0.0
    p = math.erfc(math.sqrt(chi2 / 2.0))  # chi-square with 1 degree of freedom
    sd = float(np.std(credits))
    return chi2, p, smd, abs(smd) / sd if sd > 0 else 0.0


def with_false_discovery_control(results: list[DifResult], rate: float = 0.05) -> list[DifResult]:
    """Benjamini–Hochberg over the whole screen: hundreds of item × group tests would otherwise
    flag a few items by chance in every report. Categories are recomputed from adjusted p."""
    order = sorted(range(len(results)), key=lambda i: results[i].p)
    adjusted = [1.0] * len(results)
    running = 1.0
    for rank in range(len(order), 0, -1):
        i = order[rank - 1]
        running = min(running, results[i].p * len(results) / rank)
        adjusted[i] = running
    return [replace(r, p=adjusted[i], category=category(adjusted[i], r.effect, rate)) for i, r in enumerate(results)]


def screen_groups(table: ResponseTable, matching: dict[str, np.ndarray], groups: Sequence[str]) -> list[DifResult]:
    """Every group's screen, with p values adjusted together (BH)."""
    return with_false_discovery_control([d for group in groups for d in screen(table, matching, group)])


def category(p: float, effect: float, alpha: float = 0.05) -> str:
    if p >= alpha or effect <= 0.17:
        return "AA"
    return "BB" if effect <= 0.25 else "CC"


def screen(table: ResponseTable, matching: dict[str, np.ndarray], group: str) -> list[DifResult]:
    """Every item against every focal level of `group` (reference: the most common level).

    `matching[skill]` holds each visit's skill estimate (nan where the visit has none). A visit's label
    is the one in force when it answered the item (`ResponseTable.labels`).
    """
    if group not in table.groups or not table.items:
        return []
    per_item = [np.asarray(table.labels(group, column)) for column in range(len(table.items))]
    every = np.concatenate([labels[table.credits[:, c] != MISSING] for c, labels in enumerate(per_item)])
    levels, counts = np.unique(every[every != ""], return_counts=True)
    if levels.size < 2:
        return []
    reference = str(levels[np.argmax(counts)])
    results: list[DifResult] = []
    for column, key in enumerate(table.items):
        labels = per_item[column]
        answered = (table.credits[:, column] != MISSING) & np.isfinite(matching[key.skill])
        for focal_level in (str(v) for v in levels if v != reference):
            pair = answered & np.isin(labels, [reference, focal_level])
            focal = labels[pair] == focal_level
            if focal.sum() < MIN_PER_GROUP or (~focal).sum() < MIN_PER_GROUP:
                continue
            chi2, p, smd, effect = mantel(table.credits[pair, column], focal, matching[key.skill][pair])
            results.append(DifResult(key, group, reference, focal_level, int((~focal).sum()), int(focal.sum()),
                                     chi2, p, smd, effect, category(p, effect)))
    return results
