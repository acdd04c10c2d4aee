"""k-anonymity for the agency report: a count of fewer than k visitors is never shown.

A count of 1..k-1 visitors is suppressed (primary suppression), totals included. A hidden count must
not be recoverable from totals either: a row's total minus its cells shown gives back the sum of its
hidden cells, and the row totals together give the grand total and so a hidden column total. So the
table is suppressed with its margins (each row's and column's total, and the grand total, as one more
column and row): no line — a row or a column, with its total — keeps exactly one hidden entry, nor
hidden cells that are all 1 (their sum would pin each, since a hidden count is at least 1). The
smallest other entry of such a line is hidden too (complementary suppression), preferring entries
whose crossing line can hide a second one, until no line needs more. Small counts can still pin
each other around a cycle of lines (1 + 1 + 1 = 3): an integer program then audits every hidden entry
(least and greatest value consistent with what is shown) and hides more until none is pinned. Zero
is shown: nobody is singled out by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

K = 10
SUPPRESSED = f"<{K}"

Entry = tuple[int, int]  # (row, column) in the table with its margins


@dataclass(frozen=True)
class Suppressed:
    cells: tuple[tuple[int | None, ...], ...]  # the counts, None where hidden
    hidden_totals: frozenset[tuple[str, int]]  # ("row" | "column", index) or ("all", 0): totals not to show


def with_margins(counts: Sequence[Sequence[int]], row_totals: bool) -> list[list[int]]:
    """The table with a total row under it and, when rows add up to something, a total column."""
    table = [[*row, sum(row)] if row_totals else list(row) for row in counts]
    return [*table, [sum(column) for column in zip(*table, strict=True)]] if table else table


def margin_lines(rows: int, cols: int, row_totals: bool) -> list[list[Entry]]:
    """The lines of a table with margins whose last entry is the sum of the others: every column, and
    every row when the rows have totals (the total row too)."""
    lines = [[(r, c) for r in range(rows)] for c in range(cols)]
    if row_totals:
        lines += [[(r, c) for c in range(cols)] for r in range(rows)]
    return lines


def suppress_table(counts: Sequence[Sequence[int]], k: int = K, *, row_totals: bool = True,
                   known_totals: frozenset[str] = frozenset()) -> Suppressed:
    """Primary and complementary suppression of a table of counts and its totals (column totals always,
    row totals when `row_totals`: the rows' counts add up to something a reader may know).
    `known_totals` ("rows", "columns"): totals of k or more a reader can learn elsewhere (an agency's
    visits from a run with --agency, a week's from --since): they are never counted on to hide a count."""
    if not counts or not counts[0]:
        return Suppressed(tuple(tuple(row) for row in counts), frozenset())
    row_totals = row_totals and len(counts[0]) > 1  # a one-column table's rows are its cells
    table = with_margins(counts, row_totals)
    lines = margin_lines(len(table), len(table[0]), row_totals)
    hidden = {(r, c) for r, row in enumerate(table) for c, n in enumerate(row) if 0 < n < k}
    known = _known(table, len(counts), len(counts[0]) if row_totals else None, known_totals, k)
    _complement(table, lines, hidden, known)
    _audit(table, lines, hidden, known)
    return Suppressed(tuple(tuple(None if (r, c) in hidden else n for c, n in enumerate(row))
                            for r, row in enumerate(counts)), _hidden_margins(len(counts), len(counts[0]),
                                                                              row_totals, hidden))


def _known(table: Sequence[Sequence[int]], n_rows: int, total_column: int | None, known_totals: frozenset[str],
           k: int) -> set[Entry]:
    """The totals of k or more a reader learns elsewhere: the total row's entries ("columns") and the
    total column's ("rows", when the table has one: `total_column`)."""
    known: set[Entry] = set()
    if "columns" in known_totals:
        known |= {(n_rows, c) for c, n in enumerate(table[n_rows]) if n >= k}
    if "rows" in known_totals and total_column is not None:
        known |= {(r, total_column) for r, row in enumerate(table) if row[total_column] >= k}
    return known


def _needs_more(table: Sequence[Sequence[int]], line: Sequence[Entry], hidden: set[Entry]) -> bool:
    """One hidden entry, or hidden cells all 1 beside a total shown: a total would pin them."""
    held = [entry for entry in line if entry in hidden]
    cells = [table[r][c] for r, c in held if (r, c) != line[-1]]
    return len(held) == 1 or (len(held) > 1 and line[-1] not in hidden and sum(cells) == len(cells))


def _complement(table: Sequence[Sequence[int]], lines: Sequence[list[Entry]], hidden: set[Entry],
                known: set[Entry]) -> None:
    """Hide the smallest shown entry of each line that needs more, until none does; an entry whose
    crossing line could not hide a second one comes last."""
    def lone_after(entry: Entry, line: list[Entry]) -> bool:
        return any(not any(x in hidden for x in other) and not any(table[r][c] for r, c in other if (r, c) != entry)
                   for other in lines if entry in other and other is not line)

    changed = True
    while changed:
        changed = False
        for line in lines:
            candidates = [(r, c) for r, c in line if (r, c) not in hidden and (r, c) not in known and table[r][c]]
            if candidates and _needs_more(table, line, hidden):
                hidden.add(min(candidates, key=lambda e: (lone_after(e, line), table[e[0]][e[1]], e)))
                changed = True


def _audit(table: Sequence[Sequence[int]], lines: Sequence[list[Entry]], hidden: set[Entry],
           known: set[Entry]) -> None:
    """Hide more while a hidden entry is pinned (rare: small counts pinning each other around a cycle)."""
    while found := pinned(table, hidden, lines):
        shown_next = [(r, c) for line in lines if found[0] in line for r, c in line
                      if (r, c) not in hidden and (r, c) not in known and table[r][c]]
        if shown_next:
            hidden.add(min(shown_next, key=lambda e: (table[e[0]][e[1]], e)))
            continue
        # every line through it is hidden but for its known totals: hide every other count too
        rest = {(r, c) for r, row in enumerate(table) for c, n in enumerate(row) if n and (r, c) not in known}
        if rest <= hidden:
            return  # what stays pinned is a count of k or more, alone beside its known total
        hidden |= rest


def _hidden_margins(n_rows: int, n_cols: int, row_totals: bool, hidden: set[Entry]) -> frozenset[tuple[str, int]]:
    totals = {("column", c) for c in range(n_cols) if (n_rows, c) in hidden}
    if row_totals:
        totals |= {("row", r) for r in range(n_rows) if (r, n_cols) in hidden}
        totals |= {("all", 0)} if (n_rows, n_cols) in hidden else set()
    return frozenset(totals)


def pinned(table: Sequence[Sequence[int]], hidden: set[Entry], lines: Sequence[Sequence[Entry]]) -> list[Entry]:
    """The hidden entries whose value follows from what is shown: least and greatest value consistent
    with the lines' sums (each hidden count at least 1) are equal. An integer program per entry (HiGHS)."""
    unknown = sorted(hidden)
    index = {entry: i for i, entry in enumerate(unknown)}
    rows, rhs = [], []
    for line in lines:
        coefficients, known = np.zeros(len(unknown)), 0.0
        for entry in line:  # the cells minus the total: zero
            sign = -1 if entry == line[-1] else 1
            if entry in index:
                coefficients[index[entry]] += sign
            else:
                known -= sign * table[entry[0]][entry[1]]
        if coefficients.any():
            rows.append(coefficients)
            rhs.append(known)
    if not rows:
        return []
    constraint = LinearConstraint(np.array(rows), rhs, rhs)
    found = []
    for entry, i in index.items():
        objective = np.zeros(len(unknown))
        objective[i] = 1
        least, greatest = (milp(sign * objective, constraints=constraint, integrality=np.ones(len(unknown)),
                                bounds=Bounds(1, np.inf)) for sign in (1, -1))
        if least.success and greatest.success and round(least.fun) == round(-greatest.fun):
            found.append(entry)
    return found


def suppress_column(counts: Sequence[int], k: int = K) -> list[int | None]:
    """One column of counts whose total is known, with those that must not be shown replaced by None."""
    return [row[0] for row in suppress_table([[n] for n in counts], k).cells]
