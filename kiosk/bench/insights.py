"""`kiosk bench insights`: how fast `kiosk insights` reads statements back from an LRS, and what 100k costs.

The LRS is filled (POST, 500 per request) with visits of 13 statements, then read in full twice — at
half the size and at the full size — through the report's own reader (pages of the LRS's page size,
following `more`). A read that costs the same per statement at both sizes extrapolates linearly to
100k; one whose cost per statement grows (Ralph's filesystem backend re-scans its file from the
start for every page) is extrapolated with t(n) = a·n + b·n² through the two points, and says so.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.bench.sync import backlog_statements
from kiosk.insights.facts import VisitFacts, absorb
from kiosk.insights.reader import read_statements
from kiosk.sync.client import LrsClient

TARGET = 100_000


def fill(client: LrsClient, count: int) -> None:
    statements = [s for _, visit in backlog_statements(count) for s in visit]
    for i in range(0, len(statements), 500):
        reply = client.post(statements[i:i + 500])
        if reply.status not in (200, 204):
            raise RuntimeError(f"the LRS refused the bench statements: {reply.status} {reply.body[:200]!r}")


def timed_read(client: LrsClient, page_size: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="nova-insights-bench-") as folder:
        started = time.perf_counter()
        state = read_statements(client, Path(folder), page_size=page_size)
        return time.perf_counter() - started, len(state.seen)


def timed_fold(count: int = TARGET) -> float:
    """This command's own share of a read, without the LRS: folding `count` statements into visit facts."""
    statements = [s for _, visit in backlog_statements(count) for s in visit]
    visits: dict[str, VisitFacts] = {}
    started = time.perf_counter()
    for statement in statements:
        absorb(visits, statement, str)
    return time.perf_counter() - started


def extrapolate(n1: int, t1: float, n2: int, t2: float, target: int = TARGET) -> tuple[float, str]:
    """Time for `target` statements from two measured reads, and the model used."""
    per1, per2 = t1 / n1, t2 / n2
    if per2 <= per1 * 1.15:  # cost per statement steady: linear
        return target * t2 / n2, "linear (cost per statement steady between the two sizes)"
    b = (per2 - per1) / (n2 - n1)  # t/n = a + b·n
    a = per1 - b * n1
    return a * target + b * target * target, "quadratic t = a·n + b·n² (cost per statement grows with the store)"


def run_insights_bench(lrs: Callable[[], contextlib.AbstractContextManager[LrsClient]], count: int = 10_000,
                       page_size: int = 500) -> None:
    half = count // 2
    with lrs() as client:
        print(f"kiosk bench insights: filling {client.endpoint} with {half} statements ...")
        fill(client, half)
        t1, n1 = timed_read(client, page_size)
        print(f"read {n1} statements in {t1:.2f} s = {n1 / t1:,.0f} statements/s")
        print(f"filling to {count} statements ...")
        fill(client, count - half)
        t2, n2 = timed_read(client, page_size)
        print(f"read {n2} statements in {t2:.2f} s = {n2 / t2:,.0f} statements/s")
    estimate, model = extrapolate(n1, t1, n2, t2)
    print(f"100k statements: ≈ {estimate:.0f} s ({estimate / 60:.1f} min), extrapolated, {model}")
    fold = timed_fold()
    print(f"of which this command's own work (folding {TARGET} statements into visit facts, measured, no LRS): "
          f"{fold:.2f} s = {TARGET / fold:,.0f} statements/s")
