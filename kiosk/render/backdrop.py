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
"""

from __future__ import annotations

import moderngl

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

    def gl_objects(self) -> int:
        return 0 if self.fbo is None else 2

    def release(self) -> None:
        if self.fbo is not None:
            for attachment in self.fbo.color_attachments:
                attachment.release()
            self.fbo.release()
            self.fbo = None
        self._kept = None
        self._previous = set()
