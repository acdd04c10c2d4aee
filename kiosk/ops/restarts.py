"""Counting restarts that followed a run which never stopped cleanly (systemd's watchdog kills a
frozen kiosk with SIGABRT; a crash or a power cut ends it just as abruptly).

A small JSON file next to the store says whether a run is under way; a start that finds a run
still under way counts one unclean end. Prometheus sees the count grow (`KioskRestarting`).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)


def _read(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, running: bool, unclean: int) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"running": running, "unclean_restarts": unclean}))
        os.replace(temporary, path)  # atomic: a power cut leaves the old file or the new one
    except OSError as exc:  # a read-only disk must not keep the kiosk from serving visitors
        log.warning("restart counter not saved in %s: %s", path, exc.strerror)


def record_start(path: Path) -> int:
    """Marks a run as under way; returns the unclean restarts so far, this one included."""
    data = _read(path)
    previous = data.get("unclean_restarts")
    unclean = previous if isinstance(previous, int) and previous >= 0 else 0
    if data.get("running") is True:
        unclean += 1
    _write(path, True, unclean)
    return unclean


def record_clean_stop(path: Path, unclean: int) -> None:
    _write(path, False, unclean)
