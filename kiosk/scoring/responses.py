"""Response tables: who gave which credit on which item — what calibration, reports and
DIF analyses read. The long CSV form (one observable credit per row and skill) is what the
session store exports and the simulator writes; reading it turns observable credits into
item credits (kiosk.scoring.items).
"""

from __future__ import annotations

import csv
import io
from array import array
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from kiosk.errors import ContentError
from kiosk.scoring.items import ItemKey, StepItem
from kiosk.scoring.posterior import MISSING, IntMatrix

#: Groups the kiosk knows without knowing who anyone is; DIF is checked across each.
GROUPS = ("language", "input", "device")
COLUMNS = ("visit", "pack", "scenario_version", "step", "observable", "skill", "credit", "max_credit", *GROUPS)


@dataclass
class ResponseTable:
    visits: list[str]
    items: list[ItemKey]  # sorted
    maxima: list[int]
    credits: IntMatrix  # (visits, items); MISSING where the item was not seen
    groups: dict[str, list[str]]  # group name -> one label per visit
    scenario_versions: dict[str, str] = field(default_factory=dict)  # pack -> version answered
    versions_seen: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)  # pack -> version ->
    # (first line, rows): every row's version, so a file that mixes versions can be refused
    ignored: int = 0  # rows naming no step item of the packs read
    # group name -> the label in force when a visit answered an item, where the export says so: a visitor
    # may switch language, input or device mid-visit, and DIF compares answers, not visitors
    answer_groups: dict[str, dict[ItemKey, dict[str, str]]] = field(default_factory=dict)  # group → item → visit

    def labels(self, group: str, column: int) -> list[str]:
        """Each visit's `group` label when it answered item `column` (its visit label where unknown)."""
        visit_labels = self.groups.get(group, [""] * len(self.visits))
        answers = self.answer_groups.get(group, {}).get(self.items[column])
        if not answers:
            return list(visit_labels)
        return [answers.get(visit, visit_labels[row]) for row, visit in enumerate(self.visits)]

    def stale_versions(self, current: Mapping[str, str]) -> list[str]:
        """One sentence per pack whose rows were given to another scenario version than `current[pack]`."""
        found = []
        for pack, seen in sorted(self.versions_seen.items()):
            if pack not in current:
                continue
            other = {v: where for v, where in seen.items() if v != current[pack]}
            if other:
                rows = sum(count for _, count in other.values())
                line = min(first for first, _ in other.values())
                found.append(f"{pack}: {rows} row(s) from version(s) {', '.join(sorted(other))} (first at line "
                             f"{line}), the pack is {current[pack]}")
        return found

    def columns_of(self, skill: str) -> list[int]:
        return [i for i, key in enumerate(self.items) if key.skill == skill]

    @property
    def skills(self) -> list[str]:
        return sorted({key.skill for key in self.items})

    def for_packs(self, packs: Collection[str]) -> ResponseTable:
        """Only the items of these packs, and only the visits that played one of them."""
        columns = [i for i, key in enumerate(self.items) if key.pack in packs]
        rows = np.flatnonzero((self.credits[:, columns] != MISSING).any(axis=1)) if columns else np.array([], int)
        picked = self.credits[np.ix_(rows, np.asarray(columns, dtype=np.intp))]
        return ResponseTable([self.visits[r] for r in rows], [self.items[c] for c in columns],
                             [self.maxima[c] for c in columns], picked,
                             {g: [labels[r] for r in rows] for g, labels in self.groups.items()},
                             _of_packs(self.scenario_versions, packs), _of_packs(self.versions_seen, packs),
                             self.ignored, self._answer_groups_of(packs))

    def _answer_groups_of(self, packs: Collection[str]) -> dict[str, dict[ItemKey, dict[str, str]]]:
        return {g: {k: v for k, v in by_item.items() if k.pack in packs} for g, by_item in self.answer_groups.items()}


_V = TypeVar("_V")


def _of_packs(by_pack: Mapping[str, _V], packs: Collection[str]) -> dict[str, _V]:
    return {p: v for p, v in by_pack.items() if p in packs}


