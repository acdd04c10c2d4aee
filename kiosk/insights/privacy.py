"""k-anonymity for the agency report: a count of fewer than k visitors is never shown.

A cell counting 1..k-1 visitors is suppressed (primary suppression). A hidden cell must not be
recoverable from a total either: a row or column total minus the cells shown gives back the sum of
its hidden cells, so a line (row or column) never has exactly one hidden cell — the smallest other
count of that line is hidden too (complementary suppression), repeated until every line holds none
or at least two, preferring cells whose crossing line can also hide a second one. A line whose only
non-zero cell is hidden has its total hidden (`Suppressed.hidden_totals`). Zero is shown: nobody is
singled out by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

K = 10
SUPPRESSED = f"<{K}"

Cell = tuple[int, int]  # (row, column)


@dataclass(frozen=True)
class Suppressed:
    cells: tuple[tuple[int | None, ...], ...]  # the counts, None where hidden
    hidden_totals: frozenset[tuple[str, int]]  # ("row" | "column", index): totals that must not be shown


def suppress_table(counts: Sequence[Sequence[int]], k: int = K, *, row_totals: bool = True) -> Suppressed:
    """Primary and complementary suppression of a table of counts whose column totals (and, when
    `row_totals`, row totals) are known to the reader."""
    n_cols = len(counts[0]) if counts else 0
    hidden = {(r, c) for r, row in enumerate(counts) for c, n in enumerate(row) if 0 < n < k}
    lines: list[tuple[tuple[str, int], list[Cell]]] = [
        (("column", c), [(r, c) for r in range(len(counts))]) for c in range(n_cols)]
    if row_totals and n_cols > 1:
        lines += [(("row", r), [(r, c) for c in range(n_cols)]) for r in range(len(counts))]
    crossing = {cell: [line for _, line in lines if cell in line] for cell in hidden | {
        (r, c) for r in range(len(counts)) for c in range(n_cols)}}
    hidden_totals: set[tuple[str, int]] = set()

    def lone_after(cell: Cell, line: list[Cell]) -> bool:
        """Hiding `cell` leaves its other line with one hidden cell and nothing else to hide there."""
        for other in crossing[cell]:
            if other is line:
                continue
            left = [x for x in other if x not in hidden and x != cell and counts[x[0]][x[1]]]
            if not any(x in hidden for x in other) and not left:
                return True
        return False

    changed = True
    while changed:
        changed = False
        for name, line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            candidates = [cell for cell in line if cell not in hidden and counts[cell[0]][cell[1]]]
            if not candidates:
                hidden_totals.add(name)
                continue
            hidden.add(min(candidates, key=lambda cell: (lone_after(cell, line), counts[cell[0]][cell[1]], cell)))
            changed = True
    cells = tuple(tuple(None if (r, c) in hidden else n for c, n in enumerate(row)) for r, row in enumerate(counts))
    return Suppressed(cells, frozenset(hidden_totals))


def suppress_column(counts: Sequence[int], k: int = K) -> list[int | None]:
    """One column of counts whose total is known, with those that must not be shown replaced by None."""
    return [row[0] for row in suppress_table([[n] for n in counts], k).cells]
