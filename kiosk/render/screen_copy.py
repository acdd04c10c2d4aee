"""Video frames copied straight into the screen instead of drawn through a fragment shader.

On llvmpipe the fragment shader's texture reads are what a video frame costs: drawing a
1280×720 picture from a texture took 8–13 ms of CPU, bilinear from a 1080p frame 16–19 ms, the
renderer's whole video draw 18–29 ms; uploading the same picture and blitting it unscaled took
2–4 ms (`kiosk bench video`, docs/media.md "Frames copied into the screen"). An unscaled, unflipped
blit between framebuffers of one format is a plain copy in Mesa; scaling is done beforehand by
swscale on the decoder's thread, and the rows come bottom first (GL's order), because a flipped
blit is drawn through a shader again.

A stream's frame is copied when, in the frame being drawn:
* the stream has one opaque Video rect with square corners, on whole target pixels (within a
  quarter pixel) inside the renderer's own framebuffer;
* the frame is screen-ready: exactly that many pixels, stored as the framebuffer stores them —
  RGBA (not the BGRA of other frames), rows bottom first — and handed over as a top-first view
  with a negative row stride (`media.decoder.VideoSource.want`). BGRA would be converted by the
  driver on upload: 1–2 ms more per 1280×720 frame on llvmpipe.
`wanted` says, per stream, which size the decoder should make (the media deck asks for it). Any
other frame, or a screen-ready frame that no longer fits its place, goes through the shaders.
"""

from __future__ import annotations

from dataclasses import dataclass

import moderngl
import numpy as np
import numpy.typing as npt

from kiosk.render.gl_calls import GLCalls

Rows = npt.NDArray[np.float32]
Spot = tuple[int, int, int, int]  # x, y from the bottom, width, height: target pixels
QUARTER_PIXEL = 0.25


def screen_ready(frame: npt.NDArray[np.uint8]) -> bool:
    """Rows stored bottom first, packed: a top-first view of them has a negative row stride."""
    return frame.ndim == 3 and frame.shape[2] == 4 and frame.strides[0] < 0 and frame[::-1].flags.c_contiguous


def place(rows: Rows, scale: float, origin: tuple[float, float], target: tuple[int, int]) -> Spot | None:
    """Where the stream's only rect lands in whole target pixels — (x, y from the bottom, width,
    height) — when a frame of that size can be copied there: opaque, square corners, inside the
    target; else None. `origin`: the design space's top-left corner in target pixels, from the top."""
    if len(rows) != 1 or rows[0, 11] < 1.0 or rows[0, 12] > 0.0:
        return None
    x, top, width, height = (float(origin[0] + rows[0, 0] * scale), float(origin[1] + rows[0, 1] * scale),
                             float(rows[0, 2] * scale), float(rows[0, 3] * scale))
    whole = [round(v) for v in (x, top, width, height)]
    if any(abs(v - w) > QUARTER_PIXEL for v, w in zip((x, top, width, height), whole, strict=True)):
        return None
    x0, top0, w, h = whole
    if w < 1 or h < 1 or x0 < 0 or top0 < 0 or x0 + w > target[0] or top0 + h > target[1]:
        return None
    return x0, target[1] - top0 - h, w, h


@dataclass(eq=False)
class _Copy:
    texture: moderngl.Texture
    framebuffer: moderngl.Framebuffer


class ScreenCopies:
    """The screen-ready frames of one renderer's streams, each in a texture of its own."""

    def __init__(self, ctx: moderngl.Context, gl: GLCalls | None) -> None:
        """`gl`: None where the driver lacks the calls: every frame then goes through the shaders."""
        self.ctx = ctx
        self.gl = gl
        self.wanted: dict[str, tuple[int, int]] = {}  # stream → the screen-ready size its place takes
        self._copies: dict[str, _Copy] = {}

    def update(self, name: str, frame: npt.NDArray[np.uint8]) -> bool:
        """Take `frame` if it is screen-ready (True); else forget the stream's copy (False)."""
        if self.gl is None or not screen_ready(frame):
            self.drop(name)
            return False
        height, width = frame.shape[:2]
        copy = self._copies.get(name)
        if copy is None or copy.texture.size != (width, height):
            self.drop(name)
            texture = self.ctx.texture((width, height), 4)
            texture.repeat_x, texture.repeat_y = True, False  # for the shaders, like an uploaded frame
            copy = self._copies[name] = _Copy(texture, self.ctx.framebuffer(color_attachments=[texture]))
        self.gl.upload_rgba(copy.texture.glo, (width, height), frame[::-1].ctypes.data)
        return True

    def texture(self, name: str) -> moderngl.Texture | None:
        """The stream's screen-ready frame (RGBA, bottom row first), for the shaders when it cannot be copied."""
        copy = self._copies.get(name)
        return None if copy is None else copy.texture

    def note(self, name: str, spot: Spot | None) -> None:
        """Where the stream lands in this frame (`place`): the size to ask the decoder for, if any."""
        if spot is None:
            self.wanted.pop(name, None)
        else:
            self.wanted[name] = (spot[2], spot[3])

    def copy(self, name: str, spot: Spot, target: moderngl.Framebuffer) -> bool:
        """Copy the stream's frame into `target` at `spot` if it is exactly that size (True)."""
        copy = self._copies.get(name)
        if self.gl is None or copy is None or copy.texture.size != (spot[2], spot[3]):
            return False
        self.gl.blit(copy.framebuffer.glo, target.glo, (spot[2], spot[3]), (spot[0], spot[1]))
        return True

    def drop(self, name: str) -> None:
        copy = self._copies.pop(name, None)
        if copy is not None:
            copy.framebuffer.release()
            copy.texture.release()

    def gl_objects(self) -> int:
        return 2 * len(self._copies)

    def release(self) -> None:
        for name in list(self._copies):
            self.drop(name)
        self.wanted.clear()
