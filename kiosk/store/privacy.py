"""Keeping little, for not long: retention, erasure, the outbox's disk budget, exports.

- Retention: a visit's local rows go `days` after it ended, once everything about it reached
  the LRS (a visit still waiting to be sent is kept, however old).
- Erasure (`kiosk erase REGISTRATION`) is in kiosk.store.erasure: it needs voiding statements.
- Budget: sent statements are pruned oldest-first when the outbox grows past its budget.
  Unsent ones are never dropped: over budget with only unsent rows is reported, loudly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime, timedelta

import sqlite_utils

from kiosk.scenario.esco import Skill
from kiosk.scoring.posterior import percentile


def apply_retention(db: sqlite_utils.Database, now: datetime, days: int) -> int:
    """Delete visits older than `days` whose statements have all left; returns how many."""
    cutoff = (now - timedelta(days=days)).isoformat(timespec="milliseconds")
    old = [row[0] for row in db.execute(
        "SELECT id FROM sessions WHERE COALESCE(ended_at, started_at) < ? AND NOT EXISTS "
        "(SELECT 1 FROM outbox WHERE outbox.session_id = sessions.id AND outbox.status = 'pending')",
        (cutoff,)).fetchall()]
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.executemany("DELETE FROM sessions WHERE id = ?", [(i,) for i in old])
        db.conn.execute("DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?", (cutoff,))
    return len(old)


def enforce_budget(db: sqlite_utils.Database, max_bytes: int) -> tuple[int, bool]:
    """(sent rows pruned, still over budget). Only sent statements are ever pruned."""
    total = db.execute("SELECT COALESCE(SUM(LENGTH(body)), 0) FROM outbox").fetchone()[0]
    pruned = 0
    while total > max_bytes:
        rows = db.execute("SELECT id, LENGTH(body) FROM outbox WHERE status = 'sent' ORDER BY sent_at, rowid "
                          "LIMIT 500").fetchall()
        if not rows:
            break
        with db.conn:
            db.conn.execute("BEGIN")
            db.conn.executemany("DELETE FROM outbox WHERE id = ?", [(r[0],) for r in rows])
        pruned += len(rows)
        total -= sum(r[1] for r in rows)
    return pruned, total > max_bytes


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as a formula (OWASP CSV injection)


def spreadsheet_safe(row: list[object]) -> list[object]:
    """Text cells that a spreadsheet would run as a formula get a leading `'`, shown as text (OWASP)."""
    return [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in row]


def agency_csv(db: sqlite_utils.Database, skills: Mapping[str, Skill], language: str = "fr") -> str:
    """One row per visit and skill, as the agency's advisers read it (no one is named: there are no names)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["visit", "started", "ended", "status", "language", "input", "device", "kiosk", "skill",
                     "skill_name", "esco_uri", "enough_evidence", "range_low", "range_high", "steps"])
    rows = db.execute("SELECT s.id, s.started_at, s.ended_at, s.status, s.language, s.input, s.device, s.kiosk, "
                      "e.skill, e.enough, e.low, e.high, e.steps FROM sessions s LEFT JOIN estimates e "
                      "ON e.session_id = s.id ORDER BY s.started_at, e.skill").fetchall()
    for (visit, started, ended, status, lang, input_, device, kiosk, skill, enough, low, high, steps) in rows:
        known = skills.get(skill) if skill else None
        shown = bool(enough)
        writer.writerow(spreadsheet_safe([
            visit, started, ended or "", status, lang, input_, device, kiosk, skill or "",
            known.label.get(language, "") if known else "", known.uri if known else "",
            "yes" if shown else ("no" if skill else ""),
            round(percentile(low)) if shown else "", round(percentile(high)) if shown else "",
            steps if skill else ""]))
    return out.getvalue()


def responses_csv(db: sqlite_utils.Database, observables: Mapping[tuple[str, str], tuple[str, ...]]) -> str:
    """The long responses file `kiosk scoring calibrate` and `kiosk report` read: one row per item answered.

    `observables` maps (pack, observable) to the skills it bears on (from the packs as served).
    `language`, `input` and `device` are those in force when the step was answered: the groups the
    fairness (DIF) screen of `kiosk report` compares.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["visit", "pack", "scenario_version", "step", "observable", "skill", "credit", "max_credit",
                     "language", "input", "device"])
    # each step's own language, input and device (a visitor may switch mid-visit); rows recorded before
    # the store kept them per step fall back on the session's
    rows = db.execute("SELECT r.session_id, r.pack, r.scenario_version, r.step, r.observable, r.credit, "
                      "r.max_credit, COALESCE(r.language, s.language), COALESCE(r.input, s.input), "
                      "COALESCE(r.device, s.device) FROM results r JOIN sessions s ON s.id = "
                      "r.session_id ORDER BY s.started_at, r.id").fetchall()
    for visit, pack, version, step, observable, credit, maximum, language, input_, device in rows:
        for skill in observables.get((pack, observable), ()):
            writer.writerow(spreadsheet_safe([visit, pack, version, step, observable, skill, credit, maximum,
                                              language, input_, device]))
    return out.getvalue()
