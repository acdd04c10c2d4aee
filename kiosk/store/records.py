"""What the kiosk writes and reads: one function per thing that happens, each one transaction.

A step's results and the statements that report it are committed together, so after a crash
either both exist or neither: nothing is lost but the step in flight, and nothing is sent twice
(statement ids are stable, see kiosk.store.xapi).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from kiosk.consent import Consent
from kiosk.scenario.evidence import Observation


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    sent: int
    conflict: int
    rejected: int
    oldest_pending: str | None
    pending_bytes: int


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


def start_session(db: sqlite_utils.Database, registration: str, at: datetime, *, language: str, input: str,
                  device: str, kiosk: str, statements: Sequence[dict[str, Any]] = ()) -> None:
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.execute("INSERT INTO sessions (id, started_at, status, language, input, device, kiosk) "
                        "VALUES (?, ?, 'active', ?, ?, ?, ?)", (registration, _iso(at), language, input, device, kiosk))
        add_to_outbox(db, registration, statements, at)


def record_event(db: sqlite_utils.Database, registration: str, kind: str, data: dict[str, Any], at: datetime) -> None:
    """An input or screen event of the visit (replays and support): small, never personal."""
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.execute("INSERT INTO events (session_id, at, kind, data) VALUES (?, ?, ?, ?)",
                        (registration, _iso(at), kind, json.dumps(data, separators=(",", ":"))))


def update_usage(db: sqlite_utils.Database, registration: str, *, language: str, input: str, device: str) -> None:
    """The language, input kind and device now in use: once the visit ended, its final ones."""
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.execute("UPDATE sessions SET language = ?, input = ?, device = ? WHERE id = ?",
                        (language, input, device, registration))


def record_consent(db: sqlite_utils.Database, registration: str, consent: Consent) -> None:
    """What the visitor agreed to; taking sharing back also forgets the offers shared so far."""
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.execute("UPDATE sessions SET results_to_phone = ?, share_with_employers = ? WHERE id = ?",
                        (int(consent.allows_handoff()), int(consent.allows_sharing()), registration))
        if not consent.allows_sharing():
            db.conn.execute("DELETE FROM shared_offers WHERE session_id = ?", (registration,))


def share_offers(db: sqlite_utils.Database, registration: str, offers: Sequence[tuple[str, str]],
                 at: datetime) -> None:
    """(offer id, employer) whose employers may see this visit's results: only while the session's
    recorded consent allows it (checked in the same statement); an offer already shared stays as it was."""
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.executemany("INSERT OR IGNORE INTO shared_offers (session_id, offer, employer, at) "
                            "SELECT id, ?, ?, ? FROM sessions WHERE id = ? AND share_with_employers = 1",
                            [(offer, employer, _iso(at), registration) for offer, employer in offers])


def record_step(db: sqlite_utils.Database, registration: str, pack: str, scenario_version: str,
                observations: Iterable[Observation], statements: Sequence[dict[str, Any]], at: datetime, *,
                usage: tuple[str, str, str] | None = None) -> None:
    """`usage`: (language, input, device) in force when the step was answered; None takes the session's."""
    with db.conn:
        db.conn.execute("BEGIN")
        if usage is None:
            usage = db.conn.execute("SELECT language, input, device FROM sessions WHERE id = ?",
                                    (registration,)).fetchone() or ("", "", "")
        db.conn.executemany(
            "INSERT INTO results (session_id, pack, scenario_version, step, observable, credit, max_credit, answer,"
            " at, language, input, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(registration, pack, scenario_version, o.step_id, o.observable, o.credit, o.max_credit,
              json.dumps(list(o.answer)), _iso(at), *usage) for o in observations])
        add_to_outbox(db, registration, statements, at)


def finish_session(db: sqlite_utils.Database, registration: str, at: datetime, *, completed: bool,
                   estimates: Sequence[dict[str, Any]], statements: Sequence[dict[str, Any]]) -> None:
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.execute("UPDATE sessions SET ended_at = ?, status = ? WHERE id = ?",
                        (_iso(at), "completed" if completed else "abandoned", registration))
        db.conn.executemany(
            "INSERT OR REPLACE INTO estimates (session_id, skill, enough, theta, sd, low, high, steps, stamps) "
            "VALUES (:session_id, :skill, :enough, :theta, :sd, :low, :high, :steps, :stamps)",
            [{"session_id": registration, **e} for e in estimates])
        add_to_outbox(db, registration, statements, at)


def enqueue(db: sqlite_utils.Database, registration: str | None, statements: Sequence[dict[str, Any]],
            at: datetime) -> None:
    with db.conn:
        db.conn.execute("BEGIN")
        add_to_outbox(db, registration, statements, at)


def add_to_outbox(db: sqlite_utils.Database, registration: str | None, statements: Sequence[dict[str, Any]],
                  at: datetime) -> None:
    """Queue statements inside the caller's transaction (an id already queued is kept as it was)."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO outbox (id, session_id, created_at, body) VALUES (?, ?, ?, ?)",
        [(s["id"], registration, _iso(at), json.dumps(s, ensure_ascii=False, separators=(",", ":")))
         for s in statements])


def pending(db: sqlite_utils.Database, limit: int) -> list[tuple[str, dict[str, Any]]]:
    """The oldest unsent statements first (a backlog drains in the order things happened)."""
    rows = db.execute("SELECT id, body FROM outbox WHERE status = 'pending' ORDER BY created_at, rowid LIMIT ?",
                      (limit,)).fetchall()
    return [(row[0], json.loads(row[1])) for row in rows]


def mark(db: sqlite_utils.Database, ids: Sequence[str], status: str, at: datetime, error: str | None = None) -> None:
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.executemany("UPDATE outbox SET status = ?, sent_at = ?, last_error = ?, attempts = attempts + 1 "
                            "WHERE id = ?", [(status, _iso(at), error, i) for i in ids])


def note_attempt(db: sqlite_utils.Database, ids: Sequence[str], error: str) -> None:
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.executemany("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                            [(error, i) for i in ids])


def backlog(db: sqlite_utils.Database) -> Backlog:
    counts = dict(db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())
    oldest, size = db.execute("SELECT MIN(created_at), COALESCE(SUM(LENGTH(body)), 0) FROM outbox "
                              "WHERE status = 'pending'").fetchone()
    return Backlog(counts.get("pending", 0), counts.get("sent", 0), counts.get("conflict", 0),
                   counts.get("rejected", 0), oldest, int(size))
