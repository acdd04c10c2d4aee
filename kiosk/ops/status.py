"""What a kiosk knows about itself, as one immutable snapshot, and the health rules over it (pure).

The frame loop publishes a snapshot about once a second; the health endpoint, the metrics and
the systemd watchdog all read the same snapshot, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

STALE_FRAME_SECONDS = 5.0  # the loop publishes every second: 5 s without a snapshot is a frozen loop
LOW_DISK_BYTES = 500 * 1024 * 1024
STATES = ("starting", "serving", "out_of_order")
HEALTH_STATUSES = ("ok", "degraded", "failing")


@dataclass(frozen=True)
class KioskStatus:
    at: float  # when the snapshot was taken (monotonic clock of the kiosk)
    state: str = "starting"  # starting | serving | out_of_order
    reason: str = ""  # for the operator when not serving
    version: str = ""
    frames_drawn: int = 0
    dropped_frames: int = 0
    frame_buckets: tuple[tuple[float, int], ...] = ()  # cumulative (upper bound, count), last bound +inf
    frame_sum: float = 0.0
    frame_count: int = 0
    sessions: Mapping[str, int] = field(default_factory=dict)  # started, completed, abandoned
    sync_pending: int = 0
    sync_last_success: float | None = None  # unix time
    devices: Mapping[str, str] = field(default_factory=dict)  # name -> connected | degraded | absent | ...
    device_problems: tuple[str, ...] = ()  # e.g. "board: button 2 chatters (...)": named, not failing
    input_dropped: Mapping[str, int] = field(default_factory=dict)  # presses dropped by reason since start
    disk_free_bytes: int = 0
    # for fleet alerts (kiosk/ops/alert_metrics.py)
    sync_oldest_pending: float | None = None  # unix time the oldest unsent statement was made
    store_bytes: int = 0  # the SQLite store on disk (database + write-ahead log)
    outbox_budget_bytes: int = 0  # [store] outbox_max_mb
    frame_budget: float = 0.0  # seconds a frame may take at max_fps
    started_at: float = 0.0  # unix time this process started
    unclean_restarts: int = 0  # starts that followed a run which never stopped cleanly (watchdog, crash)


@dataclass(frozen=True)
class Health:
    status: str  # ok | degraded | failing
    problems: tuple[str, ...]


def assess(status: KioskStatus, now: float) -> Health:
    failing, degraded = [], []
    if now - status.at > STALE_FRAME_SECONDS:
        failing.append(f"frame loop silent for {now - status.at:.0f} s")
    if status.state == "out_of_order":
        failing.append(f"out of order: {status.reason}")
    elif status.state == "starting":
        degraded.append("starting")
    if status.disk_free_bytes and status.disk_free_bytes < LOW_DISK_BYTES:
        degraded.append(f"disk almost full ({status.disk_free_bytes // (1024 * 1024)} MB free)")
    for name, state in sorted(status.devices.items()):
        if state not in ("connected", "ready", "none"):
            degraded.append(f"{name}: {state}")
    degraded += status.device_problems
    if failing:
        return Health("failing", tuple(failing + degraded))
    return Health("degraded" if degraded else "ok", tuple(degraded))
