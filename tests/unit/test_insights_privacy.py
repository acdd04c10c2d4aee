"""Complementary suppression: no hidden count can be worked out from what the report shows and the
row and column totals a reader may know. Checked by an integer program (scipy's HiGHS): for each hidden
cell, its least and greatest values consistent with everything shown must differ."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from kiosk.insights.privacy import K, Suppressed, suppress_table


def recoverable(counts: Sequence[Sequence[int]], shown: Suppressed, *,
                row_totals: bool = True) -> list[tuple[int, int]]:
    """The hidden cells whose value is fixed by the cells shown and the totals shown: each column's,
    each row's (when the rows add up) and the grand total. Hidden counts are at least 1 (zero is shown)."""
    n_rows, n_cols = len(counts), len(counts[0])
    row_totals = row_totals and n_cols > 1
    unknown = [(r, c) for r in range(n_rows) for c in range(n_cols) if shown.cells[r][c] is None]
    totals: list[tuple[tuple[str, int], list[tuple[int, int]]]] = [
        (("column", c), [(r, c) for r in range(n_rows)]) for c in range(n_cols)]
    if row_totals:
        totals += [(("row", r), [(r, c) for c in range(n_cols)]) for r in range(n_rows)]
    hidden_totals = [name for name, _ in totals if name in shown.hidden_totals]
    grand_hidden = ("all", 0) in shown.hidden_totals or (not row_totals and ("column", 0) in shown.hidden_totals)
    names = [*unknown, *hidden_totals, *([("all", 0)] if grand_hidden else [])]
    index = {name: i for i, name in enumerate(names)}
    if not unknown:
        return []

    def equation(parts: list[object], total: object, whole: int) -> tuple[np.ndarray, float]:
        """sum(parts) - total = 0, with the known terms moved to the right-hand side."""
        coefficients, known = np.zeros(len(names)), 0.0
        for part in parts:
            if part in index:
                coefficients[index[part]] += 1
            else:
                cell = cast(tuple[int, int], part)
                known -= counts[cell[0]][cell[1]]
        if total in index:
            coefficients[index[total]] -= 1
        else:
            known += whole
        return coefficients, known

    equations = [equation(list(cells), name, sum(counts[r][c] for r, c in cells)) for name, cells in totals]
    if row_totals:  # the grand total: the sum of the row totals and of the column totals
        grand = sum(map(sum, counts))
        for kind in ("row", "column"):
            parts: list[object] = []
            for name, cells in totals:
                if name[0] != kind:
                    continue
                parts += [name] if name in index else cells
            equations.append(equation(parts, ("all", 0), grand))
    matrix = np.array([e[0] for e in equations])
    rhs = np.array([e[1] for e in equations])
    constraint = LinearConstraint(matrix, rhs, rhs)
    fixed = []
    for cell in unknown:
        objective = np.zeros(len(names))
        objective[index[cell]] = 1
        ends = [milp(sign * objective, constraints=constraint, integrality=np.ones(len(names)),
                     bounds=Bounds(1, np.inf)) for sign in (1, -1)]
        assert ends[0].success, (counts, shown)  # the true counts satisfy every constraint
        if ends[1].success and round(ends[0].fun) == round(-ends[1].fun):  # (no greatest value: not pinned)
            fixed.append(cell)
    return fixed


def test_a_cell_hidden_only_in_its_column_comes_back_from_its_row_total() -> None:
    counts = [[3, 20], [15, 40]]
    by_column = suppress_table(counts, row_totals=False)
    assert by_column.cells == ((None, 20), (None, 40))
    assert (0, 0) in recoverable(counts, by_column)  # 3 = row total 23 - 20: the gap the issue names
    both = suppress_table(counts)
    assert both.cells[0][0] is None and recoverable(counts, both) == []


def test_a_lone_count_in_its_line_hides_that_line_total() -> None:
    counts = [[4, 0], [30, 25]]
    shown = suppress_table(counts)
    assert shown.cells[0][0] is None and ("row", 0) in shown.hidden_totals  # a total of 4 is a count under k
    assert recoverable(counts, shown) == []


counts_tables = st.integers(1, 5).flatmap(lambda cols: st.lists(
    st.lists(st.one_of(st.just(0), st.integers(1, K - 1), st.integers(K, 80)), min_size=cols, max_size=cols),
    min_size=1, max_size=5))


@settings(max_examples=30, deadline=None)
@given(counts_tables)
def test_no_hidden_count_can_be_worked_out(counts: list[list[int]]) -> None:
    shown = suppress_table(counts)
    for r, row in enumerate(counts):
        for c, n in enumerate(row):
            cell = shown.cells[r][c]
            assert cell is None if 0 < n < K else cell in (None, n)  # under k: always hidden; else shown as is
    assert recoverable(counts, shown) == []


@settings(max_examples=30, deadline=None)
@given(counts_tables)
@example([[1, 0, 0, 10], [20, 0, 1, 10]])  # hiding the known totals instead gave the 1s away
def test_totals_a_reader_knows_hide_no_small_count(counts: list[list[int]]) -> None:
    """With every total of k or more known (agency x week: --agency and --since runs give them), no count
    under k can be worked out unless the known totals and the zeros alone give it away (then hiding every
    count would not help either: [[0, 1], [0, 10]] with both totals known tells the 1)."""
    shown = suppress_table(counts, known_totals=frozenset({"rows", "columns"}))
    n_cols = len(counts[0])
    small = {("row", r) for r, row in enumerate(counts) if 0 < sum(row) < K} | \
        {("column", c) for c in range(n_cols) if 0 < sum(row[c] for row in counts) < K}
    if n_cols > 1 and 0 < sum(map(sum, counts)) < K:
        small.add(("all", 0))
    pinned_cells = recoverable(counts, Suppressed(shown.cells, frozenset(small)))
    all_hidden = tuple(tuple(None if n else 0 for n in row) for row in counts)
    inherent = set(recoverable(counts, Suppressed(all_hidden, frozenset(small))))
    assert all(counts[r][c] >= K or (r, c) in inherent for r, c in pinned_cells), (counts, shown.cells)
