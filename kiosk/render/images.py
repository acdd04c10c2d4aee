"""Images found by name under the asset folders, decoded once and packed into an atlas."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kiosk.errors import AssetError
from kiosk.render.atlas import Atlas

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
        raise AssetError(f"cannot decode image {path} ({exc})", hint="use a PNG or JPEG file") from None
    width, height = surface.get_size()
    data = np.frombuffer(pygame.image.tobytes(surface, "RGBA"), np.uint8).reshape(height, width, 4).copy()
    if surface.get_flags() & pygame.SRCALPHA or surface.get_colorkey() is not None:
        alpha = data[:, :, 3:4].astype(np.uint16)
        data[:, :, :3] = (data[:, :, :3].astype(np.uint16) * alpha // 255).astype(np.uint8)
    return np.ascontiguousarray(data)


class ImageLibrary:
    """Resolves image names (e.g. "trades/G1602.png") against search folders, in order."""

    def __init__(self, roots: list[Path], atlas: Atlas) -> None:
        self.roots = roots
        self.atlas = atlas
        self._uvs: dict[str, tuple[float, float, float, float] | None] = {}
        self._generation = atlas.generation

    def find(self, name: str) -> Path:
        for root in self.roots:
            candidate = root / name
            if candidate.is_file():
                return candidate
        raise AssetError(f"image {name!r} not found in " + ", ".join(str(r) for r in self.roots),
                         hint="check the file name, or run the setup script to generate sample media")

    def uv(self, name: str) -> tuple[float, float, float, float] | None:
        """Atlas UVs of the image, or None if it cannot be shown (logged once)."""
        if self._generation != self.atlas.generation:
            self._uvs.clear()
            self._generation = self.atlas.generation
        if name in self._uvs:
            return self._uvs[name]
        try:
            pixels = load_rgba_premultiplied(self.find(name))
            result: tuple[float, float, float, float] | None = self.atlas.uv(
                self.atlas.add_or_fail(pixels, f"image {name!r}"))
        except AssetError as exc:
            log.warning("image shown as a placeholder: %s", exc)
            result = None
        self._uvs[name] = result
        return result
