"""`kiosk sync status|now`, `kiosk erase`, `kiosk export`: the store and the LRS from a shell."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from kiosk.commands import arguments
from kiosk.config import Settings
from kiosk.errors import ConfigError
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import load_packs
from kiosk.store import privacy, records
from kiosk.store.db import open_store
from kiosk.store.erasure import erase
from kiosk.sync.client import LrsClient
from kiosk.sync.worker import sync_once


def _now() -> datetime:
    return datetime.now(UTC)


def client_for(settings: Settings) -> LrsClient:
    lrs = settings.lrs
    if not lrs.endpoint:
        raise ConfigError("no LRS configured: [lrs] endpoint is empty",
                          hint="set endpoint (and username/password or token) in the [lrs] section")
    return LrsClient(lrs.endpoint, lrs.username, lrs.password, lrs.token)


def status(settings: Settings, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    db = open_store(settings.store.path)
    b = records.backlog(db)
    out.write(f"store: {settings.store.path}\n")
    out.write(f"pending: {b.pending} statements ({b.pending_bytes / 1024:.1f} KiB)"
              + (f", oldest from {b.oldest_pending}" if b.oldest_pending else "") + "\n")
    out.write(f"sent: {b.sent}   conflicts: {b.conflict}   rejected: {b.rejected}\n")
    for statement_id, error in db.execute("SELECT id, last_error FROM outbox WHERE status IN ('conflict', "
                                          "'rejected') ORDER BY created_at LIMIT 5").fetchall():
        out.write(f"  needs a look: {statement_id}: {error}\n")
    last = db.execute("SELECT last_error FROM outbox WHERE status = 'pending' AND last_error IS NOT NULL "
                      "ORDER BY created_at LIMIT 1").fetchone()
    if last:
        out.write(f"last attempt: {last[0]}\n")
    out.write(f"LRS: {settings.lrs.endpoint or '(none configured: results stay here)'}\n")
    return 0


def progress_bar(total: int, out: TextIO) -> Callable[[int], None]:
    def show(done: int) -> None:
        if total < 500:
            return  # small backlogs finish before a bar would help
        filled = int(30 * done / total)
        out.write(f"\rsync [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        out.flush()
    return show


def now(settings: Settings, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    db = open_store(settings.store.path)
    total = records.backlog(db).pending
    result = sync_once(db, client_for(settings), _now, batch_size=settings.lrs.batch_size,
                       progress=progress_bar(total, err))
    if total >= 500:
        err.write("\n")
    removed = privacy.apply_retention(db, _now(), settings.store.retention_days)
    pruned, over = privacy.enforce_budget(db, settings.store.outbox_max_mb * 1024 * 1024)
    out.write(f"sent {result.sent} of {total}; conflicts {len(result.conflicts)}; rejected {len(result.rejected)}; "
              f"visits past retention removed {removed}; sent statements pruned {pruned}\n")
    if over:
        out.write("warning: the outbox is over its budget with unsent results only: nothing was dropped; "
                  "restore the network or raise store.outbox_max_mb\n")
    if result.stopped:
        out.write(f"stopped: {result.stopped}\n")
        return 75  # EX_TEMPFAIL: try again later; nothing is lost
    return 0


def erase_visit(settings: Settings, registration: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    db = open_store(settings.store.path)
    done = erase(db, registration, _now())
    if not done.sessions and not done.withdrawn and not done.dropped:
        out.write(f"no visit {registration} in {settings.store.path}\n")
        return 1
    out.write(f"erased visit {registration}: local rows deleted; {done.withdrawn} statements will be withdrawn "
              f"from the LRS (voided) at the next sync; {done.dropped} unsent statements dropped\n")
    return 0


def export(settings: Settings, target: Path, *, responses: bool, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    db = open_store(settings.store.path)
    if responses:
        packs, _ = load_packs(settings.content.scenarios)
        observables = {(p.id, o.id): o.skills for p in packs for o in p.scenario.observables.values()}
        text = privacy.responses_csv(db, observables)
    else:
        text = privacy.agency_csv(db, read_skills(), settings.content.language)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    out.write(f"exported {text.count(chr(10)) - 1} rows to {target}\n")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("exit codes: 0 done; 74 the store cannot be opened (the path is named; nothing is moved); "
                     "75 the LRS could not take everything (try later; nothing is lost); 78 no LRS configured")
    what = parser.add_subparsers(dest="sync_command", required=True, metavar="ACTION")
    what.add_parser("status", help="backlog: pending, sent, conflicts, last error")
    what.add_parser("now", help="send the backlog now (progress bar on large backlogs), then apply retention")


def run(args: argparse.Namespace) -> int:
    return status(arguments.settings(args)) if args.sync_command == "status" else now(arguments.settings(args))
