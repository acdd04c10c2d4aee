"""Which steps can tell a skill apart from the others: a design property of the credit tables.

When every answer to a step that earns credit on one skill earns it on another too (their credits
correlate at 1 over the answers the step accepts), the answer cannot say which of the two skills it
shows: a visitor strong in either gives it. The joint model (kiosk.scoring.joint) reads such an item
as evidence for the *pair*, so a skill seen only through tied steps is known only as part of a blend,
however narrow its interval. A step *separates* a skill when no other skill of the step is tied to it
(credit correlation below `TIED`); the kiosk shows a skill only when the visit's evidence for it
includes enough separating steps (kiosk.scoring.estimate.Policy). Computed from the pack alone: no
response data, no true skill.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kiosk.scoring.items import ItemKey

#: Credit correlation from which two skills of a step count as tied. On the five sample packs the
#: correlations are either 1.00 or at most 0.91, so any bound between 0.92 and 0.99 draws the same line.
TIED = 0.95


def separates(key: ItemKey, loadings: Mapping[ItemKey, Mapping[str, float]]) -> bool:
    """Whether the item's step tells its skill apart from every other skill the step bears on."""
    return all(weight < TIED for skill, weight in loadings.get(key, {}).items() if skill != key.skill)


def separating_items(keys: Iterable[ItemKey], loadings: Mapping[ItemKey, Mapping[str, float]]) -> frozenset[ItemKey]:
    return frozenset(key for key in keys if separates(key, loadings))
