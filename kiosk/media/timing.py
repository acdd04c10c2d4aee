"""Media timing (pure): a clock that can pause, and which decoded frame to show at a given time.

Frames are chosen by their presentation timestamps against the media clock — dropped when
the presentation fell behind, repeated while the next is not due — never by how fast the
decoder or the display happens to run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class MediaClock:
    """Media time = wall time since `started`, minus the time spent paused; `offset` shifts the
    picture against the sound (positive: the picture later), to compensate output latency."""

    started: float
    paused_at: float | None = None
    offset: float = 0.0

    def position(self, now: float) -> float:
        at = self.paused_at if self.paused_at is not None else now
        return at - self.started - self.offset

    def pause(self, now: float) -> MediaClock:
        return self if self.paused_at is not None else replace(self, paused_at=now)

    def resume(self, now: float) -> MediaClock:
        if self.paused_at is None:
            return self
        return replace(self, started=self.started + (now - self.paused_at), paused_at=None)


@dataclass(frozen=True, slots=True)
class Choice:
    take: int  # how many pending frames to consume (0: keep showing the current one)
    dropped: int  # of those, how many are never shown (superseded before they were presented)


def choose(pending_pts: Sequence[float], t: float, tolerance: float = 0.002) -> Choice:
    """Pending frames are in presentation order; show the last one already due at media time `t`."""
    due = 0
    for pts in pending_pts:
        if pts <= t + tolerance:
            due += 1
        else:
            break
    return Choice(due, max(0, due - 1))
