"""`kiosk bench insights`: how fast the agency report reads an LRS — statements posted, read back
page by page (kiosk/sync/harvest.py) and aggregated (kiosk/insights/), with the report written.

The visits are synthetic (xAPI builders fed with drawn answers, languages, kiosks, departures and
skill estimates): the bench measures reading and aggregating, not the kiosk's scoring.
"""

from __future__ import annotations

import contextlib
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.insights.aggregate import aggregate, insights_csv_rows
from kiosk.insights.report import insights_html
from kiosk.sync import xapi
from kiosk.sync.client import LrsClient
from kiosk.sync.harvest import fetcher, harvest, harvested

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
KIOSKS = ("lyon-part-dieu-1", "lyon-part-dieu-2", "villeurbanne-1", "venissieux-1")
LANGUAGES = (("fr", 78), ("en", 12), ("ar", 6), ("uk", 4))
SKILLS = ("http://data.europa.eu/esco/skill/036afa6e-cdde-4b38-a53a-8e7910a840e1",  # T1-like: the sample's URIs
          "http://data.europa.eu/esco/skill/13d301d0-98cb-414f-a8f9-a3f059228133")
SCENARIOS = (("commis-de-cuisine", "coup-de-feu-du-midi", 8), ("aide-soignant", "matinee-en-ehpad", 10))


def synthetic_statements(count: int, seed: int = 1) -> list[xapi.Statement]:
    """At least `count` statements (whole visits) of synthetic visits over four weeks: one scenario each,
    70 % finished."""
    rng = random.Random(seed)
    statements: list[xapi.Statement] = []
    while len(statements) < count:
        registration = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        language = rng.choices([code for code, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
        visit = xapi.Visit(registration, f"visitor-{registration[:8]}", "https://agency.example.org",
                           "https://agency.example.org/nova", language, kiosk=rng.choice(KIOSKS))
        pack, scenario, steps = rng.choice(SCENARIOS)
        activity = xapi.scenario_activity(visit, pack, scenario, {"fr": scenario})
        at = START + timedelta(days=rng.randrange(28), minutes=rng.randrange(600))
        finished = rng.random() < 0.7
        answered = steps if finished else rng.randint(1, steps - 1)
        statements.append(xapi.launched(visit, activity, at))
        statements += [xapi.answered(visit, activity, f"step-{i}", ["a"], {"o": 1}, {"o": 2},
                                     at + timedelta(seconds=20 * (i + 1)), i) for i in range(answered)]
        end = at + timedelta(seconds=20 * answered + 5)
        if finished:
            estimates = {}
            for uri in SKILLS:
                theta = rng.gauss(0.0, 1.0)
                estimates[uri] = xapi.estimate_extension(theta, 0.6, theta - 1.0, theta + 1.0, 0.9, rng.random() < 0.8,
                                                         steps, ["bench"])
            statements.append(xapi.completed(visit, activity, end, estimates, (end - at).total_seconds()))
        statements.append(xapi.terminated(visit, activity, end + timedelta(milliseconds=1), finished=finished))
    return statements


def run_insights_bench(lrs: Callable[[], contextlib.AbstractContextManager[LrsClient]], count: int = 10_000,
                       out: Path | None = None, page: int = 1000) -> None:
    statements = synthetic_statements(count)
    with lrs() as client, tempfile.TemporaryDirectory(prefix="nova-insights-") as work:
        print(f"kiosk bench insights: {len(statements)} statements into {client.endpoint}")
        started = time.perf_counter()
        for first in range(0, len(statements), 500):
            reply = client.post(statements[first:first + 500])
            if reply.status not in (200, 204):
                raise RuntimeError(f"the LRS refused a batch: {reply.status} {reply.body[:200]!r}")
        posted = time.perf_counter() - started
        print(f"posted in {posted:.1f} s")
        started = time.perf_counter()
        done = harvest(fetcher(client), f"limit={page}", Path(work))
        read = time.perf_counter() - started
        print(f"read back {done.statements} statements in {read:.1f} s ({done.pages} pages, asked {page} each): "
              f"{done.statements / read:,.0f} statements/s")
        started = time.perf_counter()
        result = aggregate(harvested(Path(work)))
        summed = time.perf_counter() - started
        print(f"aggregated {result.visits} visits in {summed:.2f} s: "
              f"{done.statements / summed:,.0f} statements/s; {result.suppressed_cells} cells suppressed")
    if out is not None:
        import csv

        out.mkdir(parents=True, exist_ok=True)
        with (out / "insights.csv").open("w", newline="") as table:
            csv.writer(table, lineterminator="\n").writerows(insights_csv_rows(result))
        (out / "insights.html").write_text(insights_html(result, "What the kiosks learnt (synthetic bench visits)",
                                                         "2026-11-02 to 2026-11-29"))
        print(f"report: {out / 'insights.html'}, {out / 'insights.csv'}")
