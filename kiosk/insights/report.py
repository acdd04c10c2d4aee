"""The agency report, computed from per-visit facts (pure): tables of counts of visitors, each
cell under k suppressed (`kiosk.insights.privacy`). Nothing here names a visit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.insights.facts import ScenarioFacts, VisitFacts
from kiosk.insights.privacy import K, suppress_table
from kiosk.scoring.posterior import percentile

Cell = str | int | float | None  # None: suppressed
BANDS = ((0, 25), (25, 50), (50, 75), (75, 100))  # percentile bands of the skill estimate
MODE_NAMES = ("large-text", "high-contrast", "easy-read", "narration", "one-switch", "less-motion")  # usage.MODES


@dataclass(frozen=True)
class Table:
    name: str  # file name stem of its CSV
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class ScenarioInfo:
    """What the packs say about a scenario: its trade and its steps in authored order."""

    title: str
    rome: str
    trade: str
    steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    visits: int
    period: tuple[str, str]  # first and last visit (ISO dates), "" when none
    tables: tuple[Table, ...]
    missing: tuple[str, ...] = field(default=())  # what the statements do not carry (yet)
    k: int = K


MISSING = (
    "Visits per kiosk: counted from the kiosk extension; statements of kiosks that do not send it count per "
    "agency only.",
    "Trade clips watched: counted from the clips' xAPI Video Profile statements, where kiosks send them.",
    "Results taken: the hand-off QR code shown counts; whether the visitor opened it on their phone is not in "
    "the statements.",
    "Trainings suggested: only where the kiosk has a trainings feed; 'not recorded' otherwise.",
)
FUNNEL = (("trade", "trade viewed"), ("offers", "offers viewed"), ("results", "results taken"),
          ("trainings", "trainings suggested"))


def iso_week(timestamp: str) -> str:
    year, week, _ = datetime.fromisoformat(timestamp).isocalendar()
    return f"{year}-W{week:02d}"


def _counted(name: str, title: str, key_columns: tuple[str, ...], count_columns: tuple[str, ...],
             rows: Iterable[tuple[tuple[Cell, ...], tuple[int, ...]]], note: str = "", k: int = K, *,
             row_totals: bool = False, known_totals: frozenset[str] = frozenset()) -> Table:
    """A table of visitor counts suppressed under k, so that no hidden count can be worked out from its
    column's total (or its row's, when the row's counts add up to something: `row_totals`)."""
    listed = list(rows)
    shown = suppress_table([counts for _, counts in listed], k, row_totals=row_totals, known_totals=known_totals).cells
    body = tuple((*keys, *shown[r]) for r, (keys, _) in enumerate(listed))
    return Table(name, title, key_columns + count_columns, body, note)


def _crossed(name: str, title: str, columns: tuple[str, str, str], counts: Counter[tuple[str, str]], note: str,
             k: int) -> Table:
    """Counts of two keys (agency x week) listed one pair a line, suppressed as the full cross table: a
    reader who knows one agency's total or one week's total cannot work a hidden count out of it."""
    rows, cols = sorted({a for a, _ in counts}), sorted({b for _, b in counts})
    shown = suppress_table([[counts[(a, b)] for b in cols] for a in rows], k,
                           known_totals=frozenset({"rows", "columns"})).cells
    body = tuple((a, b, shown[i][j]) for i, a in enumerate(rows) for j, b in enumerate(cols) if counts[(a, b)])
    return Table(name, title, columns, body, note)


def build_report(visits: Mapping[str, VisitFacts], scenarios: Mapping[str, ScenarioInfo],
                 offers_by_rome: Mapping[str, int] | None, skill_names: Mapping[str, str], k: int = K) -> Report:
    kept = [v for v in visits.values() if not v.erased and v.first]
    days = sorted(v.first[:10] for v in kept)
    tables = (_visits_per_week(kept, k), *_visits_per_kiosk(kept, k), _languages(kept, k), _modes(kept, k),
              _used(kept, "inputs", "Inputs used", "input", k),
              _used(kept, "devices", "Devices looked at", "device", k), _funnel(kept, k),
              *_leaving(kept, scenarios, k), _skills(kept, skill_names, k), _trades(kept, scenarios, offers_by_rome, k))
    return Report(len(kept), (days[0], days[-1]) if days else ("", ""), tables, MISSING, k)


def _visits_per_week(visits: Sequence[VisitFacts], k: int) -> Table:
    counts = Counter((v.agency, iso_week(v.first)) for v in visits)
    return _crossed("visits_per_agency_week", "Visits per agency and week", ("agency", "week", "visits"), counts,
                    "A visit is one registration (one job seeker's session at a kiosk).", k)


