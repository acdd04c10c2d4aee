"""Text: glyphs rasterised by FreeType into an alpha atlas, laid out into quad rows.

Layouts are cached by (text, size, weight, wrap, align), so a label costs its layout
once; each frame only offsets and colours the cached rows. Characters missing from the
main face come from fallback faces (Noto Sans Arabic...). Complex shaping (Arabic
joining, bidi) is not done here yet: glyphs are placed one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import freetype
import numpy as np
import numpy.typing as npt

from kiosk.errors import AssetError
from kiosk.render.atlas import Atlas
from kiosk.runtime.view import Align, Weight

ROW = 16  # floats per instance: rect(4) uv-or-border(4) colour(4) params(4)
LINE_HEIGHT = 1.25  # line box as a multiple of the font size


@dataclass(frozen=True, slots=True)
class FontFiles:
    regular: Path
    bold: Path
    fallbacks: tuple[Path, ...] = ()

    @staticmethod
    def bundled(assets: Path) -> FontFiles:
        fonts = assets / "fonts"
        return FontFiles(fonts / "NotoSans-Regular.ttf", fonts / "NotoSans-Bold.ttf",
                         (fonts / "NotoSansArabic-Regular.ttf",))


@dataclass(frozen=True, slots=True)
class Glyph:
    left: float  # logical units from the pen to the bitmap's left edge
    top: float  # logical units from the baseline up to the bitmap's top edge
    w: float
    h: float
    advance: float
    uv: tuple[float, float, float, float] | None  # None for blank glyphs (space)


@dataclass(frozen=True, slots=True)
class TextLayout:
    rows: npt.NDArray[np.float32]  # n×ROW, rects relative to the Text anchor; colour unset
    width: float
    height: float
    lines: int


def _open_face(path: Path) -> freetype.Face:
    try:
        return freetype.Face(str(path))
    except (freetype.FT_Exception, OSError) as exc:
        raise AssetError(f"cannot open font {path}: {exc}",
                         hint="run the setup script, or check assets/fonts/") from exc


class TextEngine:
    def __init__(self, fonts: FontFiles, atlas: Atlas, scale: float = 1.0) -> None:
        if atlas.channels != 1:
            raise ValueError("the glyph atlas holds one alpha channel")
        self.atlas = atlas
        self.scale = scale
        self._faces: dict[Weight, list[freetype.Face]] = {
            "regular": [_open_face(fonts.regular), *(_open_face(p) for p in fonts.fallbacks)],
            "bold": [_open_face(fonts.bold), *(_open_face(p) for p in fonts.fallbacks)],
        }
        self._glyphs: dict[tuple[Weight, int, str], Glyph] = {}
        self._layouts: dict[tuple[str, float, Weight, float | None, Align], TextLayout] = {}
        self._ascender: dict[tuple[Weight, int], float] = {}
        self._generation = atlas.generation

    def _pixel_size(self, size: float) -> int:
        return max(4, round(size * self.scale))

    def _face_for(self, weight: Weight, char: str) -> freetype.Face:
        faces = self._faces[weight]
        for face in faces:
            if face.get_char_index(char):
                return face
        return faces[0]  # draws the font's "missing glyph" box: visible, not silent

    def glyph(self, weight: Weight, px: int, char: str) -> Glyph:
        key = (weight, px, char)
        cached = self._glyphs.get(key)
        if cached is not None:
            return cached
        face = self._face_for(weight, char)
        face.set_pixel_sizes(0, px)
        face.load_char(char, freetype.FT_LOAD_RENDER | freetype.FT_LOAD_TARGET_LIGHT)
        slot = face.glyph
        bitmap = slot.bitmap
        s = self.scale
        uv = None
        if bitmap.width and bitmap.rows:
            pixels = np.array(bitmap.buffer, np.uint8).reshape(bitmap.rows, bitmap.pitch)[:, : bitmap.width]
            region = self.atlas.add(pixels[:, :, None])
            if region is None:  # full: start over; layouts made before are rebuilt lazily
                self.reset()
                return self.glyph(weight, px, char)
            uv = self.atlas.uv(region)
        glyph = Glyph(slot.bitmap_left / s, slot.bitmap_top / s, bitmap.width / s, bitmap.rows / s,
                      slot.advance.x / 64 / s, uv)
        self._glyphs[key] = glyph
        return glyph

    def reset(self) -> None:
        self.atlas.reset()
        self._glyphs.clear()
        self._layouts.clear()
        self._generation = self.atlas.generation

    def ascender(self, weight: Weight, px: int) -> float:
        key = (weight, px)
        if key not in self._ascender:
            face = self._faces[weight][0]
            face.set_pixel_sizes(0, px)
            self._ascender[key] = face.size.ascender / 64 / self.scale
        return self._ascender[key]

    def measure(self, text: str, size: float, weight: Weight = "regular") -> float:
        """Width of one line of text in logical units."""
        px = self._pixel_size(size)
        return sum(self.glyph(weight, px, c).advance for c in text)

    def _wrap(self, text: str, size: float, weight: Weight, max_width: float | None) -> list[str]:
        lines: list[str] = []
        for paragraph in text.split("\n"):
            if max_width is None:
                lines.append(paragraph)
                continue
            current = ""
            for word in paragraph.split(" "):
                candidate = word if not current else f"{current} {word}"
                if current and self.measure(candidate, size, weight) > max_width:
                    lines.append(current)
                    current = word
                else:
                    current = candidate
            lines.append(current)
        return lines

    def layout(self, text: str, size: float, weight: Weight = "regular",
               max_width: float | None = None, align: Align = "left") -> TextLayout:
        if self._generation != self.atlas.generation:
            self._layouts.clear()
            self._generation = self.atlas.generation
        key = (text, size, weight, max_width, align)
        cached = self._layouts.get(key)
        if cached is not None:
            return cached
        px = self._pixel_size(size)
        line_height = size * LINE_HEIGHT
        baseline = self.ascender(weight, px) + (line_height - size * 1.07) / 2
        lines = self._wrap(text, size, weight, max_width)
        rows: list[list[float]] = []
        widest = 0.0
        for index, line in enumerate(lines):
            glyphs = [self.glyph(weight, px, c) for c in line]
            line_width = sum(g.advance for g in glyphs)
            widest = max(widest, line_width)
            pen = {"left": 0.0, "center": -line_width / 2, "right": -line_width}[align]
            y = index * line_height + baseline
            for g in glyphs:
                if g.uv is not None:
                    rows.append([round((pen + g.left) * self.scale) / self.scale, y - g.top, g.w, g.h,
                                 *g.uv, 0, 0, 0, 0, 0, 0, 0, 0])
                pen += g.advance
        array = np.array(rows, np.float32).reshape(-1, ROW)
        array.setflags(write=False)
        result = TextLayout(array, widest, len(lines) * line_height, len(lines))
        self._layouts[key] = result
        return result
