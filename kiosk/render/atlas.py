"""Texture atlases: packing here, and the pictures added since the last upload; the renderer
writes them into the texture once per frame. Keeping this side free of GL makes the batcher
testable without a context.
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


@dataclass(frozen=True, slots=True)
class Upload:
    """Pixels (h×w×channels, C-contiguous) waiting to be written at `region` of the texture."""

    region: Region
    pixels: npt.NDArray[np.uint8]


class Atlas:
    """The packing of an atlas texture, and the pictures added since the renderer last uploaded.

    No copy of the whole atlas is kept: the texture holds the pixels (on llvmpipe, in this process's
    memory too), so a CPU-side image of it doubled the memory of every picture shown (64 MB for a
    4096² image atlas; docs/performance.md)."""

    def __init__(self, width: int, height: int, channels: int, name: str, max_height: int | None = None) -> None:
        """`max_height`: the atlas starts `height` rows high and may grow to it (`grow`)."""
        self.width, self.height, self.channels, self.name = width, height, channels, name
        self.max_height = max(height, max_height or height)
        self.packer = ShelfPacker(width, height)
        self.generation = 0  # bumped on reset: cached UVs from older generations are stale
        self._uploads: list[Upload] = []
        self._cleared = False

    def add(self, image: npt.NDArray[np.uint8]) -> Region | None:
        """Keep `image` (h×w×channels) for the next upload; None when the atlas is full."""
        h, w = image.shape[:2]
        region = self.packer.pack(w, h)
        if region is None:
            return None
        self._uploads.append(Upload(region, np.ascontiguousarray(image.reshape(h, w, self.channels))))
        return region

    def add_or_fail(self, image: npt.NDArray[np.uint8], what: str) -> Region:
        region = self.add(image)
        if region is None:
            raise AssetError(f"{what} ({image.shape[1]}×{image.shape[0]} px) does not fit in the "
                             f"{self.width}×{self.height} {self.name} atlas",
                             hint="use smaller images (cards are drawn at most 640 px wide)")
        return region

    def take_uploads(self) -> tuple[bool, list[Upload]]:
        """(whether the texture must be cleared first, the pictures to write), once: a picture added
        beside others uploads its own pixels, not a band of the atlas's width."""
        cleared, uploads = self._cleared, self._uploads
        self._cleared, self._uploads = False, []
        return cleared, uploads

    def waiting_bytes(self) -> int:
        """Pixels held until the next upload (all the atlas keeps on the CPU side)."""
        return sum(upload.pixels.nbytes for upload in self._uploads)

    def fits(self, image: npt.NDArray[np.uint8]) -> bool:
        """Whether `image` fits in this atlas at its largest, alone."""
        height, width = int(image.shape[0]), int(image.shape[1])
        return height < self.max_height and width < self.width

    def grow(self) -> bool:
        """Twice as high (at most `max_height`) and empty, like `reset`; False when it cannot grow."""
        if self.height >= self.max_height:
            return False
        self.height = min(self.max_height, 2 * self.height)
        self.packer = ShelfPacker(self.width, self.height)
        self.reset()
        return True

    def reset(self) -> None:
        self.packer.reset()
        self.generation += 1
        self._uploads.clear()
        self._cleared = True

    def uv(self, region: Region) -> tuple[float, float, float, float]:
        """(u0, v0, u1, v1) in texture coordinates, rows counted from the top."""
        return (region.x / self.width, region.y / self.height,
                (region.x + region.w) / self.width, (region.y + region.h) / self.height)
