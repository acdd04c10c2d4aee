"""Opening the store: WAL, full sync, foreign keys, integrity check, migrations.

A database that fails its integrity check is moved aside with a clear log line and the kiosk
carries on with a fresh one: results already sent to the LRS are safe there, and the damaged
file is kept for an operator to inspect. Only a regular file that starts with SQLite's header
and that SQLite itself calls damaged is ever moved: a folder, a file of another kind, a locked or
unwritable database is a `StoreError` naming the path, and nothing is touched.

All of that is plain `sqlite3` (`open_connection`); sqlite-utils (with click, pluggy and dateutil,
~50 modules) wraps the connection only where the store's records are written, so `kiosk run` can
check its store before its first frame and import sqlite-utils after it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.errors import KioskError
from kiosk.store.migrations import MIGRATIONS

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)
SQLITE_HEADER = b"SQLite format 3\x00"
_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)  # what SQLite says of a damaged file, and only that


class StoreError(KioskError):
    """The store cannot be opened (wrong kind of path, unwritable, locked); nothing was moved or lost."""

    exit_code = 74  # EX_IOERR


def connect(path: Path | None, wait: float = 5.0) -> sqlite_utils.Database:
    """The store at `path` (None: in memory, for tests), migrated to the latest schema; `wait`: seconds
    to wait for another process's lock."""
    return wrap(_connection(path, wait))


def wrap(connection: sqlite3.Connection) -> sqlite_utils.Database:
    """An open, migrated connection as the sqlite-utils database the records are written through."""
    import sqlite_utils

    return sqlite_utils.Database(connection)


def _connection(path: Path | None, wait: float) -> sqlite3.Connection:
    if path is None:
        conn = sqlite3.connect(":memory:")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=wait, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed step survives a power cut, not only a crash. Steps come seconds apart,
        # so the extra fsync costs nothing a visitor could notice.
        conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    migrate(conn)
    return conn


def migrate(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    conn = db if isinstance(db, sqlite3.Connection) else db.conn
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
        with conn:  # one transaction per migration: all of it or none of it
            conn.execute("BEGIN")
            for sql in statements:
                conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)


def open_store(path: Path, now: Callable[[], datetime] = lambda: datetime.now(UTC),
               wait: float = 5.0) -> sqlite_utils.Database:
    """Open the kiosk's database, moving a proven-damaged one aside instead of failing."""
    return wrap(open_connection(path, now, wait))


def open_connection(path: Path, now: Callable[[], datetime] = lambda: datetime.now(UTC),
                    wait: float = 5.0) -> sqlite3.Connection:
    """`open_store` without sqlite-utils: checked, migrated, a proven-damaged file moved aside."""
    _check_kind(path)
    try:
        conn = _connection(path, wait)
        problem = conn.execute("PRAGMA quick_check").fetchone()[0]
        if problem == "ok":
            return conn
        conn.close()
    except OSError as exc:
        raise StoreError(f"store {path}: cannot create its folder ({exc.strerror})",
                         hint="set [store] path to a writable place, e.g. /var/lib/nova-kiosk/kiosk.db") from exc
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) not in _DAMAGED:
            raise StoreError(f"store {path}: cannot be opened ({exc}); nothing was moved",
                             hint="check that the path is writable and that no other program holds the "
                                  "database (another kiosk or sqlite3 shell)") from exc
        problem = str(exc)
    if not _has_sqlite_header(path):
        raise StoreError(f"store {path}: not a SQLite database ({problem}); nothing was moved",
                         hint="point [store] path at the kiosk's own database file, or at a new file name")
    aside = path.with_name(f"{path.name}.corrupt-{now().strftime('%Y%m%dT%H%M%SZ')}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.is_file():
            source.replace(aside.with_name(aside.name + suffix))
    log.error("store %s failed its integrity check (%s): moved to %s; starting a fresh database", path, problem,
              aside)
    return _connection(path, wait)


def _check_kind(path: Path) -> None:
    """A store path must be a regular file or not exist yet (its folder may be created)."""
    if path.exists() and not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise StoreError(f"store {path}: is {kind}, not a database file; nothing was moved",
                         hint="set [store] path to a file, e.g. /var/lib/nova-kiosk/kiosk.db")
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists() and not companion.is_file():
            raise StoreError(f"store {path}: {companion} is not a regular file; nothing was moved",
                             hint="remove or rename it, it is not the kiosk's")


def _has_sqlite_header(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False
