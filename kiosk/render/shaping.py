"""HarfBuzz shaping for the text engine, and the shortcut that lets plain ASCII lines skip it."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import uharfbuzz as hb

if TYPE_CHECKING:
    from kiosk.render.text import Glyph


class Shaper:
    """HarfBuzz over one font file; positions come back in font units and are scaled to pixels."""

    def __init__(self, path: Path) -> None:
        face = hb.Face(hb.Blob.from_file_path(str(path)))
        self._upem = face.upem
        self._font = hb.Font(face)

    def shape(self, text: str, rtl: bool, px: int) -> list[tuple[int, float, float]]:
        if not text:
            return []  # HarfBuzz gives an empty buffer no positions at all (None)
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.direction = "rtl" if rtl else "ltr"
        hb.shape(self._font, buffer, {})
        unit = px / self._upem
        return [(info.codepoint, pos.x_offset * unit, pos.x_advance * unit)
                for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)]


class PlainAscii:
    """For one face at one pixel size: each printable ASCII character shaped alone, and whether each
    pair of them shapes as the two alone (learnt by shaping the pair once)."""

    def __init__(self, shaper: Shaper, px: int) -> None:
        self._shaper, self._px = shaper, px
        self._alone: dict[str, tuple[int, float, float]] = {}
        self._pairs: dict[str, bool] = {}
        self.placed: dict[str, tuple[Glyph, float, float]] = {}  # each character's glyph, x offset, advance
        # The pairs learnt, by character codes, for many labels at once (kiosk.render.labels): 1 shapes as the
        # two alone, 0 does not, -1 not learnt yet.
        self.pair_codes: npt.NDArray[np.int8] = np.full((128, 128), -1, np.int8)
        self.columns: object | None = None  # kiosk.render.labels keeps its glyph columns here

    def alone(self, char: str) -> tuple[int, float, float]:
        shaped = self._alone.get(char)
        if shaped is None:
            glyphs = self._shaper.shape(char, False, self._px)
            shaped = self._alone[char] = glyphs[0] if len(glyphs) == 1 else (-1, 0.0, 0.0)
        return shaped

    def plain(self, text: str) -> bool:
        if len(text) == 1:
            return self.alone(text)[0] >= 0
        pairs = self._pairs
        for i in range(len(text) - 1):
            pair = text[i:i + 2]
            known = pairs.get(pair)
            if known is None:
                a, b = self.alone(pair[0]), self.alone(pair[1])
                known = pairs[pair] = a[0] >= 0 and b[0] >= 0 and self._shaper.shape(pair, False, self._px) == [a, b]
                self.pair_codes[ord(pair[0]), ord(pair[1])] = known
            if not known:
                return False
        return True
