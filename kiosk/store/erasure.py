"""The right to erasure: `kiosk erase REGISTRATION`.

Local rows go at once. What the LRS already holds is withdrawn by queueing one voiding
statement per statement sent (the LRS then hides them from every query); what was never sent
is simply dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from kiosk.store import records, xapi


@dataclass(frozen=True)
class Erasure:
    sessions: int
    withdrawn: int  # voiding statements queued for the LRS
    dropped: int  # unsent statements deleted before they ever left


def erase(db: sqlite_utils.Database, registration: str, now: datetime) -> Erasure:
    sent = db.execute("SELECT id, body FROM outbox WHERE session_id = ? AND status = 'sent'",
                      (registration,)).fetchall()
    voids = []
    for statement_id, body in sent:
        actor = json.loads(body)["actor"]["account"]
        voids.append(xapi.voiding(actor["homePage"], actor["name"], statement_id, now, registration))
    with db.conn:
        db.conn.execute("BEGIN")
        sessions = db.conn.execute("DELETE FROM sessions WHERE id = ?", (registration,)).rowcount
        dropped = db.conn.execute("DELETE FROM outbox WHERE session_id = ? AND status != 'sent'",
                                  (registration,)).rowcount
        db.conn.execute("DELETE FROM outbox WHERE session_id = ? AND status = 'sent'", (registration,))
        records.add_to_outbox(db, None, voids, now)  # not tied to the erased session: they must survive it
    return Erasure(sessions, len(voids), dropped)