@dataclass(frozen=True, slots=True)
class ObservationRow:
    """One observable's credit in one visit: what the session store exports (one CSV row per skill)."""

    visit: int  # row of the visit in the table
    pack: str
    step: str
    observable: str
    credit: int
    max_credit: int


def write_csv(table: ResponseTable, rows: Iterable[ObservationRow],
              skills_of: Mapping[tuple[str, str], Sequence[str]]) -> str:
    """The long CSV, in the store export's form: one row per observable answered and skill it bears on.

    `skills_of` maps (pack, observable) to its skills; the groups come from `table`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        visit = table.visits[row.visit]
        labels = [table.groups.get(g, [""] * len(table.visits))[row.visit] for g in GROUPS]
        for skill in skills_of.get((row.pack, row.observable), ()):
            writer.writerow([visit, row.pack, table.scenario_versions.get(row.pack, ""), row.step, row.observable,
                             skill, row.credit, row.max_credit, *labels])
    return out.getvalue()


def read_csv(text: str | Iterable[str], source: str, items: Mapping[tuple[str, str], Sequence[StepItem]]
             ) -> ResponseTable:
    """A table of item credits from the long CSV of observable credits.

    `items` maps (pack, step) to the step's items; rows of other steps are counted in
    `ResponseTable.ignored`. Each row's scenario version is recorded (`versions_seen`), so a
    caller can refuse a file that mixes versions. ContentError names the file and line of a bad row.
    `text` may be an open file: rows are read one by one, never the whole file at once.
    """
    reader = csv.reader(io.StringIO(text) if isinstance(text, str) else text)
    at = _header_columns(next(reader, []), source)
    columns: list[StepItem] = sorted({i.key: i for found in items.values() for i in found}.values(),
                                     key=lambda i: i.key)
    rows = _Rows(source, at, columns, *_contributions(items, columns))
    for line, row in enumerate(reader, start=2):
        if row:
            rows.add(line, row)
    return rows.table()


def _header_columns(header: list[str], source: str) -> dict[str, int]:
    missing = [c for c in COLUMNS[:8] if c not in header]
    if missing:
        raise ContentError(f"{source}:1: missing column(s) {', '.join(missing)}",
                           f"the header must name: {', '.join(COLUMNS)}")
    return {c: header.index(c) for c in COLUMNS if c in header}


def _contributions(items: Mapping[tuple[str, str], Sequence[StepItem]], columns: Sequence[StepItem]
                   ) -> tuple[dict[tuple[str, str, str], int], list[list[int]]]:
    """Each (pack, step, observable) gets a number; contributions says which item columns it adds to."""
    column_of = {i.key: n for n, i in enumerate(columns)}
    observable_ids: dict[tuple[str, str, str], int] = {}
    contributions: list[list[int]] = []
    for (pack, step), found in items.items():
        for item in found:
            for observable in item.observables:
                number = observable_ids.setdefault((pack, step, observable), len(observable_ids))
                if number == len(contributions):
                    contributions.append([])
                contributions[number].append(column_of[item.key])
    return observable_ids, contributions


class _Rows:
    """The CSV's rows gathered one by one into compact arrays, then the item table."""

    def __init__(self, source: str, at: dict[str, int], columns: list[StepItem],
                 observable_ids: dict[tuple[str, str, str], int], contributions: list[list[int]]) -> None:
        self.source, self.at, self.columns = source, at, columns
        self.observable_ids, self.contributions = observable_ids, contributions
        self.group_at = [(g, at.get(g)) for g in GROUPS]
        self.visit_of: dict[str, int] = {}
        self.groups: dict[str, list[str]] = {g: [] for g in GROUPS}
        self.answer_groups: dict[str, dict[ItemKey, dict[str, str]]] = {g: {} for g in GROUPS}
        self.visit_numbers, self.observable_numbers, self.credit_values = array("l"), array("l"), array("l")
        self.versions: dict[str, dict[str, tuple[int, int]]] = {}
        self.ignored = 0

    def add(self, line: int, row: list[str]) -> None:
        visit, pack, version, step, observable, credit = self._read(line, row)
        by_version = self.versions.setdefault(pack, {})
        first, count = by_version.get(version, (line, 0))
        by_version[version] = (first, count + 1)
        observable_number = self.observable_ids.get((pack, step, observable))
        if observable_number is None:
            self.ignored += 1
            return
        if visit not in self.visit_of:
            self.visit_of[visit] = len(self.visit_of)
            for g, index in self.group_at:
                self.groups[g].append(row[index] if index is not None and index < len(row) else "")
        self._answer_groups(row, visit, observable_number)
        self.visit_numbers.append(self.visit_of[visit])
        self.observable_numbers.append(observable_number)
        self.credit_values.append(credit)

    def _read(self, line: int, row: list[str]) -> tuple[str, str, str, str, str, int]:
        at = self.at
        try:
            visit, pack, version, step, observable = (row[at[c]] for c in COLUMNS[:5])
            credit, maximum = int(row[at["credit"]]), int(row[at["max_credit"]])
        except (IndexError, ValueError):
            raise ContentError(f"{self.source}:{line}: credit and max_credit must be whole numbers in every row",
                               f"got {','.join(row)!r}") from None
        if not (0 <= credit <= maximum):
            raise ContentError(f"{self.source}:{line}: credit {credit} is outside 0..{maximum}",
                               "check the export: a credit never exceeds its observable's max")
        return visit, pack, version, step, observable, credit

    def _answer_groups(self, row: list[str], visit: str, observable_number: int) -> None:
        """The group (language, input, device) each item was answered in, per visit: its first row."""
        for g, index in self.group_at:
            if index is not None and index < len(row) and row[index]:
                for column in self.contributions[observable_number]:
                    self.answer_groups[g].setdefault(self.columns[column].key, {}).setdefault(visit, row[index])

    def table(self) -> ResponseTable:
        table = item_table(list(self.visit_of), self.columns, np.frombuffer(self.visit_numbers, dtype=np.int_),
                           np.frombuffer(self.observable_numbers, dtype=np.int_),
                           np.frombuffer(self.credit_values, dtype=np.int_), self.contributions, self.groups)
        table.scenario_versions = {p: min(v.items(), key=lambda kv: kv[1][0])[0] for p, v in self.versions.items()}
        table.versions_seen = self.versions
        table.ignored = self.ignored
        table.answer_groups = self.answer_groups
        return table


