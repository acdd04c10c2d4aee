"""Video frames decoded straight into memory the GPU reads: showing a frame binds it, nothing
is uploaded.

A decoder writes its frames into a ring of slots (`kiosk.media.decoder`). Here a ring is one
GL buffer mapped for writing for its whole life (ARB_buffer_storage, persistent and coherent),
and each slot is also a buffer texture that the video and panorama shaders read texel by texel
(bilinear by hand, `stream_texel` in `shaders`). Uploading a decoded frame would copy all of it
again on the processor (8 MB for 1080p BGRA): on llvmpipe's two busy cores that copy cost
about a tenth of the decoding speed (`kiosk bench video`).

What keeps a decoder from writing under a draw that still reads a slot:
* a ring comes back to the pool only when its decoder thread has ended (`VideoSource.stop`);
* a ring with a slot on screen (pinned by a renderer's stream) is not handed out again;
* `settle()` waits for the GL work that last read from rings; the media deck calls it before
  it takes new frames from decoders, and a decoder rewrites a slot only after several more
  frames were taken (`decoder.SPARE`).
"""

from __future__ import annotations

import ctypes
import logging
from dataclasses import dataclass, field

import moderngl
import numpy as np
import numpy.typing as npt

from kiosk.errors import GraphicsUnavailableError
from kiosk.render.gl_calls import NEEDED_EXTENSIONS, GLCalls

log = logging.getLogger(__name__)
Frame = npt.NDArray[np.uint8]
STREAM_UNIT = 0  # texture unit of buffer textures: a samplerBuffer's default (moderngl cannot set its uniform)
UPLOADED_STREAM_UNIT = 1  # where the same shaders read uploaded (2D) stream frames


@dataclass(eq=False)
class _Ring:
    size: tuple[int, int, int]  # width, height, slots
    buffer: int
    textures: list[int]
    slots: list[Frame] = field(repr=False)


class MappedFrames:
    """The rings of one GL context (renderers drawing on that context share it)."""

    MAX_FREE = 2  # idle rings kept for the next clips (a playlist holds two at a cut)

    def __init__(self, gl: GLCalls) -> None:
        self.gl = gl
        self._rings: list[_Ring] = []
        self._free: list[_Ring] = []
        self._by_address: dict[int, tuple[_Ring, int]] = {}
        self._pins: dict[tuple[int, str], _Ring] = {}
        self._fence = 0

    @classmethod
    def open(cls, ctx: moderngl.Context) -> MappedFrames:
        """For the context current in this thread; GraphicsUnavailableError when the driver lacks
        what it needs (the caller then uploads frames instead, and says so)."""
        missing = [name for name in NEEDED_EXTENSIONS if name not in ctx.extensions]
        if missing:
            raise GraphicsUnavailableError(f"the OpenGL driver lacks {', '.join(missing)}",
                                           hint="video frames will be uploaded instead (slower)")
        return cls(GLCalls())

    # -- the decoder's side (media.decoder.FrameMemory) -------------------------------------
    def ring(self, width: int, height: int, count: int) -> list[Frame]:
        size = (width, height, count)
        pinned = set(self._pins.values())
        ring = next((r for r in self._free if r.size == size and r not in pinned), None)
        if ring is not None:
            self._free.remove(ring)
            return ring.slots
        try:
            ring = self._make(size)
        except GraphicsUnavailableError as exc:
            log.warning("video frames of %dx%d go through uploads: %s", width, height, exc)
            return [np.empty((height, width, 4), np.uint8) for _ in range(count)]
        return ring.slots

    def give_back(self, slots: list[Frame]) -> None:
        """A stopped decoder's ring: reused for a clip of the same size, or freed (its frames must
        not be read after this; the player forgets them when it stops)."""
        found = self._by_address.get(slots[0].ctypes.data) if slots else None
        if found is not None and found[0] not in self._free:
            self._free.append(found[0])
            self._trim()

    def settle(self, timeout: float = 1.0) -> None:
        """Wait until the GL no longer reads slots of the frames drawn so far."""
        if self._fence:
            if not self.gl.wait(self._fence, timeout):
                log.warning("video frames: the GPU took over %.1f s to finish a frame", timeout)
            self.gl.delete_fence(self._fence)
            self._fence = 0

    # -- the renderer's side ------------------------------------------------------------------
    def texture_for(self, frame: Frame) -> int | None:
        """The buffer texture showing `frame` when it is a whole slot of a ring, else None."""
        found = self._slot(frame)
        return None if found is None else found[0].textures[found[1]]

    def pin(self, owner: tuple[int, str], frame: Frame) -> int | None:
        """`owner` shows `frame`: its ring is not handed out again until unpinned. The buffer texture
        to draw it with, or None (and nothing pinned) when the frame is not a slot of a ring."""
        found = self._slot(frame)
        if found is None:
            return None
        self._pins[owner] = found[0]
        return found[0].textures[found[1]]

    def unpin(self, owner: tuple[int, str]) -> None:
        if self._pins.pop(owner, None) is not None:
            self._trim()

    def drawn(self) -> None:
        """After draws that read slots: the next `settle` waits for them."""
        if self._fence:
            self.gl.delete_fence(self._fence)  # fences signal in order: the newest covers the rest
        self._fence = self.gl.fence()

    def gl_objects(self) -> int:
        return sum(1 + len(r.textures) for r in self._rings) + (1 if self._fence else 0)

    def release(self) -> None:
        self.settle()
        for ring in list(self._rings):
            self._delete(ring)
        self._free.clear()
        self._pins.clear()

    # -- rings --------------------------------------------------------------------------------
    def _slot(self, frame: Frame) -> tuple[_Ring, int] | None:
        found = self._by_address.get(frame.ctypes.data)
        return found if found is not None and frame.shape == found[0].slots[found[1]].shape else None

    def _make(self, size: tuple[int, int, int]) -> _Ring:
        width, height, count = size
        frame_bytes = width * height * 4
        buffer, address = self.gl.mapped_buffer(frame_bytes * count)
        memory = (ctypes.c_uint8 * (frame_bytes * count)).from_address(address)
        whole = np.ctypeslib.as_array(memory).reshape(count, height, width, 4)
        slots = [whole[i] for i in range(count)]
        textures = [self.gl.buffer_texture(buffer, i * frame_bytes, frame_bytes) for i in range(count)]
        ring = _Ring(size, buffer, textures, slots)
        self._rings.append(ring)
        for index, slot in enumerate(slots):
            self._by_address[slot.ctypes.data] = (ring, index)
        return ring

    def _trim(self) -> None:
        pinned = set(self._pins.values())
        idle = [r for r in self._free if r not in pinned]
        for ring in idle[:max(0, len(idle) - self.MAX_FREE)]:
            self._free.remove(ring)
            self._delete(ring)

    def _delete(self, ring: _Ring) -> None:
        for slot in ring.slots:
            self._by_address.pop(slot.ctypes.data, None)
        for texture in ring.textures:
            self.gl.delete_texture(texture)
        self.gl.delete_buffer(ring.buffer)  # the GL keeps it while queued draws still read it
        self._rings.remove(ring)
