"""Response tables: who gave which credit on which item — what calibration, reports and
DIF analyses read. The long CSV form (one response per row) is what the simulator writes
and what the session store exports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kiosk.errors import ContentError
from kiosk.scoring.bank import ItemKey
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
    groups: dict[str, list[str]]  # group name -> one label per visit (the first in force)
    scenario_versions: dict[str, str] = field(default_factory=dict)  # pack -> version answered
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
                             {p: v for p, v in self.scenario_versions.items() if p in packs}, self.answer_groups)


def to_rows(table: ResponseTable) -> Iterable[dict[str, str]]:
    labels = {g: [table.labels(g, column) for column in range(len(table.items))] for g in GROUPS}
    for row, visit in enumerate(table.visits):
        for column, key in enumerate(table.items):
            credit = int(table.credits[row, column])
            if credit == MISSING:
                continue
            yield {"visit": visit, "pack": key.pack, "scenario_version": table.scenario_versions.get(key.pack, ""),
                   "step": key.step, "observable": key.observable, "skill": key.skill, "credit": str(credit),
                   "max_credit": str(table.maxima[column]), **{g: labels[g][column][row] for g in GROUPS}}


def write_csv(table: ResponseTable) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(to_rows(table))
    return out.getvalue()


def read_csv(text: str, source: str) -> ResponseTable:
    """A table from the long CSV; ContentError naming the file, line and column on a bad row."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS[:8] if c not in (reader.fieldnames or [])]
    if missing:
        raise ContentError(f"{source}:1: missing column(s) {', '.join(missing)}",
                           f"the header must name: {', '.join(COLUMNS)}")
    entries: list[tuple[str, ItemKey, int, int]] = []
    groups: dict[str, dict[str, str]] = {g: {} for g in GROUPS}
    answer_groups: dict[str, dict[ItemKey, dict[str, str]]] = {g: {} for g in GROUPS}
    versions: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        try:
            credit, maximum = int(row["credit"]), int(row["max_credit"])
        except (TypeError, ValueError):
            raise ContentError(f"{source}:{line}: credit and max_credit must be whole numbers",
                               f"got credit={row.get('credit')!r}, max_credit={row.get('max_credit')!r}") from None
        if not (0 <= credit <= maximum):
            raise ContentError(f"{source}:{line}: credit {credit} is outside 0..{maximum}",
                               "check the export: a credit never exceeds its observable's max")
        key = ItemKey(row["pack"], row["step"], row["observable"], row["skill"])
        entries.append((row["visit"], key, credit, maximum))
        versions.setdefault(key.pack, row["scenario_version"])
        for g in GROUPS:
            groups[g].setdefault(row["visit"], row.get(g) or "")
            answer_groups[g].setdefault(key, {}).setdefault(row["visit"], row.get(g) or "")
    table = build_table(entries, groups, versions)
    table.answer_groups = answer_groups
    return table


def build_table(entries: Sequence[tuple[str, ItemKey, int, int]], groups: Mapping[str, Mapping[str, str]],
                versions: Mapping[str, str]) -> ResponseTable:
    visits = list(dict.fromkeys(visit for visit, _, _, _ in entries))
    maxima_by_key: dict[ItemKey, int] = {}
    for _, key, _, maximum in entries:
        maxima_by_key[key] = max(maximum, maxima_by_key.get(key, 0))
    items = sorted(maxima_by_key)
    row_of = {v: i for i, v in enumerate(visits)}
    column_of = {k: i for i, k in enumerate(items)}
    credits = np.full((len(visits), len(items)), MISSING, dtype=np.int64)
    for visit, key, credit, _ in entries:
        if credits[row_of[visit], column_of[key]] == MISSING:  # first answer counts, as in a visit
            credits[row_of[visit], column_of[key]] = credit
    return ResponseTable(visits, items, [maxima_by_key[k] for k in items], credits,
                         {g: [labels.get(v, "") for v in visits] for g, labels in groups.items()}, dict(versions))