def item_table(visits: list[str], columns: Sequence[StepItem], visit_numbers: npt.NDArray[np.int_],
               observable_numbers: npt.NDArray[np.int_], credit_values: npt.NDArray[np.int_],
               contributions: Sequence[Sequence[int]], groups: dict[str, list[str]]) -> ResponseTable:
    """Item credits from observable credits, vectorised: the first answer of each visit × observable counts,
    each item sums the credits of its observables and ranks the sum among what its step can give."""
    n_observables = max(len(contributions), 1)
    combined = visit_numbers.astype(np.int64) * n_observables + observable_numbers
    _, first = np.unique(combined, return_index=True)  # first occurrence in file order
    visit_numbers, observable_numbers, credit_values = visit_numbers[first], observable_numbers[first], \
        credit_values[first]
    raw = np.zeros((len(visits), len(columns)), dtype=np.int64)
    seen = np.zeros((len(visits), len(columns)), dtype=bool)
    for number, targets in enumerate(contributions):
        rows = observable_numbers == number
        if not rows.any():
            continue
        who, credit = visit_numbers[rows], credit_values[rows]
        for column in targets:
            np.add.at(raw[:, column], who, credit)
            seen[who, column] = True
    credits = np.full((len(visits), len(columns)), MISSING, dtype=np.int64)
    for column, item in enumerate(columns):
        ranks = np.searchsorted(np.asarray(item.levels), raw[:, column], side="right") - 1
        credits[seen[:, column], column] = np.maximum(ranks[seen[:, column]], 0)
    return ResponseTable(visits, [i.key for i in columns], [i.max_credit for i in columns], credits, groups)
