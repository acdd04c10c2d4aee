"""Decoding a clip in a background thread: PyAV (FFmpeg) → BGRA frames with their presentation
timestamps, into a bounded queue.

The decoder was chosen by measurement (`kiosk bench video`, docs/media.md): on this project's
2-core VM PyAV with FFmpeg's frame threading (`thread_type="AUTO"`) decodes the 1080p H.264 bench
clip at about 1.5× OpenCV's `VideoCapture`, and its swscale conversion to BGRA costs about as
much as handing out the raw YUV frames. BGRA, not YUV planes, because the picture is drawn by
llvmpipe on the same two cores: sampling three planes and converting in the fragment shader cost
26–28 ms of CPU per 1280×720 draw against 20–22 ms for one BGRA texture, far more than the ~1.5 ms
of upload the smaller planes save (on a GPU the planes would likely win; unmeasured). Four
channels because 4-channel texture uploads are 8–17× faster than 3-channel ones on llvmpipe (the
texture swizzle puts the channels back).

Frames land in a small ring of buffers allocated once (small because buffers that stay in the
processor's caches decode faster: 20 × 8 MB ran at 0.77 of one buffer on the H100 machine's 16
cores): a buffer comes round again only after `capacity + SPARE` frames, more than can be queued,
held by the presenter (at most PENDING_MAX ahead plus the one on screen; frames already due may be
held beyond that only to be dropped unseen) or being uploaded. The queue bounds memory and paces
the decoder: it waits while the presenter is `capacity` frames ahead.

Screen-ready frames (`VideoSource.want`): where the renderer can copy a clip's frame straight into
the screen (opaque, square corners, an axis-aligned rectangle of whole pixels), it asks for frames
of exactly that rectangle's size. swscale then scales while it converts, on this thread, and the
frame is stored bottom row first — the order GL keeps a framebuffer's rows in — into a heap ring
of that size, in the screen's channel order (RGBA: what the renderer's framebuffer stores), and
handed out as a top-first view (negative row stride). The renderer sees the stride and copies the
rows with a blit (`GLRenderer.update_stream`): on llvmpipe a texture upload and a blit of a
1280×720 frame cost ~2–4 ms of CPU, drawing it through a fragment shader 8–29 ms (docs/media.md,
"Frames copied into the screen"). Frames decoded before the renderer first placed the clip keep
the clip's own form (up to `capacity + PENDING_MAX`: about 0.2 s at the clip's start).
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from kiosk.errors import AssetError

if TYPE_CHECKING:
    import av
    from av.video.reformatter import VideoReformatter

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
    import av  # deferred: a kiosk that may show no clip yet does not load FFmpeg at start

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise AssetError(f"video {path} has no picture", hint="export the clip as H.264 in MP4")
            stream = container.streams.video[0]
            fps = float(stream.average_rate or stream.guessed_rate or 25.0)
            frames = stream.frames or round(float((stream.duration or 0) * (stream.time_base or 0)) * fps)
            return ClipInfo(path, stream.codec_context.width, stream.codec_context.height, fps, frames)
    except (av.FFmpegError, OSError) as exc:
        raise AssetError(f"cannot open video {path}: {exc}",
                         hint="check the file exists and is H.264 in MP4; run the setup script to generate the "
                              "sample media") from exc


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
    """`frames` holds (pts seconds, frame) tuples, then END: BGRA frames, or screen-ready RGBA ones
    (`want`). Start with `start()`; `stop()` ends the thread promptly even when the queue is full."""

    def __init__(self, path: Path, capacity: int = 4, memory: FrameMemory = HEAP,
                 screen: tuple[int, int] | None = None) -> None:
        """`screen`: make screen-ready frames of this size from the first one (see `want`); the clip's
        own ring is then made only if they stop being wanted, on the heap."""
        self.info = probe(path)
        self.frames: queue.Queue[tuple[float, Frame] | None] = queue.Queue(maxsize=capacity)
        self.decoded = 0
        self.error: str | None = None
        self.memory = memory
        self.slots = capacity + SPARE
        self.screen = screen
        self._ring = [] if screen else memory.ring(self.info.width, self.info.height, self.slots)
        self._given = list(self._ring)  # what goes back to `memory` (the ring may swap a slot)
        self._screen_ring: list[Frame] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"decode {path.name}", daemon=True)

    def want(self, screen: tuple[int, int] | None) -> None:
        """Frames decoded from now on: screen-ready at `screen` (width, height) pixels, or the clip's
        own frames (None). Frames already queued keep the form they were made in."""
        self.screen = screen

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
        import av
        from av.video.reformatter import VideoReformatter

        # One per form, kept for the clip: each keeps its swscale context (`VideoFrame.to_ndarray`
        # makes a new one per frame: 1.5–2 ms more per 1080p frame scaled to 720p, measured here).
        own_form, screen_form = VideoReformatter(), VideoReformatter()
        fps = self.info.fps
        index = 0
        try:
            with av.open(str(self.info.path)) as container:
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"  # FFmpeg's frame + slice threads: the decoder's speed here
                for decoded in container.decode(stream):
                    if self._stop.is_set():
                        return
                    screen = self.screen  # read once: the presenter may change it meanwhile
                    frame = self._own_frame(own_form, decoded, index) if screen is None else \
                        self._screen_frame(screen_form, decoded, index, screen)
                    # Timestamps from the frame number: constant frame rate clips (what the kiosk ships);
                    # a container's clock may round them to whole milliseconds.
                    if not self._put((index / fps, frame)):
                        return
                    index += 1
                    self.decoded = index
        except (av.FFmpegError, OSError) as exc:  # a damaged file ends the clip early, it does not stop the kiosk
            self.error = str(exc)
            log.error("video %s: decoding stopped after %d frames: %s", self.info.path, index, exc)
        finally:
            self._put(END)

    def _own_frame(self, form: VideoReformatter, decoded: av.VideoFrame, index: int) -> Frame:
        """The clip's frame at its own size, top row first, in the next slot of the memory's ring."""
        bgra = form.reformat(decoded, format="bgra").to_ndarray()  # swscale
        if not self._ring:  # screen-ready frames were wanted until now: this thread may only use the heap
            self._ring = HEAP.ring(self.info.width, self.info.height, self.slots)
        slot = self._ring[index % len(self._ring)]
        if bgra.shape != slot.shape:  # a stream that changes size midway: a new buffer
            slot = self._ring[index % len(self._ring)] = np.empty(bgra.shape, np.uint8)
        np.copyto(slot, bgra)  # into memory the renderer may read without an upload
        return slot

    def _screen_frame(self, form: VideoReformatter, decoded: av.VideoFrame, index: int,
                      screen: tuple[int, int]) -> Frame:
        """Scaled by swscale as it converts to RGBA, stored bottom row first, handed out top-first (a view)."""
        width, height = screen
        if not self._screen_ring or self._screen_ring[0].shape != (height, width, 4):
            self._screen_ring = HEAP.ring(width, height, self.slots)  # frames out there keep the old ring
        slot = self._screen_ring[index % len(self._screen_ring)]
        rgba = form.reformat(decoded, width, height, "rgba", interpolation="BILINEAR").to_ndarray()
        np.copyto(slot, rgba[::-1])
        return slot[::-1]
