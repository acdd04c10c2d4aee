"""Aggregates over xAPI statements, for agencies (pure): visits per week and per kiosk and week,
languages, each
scenario's funnel (started → finished, or left), after how many steps visitors leave, and the
skills shown across visitors as ranges.

Privacy: only counts and ranges leave this module, never a registration or a pseudonym; any
cell counting fewer than `k` visitors (default 10) is suppressed — `None`, said as "< k" — and
ranges are given only over at least `k` visitors. Voiding statements are skipped (the LRS already
leaves out the statements they void).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from kiosk.sync.xapi import KIOSK_EXTENSION, VERBS

K_ANONYMITY = 10
_LAUNCHED, _ANSWERED, _COMPLETED, _TERMINATED = (VERBS[v] for v in ("launched", "answered", "completed",
                                                                      "terminated"))


@dataclass
class _Visit:
    first: datetime | None = None
    language: str = ""
    kiosk: str = ""
    launched: set[str] = field(default_factory=set)
    completed: set[str] = field(default_factory=set)
    left: set[str] = field(default_factory=set)
    steps: Counter[str] = field(default_factory=Counter)  # scenario -> steps answered
    skills: dict[str, float] = field(default_factory=dict)  # ESCO URI -> estimate, when the evidence is enough


@dataclass(frozen=True)
class SkillRange:
    visitors: int | None  # with enough evidence; None when suppressed
    low: float | None  # first quartile of the estimates (logits)
    median: float | None
    high: float | None  # third quartile


@dataclass(frozen=True)
class Insights:
    k: int
    visits: int | None
    visits_per_week: dict[str, int | None]  # ISO week "2026-W48"
    visits_per_kiosk_week: dict[str, dict[str, int | None]]  # kiosk ("?" when statements do not say) -> week
    languages: dict[str, int | None]
    funnel: dict[str, dict[str, int | None]]  # scenario -> {"started", "finished", "left"}
    left_after_steps: dict[str, dict[int, int | None]]  # scenario -> steps answered before leaving -> visitors
    skills: dict[str, SkillRange]
    suppressed_cells: int  # how many cells say "< k"


def _scenario_of(statement: Mapping[str, Any]) -> str:
    verb = statement.get("verb", {}).get("id")
    if verb == _ANSWERED:
        parents = statement.get("context", {}).get("contextActivities", {}).get("parent", [])
        return str(parents[0].get("id", "")) if parents else ""
    return str(statement.get("object", {}).get("id", ""))


def _when(statement: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(statement.get("timestamp")))
    except ValueError:
        return None


def visits_of(statements: Iterable[Mapping[str, Any]]) -> dict[str, _Visit]:
    visits: dict[str, _Visit] = defaultdict(_Visit)
    for statement in statements:
        verb = statement.get("verb", {}).get("id")
        registration = statement.get("context", {}).get("registration")
        if not registration or verb == VERBS["voided"]:
            continue
        visit = visits[str(registration)]
        at = _when(statement)
        if at is not None and (visit.first is None or at < visit.first):
            visit.first = at
        context = statement.get("context", {})
        visit.language = visit.language or str(context.get("language", ""))
        visit.kiosk = visit.kiosk or str(context.get("extensions", {}).get(KIOSK_EXTENSION, ""))
        scenario = _scenario_of(statement)
        if verb == _LAUNCHED:
            visit.launched.add(scenario)
        elif verb == _ANSWERED:
            visit.steps[scenario] += 1
        elif verb == _COMPLETED:
            visit.completed.add(scenario)
            for uri, estimate in statement.get("result", {}).get("extensions", {}).items():
                if isinstance(estimate, dict) and estimate.get("enough_evidence"):
                    visit.skills[str(uri)] = float(estimate.get("theta", 0.0))
        elif verb == _TERMINATED and statement.get("result", {}).get("completion") is False:
            visit.left.add(scenario)
    return visits


K = TypeVar("K")


def suppress(cells: Mapping[K, int], k: int, *, total_shown: bool) -> dict[K, int | None]:
    """Cells under `k` become None (primary). When the cells add up to a total that is shown, one
    hidden cell alone could be worked out (total minus the others): the smallest shown cell is
    hidden with it (secondary suppression)."""
    shown: dict[K, int | None] = {key: (n if n >= k else None) for key, n in cells.items()}
    if total_shown and sum(n is None for n in shown.values()) == 1:
        others = [(n, key) for key, n in cells.items() if shown[key] is not None]
        if others:
            shown[min(others, key=lambda pair: pair[0])[1]] = None
    return shown


def aggregate(statements: Iterable[Mapping[str, Any]], k: int = K_ANONYMITY) -> Insights:
    visits = visits_of(statements)
    weeks: Counter[str] = Counter()
    kiosk_weeks: dict[str, Counter[str]] = defaultdict(Counter)
    languages: Counter[str] = Counter()
    funnel: dict[str, Counter[str]] = defaultdict(Counter)
    leaving: dict[str, Counter[int]] = defaultdict(Counter)
    thetas: dict[str, list[float]] = defaultdict(list)
    for visit in visits.values():
        if visit.first is not None:
            year, week, _ = visit.first.isocalendar()
            weeks[f"{year}-W{week:02d}"] += 1
            kiosk_weeks[visit.kiosk or "?"][f"{year}-W{week:02d}"] += 1
        languages[visit.language or "?"] += 1
        for scenario in visit.launched | visit.completed | visit.left:
            funnel[scenario]["started"] += scenario in visit.launched
            funnel[scenario]["finished"] += scenario in visit.completed
            funnel[scenario]["left"] += scenario in visit.left and scenario not in visit.completed
        for scenario in visit.left - visit.completed:
            leaving[scenario][visit.steps[scenario]] += 1
        for uri, theta in visit.skills.items():
            thetas[uri].append(theta)
    total = suppress({"all": len(visits)}, k, total_shown=False)["all"]
    per_week = suppress(weeks, k, total_shown=total is not None)
    per_kiosk: dict[str, dict[str, int | None]] = defaultdict(dict)
    for iso_week in weeks:  # each week's kiosks add up to the week's (shown) count
        by_kiosk = {kiosk: c[iso_week] for kiosk, c in kiosk_weeks.items() if c[iso_week]}
        for kiosk, n in suppress(by_kiosk, k, total_shown=per_week[iso_week] is not None).items():
            per_kiosk[kiosk][iso_week] = n
    funnels: dict[str, dict[str, int | None]] = {}
    left_after: dict[str, dict[int, int | None]] = {}
    for scenario, c in sorted(funnel.items()):
        started = suppress({"started": c["started"]}, k, total_shown=False)["started"]
        # finished + left = started; those who left add up to the `left` cell
        funnels[scenario] = {"started": started} | suppress({"finished": c["finished"], "left": c["left"]}, k,
                                                            total_shown=started is not None)
        if scenario in leaving:
            left_after[scenario] = dict(sorted(suppress(leaving[scenario], k,
                                                        total_shown=funnels[scenario]["left"] is not None).items()))
    skills = {}
    for uri, values in sorted(thetas.items()):
        if len(values) < k:
            skills[uri] = SkillRange(None, None, None, None)
        else:
            low, median, high = statistics.quantiles(values, n=4)
            skills[uri] = SkillRange(len(values), round(low, 2), round(median, 2), round(high, 2))
    languages_shown = suppress(languages, k, total_shown=total is not None)
    groups: list[Mapping[Any, int | None]] = [per_week, languages_shown, *per_kiosk.values(), *funnels.values(),
                                              *left_after.values()]
    hidden = (sum(n is None for cells in groups for n in cells.values())
              + (total is None) + sum(r.visitors is None for r in skills.values()))
    kiosks = {kiosk: dict(sorted(c.items())) for kiosk, c in sorted(per_kiosk.items())}
    return Insights(k, total, dict(sorted(per_week.items())), kiosks,
                    dict(sorted(languages_shown.items())), funnels, left_after, skills, hidden)


def insights_csv_rows(insights: Insights) -> list[list[str]]:
    """One row per figure: section, key, sub-key, value ("< k" when suppressed)."""
    said = f"< {insights.k}"

    def shown(value: float | None) -> str:
        return said if value is None else f"{value:g}"

    rows = [["section", "key", "detail", "value"], ["visits", "all", "", shown(insights.visits)]]
    rows += [["visits_per_week", week, "", shown(n)] for week, n in insights.visits_per_week.items()]
    rows += [["visits_per_kiosk_week", kiosk, week, shown(n)] for kiosk, weeks in
             insights.visits_per_kiosk_week.items() for week, n in weeks.items()]
    rows += [["languages", lang, "", shown(n)] for lang, n in insights.languages.items()]
    rows += [["funnel", scenario, part, shown(n)] for scenario, parts in insights.funnel.items()
             for part, n in parts.items()]
    rows += [["left_after_steps", scenario, str(steps), shown(n)] for scenario, counts in
             insights.left_after_steps.items() for steps, n in counts.items()]
    for uri, r in insights.skills.items():
        rows += [["skills", uri, "visitors", shown(r.visitors)]]
        if r.visitors is not None:
            rows += [["skills", uri, "quartiles", f"{r.low:g} / {r.median:g} / {r.high:g}"]]
    return rows
