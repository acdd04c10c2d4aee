"""The stage behind a step (its scene and the people on it), kept as a finished picture while it
stands still.

On a software rasteriser a frame costs what it fills: the scene and two characters are three large
textured layers (2.3× a bare full-screen quad on llvmpipe), drawn again every frame although nothing
on the stage moves while the visitor reads. So once the stage's rows are the same two frames in a
row (or at once, when nothing is kept: the screen held still and let it go), they are drawn once into
a screen-size framebuffer, and each later frame starts from a copy of it (a framebuffer blit,
≈ 1.7 ms at 1920×1080 on llvmpipe against ≈ 11–38 ms for the quad) instead of a clear; the texts and
buttons are drawn over it as before. While the people move (an entrance, a cross-fade of faces) the
scene under them is still: it alone is kept, and the people are drawn over its copy. During a
dissolve the old scene stays put at full opacity under the new one fading in: it alone is kept.
Only a slide (both scenes moving) is drawn whole every frame.

A dissolve with the people standing still is drawn from two kept stages instead (`Fade`): the stage
as it was (the old scene and the people) and as it will be (the new scene whole under the same
people; without the old scene under it when the new one has no translucent pixel). What a pixel
shows is linear in the new scene's opacity a (people over [new at a over old] = (1 − a)·start +
a·end), so each frame is a copy of the first and the second laid over it at a: one full-screen read
per pixel, where drawing the new scene over the kept old one and the people again over it read more
than that (1.6–1.9× a bare full-screen quad on llvmpipe; one pass that reads and mixes both scenes,
without the copy, measured 1.7× for the mix alone). Its texture goes back to the spare textures
when the dissolve ends.

A fade starts on the dissolve's first frame when the stage as it was is the still stage the last
frame kept, otherwise on the first frame that repeats the last one's dissolve. Drawn afresh, the
end stage fills like two bare quads; so while the dissolve is in its first frames (BAND_ALPHA) it is
drawn a quarter a frame (a scissored band) while the start shows alone. When the page over the stage
(texts, buttons) is the same as the last frame's, it is drawn once into each kept stage too
(`whole`): a pixel is still linear in a, since laying a fixed page over a linear mix gives the mix of
the page laid over each. Each frame is then the copy and the laid-over stage alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import moderngl
import numpy as np

from kiosk.render import shaders
from kiosk.render.batcher import Batch
from kiosk.render.spares import SpareTextures
from kiosk.view.nodes import Color

CACHEABLE = frozenset({"shape", "image"})  # a clip's frames change under the same rows: never kept
PAGE_CACHEABLE = CACHEABLE | {"text"}  # glyphs stay where they are placed until the atlas starts over

Key = tuple[Color, tuple[int, ...], tuple[tuple[int, str, bytes], ...]]


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


def stage_fade(stage: list[Batch], opaque: Callable[[int], bool] = lambda _texture: False) -> Fade | None:
    """The stage's dissolve, if it has one: its lowest picture opaque, the next one on the same rectangle
    partly transparent over it (kiosk.runtime.stage_view, the attract screen's scenes). None: no dissolve.
    `opaque`: whether a picture's own texture (its id) has no translucent pixel; then the end stage is
    the new picture alone, without the old one under it (a full-screen layer less to draw)."""
    if not stage or stage[0].material != "image" or len(stage[0].rows) < 2:
        return None
    first = stage[0]
    old, new = first.rows[0], first.rows[1]
    alpha = float(new[11])
    if not 0.0 < alpha < 1.0 or old[11] < 1.0 or not np.array_equal(old[:4], new[:4]):
        return None
    whole = first.rows.copy()
    whole[1, 11] = 1.0
    if new[12] == 0.0 and opaque(int(new[15])):  # square corners, no translucent pixel: hides the old one
        whole = whole[1:]
    start = Batch(first.layer, first.material, np.delete(first.rows, 1, axis=0))
    return Fade([start, *stage[1:]], [Batch(first.layer, first.material, whole), *stage[1:]], alpha)


def backdrop_key(batches: list[Batch], background: Color, generations: tuple[int, ...],
                 cacheable: frozenset[str] = CACHEABLE) -> Key | None:
    """What the kept picture depends on; None when it cannot be kept (nothing there, or a clip).
    `generations`: those of the atlases the batches read (an atlas starts over when full)."""
    if not batches or any(batch.material not in cacheable for batch in batches):
        return None
    return background, generations, tuple((b.layer, b.material, b.rows.tobytes()) for b in batches)


FadeMode = Literal["stage", "whole"]
END_BANDS = 4  # a stage drawn afresh fills like ~2 bare quads on llvmpipe: a quarter a frame fits in one
BAND_ALPHA = 0.02  # the start shows alone while the end is drawn only while the dissolve is this far along
# (5 of 255 levels): its first frames; a dissolve met later (its picture came late) draws its end at once
Band = tuple[int, int, int, int]  # a scissor rectangle (x, y, w, h) in the kept buffer


@dataclass(frozen=True)
class Drawing:
    """Something to draw into a kept stage: its batches, after clearing it, or within one band of it."""

    target: moderngl.Framebuffer
    clear: bool
    batches: list[Batch]
    band: Band | None = None


@dataclass(frozen=True)
class FadePlan:
    """How to draw a dissolve's frame: what to draw into the kept stages first; whether the page is kept
    in them (else it is drawn over); whether the end stage is whole (else the start shows alone while
    the end is drawn a band a frame)."""

    drawing: list[Drawing]
    page_kept: bool
    faded: bool


def band(first: int, last: int, size: tuple[int, int]) -> Band:
    """Bands first..last (excluded) of END_BANDS horizontal bands of a buffer of `size`."""
    top, bottom = size[1] * first // END_BANDS, size[1] * last // END_BANDS
    return 0, top, size[0], bottom - top


class Backdrop:
    """Decides, frame by frame, whether the stage is still, and holds its picture when it is."""

    def __init__(self, ctx: moderngl.Context, size: tuple[int, int], spares: SpareTextures | None = None) -> None:
        self.ctx, self.size = ctx, size
        self.spares = spares  # the end stage's texture is taken from and given back to them
        self.fbo: moderngl.Framebuffer | None = None
        self._previous: set[Key] = set()  # the last frame's candidates
        self._kept: Key | None = None  # what `fbo` shows
        self.renders = 0  # times the stage was drawn into `fbo` (tests: once per still stage)
        self.copies = 0  # frames that started from it
        self.enabled = True  # off: every frame draws the stage (the bench's "before")
        self.end: moderngl.Framebuffer | None = None  # a dissolve's end stage, drawn into `_end_texture`
        self._end_texture: moderngl.Texture | None = None
        self._end_kept: Key | None = None
        self._end_bands = 0  # bands of `_end_kept` drawn so far (END_BANDS: whole)
        self._previous_fade: tuple[Key, Key] | None = None
        self._previous_page: Key | None = None
        self._fade_draw: tuple[moderngl.Program, moderngl.Buffer, moderngl.VertexArray] | None = None
        self.fades = 0  # frames drawn as the fade between two kept stages
        self.page_kept = 0  # of those, frames whose page was kept in both stages (not drawn over the fade)
        self.fade_enabled = True  # off: a dissolve keeps its old scene alone (the bench's anchor)

    def choose(self, keys: list[Key | None]) -> int | None:
        """The first of this frame's candidates that the last frame had too (it stands still): start
        from its kept picture. With nothing kept (the screen held still and let it go), the whole stage
        is kept from its first frame: drawing it into the kept picture and copying it costs one copy more
        than drawing it, and the next frame, usually the same, draws no stage. None: draw everything."""
        previous, self._previous = self._previous, {key for key in keys if key is not None}
        if not self.enabled:
            return None
        found = next((index for index, key in enumerate(keys) if key is not None and key in previous), None)
        if found is None and self._kept is None and keys and keys[0] is not None:
            return 0
        return found

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

    def fading(self, keys: tuple[Key | None, Key | None] | None, page: Key | None = None) -> FadeMode | None:
        """How to draw this frame's dissolve (its start and end stages' keys; None: no dissolve; `page`:
        the key of what lies over the stage, every frame). "stage": the fade of the two kept stages, the
        page drawn over it; "whole": the page, the same as last frame's, is kept in both stages too;
        None: draw the frame as usual. The end's texture goes when a dissolve ends."""
        pair = _pair(keys)
        previous, self._previous_fade = self._previous_fade, pair
        page_before, self._previous_page = self._previous_page, page
        if keys is None and self.end is not None:
            self._release_end()
        if not (self.enabled and self.fade_enabled) or pair is None:
            return None
        starts_still = pair[0] == self._kept and pair[0] in self._previous  # the last frame's still stage
        if pair != previous and not starts_still:
            return None
        if page is None or page != page_before:
            return "stage"
        self.page_kept += 1
        return "whole"

    def fade_plan(self, fade: Fade, page: list[Batch], page_key: Key | None, background: Color,
                  image_generation: int) -> FadePlan | None:
        """This frame's dissolve as the fade of the kept stages (None: draw the frame as usual). A kept
        stage that shows the stage without the page gets the page drawn over it; a start that shows
        something else is drawn afresh; so is the end, a band a frame (BAND_ALPHA) unless this frame drew
        the start afresh already."""
        start_stage = backdrop_key(fade.start, background, (image_generation,))
        end_stage = backdrop_key(fade.end, background, (image_generation,))
        mode = self.fading((start_stage, end_stage), page_key)
        if mode is None:
            return None
        assert start_stage is not None and end_stage is not None
        keys = start_stage, end_stage
        over = page if mode == "whole" else []
        start, end = keys if page_key is None or mode == "stage" else (_joined(start_stage, page_key),
                                                                        _joined(end_stage, page_key))
        drawing: list[Drawing] = []
        redrawn = False
        if self._kept != start:
            redrawn = self._kept != keys[0]
            drawing.append(Drawing(self.target(start), redrawn, [*fade.start, *over] if redrawn else over))
        drawing += self._end_drawing(fade, (end, keys[1]), over, at_once=redrawn or fade.alpha > BAND_ALPHA)
        return FadePlan(drawing, mode == "whole", self._end_bands == END_BANDS)

    def _end_drawing(self, fade: Fade, keys: tuple[Key, Key], over: list[Batch], at_once: bool) -> list[Drawing]:
        """What to draw into the kept end stage to show `keys[0]` (`keys[1]`: the end stage without the
        page): the page alone over a whole end stage, else the next band of it (`at_once`: all of it)."""
        end, stage_key = keys
        drawing: list[Drawing] = []
        if self._end_kept != end:
            whole_stage = self._end_kept == stage_key and self._end_bands == END_BANDS
            target = self.end_target(end, whole_stage)
            if whole_stage:
                drawing.append(Drawing(target, False, over))
        if self._end_bands < END_BANDS:
            assert self.end is not None
            first, self._end_bands = self._end_bands, END_BANDS if at_once else self._end_bands + 1
            drawing.append(Drawing(self.end, first == 0, [*fade.end, *over], band(first, self._end_bands, self.size)))
        return drawing

    def end_target(self, key: Key, whole: bool = False) -> moderngl.Framebuffer:
        """The framebuffer to draw the dissolve's end stage into, now showing `key` (`whole`: already
        drawn whole; else from its first band)."""
        if self.end is None:
            spare = self.spares.take(self.size) if self.spares is not None else None
            texture = spare or self.ctx.texture(self.size, 4)
            texture.filter = (moderngl.NEAREST, moderngl.NEAREST)  # read pixel for pixel
            texture.repeat_x = texture.repeat_y = False
            self.end, self._end_texture = self.ctx.framebuffer(color_attachments=[texture]), texture
        self._end_kept, self._end_bands = key, END_BANDS if whole else 0
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
            if self.spares is not None:  # kept for the next dissolve, unless the screen is still (renderer.still)
                self.spares.keep(self._end_texture)
            else:
                self._end_texture.release()
        self.end, self._end_texture, self._end_kept, self._end_bands = None, None, None, 0

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
        self._previous_fade = self._previous_page = None
        if self._fade_draw is not None:
            for obj in reversed(self._fade_draw):
                obj.release()
            self._fade_draw = None


def _pair(keys: tuple[Key | None, Key | None] | None) -> tuple[Key, Key] | None:
    if keys is None or keys[0] is None or keys[1] is None:
        return None
    return keys[0], keys[1]


def _joined(stage: Key, page: Key) -> Key:
    """The key of a stage with the page over it, made of the two keys (the page's carries the glyph
    atlas's generation too): backdrop_key of both their batches, without reading their rows again."""
    return stage[0], page[1], stage[2] + page[2]
