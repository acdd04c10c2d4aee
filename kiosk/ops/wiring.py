"""Wiring the operations side into a running kiosk: the status snapshot the loop publishes, the
HTTP endpoint, screenshots on the GL thread, and the systemd watchdog fed only while healthy."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kiosk import __version__
from kiosk.config import OpsSettings
from kiosk.ops.board import StatusBoard
from kiosk.ops.restarts import record_clean_stop, record_start
from kiosk.ops.status import KioskStatus, assess
from kiosk.ops.systemd import sd_notify
from kiosk.runtime.loop import FrameLoop

if TYPE_CHECKING:  # imported when the endpoint starts, after the first frame (http.server: ~0.1 s of a start)
    from kiosk.ops.server import OpsServer

log = logging.getLogger(__name__)


@dataclass
class Operations:
    board: StatusBoard
    server: OpsServer | None
    is_ready: bool = False
    runs: Path | None = None  # the restart counter's file (kiosk/ops/restarts.py)
    listen: str = ""  # `[ops] listen`: the endpoint started by `ready`
    token: str = ""
    clock: Callable[[], float] = time.monotonic

    def ready(self) -> None:
        """The first screen is drawn: systemd hears READY=1, and only then the watchdog pings. The
        endpoint starts right after (before the loop takes any input): its import and thread are not
        on the path to the first frame."""
        sd_notify("READY=1")
        self.is_ready = True
        if self.listen and self.server is None:
            self.server = start_endpoint(self.listen, self.token, self.board, self.clock)

    def stop(self, *, clean: bool = True) -> None:
        """`clean`: the loop ended as asked (not by an exception): the next start is not an unclean restart."""
        if self.server is not None:
            self.server.stop()
        if self.runs is not None and clean:
            record_clean_stop(self.runs, self.board.snapshot().unclean_restarts)


def sync_backlog(store: Path) -> tuple[int, float | None]:
    """(statements waiting, unix time of the last one sent) read from the store, read-only."""
    if not store.exists():
        return 0, None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.2)) as db:
            pending = db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
            last = db.execute("SELECT MAX(sent_at) FROM outbox WHERE status = 'sent'").fetchone()[0]
    except sqlite3.Error:
        return 0, None  # being migrated or locked: the next second will tell
    return int(pending), datetime.fromisoformat(last).timestamp() if last else None


def outbox_age_and_size(store: Path) -> tuple[float | None, int]:
    """(unix time of the oldest unsent statement, bytes of the store on disk), read-only and cheap
    (the pending index answers MIN; sizes come from the file system)."""
    size = sum(path.stat().st_size for path in (store, store.with_name(store.name + "-wal")) if path.exists())
    if not store.exists():
        return None, size
    try:
        with contextlib.closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.2)) as db:
            oldest = db.execute("SELECT MIN(created_at) FROM outbox WHERE status = 'pending'").fetchone()[0]
    except sqlite3.Error:
        return None, size
    return (datetime.fromisoformat(oldest).timestamp() if oldest else None), size


def attach(loop: FrameLoop, settings: OpsSettings, *, state: str, reason: str, store: Path,
           read_pixels: Callable[[], npt.NDArray[np.uint8]], clock: Callable[[], float],
           devices: Callable[[], dict[str, str]] = dict,
           device_problems: Callable[[], tuple[str, ...]] = tuple,
           input_dropped: Callable[[], dict[str, int]] = dict,
           sessions: Callable[[], dict[str, int]] = dict, frame_budget: float = 0.0,
           outbox_budget_bytes: int = 0) -> Operations:
    runs = store.parent / "runs.json"
    unclean, started = record_start(runs), time.time()
    board = StatusBoard(KioskStatus(clock(), state, reason, __version__, unclean_restarts=unclean))

    def publish(now: float) -> None:
        stats = loop.stats
        free = shutil.disk_usage(store.parent if store.parent.exists() else Path(".")).free
        pending, last_sent = sync_backlog(store)
        oldest, size = outbox_age_and_size(store)
        board.publish(KioskStatus(now, state, reason, __version__, stats.frames_drawn, stats.dropped_frames,
                                  tuple(stats.draw_seconds.cumulative()), stats.draw_seconds.total,
                                  stats.draw_seconds.count, sessions=sessions(), sync_pending=pending,
                                  sync_last_success=last_sent, devices=devices(), disk_free_bytes=free,
                                  device_problems=device_problems(), input_dropped=input_dropped(),
                                  sync_oldest_pending=oldest, store_bytes=size,
                                  outbox_budget_bytes=outbox_budget_bytes, frame_budget=frame_budget,
                                  started_at=started, unclean_restarts=unclean))

    def screenshots(now: float) -> None:
        if board.screenshot_wanted():
            import cv2  # deferred: screenshots are optional

            ok, png = cv2.imencode(".png", cv2.cvtColor(read_pixels(), cv2.COLOR_RGBA2BGRA))
            if ok:
                board.deliver_screenshot(png.tobytes())

    publish(clock())
    loop.every(1.0, publish)
    loop.every(0.1, screenshots)
    operations = Operations(board, None, runs=runs, listen=settings.listen, token=settings.token, clock=clock)
    usec = os.environ.get("WATCHDOG_USEC")
    if usec and usec.isdigit():
        def feed(now: float) -> None:
            # Only a loop that runs *and* is healthy feeds the dog: a frozen loop never gets here, and
            # an unhealthy one stops feeding, so systemd restarts the kiosk into its attract screen.
            # Not before READY=1: a slow first frame (a loaded machine) must not ping first.
            if operations.is_ready and (assess(board.snapshot(), now).status != "failing" or state == "out_of_order"):
                sd_notify("WATCHDOG=1")
        loop.every(int(usec) / 2e6, feed)
    return operations


def start_endpoint(listen: str, token: str, board: StatusBoard, clock: Callable[[], float]) -> OpsServer | None:
    """The ops endpoint on `listen`, or None (logged) when the address cannot be listened on."""
    from kiosk.ops.http import ListenError, parse_listen
    from kiosk.ops.server import OpsServer

    try:
        host, port = parse_listen(listen, "ops.listen")
        return OpsServer(host, port, board.snapshot, clock, screenshot=board.request_screenshot, token=token).start()
    except ListenError as exc:  # a busy port must not keep the kiosk from serving visitors
        log.error("ops endpoint %s not started (%s): the kiosk runs without it", listen, exc)
        return None
