"""Where the kiosk keeps what it can rebuild (caches): systemd's StateDirectory= when it runs as
the service (kiosk.service sets STATE_DIRECTORY), else var/ beside the store's default."""

from __future__ import annotations

import os
from pathlib import Path


def state_dir() -> Path:
    return Path(os.environ.get("STATE_DIRECTORY", "var"))
