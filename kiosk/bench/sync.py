"""`kiosk bench sync`: drain a 10k-statement backlog into an LRS, in batches vs one per request.

Both runs use the same kind of statements (a visit's worth, repeated with fresh registrations)
in fresh in-memory stores, against the same LRS, in the same process; the ratio is what the
batching buys. With no --lrs, a local Ralph is started from scripts/lrs (a checkout only).
"""

from __future__ import annotations

import contextlib
import importlib.util
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.store import records, xapi
from kiosk.store.db import connect
from kiosk.sync.client import LrsClient
from kiosk.sync.worker import sync_once

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def backlog_statements(count: int) -> list[tuple[str, list[xapi.Statement]]]:
    """`count` statements grouped by visit: launched, answered × 10, completed, terminated."""
    visits: list[tuple[str, list[xapi.Statement]]] = []
    made = 0
    while made < count:
        registration = str(uuid.uuid4())
        visit = xapi.Visit(registration, f"visitor-{registration[:8]}", "https://agency.example.org",
                           "https://agency.example.org/nova", "fr")
        activity = xapi.scenario_activity(visit, "bench", "bench", {"fr": "Banc d'essai"})
        at = START + timedelta(minutes=len(visits))
        statements = [xapi.launched(visit, activity, at)]
        statements += [xapi.answered(visit, activity, f"step-{i}", ["a"], {"o": 1}, {"o": 2}, at, i)
                       for i in range(10)]
        statements.append(xapi.completed(visit, activity, at, {}, 300.0))
        statements.append(xapi.terminated(visit, activity, at, finished=True))
        statements = statements[:count - made]
        visits.append((registration, statements))
        made += len(statements)
    return visits


def drain(client: LrsClient, count: int, batch_size: int) -> tuple[float, int]:
    db = connect(None)
    for registration, statements in backlog_statements(count):
        records.enqueue(db, registration, statements, START)
    started = time.perf_counter()
    result = sync_once(db, client, lambda: START, batch_size=batch_size)
    elapsed = time.perf_counter() - started
    if result.stopped:
        raise RuntimeError(f"the LRS stopped the drain: {result.stopped}")
    return elapsed, result.sent


@contextlib.contextmanager
def local_ralph() -> Iterator[LrsClient]:
    """A Ralph LRS on 127.0.0.1 from the checkout's scripts/lrs launcher (the one the tests use)."""
    launcher = Path(__file__).resolve().parents[2] / "scripts" / "lrs" / "ralph_server.py"
    spec = importlib.util.spec_from_file_location("nova_ralph_server", launcher)
    if spec is None or spec.loader is None or not launcher.exists():
        raise KioskError("no --lrs given and no local Ralph launcher here",
                         hint="run from a checkout (scripts/lrs/) or pass --lrs URL --user U --password P")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with tempfile.TemporaryDirectory(prefix="nova-ralph-") as folder:
        print("starting a local Ralph LRS (its venv is made once, ~20 s) ...")
        server = module.RalphServer(module.ralph_venv(), Path(folder)).start()
        try:
            yield LrsClient(server.endpoint, module.USER, module.PASSWORD)
        finally:
            server.stop()


def run_sync_bench(lrs: Callable[[], contextlib.AbstractContextManager[LrsClient]], count: int = 10_000,
                   batch_size: int = 200, single: int = 1000) -> None:
    """`lrs()` gives the LRS for each run (a fresh local Ralph each time: an LRS's cost per write can grow
    with what it already stores, which would tilt the comparison)."""
    with lrs() as client:
        print(f"kiosk bench sync: {count} statements into {client.endpoint}")
        batched, sent = drain(client, count, batch_size)
    print(f"batched ({batch_size} per request): {sent} in {batched:.2f} s = {sent / batched:,.0f} statements/s")
    with lrs() as client:
        one, sent_one = drain(client, single, 1)
    print(f"one per request ({single} statements): {sent_one} in {one:.2f} s = {sent_one / one:,.0f} statements/s")
    print(f"batched ÷ one per request: {(sent / batched) / (sent_one / one):.1f}× the throughput; "
          f"10k one per request would take ≈ {count * one / sent_one:.0f} s")
