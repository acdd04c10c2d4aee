"""The streams on screen: a playlist per video stream, a still picture per image stream, their
frames handed to the renderer as they become due (the composition root wires `upload`/`drop`
to the renderer's streams and calls `show` with what the current scene names).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

import cv2
import numpy as np

from kiosk.errors import AssetError
from kiosk.media.decoder import HEAP, Frame, FrameMemory
from kiosk.media.player import ClipPlayer, SoundOutput
from kiosk.media.playlist import Playlist

log = logging.getLogger(__name__)
VIDEO_SUFFIXES = (".mp4", ".mkv", ".webm", ".mov")


class MediaDeck:
    def __init__(self, root: Path, upload: Callable[[str, Frame], None], drop: Callable[[str], None], *,
                 sound: SoundOutput | None = None, memory: FrameMemory = HEAP) -> None:
        """`memory`: where the decoders write frames (the renderer's GPU-visible rings, or the heap)."""
        self.root = root
        self.memory = memory
        self.upload = upload
        self.drop = drop
        self.sound = sound
        self.playing: dict[str, Playlist] = {}
        self.stills: set[str] = set()
        self.failed: set[str] = set()  # logged once, then shown as nothing

    def show(self, wanted: Mapping[str, bool], now: float, paused: frozenset[str] = frozenset()) -> None:
        """`wanted`: stream name → loop. New streams start now; streams no longer shown stop; streams in
        `paused` stand still (picture and sound) until a later call leaves them out."""
        for name in [n for n in self.playing if n not in wanted]:
            self.playing.pop(name).stop()
            self.drop(name)
        for name in [n for n in self.stills if n not in wanted]:
            self.stills.discard(name)
            self.drop(name)
        for name, loop in wanted.items():
            if name in self.playing or name in self.stills or name in self.failed:
                continue
            try:
                self._open(name, loop, now)
            except AssetError as exc:
                log.error("media not shown: %s", exc)
                self.failed.add(name)
        for name, playlist in self.playing.items():
            if name in paused:
                playlist.pause(now)
            else:
                playlist.resume(now)

    def _open(self, name: str, loop: bool, now: float) -> None:
        path = self.root / name
        if path.suffix.lower() in VIDEO_SUFFIXES:
            playlist = Playlist([path], lambda p: ClipPlayer(p, sound=self.sound, memory=self.memory), loop=loop)
            playlist.start(now)
            self.playing[name] = playlist
            return
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
            if playlist.present(now) and playlist.frame is not None:
                self.upload(name, playlist.frame)
                changed = True
        return changed

    def next_due(self, now: float) -> float | None:
        times = [t for p in self.playing.values() if (t := p.next_due(now)) is not None]
        return min(times) if times else None

    def stop(self) -> None:
        for name, playlist in self.playing.items():
            playlist.stop()
            self.drop(name)
        self.playing.clear()
