"""The stage behind a step (its scene and the people on it), kept as a finished picture while it
stands still.

On a software rasteriser a frame costs what it fills: the scene and two characters are three large
textured layers (2.3× a bare full-screen quad on llvmpipe), drawn again every frame although nothing
on the stage moves while the visitor reads. So once the stage's rows are the same two frames in a
row, they are drawn once into a screen-size framebuffer, and each later frame starts from a copy of
it (a framebuffer blit, ≈ 1.7 ms at 1920×1080 on llvmpipe against ≈ 38 ms for the quad) instead of a
clear; the texts and buttons are drawn over it as before. While the people move (an entrance, a
cross-fade of faces) the scene under them is still: it alone is kept, and the people are drawn over
its copy. During a dissolve the old scene stays put at full opacity under the new one fading in:
it alone is kept. Only a slide (both scenes moving) is drawn whole every frame.

A dissolve with the people standing still is drawn from two kept stages instead (`Fade`): the stage
as it was (the old scene and the people) and as it will be (the new scene whole under the same
people). What a pixel shows is linear in the new scene's opacity a (people over [new at a over old]
= (1 − a)·start + a·end), so each frame is a copy of the first and the second laid over it at a:
one full-screen read per pixel, where drawing the new scene over the kept old one and the people
again over it read more than that (1.6–1.9× a bare full-screen quad on llvmpipe; one pass that reads
and mixes both scenes, without the copy, measured 1.7× for the mix alone). The second stage is drawn
once, on the first frame that repeats the last one's dissolve; its texture is let go when the
dissolve ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import moderngl
import numpy as np

from kiosk.render import shaders
from kiosk.render.batcher import Batch
from kiosk.view.nodes import Color

CACHEABLE = frozenset({"shape", "image"})  # a clip's frames change under the same rows: never kept

Key = tuple[Color, int, tuple[tuple[int, str, bytes], ...]]


def backdrop_batches(batches: list[Batch]) -> list[Batch]:
    """The batches under every panel, button and text of a screen: negative layers (the stage's,
    kiosk.runtime.stage_view.SCENE_LAYER and PEOPLE_LAYER). Batches are sorted by layer, so a prefix."""
    return [batch for batch in batches if batch.layer < 0]


def candidates(stage: list[Batch]) -> list[tuple[list[Batch], list[Batch]]]:
    """What may be kept and what is then drawn over it, most kept first: the whole stage; its lowest
    layer (the scene under the people); the first picture of that layer (the old scene of a dissolve)."""
    if not stage:
        return []
    found: list[tuple[list[Batch], list[Batch]]] = [(stage, [])]
    scene = [batch for batch in stage if batch.layer == stage[0].layer]
    if len(scene) < len(stage):
        found.append((scene, stage[len(scene):]))
    first = stage[0]
    if len(first.rows) > 1:
        found.append(([Batch(first.layer, first.material, first.rows[:1])],
                      [Batch(first.layer, first.material, first.rows[1:]), *stage[1:]]))
    return found


@dataclass(frozen=True)
class Fade:
    """The stage during a dissolve: as it was (`start`: without the picture fading in), as it will be
    (`end`: with that picture whole), and how far along (`alpha`: the picture's opacity now)."""

    start: list[Batch]
    end: list[Batch]
    alpha: float


def stage_fade(stage: list[Batch]) -> Fade | None:
    """The stage's dissolve, if it has one: its lowest picture opaque, the next one on the same rectangle
    partly transparent over it (kiosk.runtime.stage_view, the attract screen's scenes). None: no dissolve."""
    if not stage or stage[0].material != "image" or len(stage[0].rows) < 2:
        return None
    first = stage[0]
    old, new = first.rows[0], first.rows[1]
    alpha = float(new[11])
    if not 0.0 < alpha < 1.0 or old[11] < 1.0 or not np.array_equal(old[:4], new[:4]):
        return None
    whole = first.rows.copy()
    whole[1, 11] = 1.0
    start = Batch(first.layer, first.material, np.delete(first.rows, 1, axis=0))
    return Fade([start, *stage[1:]], [Batch(first.layer, first.material, whole), *stage[1:]], alpha)


def backdrop_key(batches: list[Batch], background: Color, atlas_generation: int) -> Key | None:
    """What the kept picture depends on; None when it cannot be kept (nothing there, or a clip)."""
    if not batches or any(batch.material not in CACHEABLE for batch in batches):
        return None
    return background, atlas_generation, tuple((b.layer, b.material, b.rows.tobytes()) for b in batches)


class Backdrop:
    """Decides, frame by frame, whether the stage is still, and holds its picture when it is."""

    def __init__(self, ctx: moderngl.Context, size: tuple[int, int]) -> None:
        self.ctx, self.size = ctx, size
        self.fbo: moderngl.Framebuffer | None = None
        self._previous: set[Key] = set()  # the last frame's candidates
        self._kept: Key | None = None  # what `fbo` shows
        self.renders = 0  # times the stage was drawn into `fbo` (tests: once per still stage)
        self.copies = 0  # frames that started from it
        self.enabled = True  # off: every frame draws the stage (the bench's "before")
        self.end: moderngl.Framebuffer | None = None  # a dissolve's end stage, drawn into `_end_texture`
        self._end_texture: moderngl.Texture | None = None
        self._end_kept: Key | None = None
        self._previous_fade: tuple[Key, Key] | None = None
        self._fade_draw: tuple[moderngl.Program, moderngl.Buffer, moderngl.VertexArray] | None = None
        self.fades = 0  # frames drawn as the fade between two kept stages
        self.fade_enabled = True  # off: a dissolve keeps its old scene alone (the bench's anchor)

    def choose(self, keys: list[Key | None]) -> int | None:
        """The first of this frame's candidates that the last frame had too (it stands still): start
        from its kept picture. None: draw everything."""
        previous, self._previous = self._previous, {key for key in keys if key is not None}
        if not self.enabled:
            return None
        return next((index for index, key in enumerate(keys) if key is not None and key in previous), None)

    def needs_drawing(self, key: Key) -> bool:
        return key != self._kept

    def target(self, key: Key) -> moderngl.Framebuffer:
        """The framebuffer to draw the stage into, now showing `key`."""
        if self.fbo is None:
            self.fbo = self.ctx.framebuffer(color_attachments=[self.ctx.renderbuffer(self.size, 4)])
        self._kept = key
        self.renders += 1
        return self.fbo

    def copy_to(self, frame: moderngl.Framebuffer) -> None:
        assert self.fbo is not None
        self.ctx.copy_framebuffer(frame, self.fbo)
        self.copies += 1

    def fading(self, keys: tuple[Key | None, Key | None] | None) -> bool:
        """This frame's dissolve (its start and end stages' keys; None: no dissolve) is the last frame's
        too: draw it as the fade between the two kept stages. The end's texture goes when a dissolve ends."""
        start, end = keys if keys is not None else (None, None)
        pair = (start, end) if start is not None and end is not None else None
        previous, self._previous_fade = self._previous_fade, pair
        if keys is None and self.end is not None:
            self._release_end()
        return self.enabled and self.fade_enabled and pair is not None and pair == previous

    def end_needs_drawing(self, key: Key) -> bool:
        return key != self._end_kept

    def end_target(self, key: Key) -> moderngl.Framebuffer:
        """The framebuffer to draw the dissolve's end stage into, now showing `key`."""
        if self.end is None:
            texture = self.ctx.texture(self.size, 4)
            texture.filter = (moderngl.NEAREST, moderngl.NEAREST)  # read pixel for pixel
            texture.repeat_x = texture.repeat_y = False
            self.end, self._end_texture = self.ctx.framebuffer(color_attachments=[texture]), texture
        self._end_kept = key
        self.renders += 1
        return self.end

    def fade_over(self, frame: moderngl.Framebuffer, alpha: float) -> None:
        """Lay the kept end stage over `frame` (a copy of the start stage) at `alpha`, premultiplied:
        a·end + (1 − a)·start where the end stage is opaque (the target is cleared opaque)."""
        assert self._end_texture is not None
        if self._fade_draw is None:
            program = self.ctx.program(vertex_shader=shaders.FADE_VERTEX, fragment_shader=shaders.FADE_FRAGMENT)
            quad = self.ctx.buffer(np.array([0, 0, 1, 0, 0, 1, 1, 1], np.float32))
            self._fade_draw = program, quad, self.ctx.vertex_array(program, [(quad, "2f", "in_corner")])
        program, _quad, vao = self._fade_draw
        frame.use()
        self.ctx.viewport = (0, 0, *self.size)
        self._end_texture.use(0)
        for name, value in (("u_kept", 0), ("u_alpha", alpha)):
            uniform = program[name]
            assert isinstance(uniform, moderngl.Uniform)
            uniform.value = value
        vao.render(moderngl.TRIANGLE_STRIP)
        self.fades += 1

    def _release_end(self) -> None:
        if self.end is not None and self._end_texture is not None:
            self.end.release()
            self._end_texture.release()
        self.end, self._end_texture, self._end_kept = None, None, None

    def gl_objects(self) -> int:
        return (0 if self.fbo is None else 2) + (0 if self.end is None else 2) + (0 if self._fade_draw is None else 3)

    def release(self) -> None:
        if self.fbo is not None:
            for attachment in self.fbo.color_attachments:
                attachment.release()
            self.fbo.release()
            self.fbo = None
        self._kept = None
        self._previous = set()
        self._release_end()
        self._previous_fade = None
        if self._fade_draw is not None:
            for obj in reversed(self._fade_draw):
                obj.release()
            self._fade_draw = None
