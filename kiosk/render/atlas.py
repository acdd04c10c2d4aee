"""Texture atlases kept on the CPU side: packing and pixels here, upload by the renderer.

Keeping the pixels in numpy makes the batcher testable without GL and lets the renderer
upload only the dirty band once per frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.errors import AssetError


@dataclass(frozen=True, slots=True)
class Region:
    x: int
    y: int
    w: int
    h: int


class ShelfPacker:
    """Packs rectangles in rows ("shelves"): simple, fast, good for glyphs and card images."""

    def __init__(self, width: int, height: int, padding: int = 1) -> None:
        self.width = width
        self.height = height
        self.padding = padding
        self._shelves: list[list[int]] = []  # [y, height, next_x]
        self._next_y = 0

    def pack(self, w: int, h: int) -> Region | None:
        pw, ph = w + self.padding, h + self.padding
        if pw > self.width:
            return None
        for shelf in self._shelves:
            y, height, x = shelf
            if ph <= height and x + pw <= self.width:
                shelf[2] += pw
                return Region(x, y, w, h)
        if self._next_y + ph > self.height:
            return None
        self._shelves.append([self._next_y, ph, pw])
        region = Region(0, self._next_y, w, h)
        self._next_y += ph
        return region

    def reset(self) -> None:
        self._shelves.clear()
        self._next_y = 0


class Atlas:
    """A CPU-side atlas image with a dirty row band to upload."""

    def __init__(self, width: int, height: int, channels: int, name: str) -> None:
        self.width, self.height, self.channels, self.name = width, height, channels, name
        self.pixels: npt.NDArray[np.uint8] = np.zeros((height, width, channels), np.uint8)
        self.packer = ShelfPacker(width, height)
        self.generation = 0  # bumped on reset: cached UVs from older generations are stale
        self._dirty: tuple[int, int] | None = None
        self._dirty_x: tuple[int, int] | None = None  # the columns changed within the band

    def add(self, image: npt.NDArray[np.uint8]) -> Region | None:
        """Copy `image` (h×w×channels) in; None when the atlas is full."""
        h, w = image.shape[:2]
        region = self.packer.pack(w, h)
        if region is None:
            return None
        self.pixels[region.y:region.y + h, region.x:region.x + w] = image.reshape(h, w, self.channels)
        top, bottom = region.y, region.y + h
        self._dirty = (top, bottom) if self._dirty is None else (min(self._dirty[0], top),
                                                                max(self._dirty[1], bottom))
        left, right = region.x, region.x + w
        self._dirty_x = (left, right) if self._dirty_x is None else (min(self._dirty_x[0], left),
                                                                     max(self._dirty_x[1], right))
        return region

    def add_or_fail(self, image: npt.NDArray[np.uint8], what: str) -> Region:
        region = self.add(image)
        if region is None:
            raise AssetError(f"{what} ({image.shape[1]}×{image.shape[0]} px) does not fit in the "
                             f"{self.width}×{self.height} {self.name} atlas",
                             hint="use smaller images (cards are drawn at most 640 px wide)")
        return region

    def take_dirty(self) -> tuple[int, int] | None:
        """The row band [top, bottom) changed since the last call, if any."""
        box = self.take_dirty_box()
        return None if box is None else (box[1], box[3])

    def take_dirty_box(self) -> tuple[int, int, int, int] | None:
        """(left, top, right, bottom) changed since the last call, if any: a picture added beside others
        uploads its own columns, not the atlas's whole width (4096 columns of a 1080-row scene is 17 MB)."""
        dirty, columns = self._dirty, self._dirty_x
        self._dirty = self._dirty_x = None
        if dirty is None:
            return None
        left, right = columns if columns is not None else (0, self.width)
        return left, dirty[0], right, dirty[1]

    def reset(self) -> None:
        self.pixels[:] = 0
        self.packer.reset()
        self.generation += 1
        self._dirty = (0, self.height)
        self._dirty_x = (0, self.width)

    def uv(self, region: Region) -> tuple[float, float, float, float]:
        """(u0, v0, u1, v1) in texture coordinates, rows counted from the top."""
        return (region.x / self.width, region.y / self.height,
                (region.x + region.w) / self.width, (region.y + region.h) / self.height)
