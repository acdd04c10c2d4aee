"""Textures made before a large picture needs them, and kept after it is gone.

Making a full-screen texture is the costliest GL call of a scene change on a software rasteriser:
llvmpipe allocates and clears its memory on the calling thread (a 1920×1080 RGBA texture: 3–16 ms
here, depending on the machine's load), which on top of a frame's work and its first strip of
pixels passed 16.7 ms. So the texture of a picture on its way (drawn, its PNG being decoded: its size
is known from the PNG's header) is made on a frame of its own before its pixels are in; one made
when they are in takes its first strip on the next frame; and the texture of an evicted picture is
kept for the next one of its size instead of being freed and made again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

import moderngl

Size = tuple[int, int]


class SpareTextures:
    """At most `limit` unused RGBA textures, one per size, the least recently kept let go first."""

    def __init__(self, ctx: moderngl.Context, limit: int = 2) -> None:
        self.ctx, self.limit = ctx, limit
        self._spares: OrderedDict[Size, moderngl.Texture] = OrderedDict()
        self._asked: set[Size] = set()  # sizes on their way at the last frame
        self.made = 0  # textures made ahead (tests, bench)

    def take(self, size: Size) -> moderngl.Texture | None:
        return self._spares.pop(size, None)

    def keep(self, texture: moderngl.Texture) -> None:
        size = texture.size
        if size in self._spares:
            texture.release()
            return
        self._spares[size] = texture
        while len(self._spares) > self.limit:
            self._spares.popitem(last=False)[1].release()

    def make_ahead(self, coming: Iterable[Size]) -> None:
        """Make one texture for a size that was already on its way at the last frame (a cached picture is
        asked for and its size known on the frame that lays out a new screen: that one is left alone),
        if none is kept for it."""
        asked, self._asked = self._asked, set(coming)
        for size in sorted(self._asked & asked):
            if size not in self._spares:
                self.keep(self.ctx.texture(size, 4))
                self.made += 1
                return

    def textures(self) -> list[moderngl.Texture]:
        return list(self._spares.values())

    def __len__(self) -> int:
        return len(self._spares)

    def release(self) -> None:
        for texture in self._spares.values():
            texture.release()
        self._spares.clear()
