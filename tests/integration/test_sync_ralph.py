"""Results to a real Ralph LRS: statements it validates, sync, resends, conflicts, a day offline."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from kiosk.runtime import play
from kiosk.scenario.esco import read_skills
from kiosk.scenario.evidence import Observation
from kiosk.scenario.load import inspect_pack
from kiosk.scenario.model import Pack, Step
from kiosk.scoring.bank import read_bank
from kiosk.scoring.estimate import Played, score_visit
from kiosk.store import records, xapi
from kiosk.store.clip_statements import ClipWatch
from kiosk.store.db import connect
from kiosk.store.scenario_statements import scenario_statements
from kiosk.sync.client import LrsClient
from kiosk.sync.worker import RetryPolicy, RetryState, plan_retry, sync_once
from scripts.lrs.ralph_server import PASSWORD, USER, RalphServer

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _kitchen() -> Pack:
    pack = inspect_pack(SCENARIOS / "commis-de-cuisine", check_manifest=False).draft
    assert pack is not None
    return pack


KITCHEN = _kitchen()


def _play(seed: int) -> tuple[list[Observation], list[float]]:
    """A visitor answering at random, as the runtime records it: observations and when each step ended."""
    rng = random.Random(seed)

    def at_random(step: Step, state: play.PlayState) -> list[str]:
        if step.kind == "ordering":
            return []  # as shuffled on screen
        ids = [o.id for o in step.options()]
        return rng.sample(ids, k=rng.randint(1, len(ids))) if step.kind in ("multiple_choice", "hotspot") \
            else [rng.choice(ids)]

    state, times = play.play_through(KITCHEN.scenario, at_random, step_seconds=5.0)
    assert state.finished
    return list(state.observations), times


def visit_statements(seed: int, start: datetime = START, *, finished: bool = True) -> tuple[str, list[dict]]:
    observations, times = _play(seed)
    registration = str(uuid.UUID(int=random.Random(seed).getrandbits(128), version=4))
    visit = xapi.Visit(registration, f"visitor-{registration[:8]}", "https://agency.example.org",
                       "https://agency.example.org/nova", "fr")
    profile = score_visit([Played(KITCHEN.id, KITCHEN.scenario, read_bank(KITCHEN), tuple(observations))])
    statements = scenario_statements(visit, KITCHEN, observations, profile, read_skills(), start,
                                     [start + timedelta(seconds=t) for t in times],
                                     start + timedelta(seconds=times[-1] + 5), finished=finished)
    return registration, statements


def _store_visit(db: sqlite_utils.Database, seed: int, start: datetime = START) -> tuple[str, list[dict]]:
    registration, statements = visit_statements(seed, start)
    records.start_session(db, registration, start, language="fr", input="touch", device="kiosk", kiosk="test")
    records.enqueue(db, registration, statements, start)
    return registration, statements


def _client(server: RalphServer) -> LrsClient:
    return LrsClient(server.endpoint, USER, PASSWORD)


def _stored(server: RalphServer, registration: str) -> list[dict]:
    return _client(server).statements(f"registration={registration}")


def test_statements_pass_ralphs_own_validation(ralph: RalphServer) -> None:
    _, statements = visit_statements(1)
    _, interrupted = visit_statements(2, finished=False)
    clip = xapi.Visit(str(uuid.uuid4()), "visitor-x", "https://agency.example.org", "https://agency.example.org/nova",
                      "en")
    watch = ClipWatch(xapi.video_activity(clip, "commis-de-cuisine/media/arrivee.mp4", {"fr": "La cuisine"}),
                      str(uuid.uuid4()), 42.0)
    videos = watch.opened(clip, START) + watch.paused(clip, START, 12.5) + watch.played(clip, START, 12.5) + \
        watch.seeked(clip, START, 30.0, 20.0) + watch.ended(clip, START) + watch.closed(clip, START, 42.0)
    void = [xapi.voiding("https://agency.example.org", "visitor-x", statements[0]["id"], START, clip.registration)]
    activity = xapi.scenario_activity(clip, "commis-de-cuisine", "coup-de-feu-du-midi", {"fr": "Coup de feu"})
    lifecycle = [xapi.initialized(clip, activity, START), xapi.progressed(clip, activity, START, 0.4, 0)]
    everything = statements + interrupted + videos + void + lifecycle
    assert ralph.validate_generic(everything) == [""] * len(everything)
    # `ralph validate -f xapi` checks statements against Ralph's *profile* models: the clips match the
    # Video Profile and pass; Ralph 5.1 has no profile model for simulations, so it finds none for the
    # scenario statements (and says exactly that, not that they are invalid).
    checked = ralph.validate(videos)
    assert checked.returncode == 0 and "Invalid events: 0" in checked.stderr, checked.stderr[-2000:]
    assert len(checked.stdout.splitlines()) == len(videos)
    unprofiled = ralph.validate(statements)
    assert "Input event is not valid" not in unprofiled.stderr
    assert unprofiled.stderr.count("No matching pydantic model found") == len(statements)
    completed = next(s for s in statements if s["verb"]["id"].endswith("/completed"))
    assert all(key.startswith("http://data.europa.eu/esco/skill/") for key in completed["result"]["extensions"])
    assert interrupted[-1]["result"] == {"completion": False}


def test_a_backlog_syncs_exactly_once_and_reads_back(ralph: RalphServer) -> None:
    db = connect(None)
    visits = [_store_visit(db, seed) for seed in range(5)]
    result = sync_once(db, _client(ralph), lambda: START, batch_size=7)
    total = sum(len(s) for _, s in visits)
    assert (result.sent, result.stopped, result.conflicts) == (total, "", [])
    assert records.backlog(db).pending == 0 and records.backlog(db).sent == total
    for registration, statements in visits:
        stored = _stored(ralph, registration)
        assert sorted(s["id"] for s in stored) == sorted(s["id"] for s in statements)
        sent = {s["id"]: s for s in statements}
        for s in stored:
            assert s["verb"] == sent[s["id"]]["verb"] and s["object"]["id"] == sent[s["id"]]["object"]["id"]


def test_a_resent_batch_is_acknowledged_without_duplicates(ralph: RalphServer) -> None:
    db = connect(None)
    registration, statements = _store_visit(db, 3)
    assert sync_once(db, _client(ralph), lambda: START).sent == len(statements)
    assert _client(ralph).post(statements).status == 204  # the LRS already has each id with this content
    db.execute("UPDATE outbox SET status = 'pending'")  # as after a crash between sending and marking
    assert sync_once(db, _client(ralph), lambda: START).sent == len(statements)
    assert len(_stored(ralph, registration)) == len(statements)


def test_a_conflicting_id_is_flagged_and_not_retried(ralph: RalphServer) -> None:
    db = connect(None)
    _registration, statements = _store_visit(db, 4)
    sync_once(db, _client(ralph), lambda: START)
    clash = dict(statements[1], timestamp=(START + timedelta(hours=1)).isoformat())  # same id, other content
    # As when a kiosk's database was restored from an old backup and the visit was recorded differently:
    db.execute("DELETE FROM outbox WHERE id = ?", (clash["id"],))
    _, others = visit_statements(5)
    records.enqueue(db, None, [others[0], clash, others[1]], START)
    db.execute("UPDATE outbox SET created_at = ? WHERE id = ?", ("2026-11-23T10:00:00.000+00:00", clash["id"]))
    result = sync_once(db, _client(ralph), lambda: START, batch_size=10)
    assert result.conflicts == [clash["id"]] and result.sent == 2
    row = db.execute("SELECT status, last_error FROM outbox WHERE id = ?", (clash["id"],)).fetchone()
    assert row[0] == "conflict" and "Differing statements already exist" in row[1]
    assert sync_once(db, _client(ralph), lambda: START).sent == 0  # flagged, not retried forever
    assert records.backlog(db).conflict == 1


def test_a_day_offline_then_everything_arrives_exactly_once(ralph: RalphServer) -> None:
    db = connect(None)
    ralph.stop()
    client, rng, state = _client(ralph), random.Random(0), RetryState()
    clock, attempts, visits = 0.0, 0, []
    for hour in range(24):  # a visit an hour; the worker tries whenever its backoff allows
        visits.append(_store_visit(db, 100 + hour, START + timedelta(hours=hour)))
        hour_end = (hour + 1) * 3600.0
        while state.not_before < hour_end:
            clock = max(clock, state.not_before)
            result = sync_once(db, client, lambda: START)
            assert result.sent == 0 and "unreachable" in result.stopped
            attempts += 1
            state = plan_retry(state, clock, RetryPolicy(), rng, result.retry_after)
    assert 24 * 4 <= attempts <= 24 * 4 + 20  # backoff capped at 15 min: a few tries an hour, not thousands
    assert records.backlog(db).pending == sum(len(s) for _, s in visits)
    ralph.start()
    result = sync_once(db, client, lambda: START)
    assert result.stopped == "" and records.backlog(db).pending == 0
    for registration, statements in visits:
        stored = _stored(ralph, registration)
        assert len(stored) == len(statements) == len({s["id"] for s in stored})


@pytest.mark.parametrize(("status", "retry_after", "expected"), [(429, "30", 30.0), (503, None, None)])
def test_busy_lrs_answers_stop_the_pass(status: int, retry_after: str | None, expected: float | None,
                                        tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Busy(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(status)
            if retry_after:
                self.send_header("Retry-After", retry_after)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        db = connect(None)
        _store_visit(db, 9)
        result = sync_once(db, LrsClient(f"http://127.0.0.1:{server.server_port}/xAPI/"), lambda: START)
        assert result.sent == 0 and str(status) in result.stopped and result.retry_after == expected
        assert records.backlog(db).pending > 0
        attempts, error = db.execute("SELECT MIN(attempts), MAX(last_error) FROM outbox").fetchone()
        assert attempts == 1 and str(status) in error  # the attempt is counted, the statements wait
    finally:
        server.shutdown()
