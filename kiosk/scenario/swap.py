"""Swapping a pack folder for its new version so that no kill, at any instant, loses a pack.

The swap is written down first (`.staging/swap.json`: the pack, the staged folder, the backup
place, the new manifest's hash), then done with an atomic exchange of the two folders where Linux
offers one (`renameat2(RENAME_EXCHANGE)`), else two renames. `recover` reads the journal back —
at the kiosk's start and before every install or rollback — and finishes or undoes a swap that was
cut short: the pack folder is never left missing, and the version that was swapped out always
ends up in `.previous/`. It also removes staging debris (half-unpacked archives) once no install
holds the staging lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
STAGING, PREVIOUS = ".staging", ".previous"
JOURNAL = "swap.json"
_LOCK = ".lock"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True)
class Swap:
    pack_id: str
    staged: Path  # the verified new version, in .staging/
    target: Path  # scenarios/<id>
    backup: Path  # .previous/<time>/<id>: where the current version goes
    new_manifest: str  # sha256 of the new version's manifest.json: tells which version a folder holds


def manifest_hash(folder: Path) -> str:
    try:
        return hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    except OSError:
        return ""


@contextlib.contextmanager
def staging_lock(scenarios: Path, *, wait: bool) -> Iterator[bool]:
    """Held by an install for its whole length; True when this process holds it."""
    root = scenarios / STAGING
    root.mkdir(parents=True, exist_ok=True)
    with (root / _LOCK).open("a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def swap(plan: Swap, scenarios: Path) -> Path | None:
    """Put `plan.staged` in place of `plan.target`; returns where the old version went (None: first install).
    The caller holds the staging lock."""
    root = scenarios / STAGING
    _write_journal(root, plan)
    if plan.target.exists():
        plan.backup.parent.mkdir(parents=True, exist_ok=True)
        if _exchange(plan.staged, plan.target):  # atomic: the pack folder is never missing
            plan.staged.rename(plan.backup)
        else:
            plan.target.rename(plan.backup)
            plan.staged.rename(plan.target)
        backup: Path | None = plan.backup
    else:
        plan.staged.rename(plan.target)
        backup = None
    _fsync_dir(plan.target.parent)
    (root / JOURNAL).unlink()
    return backup


def recover(scenarios: Path) -> list[str]:
    """Finish or undo a swap cut short, then clear staging debris; what was done, for the log.
    Skipped (empty list) while an install holds the staging lock or when the folder is read-only."""
    if not (scenarios / STAGING).is_dir():
        return []
    try:
        with staging_lock(scenarios, wait=False) as held:
            if not held:
                return []
            done = tidy(scenarios)
    except OSError as exc:  # e.g. a kiosk whose scenarios folder it may only read
        log.warning("packs: cannot check %s for an interrupted install (%s)", scenarios / STAGING, exc)
        return []
    for line in done:
        log.warning("packs: %s", line)
    return done


def tidy(scenarios: Path) -> list[str]:
    """`recover`'s work, for a caller that already holds the staging lock (an install, a rollback)."""
    return _finish_journal(scenarios / STAGING) + _clear_debris(scenarios / STAGING)


def _finish_journal(root: Path) -> list[str]:
    journal = root / JOURNAL
    try:
        raw = json.loads(journal.read_text(encoding="utf-8"))
        plan = Swap(raw["pack_id"], Path(raw["staged"]), Path(raw["target"]), Path(raw["backup"]),
                    raw["new_manifest"])
    except FileNotFoundError:
        return []
    except (ValueError, KeyError, TypeError):
        journal.unlink()  # written before anything moved: an unreadable journal means nothing moved
        return [f"{journal}: unreadable swap journal removed (nothing had moved)"]
    done: list[str] = []
    if not plan.target.exists():  # cut between the two renames: the old version goes back
        if plan.backup.exists():
            plan.backup.rename(plan.target)
            done.append(f"{plan.pack_id}: interrupted update undone, the previous version is back")
        elif plan.staged.exists():
            plan.staged.rename(plan.target)
            done.append(f"{plan.pack_id}: interrupted first install completed")
    elif manifest_hash(plan.target) == plan.new_manifest and plan.staged.exists() and not plan.backup.exists():
        plan.backup.parent.mkdir(parents=True, exist_ok=True)  # exchanged: staged/ holds the old version
        plan.staged.rename(plan.backup)
        done.append(f"{plan.pack_id}: interrupted update completed, previous version kept in {plan.backup}")
    _fsync_dir(plan.target.parent)
    journal.unlink()
    return done


def _clear_debris(root: Path) -> list[str]:
    debris = [p for p in root.iterdir() if p.name not in (_LOCK, JOURNAL)]
    for path in debris:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return [f"removed {len(debris)} left-over staging entr{'y' if len(debris) == 1 else 'ies'} from {root}"] \
        if debris else []


def _write_journal(root: Path, plan: Swap) -> None:
    temporary = root / (JOURNAL + ".new")
    with temporary.open("w", encoding="utf-8") as f:
        json.dump({"pack_id": plan.pack_id, "staged": str(plan.staged), "target": str(plan.target),
                   "backup": str(plan.backup), "new_manifest": plan.new_manifest}, f)
        f.flush()
        os.fsync(f.fileno())
    temporary.replace(root / JOURNAL)
    _fsync_dir(root)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where the system cannot."""
    name = ctypes.util.find_library("c")
    try:
        renameat2 = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # old kernel, or a filesystem without it
        return False
    raise OSError(code, os.strerror(code), str(b))


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
