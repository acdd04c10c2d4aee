"""Following one clip's playback and reporting it as the xAPI Video Profile asks (pure).

A `ClipWatch` is one video session (one `session-id`): the clip is opened (initialized, then
played from 0), may stand still and carry on (paused / played, e.g. while the headset is off),
may jump (seeked: a looping clip starting over goes from its length back to 0), and is closed
(terminated) when it leaves the screen. It keeps the segments really watched, so `progress` is
the share of the clip seen at least once and `played-segments` lists them in order. `completed`
is sent once, at the first event after progress reaches the completion threshold, before
whatever that event reports. Times are media seconds; `at` is the wall time of the event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.store import xapi

COMPLETION_THRESHOLD = 0.9  # seen 90 % of a clip: completed (the last seconds are often credits or black)
EXT = xapi.VIDEO_EXTENSION


@dataclass
class ClipWatch:
    activity: Mapping[str, Any]
    session: str  # a UUID: the video session
    length: float
    threshold: float = COMPLETION_THRESHOLD
    segments: list[tuple[float, float]] = field(default_factory=list)  # watched, in the order watched
    playing_from: float | None = None  # media time the running segment began; None while still
    completed: bool = False
    terminated: bool = False
    sent: int = 0  # statements so far (their ids count them)

    # -- what was watched ---------------------------------------------------------------------------
    def _clamp(self, time: float) -> float:
        return round(max(0.0, min(self.length, time)), 3)

    def progress(self) -> float:
        """Share of the clip watched at least once (overlapping segments count once)."""
        if self.length <= 0:
            return 1.0
        covered, reach = 0.0, 0.0
        for start, end in sorted(self.segments):
            begin = max(start, reach)
            if end > begin:
                covered += end - begin
                reach = end
        return round(min(1.0, covered / self.length), 3)

    def played_segments(self) -> str:
        return "[,]".join(f"{start:g}[.]{end:g}" for start, end in self.segments)

    def watched_seconds(self) -> float:
        return sum(end - start for start, end in self.segments)

    def _stop_segment(self, time: float) -> None:
        if self.playing_from is not None:
            self.segments.append((self.playing_from, max(self.playing_from, self._clamp(time))))
            self.playing_from = None

    # -- statements ------------------------------------------------------------------------------------
    def _statement(self, visit: xapi.Visit, verb: str, at: datetime,
                   result: Mapping[str, Any] | None = None) -> xapi.Statement:
        self.sent += 1
        return xapi.video_statement(visit, self.activity, verb, at, session=self.session, index=self.sent,
                                    length=self.length, threshold=self.threshold, result=result)

    def _so_far(self, time: float) -> dict[str, Any]:
        return {EXT + "time": self._clamp(time), EXT + "progress": self.progress(),
                EXT + "played-segments": self.played_segments()}

    def _completion(self, visit: xapi.Visit, at: datetime, time: float) -> list[xapi.Statement]:
        if self.completed or self.progress() < self.threshold:
            return []
        self.completed = True
        return [self._statement(visit, "completed", at, {"completion": True,
                                                         "duration": xapi.iso_duration(self.watched_seconds()),
                                                         "extensions": self._so_far(time)})]

    def opened(self, visit: xapi.Visit, at: datetime) -> list[xapi.Statement]:
        """The clip is ready and starts from its beginning."""
        return [self._statement(visit, "initialized", at), *self.played(visit, at, 0.0)]

    def played(self, visit: xapi.Visit, at: datetime, time: float) -> list[xapi.Statement]:
        if self.playing_from is not None or self.terminated:
            return []
        self.playing_from = self._clamp(time)
        return [self._statement(visit, "played", at, {"extensions": {EXT + "time": self._clamp(time)}})]

    def paused(self, visit: xapi.Visit, at: datetime, time: float) -> list[xapi.Statement]:
        if self.playing_from is None or self.terminated:
            return []
        self._stop_segment(time)
        return [*self._completion(visit, at, time), self._statement(visit, "paused", at,
                                                                    {"extensions": self._so_far(time)})]

    def seeked(self, visit: xapi.Visit, at: datetime, time_from: float, time_to: float) -> list[xapi.Statement]:
        if self.terminated:
            return []
        was_playing = self.playing_from is not None
        self._stop_segment(time_from)
        done = self._completion(visit, at, time_from)
        seek = self._statement(visit, "seeked", at, {"extensions": {EXT + "time-from": self._clamp(time_from),
                                                                    EXT + "time-to": self._clamp(time_to)}})
        if was_playing:
            self.playing_from = self._clamp(time_to)
        return [*done, seek]

    def ended(self, visit: xapi.Visit, at: datetime) -> list[xapi.Statement]:
        """The clip played to its end and stands on its last picture."""
        self._stop_segment(self.length)
        return self._completion(visit, at, self.length)

    def closed(self, visit: xapi.Visit, at: datetime, time: float) -> list[xapi.Statement]:
        """The clip left the screen (the visitor moved on, or the visit ended)."""
        if self.terminated:
            return []
        self._stop_segment(time)
        done = self._completion(visit, at, time)
        self.terminated = True
        return [*done, self._statement(visit, "terminated", at, {"extensions": self._so_far(time)})]
