"""One clip playing: picture from the decoder thread chosen by timestamp against the media clock,
its sound through the mixer, started together. Time comes in as arguments.
"""

from __future__ import annotations

import queue
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kiosk.media.audio import Pcm, decode_audio
from kiosk.media.decoder import END, HEAP, PENDING_MAX, ClipInfo, Frame, FrameMemory, VideoSource
from kiosk.media.timing import MediaClock, choose


class SoundOutput(Protocol):
    @property
    def latency(self) -> float: ...

    def play(self, pcm: Pcm) -> object: ...
    def pause(self, handle: object) -> None: ...
    def resume(self, handle: object) -> None: ...
    def stop(self, handle: object) -> None: ...


@dataclass
class PlayStats:
    presented: int = 0  # distinct frames put on screen
    dropped: int = 0  # decoded frames superseded before being shown
    late: int = 0  # presentations where the due frame was not decoded yet (the previous one stayed)
    shown_at: list[tuple[float, float]] = field(default_factory=list)  # (wall time, pts), when recording


class ClipPlayer:
    def __init__(self, path: Path, *, sound: SoundOutput | None = None, capacity: int = 4,
                 record: bool = False, memory: FrameMemory = HEAP, screen: tuple[int, int] | None = None) -> None:
        """`screen`: decode screen-ready frames of this size from the first (`VideoSource.want`)."""
        self.path = path
        self.source = VideoSource(path, capacity, memory, screen)
        self.info: ClipInfo = self.source.info
        self.sound = sound
        self.pcm: Pcm | None = decode_audio(path) if sound is not None else None
        self.clock: MediaClock | None = None
        self.stats = PlayStats()
        self.record = record
        self.current: Frame | None = None
        self.current_pts: float | None = None
        self.finished = False
        self._pending: deque[tuple[float, Frame]] = deque()
        self._source_done = False
        self._handle: object = None
        self.source.start()  # decoding begins now: a clip opened ahead of time is pre-buffered

    def wait_buffered(self, frames: int, timeout: float = 5.0) -> bool:
        """Block until `frames` are decoded (tests, and pre-buffering before a cut)."""
        import time

        deadline = time.monotonic() + timeout
        frames = min(frames, self.source.frames.maxsize + PENDING_MAX)
        while self.source.frames.qsize() + len(self._pending) < frames and not self._source_done:
            if self.source.decoded >= self.info.frames or time.monotonic() > deadline:
                break
            time.sleep(0.002)
        return self.source.frames.qsize() + len(self._pending) >= min(frames, self.info.frames)

    def start(self, at: float) -> None:
        """The clip's time zero is `at` (may be in the future: a playlist's next clip starts exactly where
        the previous ends). The sound starts now if due, else when `present` reaches `at`."""
        offset = self.sound.latency if self.sound is not None else 0.0
        self.clock = MediaClock(at, offset=offset)  # the picture waits for the sound to leave the mixer

    def _start_sound(self, now: float) -> None:
        if self.sound is not None and self.pcm is not None and self._handle is None and self.clock is not None \
                and now >= self.clock.started:
            self._handle = self.sound.play(self.pcm)

    def position(self, now: float) -> float:
        return 0.0 if self.clock is None else self.clock.position(now)

    def _fill(self, t: float) -> None:
        """Take decoded frames off the queue: up to PENDING_MAX ahead of time, and any number that are
        already due (those are about to be dropped, so holding them costs no ring buffer)."""
        while not self._source_done and (len(self._pending) < PENDING_MAX or self._pending[-1][0] <= t):
            try:
                item = self.source.frames.get_nowait()
            except queue.Empty:
                return
            if item is END:
                self._source_done = True
            else:
                assert item is not None
                self._pending.append(item)

    def present(self, now: float) -> bool:
        """Advance to the frame due at `now`; True if the frame to show changed."""
        if self.clock is None or self.finished or self.paused:
            return False
        self._start_sound(now)
        t = self.clock.position(now)
        self._fill(t)
        if t < 0:
            return False
        choice = choose([pts for pts, _ in self._pending], t)
        if choice.take == 0:
            self._nothing_new(t)
            return False
        for _ in range(choice.take):
            self.current_pts, self.current = self._pending.popleft()
        self.stats.dropped += choice.dropped
        self.stats.presented += 1
        if self.record:
            self.stats.shown_at.append((now, self.current_pts or 0.0))
        return True

    def _nothing_new(self, t: float) -> None:
        """No frame to take at media time `t`: the clip ended, or the due frame is late."""
        if self._source_done and not self._pending:
            self.finished = t >= self.info.duration
        elif not self._pending and not self._source_done and self.current_pts is not None \
                and t >= self.current_pts + 1.0 / self.info.fps \
                and round(self.current_pts * self.info.fps) + 1 < self.info.frames:
            self.stats.late += 1  # a next frame exists and is due, but is not decoded yet

    def next_due(self, now: float) -> float | None:
        """Wall time the next frame is due (for the frame loop's sleep)."""
        if self.clock is None or self.finished or self.paused:
            return None
        if self._pending:
            return self.clock.started + self.clock.offset + self._pending[0][0]
        return now + 1.0 / max(1.0, self.info.fps)

    @property
    def paused(self) -> bool:
        return self.clock is not None and self.clock.paused_at is not None

    def pause(self, now: float) -> None:
        if self.clock is None or self.paused:
            return
        self.clock = self.clock.pause(now)
        if self.sound is not None and self._handle is not None:
            self.sound.pause(self._handle)

    def resume(self, now: float) -> None:
        if self.clock is None or not self.paused:
            return
        self.clock = self.clock.resume(now)
        if self.sound is not None and self._handle is not None:
            self.sound.resume(self._handle)

    def stop(self) -> None:
        """Stop decoding and sound; the frames go back to the decoder's memory, so forget them."""
        self.source.stop()
        self.current = None
        self._pending.clear()
        if self.sound is not None:
            self.sound.stop(self._handle)
        self._handle = None
