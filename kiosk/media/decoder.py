"""Decoding a clip in a background thread: OpenCV (FFmpeg backend) → BGRA frames with their
presentation timestamps, into a bounded queue.

BGRA because 4-channel texture uploads are 8–17× faster than 3-channel ones on llvmpipe (the
texture swizzle puts the channels back). FFmpeg itself converts to BGRA (`CAP_PROP_FORMAT` =
CV_8UC4, OpenCV ≥ 5): the YUV→BGRA pass replaces YUV→BGR and costs the same, where a second
BGR→BGRA pass in Python cost a quarter of the decoding speed on two busy cores. An OpenCV
that ignores the property gets `cvtColor` instead (logged once). Frames land in a small ring
of buffers allocated once (small because buffers that stay in the processor's caches decode
faster: 20 × 8 MB ran at 0.77 of one buffer on the H100 machine's 16 cores): a buffer comes
round again only after `capacity + SPARE` frames, more than can be queued, held by the
presenter (at most PENDING_MAX ahead plus the one on screen; frames already due may be held
beyond that only to be dropped unseen) or being uploaded. The queue bounds memory and paces
the decoder: it waits while the presenter is `capacity` frames ahead.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from kiosk.errors import AssetError

log = logging.getLogger(__name__)
Frame = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class ClipInfo:
    path: Path
    width: int
    height: int
    fps: float
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.fps if self.fps > 0 else 0.0


def probe(path: Path) -> ClipInfo:
    import cv2  # deferred: ~0.5 s and ~18 MB at start for a kiosk that may show no clip yet

    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        if not capture.isOpened():
            raise AssetError(f"cannot open video {path}", hint="check the file exists and is H.264 in MP4; run the "
                                                               "setup script to generate the sample media")
        return ClipInfo(path, int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
                        float(capture.get(cv2.CAP_PROP_FPS)) or 25.0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT)))
    finally:
        capture.release()


class FrameMemory(Protocol):
    """Where decoders write frames: the heap, or memory the GPU reads (`render.mapped_frames`)."""

    def ring(self, width: int, height: int, count: int) -> list[Frame]: ...
    def give_back(self, slots: list[Frame]) -> None: ...
    def settle(self) -> None: ...


class HeapMemory:
    """Plain arrays; the renderer uploads what it shows."""

    def ring(self, width: int, height: int, count: int) -> list[Frame]:
        return [np.empty((height, width, 4), np.uint8) for _ in range(count)]

    def give_back(self, slots: list[Frame]) -> None:
        pass

    def settle(self) -> None:
        pass


HEAP = HeapMemory()
END = None  # queued after the last frame
PENDING_MAX = 2  # frames a consumer may take off the queue ahead of showing them
SPARE = PENDING_MAX + 3


class VideoSource:
    """`frames` holds (pts seconds, BGRA frame) tuples, then END. Start with `start()`; `stop()` ends the
    thread promptly even when the queue is full."""

    def __init__(self, path: Path, capacity: int = 4, memory: FrameMemory = HEAP) -> None:
        self.info = probe(path)
        self.frames: queue.Queue[tuple[float, Frame] | None] = queue.Queue(maxsize=capacity)
        self.decoded = 0
        self.error: str | None = None
        self.memory = memory
        self._ring = memory.ring(self.info.width, self.info.height, capacity + SPARE)
        self._given = list(self._ring)  # what goes back to `memory` (the ring may swap a slot)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"decode {path.name}", daemon=True)

    def start(self) -> VideoSource:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        while True:  # unblock a producer waiting on a full queue
            try:
                self.frames.get_nowait()
            except queue.Empty:
                break
        self._thread.join(timeout=2)
        if self._thread.is_alive():  # never hand back memory a stuck decoder may still write
            log.error("video %s: the decoder did not stop; its frame memory is kept", self.info.path)
        elif self._given:
            self.memory.give_back(self._given)
            self._given = []

    def join(self, timeout: float) -> None:
        """Wait for the decoder to reach the end of the clip (tests)."""
        self._thread.join(timeout)

    def _put(self, item: tuple[float, Frame] | None) -> bool:
        while not self._stop.is_set():
            try:
                self.frames.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        import cv2

        capture = cv2.VideoCapture(str(self.info.path), cv2.CAP_FFMPEG)
        native = bool(capture.set(cv2.CAP_PROP_FORMAT, cv2.CV_8UC4))
        fps = self.info.fps
        try:
            index = 0
            while not self._stop.is_set():
                slot = self._ring[index % len(self._ring)]
                ok, frame = capture.read(slot) if native else capture.read()
                if not ok:
                    break
                if frame.ndim == 3 and frame.shape[2] == 4:
                    bgra = frame  # decoded straight into the ring (or a new array if the size changed)
                else:
                    if native:
                        log.info("video %s: OpenCV gave BGR frames, converting them in Python", self.info.path)
                        native = False
                    if frame.shape[:2] != slot.shape[:2]:  # a stream that changes size midway: a new buffer
                        slot = self._ring[index % len(self._ring)] = np.empty((*frame.shape[:2], 4), np.uint8)
                    cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA, dst=slot)
                    bgra = slot
                # Timestamps from the frame number: constant frame rate clips (what the kiosk ships);
                # the container's millisecond clock rounds to whole milliseconds.
                if not self._put((index / fps, np.asarray(bgra, np.uint8))):
                    return
                index += 1
                self.decoded = index
        except cv2.error as exc:  # a damaged file ends the clip early, it does not stop the kiosk
            self.error = str(exc)
            log.error("video %s: decoding stopped: %s", self.info.path, exc)
        finally:
            capture.release()
            self._put(END)
