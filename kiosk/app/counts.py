"""Visits by outcome since the kiosk started: the ops endpoint reads them from its first second,
before `kiosk run` has built the session screen that counts them (kiosk/app/run.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger("kiosk")


@dataclass
class SessionCounts:
    """Visits by outcome since the kiosk started (the ops endpoint's kiosk_sessions counter)."""

    counts: dict[str, int] = field(default_factory=lambda: {"started": 0, "completed": 0, "abandoned": 0})

    def __call__(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        log.info("visit %s", kind, extra={"event": f"visit_{kind}"})

    def snapshot(self) -> dict[str, int]:
        return dict(self.counts)
