"""Clips one after the other with no gap: the next clip is opened (and decoding) before the current
one ends, and its time zero is set to the exact moment the current one ends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk.media.decoder import Frame
from kiosk.media.player import ClipPlayer


class Playlist:
    def __init__(self, paths: Sequence[Path], make_player: Callable[[Path], ClipPlayer], *, loop: bool = False,
                 prebuffer: float = 1.5) -> None:
        if not paths:
            raise ValueError("a playlist needs at least one clip")
        self.paths = list(paths)
        self.make_player = make_player
        self.loop = loop
        self.prebuffer = prebuffer
        self.index = 0
        self.current: ClipPlayer | None = None
        self.upcoming: ClipPlayer | None = None
        self.cuts: list[tuple[float, float | None]] = []  # (wall time of the cut, pts shown before it)

    @property
    def frame(self) -> Frame | None:
        return None if self.current is None else self.current.current

    @property
    def finished(self) -> bool:
        return self.current is not None and self.current.finished and self.upcoming is None

    def start(self, now: float) -> None:
        self.current = self.make_player(self.paths[0])
        self.current.start(now)

    def _next_index(self) -> int | None:
        following = self.index + 1
        if following < len(self.paths):
            return following
        return 0 if self.loop else None

    def present(self, now: float) -> bool:
        current = self.current
        if current is None or current.clock is None:
            return False
        following = self._next_index()
        ends_at = current.clock.started + current.info.duration
        if self.upcoming is None and following is not None and now >= ends_at - self.prebuffer:
            self.upcoming = self.make_player(self.paths[following])
            self.upcoming.start(ends_at)  # its time zero is the current clip's end: no gap, no overlap
        changed = current.present(now)
        if self.upcoming is not None and self.upcoming.present(now):
            self.cuts.append((now, current.current_pts))
            current.stop()
            self.current, self.upcoming = self.upcoming, None
            self.index = following if following is not None else self.index
            return True
        return changed

    def pause(self, now: float) -> None:
        """Stand still: the clip on screen and the one queued next (its start moves with the pause)."""
        for player in (self.current, self.upcoming):
            if player is not None:
                player.pause(now)

    def resume(self, now: float) -> None:
        for player in (self.current, self.upcoming):
            if player is not None:
                player.resume(now)

    def want(self, screen: tuple[int, int] | None) -> None:
        """Screen-ready frames of this size from the clips playing (`VideoSource.want`)."""
        for player in (self.current, self.upcoming):
            if player is not None:
                player.source.want(screen)

    def next_due(self, now: float) -> float | None:
        times = [t for p in (self.current, self.upcoming) if p is not None and (t := p.next_due(now)) is not None]
        return min(times) if times else None

    def stop(self) -> None:
        for player in (self.current, self.upcoming):
            if player is not None:
                player.stop()
        self.current = self.upcoming = None
