"""Showing a drawn frame: swapped by the window's callback, or, headless, flushed and fenced.

Headless nothing swaps buffers. The frame is flushed when presented (so llvmpipe rasterises it now,
instead of binning frame after frame in memory, undrawn: +40-70 MB on an idle attract screen) and
waited for when the next one is drawn: meanwhile the frame thread is free to take input. Waits go
through a fence by ctypes, which lets go of the GIL: moderngl's `ctx.finish()` holds it for the
whole draw (on llvmpipe, tens of milliseconds of rasterising), stalling the decoder and device
threads' Python for as long (measured: a thread spinning beside it ran 15–20× fewer loops).
"""

from __future__ import annotations

from collections.abc import Callable

import moderngl

from kiosk.errors import GraphicsUnavailableError
from kiosk.render.gl_calls import GLCalls
from kiosk.render.mapped_frames import MappedFrames


class Presenter:
    def __init__(self, ctx: moderngl.Context, present: Callable[[moderngl.Framebuffer], None] | None,
                 frames: MappedFrames | None) -> None:
        self.ctx, self._present, self._frames = ctx, present, frames
        self.gl: GLCalls | None = None  # GL calls for a GIL-free wait (None: the driver lacks them)
        self._looked_up = False
        self._in_flight = 0  # the fence of the headless frame presented last, not yet waited for

    def present(self, fbo: moderngl.Framebuffer) -> None:
        if self._present is not None:
            self._present(fbo)
            return
        gl = self.gl_calls()
        fence = gl.fence() if gl is not None else 0
        if gl is None or not fence:
            self.ctx.finish()
            return
        gl.wait(fence, 0.0)  # flushes (SYNC_FLUSH_COMMANDS) without waiting
        self._in_flight = fence

    def wait_in_flight(self) -> None:
        """At most one headless frame is queued: wait (without the GIL) for the one presented last."""
        fence, self._in_flight = self._in_flight, 0
        if fence and self.gl is not None:
            if not self.gl.wait(fence, 10.0):
                self.ctx.finish()
            self.gl.delete_fence(fence)

    def gl_calls(self) -> GLCalls | None:
        """The GL calls moderngl lacks, looked up once (None: the driver lacks them)."""
        if not self._looked_up:
            self._looked_up = True
            try:
                self.gl = self._frames.gl if self._frames is not None else GLCalls()
            except GraphicsUnavailableError:
                self.gl = None  # the driver lacks them: ctx.finish() it is
        return self.gl

    def finish(self) -> None:
        """Wait for the GPU: for benchmarks and before reading pixels."""
        self.wait_in_flight()
        gl = self.gl_calls()  # without them: ctx.finish() it is
        fence = gl.fence() if gl is not None else 0
        if gl is None or not fence or not gl.wait(fence, 10.0):
            self.ctx.finish()
        if gl is not None and fence:
            gl.delete_fence(fence)
