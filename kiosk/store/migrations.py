"""Versioned schema migrations, each applied in one transaction (PRAGMA user_version counts them).

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: the first schema
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,            -- the visit's registration UUID (xAPI context.registration)
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'abandoned')),
            language TEXT NOT NULL,
            input TEXT NOT NULL,             -- touch | buttons | switch | headset
            device TEXT NOT NULL,            -- kiosk | headset
            kiosk TEXT NOT NULL
        )""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE results (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            pack TEXT NOT NULL,
            scenario_version TEXT NOT NULL,
            step TEXT NOT NULL,
            observable TEXT NOT NULL,
            credit INTEGER NOT NULL,
            max_credit INTEGER NOT NULL,
            answer TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
        """CREATE TABLE estimates (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            skill TEXT NOT NULL,
            enough INTEGER NOT NULL,
            theta REAL NOT NULL, sd REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL,
            steps INTEGER NOT NULL,
            stamps TEXT NOT NULL,
            PRIMARY KEY (session_id, skill)
        )""",
        """CREATE TABLE outbox (
            id TEXT PRIMARY KEY,             -- the statement's UUID, made by the kiosk
            session_id TEXT,                 -- kept after erasure of the session for voiding statements
            created_at TEXT NOT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'conflict', 'rejected')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            sent_at TEXT
        )""",
        "CREATE INDEX outbox_pending ON outbox (status, created_at)",
        "CREATE INDEX results_session ON results (session_id)",
        "CREATE INDEX events_session ON events (session_id)",
    ),
    (  # 2: each result keeps the language, input kind and device in force when its step was answered
        # (a visitor may switch language or device mid-visit); sessions keep the latest (the final ones).
        # Rows from before stay NULL: readers fall back on the session's.
        "ALTER TABLE results ADD COLUMN language TEXT",
        "ALTER TABLE results ADD COLUMN input TEXT",  # touch | keys | board | switch | headset
        "ALTER TABLE results ADD COLUMN device TEXT",  # flat-screen | monitor-headset | openxr-headset
    ),
    (  # 3: what the visitor agreed to on the consent screen (kiosk.consent.Consent), and the offers whose
        # employers may see the results because of it (dropped with the session, or when sharing is taken back)
        "ALTER TABLE sessions ADD COLUMN results_to_phone INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE sessions ADD COLUMN share_with_employers INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE shared_offers (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            offer TEXT NOT NULL,
            employer TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (session_id, offer)
        )""",
    ),
)
