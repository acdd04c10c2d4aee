"""Images found by name under the asset folders, decoded once and packed into an atlas.

PNG, JPEG and WebP are decoded as they are; SVG is rasterised at the size it is drawn on this
screen (render/vector.py: off the frame thread, cached on disk), and shows once it is ready.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kiosk.errors import AssetError
from kiosk.render.atlas import Atlas, Region
from kiosk.render.vector import VectorPictures, raster_size
from kiosk.state import state_dir


def raster_cache() -> Path:
    """Rasterised SVG pictures, rebuilt when lost: systemd's CacheDirectory= when the kiosk runs as
    its service (the unit's sandbox makes everything else read-only), else under the state folder."""
    cache = os.environ.get("CACHE_DIRECTORY")
    return Path(cache) / "raster" if cache else state_dir() / "cache" / "raster"


RASTER_CACHE = raster_cache()

log = logging.getLogger(__name__)


def load_rgba_premultiplied(path: Path) -> npt.NDArray[np.uint8]:
    """Decode an image file to RGBA with premultiplied alpha (what the blend mode expects).

    Decoded by pygame (SDL_image), already loaded for sound, not OpenCV: importing cv2 for the
    attract screen's first pictures cost ~0.5 s and ~18 MB of a start. Both give the same pixels
    for every sample picture, PNG and JPEG (tests/unit/test_image_decoding.py)."""
    import pygame

    try:
        surface = pygame.image.load(str(path))
    except (pygame.error, OSError, ValueError) as exc:
        raise AssetError(f"cannot decode image {path} ({exc})", hint="use a PNG, JPEG, WebP or SVG file") from None
    width, height = surface.get_size()
    data = np.frombuffer(pygame.image.tobytes(surface, "RGBA"), np.uint8).reshape(height, width, 4).copy()
    if surface.get_flags() & pygame.SRCALPHA or surface.get_colorkey() is not None:
        alpha = data[:, :, 3:4].astype(np.uint16)
        data[:, :, :3] = (data[:, :, :3].astype(np.uint16) * alpha // 255).astype(np.uint8)
    return np.ascontiguousarray(data)


class ImageLibrary:
    """Resolves image names (e.g. "trades/G1602.png") against search folders, in order."""

    def __init__(self, roots: list[Path], atlas: Atlas, vectors: VectorPictures | None = None,
                 scale: float = 1.0) -> None:
        self.roots = roots
        self.atlas = atlas
        self.scale = scale  # screen pixels per design pixel: SVG is drawn at the screen's resolution
        self._vectors = vectors
        self._uvs: dict[str, tuple[float, float, float, float] | None] = {}
        self._generation = atlas.generation
        self._pending: set[str] = set()

    @property
    def has_vectors(self) -> bool:
        return self._vectors is not None

    @property
    def vectors(self) -> VectorPictures:
        if self._vectors is None:
            self._vectors = VectorPictures(RASTER_CACHE)
        return self._vectors

    def waiting(self) -> bool:
        """Some picture is still being rasterised."""
        return bool(self._pending)

    def pending(self, name: str) -> bool:
        """An SVG still being rasterised: drawn as nothing (not as a placeholder) until it is ready."""
        return name in self._pending

    def find(self, name: str) -> Path:
        for root in self.roots:
            candidate = root / name
            if candidate.is_file():
                return candidate
        raise AssetError(f"image {name!r} not found in " + ", ".join(str(r) for r in self.roots),
                         hint="check the file name, or run the setup script to generate sample media")

    def prepare(self, name: str, size: tuple[float, float]) -> None:
        """An SVG rasterised to the disk cache ahead of time for `size` (design pixels); other images
        and missing files are left for when they are shown."""
        if not name.lower().endswith(".svg"):
            return
        try:
            self.vectors.prepare(self.find(name), raster_size(size[0] * self.scale, size[1] * self.scale))
        except (AssetError, OSError) as exc:
            log.warning("picture not prepared: %s", exc)

    def uv(self, name: str, size: tuple[float, float] | None = None) -> tuple[float, float, float, float] | None:
        """Atlas UVs of the image, or None if it cannot be shown (logged once) or is not ready yet
        (`pending`). `size`: how large it is drawn, in design pixels (SVG is rasterised for it)."""
        if self._generation != self.atlas.generation:
            self._uvs.clear()
            self._generation = self.atlas.generation
        vector = name.lower().endswith(".svg")
        drawn = size if size is not None else (512.0, 512.0)
        pixels_size = raster_size(drawn[0] * self.scale, drawn[1] * self.scale) if vector else None
        key = f"{name}@{pixels_size}" if vector else name
        if key in self._uvs:
            return self._uvs[key]
        try:
            if pixels_size is not None:
                found = self.vectors.pixels(self.find(name), pixels_size)
                if found is None:
                    if self.vectors.failed(self.find(name), pixels_size):
                        self._uvs[key] = None
                        self._pending.discard(name)
                    else:
                        self._pending.add(name)
                    return None
                self._pending.discard(name)
                pixels = found
            else:
                pixels = load_rgba_premultiplied(self.find(name))
            result: tuple[float, float, float, float] | None = self.atlas.uv(self._add(pixels, name))
        except AssetError as exc:
            log.warning("image shown as a placeholder: %s", exc)
            result = None
        self._uvs[key] = result
        return result

    def _add(self, pixels: npt.NDArray[np.uint8], name: str) -> Region:
        """Into the atlas; when it is full, it grows (it starts small: an attract screen's cards need
        a sliver of it) or, at its largest, starts afresh (every image is added again on demand, from
        the raster cache for SVG) rather than show a placeholder."""
        region = self.atlas.add(pixels)
        while region is None and self.atlas.fits(pixels):
            if self.atlas.grow():
                log.info("image atlas grown to %d×%d for %s", self.atlas.width, self.atlas.height, name)
            else:
                self.atlas.reset()
                log.info("image atlas full: started afresh for %s", name)
            self._uvs.clear()
            self._generation = self.atlas.generation
            region = self.atlas.add(pixels)
            if region is None and self.atlas.height >= self.atlas.max_height:
                break
        return region or self.atlas.add_or_fail(pixels, f"image {name!r}")
