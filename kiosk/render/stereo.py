"""Stereo frames for head-mounted displays: one view per eye, side by side, with an optional
barrel distortion for headsets driven as a plain monitor (the lenses' pincushion undone).

Each eye is drawn by its own GLRenderer laid out in the eye's aspect; the eye images are what
an OpenXR session receives (hardware.headset.Headset.submit), the side-by-side frame is what a
monitor-driven headset shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import moderngl
import numpy as np
import numpy.typing as npt

from kiosk.render import shaders
from kiosk.render.mapped_frames import MappedFrames
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.view.nodes import Scene

Pixels = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Lens:
    """r' = r (1 + k1 r² + k2 r⁴), r from each eye's centre (its half-width = 1), then ÷ `scale`
    so the corners stay in the picture. k1 = k2 = 0: no distortion."""

    k1: float = 0.22
    k2: float = 0.24
    scale: float = 1.46


_DISTORT = """
#version 330
in vec2 v_uv;
uniform sampler2D u_frame;
uniform vec3 u_lens;  // k1, k2, scale
uniform int u_mono;  // 1: u_frame is one eye's picture, shown to both
out vec4 f_color;
void main() {
    float half_u = v_uv.x < 0.5 ? 0.0 : 0.5;
    vec2 eye = vec2((v_uv.x - half_u) * 2.0, v_uv.y);   // 0..1 within the eye
    vec2 p = eye * 2.0 - 1.0;
    float r2 = dot(p, p);
    vec2 q = p * (1.0 + u_lens.x * r2 + u_lens.y * r2 * r2) / u_lens.z;
    if (abs(q.x) > 1.0 || abs(q.y) > 1.0) { f_color = vec4(0.0, 0.0, 0.0, 1.0); return; }
    vec2 src = (q + 1.0) * 0.5;
    f_color = texture(u_frame, u_mono == 1 ? src : vec2(half_u + src.x * 0.5, src.y));
}
"""


class StereoRenderer:
    def __init__(self, ctx: moderngl.Context, eye_size: tuple[int, int], asset_roots: list[Path], fonts: FontFiles,
                 lens: Lens | None = Lens(), frames: MappedFrames | None = None) -> None:
        """`frames`: the context's mapped video rings (shared with the screen's renderer)."""
        self.ctx = ctx
        self.eye_size = eye_size
        self.lens = lens
        self.eye = GLRenderer(ctx, eye_size, asset_roots, fonts, design=(float(eye_size[0]), float(eye_size[1])),
                              frames=frames)
        width, height = eye_size
        self._frame = ctx.texture((2 * width, height), 4)
        self._eye_frame = ctx.texture((width, height), 4)
        self._out_buffer = ctx.renderbuffer((2 * width, height), 4)
        self._out = ctx.framebuffer(color_attachments=[self._out_buffer])
        self._quad = ctx.buffer(np.array([0, 0, 1, 0, 0, 1, 1, 1], np.float32))
        self._program = ctx.program(vertex_shader=shaders.BARE_QUAD_VERTEX, fragment_shader=_DISTORT)
        self._vao = ctx.vertex_array(self._program, [(self._quad, "2f", "in_corner")])
        self._program["u_frame"].value = 0  # type: ignore[union-attr]

    def render(self, left: Scene, right: Scene) -> tuple[Pixels, Pixels, Pixels]:
        """(left eye, right eye, side-by-side frame as the monitor shows it), RGBA rows top first."""
        eyes = [self.draw_eye(scene) for scene in (left, right)]
        if self.lens is None:
            return eyes[0], eyes[1], np.ascontiguousarray(np.hstack(eyes))
        self.show(eyes[0], eyes[1])
        return eyes[0], eyes[1], self.read_output()

    def draw_eye(self, scene: Scene) -> Pixels:
        self.eye.draw(scene)
        return self.eye.read_pixels()

    def show(self, left: Pixels, right: Pixels) -> None:
        """The side-by-side frame through the lens pass (none: k1 = k2 = 0, scale 1) into `output`."""
        self._frame.write(np.ascontiguousarray(np.hstack((left, right))[::-1]))  # GL rows start at the bottom
        self._lens_pass(self._frame, mono=False)

    def show_same(self, eye: moderngl.Framebuffer) -> None:
        """Both eyes see `eye` (an eye-sized framebuffer, e.g. `self.eye.fbo`), copied on the GPU:
        no parallax to give (a 360° picture, a flat screen), so nothing is read back."""
        self.ctx.copy_framebuffer(self._eye_frame, eye)
        self._lens_pass(self._eye_frame, mono=True)

    def _lens_pass(self, source: moderngl.Texture, *, mono: bool) -> None:
        lens = self.lens or Lens(0.0, 0.0, 1.0)
        self._out.use()
        self.ctx.viewport = (0, 0, 2 * self.eye_size[0], self.eye_size[1])
        source.use(0)
        self._program["u_mono"].value = int(mono)  # type: ignore[union-attr]
        self._program["u_lens"].value = (lens.k1, lens.k2, lens.scale)  # type: ignore[union-attr]
        self._vao.render(moderngl.TRIANGLE_STRIP, vertices=4)

    @property
    def output(self) -> moderngl.Framebuffer:
        return self._out

    def read_output(self) -> Pixels:
        data = self._out.read(components=4, alignment=1)
        shown = np.frombuffer(data, np.uint8).reshape(self.eye_size[1], 2 * self.eye_size[0], 4)[::-1]
        return np.ascontiguousarray(shown)

    def release(self) -> None:
        self.eye.release()
        for resource in (self._vao, self._program, self._quad, self._frame, self._eye_frame, self._out,
                         self._out_buffer):
            resource.release()
