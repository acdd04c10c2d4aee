"""The streams on screen: a playlist per video stream, a still picture per image stream, their
frames handed to the renderer as they become due (the composition root wires `upload`/`drop`
to the renderer's streams and calls `show` with what the current scene names).

What really plays is reported as `Playback` facts (opened, paused, resumed, looped, ended, closed,
with the media time): the composition root turns them into xAPI Video Profile statements.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.errors import AssetError
from kiosk.media.decoder import HEAP, Frame, FrameMemory
from kiosk.media.player import ClipPlayer, SoundOutput
from kiosk.media.playlist import Playlist

log = logging.getLogger(__name__)
VIDEO_SUFFIXES = (".mp4", ".mkv", ".webm", ".mov")


@dataclass(frozen=True, slots=True)
class Playback:
    """Something that happened to a clip on screen, at media time `time` (seconds) and wall time `now`."""

    stream: str
    kind: str  # opened | paused | resumed | looped (back to 0 from the end) | ended | closed
    time: float
    length: float
    now: float


class MediaDeck:
    def __init__(self, root: Path, upload: Callable[[str, Frame], None], drop: Callable[[str], None], *,
                 sound: SoundOutput | None = None, memory: FrameMemory = HEAP,
                 report: Callable[[Playback], None] = lambda fact: None,
                 screen: Callable[[str], tuple[int, int] | None] = lambda name: None) -> None:
        """`memory`: where the decoders write frames (the renderer's GPU-visible rings, or the heap);
        `screen`: the size of screen-ready frames the renderer can copy for a stream, or None
        (`GLRenderer.wanted_size`): decoders are asked for them, scaled on their own thread."""
        self.screen = screen
        self.root = root
        self.memory = memory
        self.upload = upload
        self.drop = drop
        self.sound = sound
        self.playing: dict[str, Playlist] = {}
        self.stills: set[str] = set()
        self.failed: set[str] = set()  # logged once, then shown as nothing
        self.report = report
        self.still: set[str] = set()  # clips standing still
        self.ended: set[str] = set()  # clips that played to their end
        self.cuts: dict[str, int] = {}  # cuts seen per playlist (a looping clip's restarts)

    def show(self, wanted: Mapping[str, bool], now: float, paused: frozenset[str] = frozenset()) -> None:
        """`wanted`: stream name → loop. New streams start now; streams no longer shown stop; streams in
        `paused` stand still (picture and sound) until a later call leaves them out."""
        self._close_gone(wanted, now)
        for name, loop in wanted.items():
            if name not in self.playing and name not in self.stills and name not in self.failed:
                self._try_open(name, loop, now)
        for name, playlist in self.playing.items():
            self._hold(name, playlist, name in paused, now)

    def _close_gone(self, wanted: Mapping[str, bool], now: float) -> None:
        for name in [n for n in self.playing if n not in wanted]:
            self._close(name, now)
            self.drop(name)
        for name in [n for n in self.stills if n not in wanted]:
            self.stills.discard(name)
            self.drop(name)

    def _try_open(self, name: str, loop: bool, now: float) -> None:
        try:
            self._open(name, loop, now)
        except AssetError as exc:
            log.error("media not shown: %s", exc)
            self.failed.add(name)

    def _hold(self, name: str, playlist: Playlist, paused: bool, now: float) -> None:
        """Pause a playing clip the scene pauses, resume one it no longer does (told as facts)."""
        if paused and name not in self.still:
            playlist.pause(now)
            self.still.add(name)
            self._tell(name, "paused", now)
        elif not paused and name in self.still:
            playlist.resume(now)
            self.still.discard(name)
            self._tell(name, "resumed", now)

    def _open(self, name: str, loop: bool, now: float) -> None:
        path = self.root / name.split("#", 1)[0]  # "#…" names another stream of the same file
        if path.suffix.lower() in VIDEO_SUFFIXES:
            playlist = Playlist([path], lambda p: ClipPlayer(p, sound=self.sound, memory=self.memory,
                                                             screen=self.screen(name)), loop=loop)
            playlist.start(now)
            self.playing[name] = playlist
            self.cuts[name] = 0
            self._tell(name, "opened", now, time=0.0)
            return
        import cv2  # deferred to the first still picture (start-up time)

        picture = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if picture is None:
            raise AssetError(f"cannot decode picture {path}", hint="use a JPEG or PNG file")
        self.upload(name, np.asarray(cv2.cvtColor(picture, cv2.COLOR_BGR2BGRA), np.uint8))
        self.stills.add(name)

    def present(self, now: float) -> bool:
        """Hand the renderer every stream whose frame changed; True if any did (the frame must be redrawn)."""
        changed = False
        self.memory.settle()  # decoders may rewrite slots of frames taken from now on: drawn ones must be done
        for name, playlist in self.playing.items():
            playlist.want(self.screen(name))
            if playlist.present(now) and playlist.frame is not None:
                self.upload(name, playlist.frame)
                changed = True
            if len(playlist.cuts) > self.cuts.get(name, 0):
                self.cuts[name] = len(playlist.cuts)
                if len(playlist.paths) == 1:  # the clip starts over
                    self._tell(name, "looped", now, time=self._length(name))
            if playlist.finished and name not in self.ended:
                self.ended.add(name)
                self._tell(name, "ended", now, time=self._length(name))
        return changed

    def _length(self, name: str) -> float:
        current = self.playing[name].current
        return 0.0 if current is None else current.info.duration

    def _tell(self, name: str, kind: str, now: float, time: float | None = None) -> None:
        current = self.playing[name].current
        length = self._length(name)
        if time is None:
            time = 0.0 if current is None else current.position(now)
        self.report(Playback(name, kind, max(0.0, min(length, time)), length, now))

    def _close(self, name: str, now: float) -> None:
        self._tell(name, "closed", now, time=self._length(name) if name in self.ended else None)
        self.playing.pop(name).stop()
        self.still.discard(name)
        self.ended.discard(name)
        self.cuts.pop(name, None)

    def next_due(self, now: float) -> float | None:
        times = [t for p in self.playing.values() if (t := p.next_due(now)) is not None]
        return min(times) if times else None

    def stop(self, now: float | None = None) -> None:
        """`now`: report the clips on screen as closed at that time (none reported without it)."""
        for name in list(self.playing):
            if now is not None:
                self._close(name, now)
            else:
                self.playing.pop(name).stop()
            self.drop(name)
