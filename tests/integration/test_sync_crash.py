"""kill -9 in the middle of a session and in the middle of a sync: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from kiosk.store import records
from kiosk.store.db import open_store
from kiosk.sync.client import LrsClient
from kiosk.sync.worker import sync_once
from scripts.lrs.ralph_server import PASSWORD, USER, RalphServer
from tests.integration.test_sync_ralph import START, visit_statements

CHILD = Path(__file__).with_name("crash_child.py")
REPO = Path(__file__).resolve().parents[2]


def _run_until(args: list[str], marker: str, count: int) -> int:
    """Start the child, SIGKILL it once it printed `marker` `count` times; the last number it printed."""
    child = subprocess.Popen([sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, text=True, cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    assert child.stdout is not None
    seen, last = 0, -1
    for line in child.stdout:
        if line.startswith(marker):
            seen += 1
            last = int(line.split()[1])
            if seen >= count:
                child.send_signal(signal.SIGKILL)
                break
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL, "the child finished before it could be killed"
    return last


def test_killed_mid_session_loses_at_most_the_step_in_flight(tmp_path: Path) -> None:
    path, registration = tmp_path / "kiosk.db", str(uuid.uuid4())
    last = _run_until(["record", str(path), registration], "step", 150)
    db = open_store(path)  # integrity check passes: no "corrupt" file appears
    assert not list(tmp_path.glob("*.corrupt-*"))
    steps = db.execute("SELECT COUNT(DISTINCT step) FROM results WHERE session_id = ?", (registration,)).fetchone()[0]
    answered = db.execute("SELECT COUNT(*) FROM outbox WHERE body LIKE '%/answered%'").fetchone()[0]
    assert steps == answered  # every committed step has exactly its statement, no half steps
    assert last + 1 <= steps <= last + 2  # everything printed as committed is there; at most one more
    rows = db.execute("SELECT COUNT(*) FROM results WHERE session_id = ?", (registration,)).fetchone()[0]
    assert rows == 2 * steps


def test_killed_mid_sync_then_restarted_sends_everything_exactly_once(ralph: RalphServer, tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    db = open_store(path)
    visits = [visit_statements(seed) for seed in range(40)]
    for registration, statements in visits:
        records.start_session(db, registration, START, language="fr", input="touch", device="kiosk", kiosk="k")
        records.enqueue(db, registration, statements, START)
    total = records.backlog(db).pending
    db.conn.close()
    sent_before_kill = _run_until(["sync", str(path), ralph.endpoint, USER, PASSWORD], "sent", 20)
    assert 0 < sent_before_kill < total
    db = open_store(path)
    assert 0 < records.backlog(db).pending < total
    client = LrsClient(ralph.endpoint, USER, PASSWORD)
    result = sync_once(db, client, lambda: START)
    assert result.stopped == "" and records.backlog(db).pending == 0 and records.backlog(db).sent == total
    ids = [s["id"] for s in client.statements("limit=100")]
    assert len(ids) == len(set(ids)) == total
    assert set(ids) == {s["id"] for _, statements in visits for s in statements}