def _visits_per_kiosk(visits: Sequence[VisitFacts], k: int) -> list[Table]:
    counts = Counter((v.kiosk, iso_week(v.first)) for v in visits if v.kiosk)
    if not counts:
        return []
    return [_crossed("visits_per_kiosk_week", "Visits per kiosk and week", ("kiosk", "week", "visits"), counts,
                     "Kiosks that say which they are (the kiosk extension of their statements).", k)]


def _languages(visits: Sequence[VisitFacts], k: int) -> Table:
    counts = Counter(v.language or "?" for v in visits)
    return _counted("languages", "Interface languages used", ("language",), ("visits",),
                    (((lang,), (n,)) for lang, n in counts.most_common()), "", k)


def _modes(visits: Sequence[VisitFacts], k: int) -> Table:
    """Visits that turned each accessibility mode on (one visit may use several)."""
    counts = Counter(mode for v in visits for mode in v.modes)
    rows = [((mode,), (counts[mode],)) for mode in MODE_NAMES]
    rows.append((("none",), (sum(1 for v in visits if not v.modes),)))
    return _counted("accessibility_modes", "Accessibility modes used", ("mode",), ("visits",), rows,
                    "A visit counts once under each mode it turned on; 'none': no mode at all.", k)


def _used(visits: Sequence[VisitFacts], attribute: str, title: str, column: str, k: int) -> Table:
    """Visits that used each input kind (or device) at least once."""
    counts = Counter(kind for v in visits for kind in getattr(v, attribute))
    rows = [((kind,), (n,)) for kind, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return _counted(attribute, title, (column,), ("visits",), rows,
                    "A visit counts once under each it used; visits from kiosks that do not say are not counted.", k)


def _pages_reached(visits: Sequence[VisitFacts]) -> dict[str, int | None]:
    recorded = set().union(*(v.funnel for v in visits))
    return {page: sum(1 for v in visits if page in v.funnel) if page in recorded else None for page, _ in FUNNEL}


def _stages(visits: Sequence[VisitFacts]) -> list[tuple[str, int | None]]:
    """Visitors reaching each stage, in the funnel's order; None: no kiosk records that stage."""
    reached = _pages_reached(visits)
    clips = sum(1 for v in visits if v.clips)
    started = sum(1 for v in visits if any(s.launched or s.answers for s in v.scenarios.values()))
    finished = sum(1 for v in visits if any(s.completed for s in v.scenarios.values()))
    return [("all visits", len(visits)), ("trade clip watched", clips or None), ("trade viewed", reached["trade"]),
            ("scenario started", started), ("scenario finished", finished),
            *((label, reached[page]) for page, label in FUNNEL[1:])]


def _funnel(visits: Sequence[VisitFacts], k: int) -> Table:
    """A stage no kiosk records at all reads "not recorded" rather than 0."""
    stages = _stages(visits)
    counted = [(stage, n) for stage, n in stages if n is not None]
    table = _counted("funnel", "From a trade to results (visitors reaching each stage)", ("stage",), ("visitors",),
                     (((stage,), (n,)) for stage, n in counted),
                     "Each stage counts the visitors who reached it at least once; 'not recorded': no kiosk sends "
                     "it (yet).", k)
    shown = {stage: row[1] for (stage, _), row in zip(counted, table.rows, strict=True)}
    body = tuple((stage, shown[stage] if n is not None else "not recorded") for stage, n in stages)
    return Table(table.name, table.title, table.columns, body, table.note)


def _leaving(visits: Sequence[VisitFacts], scenarios: Mapping[str, ScenarioInfo], k: int) -> list[Table]:
    """Per scenario: how many visitors reached each step, and how many walked away after it."""
    tables = []
    played = sorted({key for v in visits for key in v.scenarios})
    for key in played:
        reached, left_after, started, finished = _reach([v.scenarios[key] for v in visits if key in v.scenarios])
        order: dict[str, int] = {s: i for i, s in enumerate(scenarios[key].steps)} if key in scenarios else {}
        for step in reached:
            order.setdefault(step, len(order))
        rows = [((step,), (reached[step], left_after[step])) for step in sorted(reached, key=lambda s: order[s])]
        title = scenarios[key].title if key in scenarios else key
        table = _counted(f"steps_{key.replace('/', '__')}",
                         f"Where visitors leave: {title} ({started} started, {finished} finished)"
                         if started >= k and finished >= k else f"Where visitors leave: {title}",
                         ("step",), ("reached", "left after it"), rows,
                         "Steps in the scenario's order; 'left after it' = the last step answered before "
                         "walking away.", k)
        tables.append(_rounded_reach(table, k))
    return tables


def _reach(played: Sequence[ScenarioFacts]) -> tuple[Counter[str], Counter[str], int, int]:
    """Of the visits that played one scenario: how many reached each step, how many walked away after
    each (their last answer), how many started and how many finished."""
    reached: Counter[str] = Counter()
    left_after: Counter[str] = Counter()
    for facts in played:
        steps = facts.steps_in_order()
        reached.update(steps)
        if facts.left and not facts.completed and steps:
            left_after[steps[-1]] += 1
    return reached, left_after, len(played), sum(f.completed for f in played)


def _rounded_reach(table: Table, k: int) -> Table:
    """The drop in "reached" from one step to the next is "left after it": when a "left after it" count is
    hidden, "reached" is rounded to the nearest k, so the drop cannot give the hidden count back."""
    if all(row[2] is not None for row in table.rows):
        return table
    rows = tuple((row[0], (int(row[1]) + k // 2) // k * k if isinstance(row[1], int) else row[1], row[2])
                 for row in table.rows)
    return Table(table.name, table.title, table.columns, rows,
                 table.note + f" 'reached' is rounded to the nearest {k}: the drop from one step to the next would "
                              "otherwise give a hidden 'left after it' back.")


def _reading(visitors: Cell, offers: int) -> str:
    """Interest set against offers for one trade (nothing to say when the count is hidden or both are 0)."""
    if visitors is None or (offers == 0 and visitors == 0):
        return ""
    if offers == 0:
        return "interest, no offer"
    ratio = int(visitors) / offers
    return "interest outruns offers" if ratio > 2 else "offers outrun interest" if ratio < 0.5 else "balanced"


def _band(theta: float) -> int:
    share = percentile(theta)
    return next(i for i, (low, high) in enumerate(BANDS) if share < high or high == 100)


def _skills(visits: Sequence[VisitFacts], skill_names: Mapping[str, str], k: int) -> Table:
    """Skills shown across visitors, in percentile bands: the last estimate of each visit, enough evidence only."""
    bands: dict[str, list[int]] = {}
    unclear: Counter[str] = Counter()
    for v in visits:
        latest: dict[str, tuple[float, bool]] = {}
        for facts in v.scenarios.values():
            latest.update(facts.estimates)
        for uri, (theta, enough) in latest.items():
            counts = bands.setdefault(uri, [0] * len(BANDS))
            if enough:
                counts[_band(theta)] += 1
            else:
                unclear[uri] += 1
    rows = [((skill_names.get(uri, uri),), (*counts, unclear[uri])) for uri, counts in
            sorted(bands.items(), key=lambda item: skill_names.get(item[0], item[0]))]
    return _counted("skills", "Skills shown across visitors (percentile bands of the estimate)", ("skill",),
                    (*(f"{low}-{high}" for low, high in BANDS), "not enough evidence"), rows,
                    "Counts of visitors whose estimate falls in each band; never individual results.", k,
                    row_totals=True, known_totals=frozenset({"rows"}))  # a skill's visitors: from the steps' tables


def _trades(visits: Sequence[VisitFacts], scenarios: Mapping[str, ScenarioInfo],
            offers_by_rome: Mapping[str, int] | None, k: int) -> Table:
    interest: Counter[tuple[str, str]] = Counter()
    for v in visits:
        trades = {(scenarios[key].rome, scenarios[key].trade) if key in scenarios else ("?", key)
                  for key in v.scenarios}
        interest.update(trades)
    names = {info.rome: info.trade for info in scenarios.values()}
    for rome in offers_by_rome or {}:
        if rome not in {r for r, _ in interest}:
            interest[(rome, names.get(rome, ""))] += 0
    rows = sorted(interest.items(), key=lambda item: (-item[1], item[0]))
    table = _counted("trades", "Trades explored vs offers available", ("ROME", "trade"), ("visitors",),
                     (((rome, trade), (n,)) for (rome, trade), n in rows),
                     "" if offers_by_rome is not None else "No offers feed given (--offers): offers not counted.", k)
    if offers_by_rome is None:
        return table
    body = []
    for row in table.rows:
        offers = offers_by_rome.get(str(row[0]), 0)
        body.append((*row, offers, _reading(row[2], offers)))
    return Table(table.name, table.title, (*table.columns, "offers", "reading"), tuple(body),
                 "reading: more than 2 visitors per offer = interest outruns offers; under 0.5 = offers outrun "
                 "interest.")
