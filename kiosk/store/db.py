"""Opening the store: WAL, full sync, foreign keys, integrity check, migrations.

A database that fails its integrity check (or is not a database at all) is moved aside with a
clear log line and the kiosk carries on with a fresh one: results already sent to the LRS are
safe there, and the damaged file is kept for an operator to inspect.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from kiosk.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)


def connect(path: Path | None) -> sqlite_utils.Database:
    """The store at `path` (None: in memory, for tests), migrated to the latest schema."""
    if path is None:
        db = sqlite_utils.Database(memory=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(sqlite3.connect(str(path), isolation_level=None, check_same_thread=False))
        db.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed step survives a power cut, not only a crash. Steps come seconds apart,
        # so the extra fsync costs nothing a visitor could notice.
        db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> int:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.conn:  # one transaction per migration: all of it or none of it
            db.conn.execute("BEGIN")
            for sql in statements:
                db.conn.execute(sql)
            db.conn.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)


def open_store(path: Path, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> sqlite_utils.Database:
    """Open the kiosk's database, moving a damaged one aside instead of failing."""
    try:
        db = connect(path)
        problem = db.execute("PRAGMA quick_check").fetchone()[0]
        if problem == "ok":
            return db
        db.conn.close()
    except sqlite3.DatabaseError as exc:
        problem = str(exc)
    aside = path.with_name(f"{path.name}.corrupt-{now().strftime('%Y%m%dT%H%M%SZ')}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            source.replace(aside.with_name(aside.name + suffix))
    log.error("store %s failed its integrity check (%s): moved to %s; starting a fresh database", path, problem,
              aside)
    return connect(path)
