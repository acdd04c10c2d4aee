"""The SQLite store: migrations, integrity recovery, retention, budget, exports (no network)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.scenario.esco import read_skills
from kiosk.scenario.evidence import Observation
from kiosk.scenario.load import inspect_pack
from kiosk.scoring.items import StepItem, scenario_step_items
from kiosk.scoring.responses import read_csv
from kiosk.store import privacy, records, xapi
from kiosk.store.db import connect, open_store
from kiosk.store.erasure import erase
from kiosk.store.migrations import MIGRATIONS

AT = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _visit(db, *, at: datetime = AT, statements: int = 3) -> tuple[str, list[dict]]:  # type: ignore[no-untyped-def]
    registration = str(uuid.uuid4())
    visit = xapi.Visit(registration, "visitor-1", "https://agency.example.org", "https://agency.example.org/nova", "fr")
    activity = xapi.scenario_activity(visit, "commis-de-cuisine", "coup-de-feu-du-midi", {"fr": "Coup de feu"})
    made = [xapi.launched(visit, activity, at)] + [
        xapi.answered(visit, activity, f"s{i}", ["a"], {"entraide": 1}, {"entraide": 2}, at, i)
        for i in range(statements - 1)]
    records.start_session(db, registration, at, language="ar", input="switch", device="kiosk", kiosk="k1",
                          statements=made[:1])
    records.record_step(db, registration, "commis-de-cuisine", "1.0.0",
                        [Observation("lina", "entraide", 1, 2, ("aider",))], made[1:], at)
    records.finish_session(db, registration, at + timedelta(minutes=9), completed=True, statements=[],
                           estimates=[{"skill": "T4.3", "enough": 1, "theta": 0.5, "sd": 0.5, "low": -0.3,
                                       "high": 1.3, "steps": 3, "stamps": "gpcm:x"}])
    return registration, made


def test_migrations_bring_any_database_to_the_latest_schema(tmp_path: Path) -> None:
    db = connect(tmp_path / "k.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"sessions", "events", "results", "estimates", "outbox"} <= set(db.table_names())
    db.conn.close()
    again = connect(tmp_path / "k.db")  # reopening runs nothing twice
    assert again.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_corrupt_database_is_moved_aside_and_the_kiosk_carries_on(tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "kiosk.db"
    db = open_store(path)
    _visit(db)
    db.conn.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = bytes(len(data[100:4096]))  # the header page overwritten
    path.write_bytes(bytes(data))
    fresh = open_store(path, now=lambda: AT)
    assert fresh.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0
    aside = tmp_path / "kiosk.db.corrupt-20261101T090000Z"
    assert aside.exists() and aside.read_bytes() == bytes(data)
    assert "failed its integrity check" in caplog.text and str(aside) in caplog.text


def test_a_step_and_its_statements_are_written_together(tmp_path: Path) -> None:
    db = connect(None)
    registration, made = _visit(db)
    assert db.execute("SELECT COUNT(*) FROM results WHERE session_id = ?", (registration,)).fetchone()[0] == 1
    assert [row[0] for row in db.execute("SELECT id FROM outbox ORDER BY rowid")] == [s["id"] for s in made]
    with pytest.raises(Exception, match="UNIQUE"):  # a failing step leaves nothing half-written
        records.start_session(db, registration, AT, language="fr", input="touch", device="kiosk", kiosk="k1",
                              statements=[dict(made[0], id=str(uuid.uuid4()))])
    assert records.backlog(db).pending == len(made)


def test_retention_removes_old_visits_only_once_everything_has_left() -> None:
    db = connect(None)
    old, made = _visit(db, at=AT - timedelta(days=40))
    recent, _ = _visit(db, at=AT - timedelta(days=2))
    assert privacy.apply_retention(db, AT, days=30) == 0  # the old visit's statements are still waiting
    records.mark(db, [s["id"] for s in made], "sent", AT - timedelta(days=39))
    assert privacy.apply_retention(db, AT, days=30) == 1
    remaining = {row[0] for row in db.execute("SELECT id FROM sessions")}
    assert remaining == {recent}
    assert db.execute("SELECT COUNT(*) FROM results WHERE session_id = ?", (old,)).fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE session_id = ?", (old,)).fetchone()[0] == 0


def test_the_budget_prunes_sent_statements_and_never_unsent_ones() -> None:
    db = connect(None)
    _, first = _visit(db, statements=40)
    _, second = _visit(db, at=AT + timedelta(hours=1), statements=40)
    records.mark(db, [s["id"] for s in first], "sent", AT)
    size = records.backlog(db).pending_bytes
    pruned, over = privacy.enforce_budget(db, max_bytes=size + 10)
    assert pruned == len(first) and not over
    pruned, over = privacy.enforce_budget(db, max_bytes=100)
    assert pruned == 0 and over  # only unsent statements left: reported, kept
    assert records.backlog(db).pending == len(second)


def test_erasure_drops_what_never_left_and_voids_what_did() -> None:
    db = connect(None)
    registration, made = _visit(db)
    records.mark(db, [made[0]["id"]], "sent", AT)
    done = erase(db, registration, AT + timedelta(days=1))
    assert (done.sessions, done.withdrawn, done.dropped) == (1, 1, len(made) - 1)
    queued = records.pending(db, 10)
    assert len(queued) == 1
    void = queued[0][1]
    assert void["verb"]["id"].endswith("/voided") and void["object"] == {"objectType": "StatementRef",
                                                                         "id": made[0]["id"]}
    assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 0
    assert erase(db, registration, AT).sessions == 0


def test_exports_for_the_agency_and_for_calibration() -> None:
    db = connect(None)
    registration, _ = _visit(db)
    rows = list(csv.DictReader(io.StringIO(privacy.agency_csv(db, read_skills(), "fr"))))
    assert rows[0]["visit"] == registration and rows[0]["skill"] == "T4.3" and rows[0]["enough_evidence"] == "yes"
    assert rows[0]["esco_uri"].startswith("http://data.europa.eu/esco/skill/")
    assert 0 < int(rows[0]["range_low"]) < int(rows[0]["range_high"]) < 100
    text = privacy.responses_csv(db, {("commis-de-cuisine", "entraide"): ("T4.3",)})
    kitchen = inspect_pack(Path(__file__).resolve().parents[2] / "scenarios" / "commis-de-cuisine",
                           check_manifest=False).draft
    assert kitchen is not None
    items: dict[tuple[str, str], list[StepItem]] = {}
    for item in scenario_step_items(kitchen.id, kitchen.scenario):
        items.setdefault((item.key.pack, item.key.step), []).append(item)
    table = read_csv(text, "export.csv", items)
    assert table.visits == [registration] and table.groups["language"] == ["ar"]
    lina = [i for i, key in enumerate(table.items) if key.step == "lina" and key.skill == "T4.3"]
    assert table.groups["input"] == ["switch"] and int(table.credits[0, lina[0]]) == 1
    assert json.loads(db.execute("SELECT answer FROM results").fetchone()[0]) == ["aider"]


def test_events_are_kept_with_their_visit_and_go_with_it() -> None:
    db = connect(None)
    registration, _ = _visit(db)
    records.record_event(db, registration, "tap", {"x": 10, "y": 20}, AT)
    assert db.execute("SELECT kind, data FROM events").fetchone() == ("tap", '{"x":10,"y":20}')
    erase(db, registration, AT)
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0


def test_the_background_loop_backs_off_while_the_lrs_is_away_and_idles_when_it_is_back() -> None:
    import random

    from kiosk.sync.client import LrsClient, LrsUnavailableError, Reply
    from kiosk.sync.worker import RetryPolicy, run_forever

    class FlakyLrs(LrsClient):
        calls = 0

        def post(self, statements):  # type: ignore[no-untyped-def]
            FlakyLrs.calls += 1
            if FlakyLrs.calls <= 5:
                raise LrsUnavailableError("LRS unreachable: refused", "")
            return Reply(200, b"[]")

    db = connect(None)
    _visit(db)
    clock, waits = [0.0], []

    def wait(seconds: float) -> bool:
        waits.append(round(seconds, 3))
        clock[0] += seconds
        return len(waits) >= 8

    run_forever(db, FlakyLrs("http://lrs.invalid/xAPI/"), now=lambda: AT, monotonic=lambda: clock[0], wait=wait,
                policy=RetryPolicy(first=2.0, maximum=10.0, jitter=0.0), idle=30.0, rng=random.Random(0))
    assert waits == [2.0, 4.0, 8.0, 10.0, 10.0, 30.0, 30.0, 30.0]
    assert records.backlog(db).pending == 0


def test_the_progress_bar_shows_on_large_backlogs_only() -> None:
    from kiosk.commands.sync import progress_bar

    out = io.StringIO()
    progress_bar(100, out)(50)
    assert out.getvalue() == ""
    progress_bar(1000, out)(500)
    assert out.getvalue() == "\rsync [###############...............] 500/1000"
