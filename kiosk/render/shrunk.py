"""Pictures shrunk to the size they are shown, kept on disk between starts.

A card's 560×320 poster shown at 400×224 is decoded and area-averaged (kiosk/render/images.py) the
first time the attract screen draws it: tens of milliseconds of numpy per card, on the frame thread,
on the path to the first frame. The shrunk pixels are the same at every start, so they are saved
once (raw, `.npy`: loading is a copy, no decoding) under a name made of the source file's content
hash and the shown size: an edited picture is shrunk again, an unchanged one never. A copy that
cannot be read or written is only a cache miss.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Pixels = npt.NDArray[np.uint8]


class ShrunkCopies:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, source: Path, shown: tuple[int, int]) -> Path:
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:32]
        return self.folder / f"{digest}-{shown[0]}x{shown[1]}.npy"

    def get(self, source: Path, shown: tuple[int, int]) -> Pixels | None:
        """The copy made for `shown` (RGBA, height × width × 4), or None (not made yet, or unreadable)."""
        try:
            pixels = np.load(self._file(source, shown), allow_pickle=False)
        except (OSError, ValueError):
            return None
        if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 4:
            return None
        return np.ascontiguousarray(pixels)

    def put(self, source: Path, shown: tuple[int, int], pixels: Pixels) -> None:
        """Saved atomically (a kiosk stopped half-way leaves no torn copy)."""
        try:
            target = self._file(source, shown)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}.part")
            with partial.open("wb") as out:
                np.save(out, pixels, allow_pickle=False)
            partial.replace(target)
        except OSError as exc:
            log.debug("shrunk copy not kept: %s", exc)
