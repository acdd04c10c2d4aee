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
    """Decode an image file to RGBA with premultiplied alpha (what the blend mode expects)."""
    import cv2  # deferred to the first picture (start-up time)

    data = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if data is None:
        raise AssetError(f"cannot decode image {path}", hint="use a PNG or JPEG file")
    if data.ndim == 2:
        data = cv2.cvtColor(data, cv2.COLOR_GRAY2RGBA)
    elif data.shape[2] == 3:
        data = cv2.cvtColor(data, cv2.COLOR_BGR2RGBA)
    else:
        data = cv2.cvtColor(data, cv2.COLOR_BGRA2RGBA)
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
