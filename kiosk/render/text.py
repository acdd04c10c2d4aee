"""Text: glyphs rasterised by FreeType into an alpha atlas, laid out into quad rows.

Layouts are cached by (text, size, weight, wrap, align), so a label costs its layout
once; each frame only offsets and colours the cached rows. The caches are bounded (LRU):
text that keeps changing costs its layout each time, never memory without end. Characters missing from the
main face come from fallback faces (Noto Sans Arabic...). Each line is put in display
order by the Unicode bidi algorithm (python-bidi), then every run of one face and one
direction is shaped by HarfBuzz (uharfbuzz): Arabic letters join, kerning applies.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import freetype
import numpy as np
import numpy.typing as npt
from bidi import get_display

from kiosk.errors import AssetError
from kiosk.render.atlas import Atlas
from kiosk.render.lru import Lru
from kiosk.render.shaping import PlainAscii, Shaper
from kiosk.view.measure import units
from kiosk.view.nodes import Align, Weight

ROW = 16  # floats per instance: rect(4) uv-or-border(4) colour(4) params(4)
LINE_HEIGHT = 1.25  # line box as a multiple of the font size


@dataclass(frozen=True, slots=True)
class FontFiles:
    regular: Path
    bold: Path
    fallbacks: tuple[Path, ...] = ()
    bold_fallbacks: tuple[Path, ...] | None = None  # None: bold text falls back to the regular fallbacks

    @staticmethod
    def bundled(assets: Path) -> FontFiles:
        fonts = assets / "fonts"
        return FontFiles(fonts / "NotoSans-Regular.ttf", fonts / "NotoSans-Bold.ttf",
                         (fonts / "NotoSansArabic-Regular.ttf",), (fonts / "NotoSansArabic-Bold.ttf",))


@dataclass(frozen=True, slots=True)
class Glyph:
    left: float  # logical units from the pen to the bitmap's left edge
    top: float  # logical units from the baseline up to the bitmap's top edge
    w: float
    h: float
    advance: float
    uv: tuple[float, float, float, float] | None  # None for blank glyphs (space)
    tail: tuple[float, ...] = ()  # its instance row after x and y (size, uv, unset colour and params)


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


LAYOUTS_KEPT = 4096
LINES_KEPT = 8192
WORDS_KEPT = 16384
FACES_KEPT = 8192
PLAIN_SIZES_KEPT = 64  # (weight, pixel size) pairs whose ASCII pairs are known; ≤ 95² pairs each


class TextEngine:
    def __init__(self, fonts: FontFiles, atlas: Atlas, scale: float = 1.0) -> None:
        if atlas.channels != 1:
            raise ValueError("the glyph atlas holds one alpha channel")
        self.atlas = atlas
        self.scale = scale
        paths: dict[Weight, list[Path]] = {"regular": [fonts.regular, *fonts.fallbacks],
                                           "bold": [fonts.bold, *(fonts.fallbacks if fonts.bold_fallbacks is None
                                                                  else fonts.bold_fallbacks)]}
        self._faces = {w: [_open_face(p) for p in ps] for w, ps in paths.items()}
        self._shapers = {w: [Shaper(p) for p in ps] for w, ps in paths.items()}
        self._glyphs: dict[tuple[Weight, int, int, int], Glyph] = {}
        # Bounds: a few thousand labels hold every screen of a visit in every language (a busy
        # screen has ~200); an entry is a few hundred bytes to a few KB.
        self._lines: Lru[tuple[str, Weight, int], list[tuple[Glyph, float, float]]] = Lru(LINES_KEPT)
        self._words: Lru[tuple[str, Weight, int], float] = Lru(WORDS_KEPT)
        self._layouts: Lru[tuple[str, float, Weight, float | None, Align], TextLayout] = Lru(LAYOUTS_KEPT)
        self._ascender: dict[tuple[Weight, int], float] = {}
        self._generation = atlas.generation
        # Which face draws a character: asked for every character of every new label, and a FreeType
        # call each time. Bounded by the characters the kiosk shows (cleared past FACES_KEPT).
        self._face_of: dict[tuple[Weight, str], int] = {}
        # Whether the main face draws all of printable ASCII (Noto Sans does): then an ASCII line is one
        # left-to-right run of that face, no per-character lookups.
        self._ascii_main = {w: all(faces[0].get_char_index(chr(c)) for c in range(32, 127))
                            for w, faces in self._faces.items()}
        self._plain: Lru[tuple[Weight, int], PlainAscii] = Lru(PLAIN_SIZES_KEPT)

    def pixel_size(self, size: float) -> int:
        return max(4, round(size * self.scale))

    def _face_index(self, weight: Weight, char: str) -> int:
        key = (weight, char)
        index = self._face_of.get(key)
        if index is None:
            if len(self._face_of) >= FACES_KEPT:
                self._face_of.clear()
            index = self._face_of[key] = next(
                (i for i, face in enumerate(self._faces[weight]) if face.get_char_index(char)),
                0)  # 0 draws the font's "missing glyph" box: visible, not silent
        return index

    def glyph(self, weight: Weight, px: int, face_index: int, glyph_id: int) -> Glyph:
        key = (weight, px, face_index, glyph_id)
        cached = self._glyphs.get(key)
        if cached is not None:
            return cached
        face = self._faces[weight][face_index]
        face.set_pixel_sizes(0, px)
        face.load_glyph(glyph_id, freetype.FT_LOAD_RENDER | freetype.FT_LOAD_TARGET_LIGHT)
        slot = face.glyph
        bitmap = slot.bitmap
        s = self.scale
        uv = None
        if bitmap.width and bitmap.rows:
            pixels = np.array(bitmap.buffer, np.uint8).reshape(bitmap.rows, bitmap.pitch)[:, : bitmap.width]
            region = self.atlas.add(pixels[:, :, None])
            if region is None:  # full: start over; layouts made before are rebuilt lazily
                self.reset()
                return self.glyph(weight, px, face_index, glyph_id)
            uv = self.atlas.uv(region)
        w, h = bitmap.width / s, bitmap.rows / s
        glyph = Glyph(slot.bitmap_left / s, slot.bitmap_top / s, w, h, slot.advance.x / 64 / s, uv,
                      (w, h, *uv, *(0.0,) * 8) if uv is not None else ())
        self._glyphs[key] = glyph
        return glyph

    def reset(self) -> None:
        self.atlas.reset()
        self._glyphs.clear()
        self._plain.clear()  # holds glyphs of the old atlas
        self._lines.clear()
        self._layouts.clear()
        self._generation = self.atlas.generation

    def ascender(self, weight: Weight, px: int) -> float:
        key = (weight, px)
        if key not in self._ascender:
            face = self._faces[weight][0]
            face.set_pixel_sizes(0, px)
            self._ascender[key] = face.size.ascender / 64 / self.scale
        return self._ascender[key]

    def shape_line(self, visual: str, weight: Weight, px: int) -> list[tuple[Glyph, float, float]]:
        """One line already in display order → (glyph, x offset, advance) left to right."""
        key = (visual, weight, px)
        cached = self._lines.get(key)
        if cached is not None:
            return cached
        plain = self._plain_ascii(visual, weight, px)
        if plain is not None:
            self._lines.put(key, plain)
            return plain
        placed: list[tuple[Glyph, float, float]] = []
        for face_index, rtl, run in self._runs(visual, weight):
            logical = run[::-1] if rtl else run  # HarfBuzz shapes logical order, returns glyphs left to right
            for glyph_id, x_offset, advance in self._shapers[weight][face_index].shape(logical, rtl, px):
                glyph = self.glyph(weight, px, face_index, glyph_id)
                placed.append((glyph, x_offset / self.scale, advance / self.scale))
        self._lines.put(key, placed)
        return placed

    def _plain_ascii(self, visual: str, weight: Weight, px: int) -> list[tuple[Glyph, float, float]] | None:
        """A printable ASCII line whose every neighbouring pair HarfBuzz shapes as the two characters
        alone (no kerning, no ligature: digits, most words) is those characters' own glyphs side by
        side, so a label never seen before (a live count) costs dictionary lookups, not a shaping.
        None when a pair interacts: the line is then shaped whole."""
        if not visual or not visual.isascii() or not visual.isprintable():
            return None
        table = self.plain_table(weight, px)
        if table is None or not table.plain(visual):
            return None
        placed = table.placed
        try:
            return [placed[c] for c in visual]
        except KeyError:
            return [self.plain_glyph(table, weight, px, c) for c in visual]

    def plain_table(self, weight: Weight, px: int) -> PlainAscii | None:
        """What is known of plain ASCII lines at this size (None if the main face lacks some of ASCII)."""
        if not self._ascii_main[weight]:
            return None
        table = self._plain.get((weight, px))
        if table is None:
            table = PlainAscii(self._shapers[weight][0], px)
            self._plain.put((weight, px), table)
        return table

    def plain_glyph(self, table: PlainAscii, weight: Weight, px: int, char: str) -> tuple[Glyph, float, float]:
        """A character of `table` that shapes alone: its glyph (rasterised on first use), x offset, advance."""
        known = table.placed.get(char)
        if known is None:
            s = self.scale
            glyph_id, x_offset, advance = table.alone(char)
            known = table.placed[char] = (self.glyph(weight, px, 0, glyph_id), x_offset / s, advance / s)
        return known

    def baseline(self, size: float, weight: Weight) -> float:
        """From the top of a line box to its baseline, logical units."""
        return self.ascender(weight, self.pixel_size(size)) + (size * LINE_HEIGHT - size * 1.07) / 2

    def _runs(self, visual: str, weight: Weight) -> list[tuple[int, bool, str]]:
        if self._ascii_main[weight] and visual.isascii() and visual.isprintable():
            return [(0, False, visual)]
        runs: list[tuple[int, bool, str]] = []
        for char in visual:
            face_index, rtl = self._face_index(weight, char), unicodedata.bidirectional(char) in ("R", "AL")
            if runs and runs[-1][0] == face_index and runs[-1][1] == rtl:
                runs[-1] = (face_index, rtl, runs[-1][2] + char)
            else:
                runs.append((face_index, rtl, char))
        return runs

    def measure(self, text: str, size: float, weight: Weight = "regular") -> float:
        """Width of one line of text in logical units."""
        px = self.pixel_size(size)
        return sum(advance for _, _, advance in self.shape_line(_visual(text), weight, px))

    def _word_width(self, word: str, weight: Weight, px: int) -> float:
        key = (word, weight, px)
        width = self._words.get(key)
        if width is None:
            width = sum(a for _, _, a in self.shape_line(_visual(word), weight, px))
            self._words.put(key, width)
        return width

    def _wrap(self, text: str, size: float, weight: Weight, max_width: float | None) -> list[str]:
        """Lines in logical order; words are measured once each and a line is the sum of its words."""
        if max_width is None:
            return text.split("\n")
        px = self.pixel_size(size)
        space = self._word_width(" ", weight, px)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            if max_width is None:
                lines.append(paragraph)
                continue
            current, width = "", 0.0
            for index, (word, spaced) in enumerate(units(paragraph)):  # the layout engine's break points
                word_width = self._word_width(word, weight, px)
                gap = space if spaced else 0.0
                if index and width + gap + word_width > max_width:
                    lines.append(current)
                    current, width = word, word_width
                elif index:
                    current, width = current + (" " if spaced else "") + word, width + gap + word_width
                else:
                    current, width = word, word_width
            lines.append(current)
        return lines

    def layout(self, text: str, size: float, weight: Weight = "regular",
               max_width: float | None = None, align: Align = "left") -> TextLayout:
        if self._generation != self.atlas.generation:
            self._layouts.clear()
            self._lines.clear()
            self._generation = self.atlas.generation
        key = (text, size, weight, max_width, align)
        cached = self._layouts.get(key)
        if cached is not None:
            return cached
        px = self.pixel_size(size)
        line_height = size * LINE_HEIGHT
        baseline = self.baseline(size, weight)
        rtl_paragraph = _is_rtl(text)
        lines = self._wrap(text, size, weight, max_width)
        flat: list[float] = []
        widest = 0.0
        scale = self.scale
        for index, line in enumerate(lines):
            placed = self.shape_line(_visual(line, rtl_paragraph), weight, px)
            line_width = sum(advance for _, _, advance in placed)
            widest = max(widest, line_width)
            pen = {"left": 0.0, "center": -line_width / 2, "right": -line_width}[align]
            y = index * line_height + baseline
            for g, x_offset, advance in placed:
                if g.tail:
                    flat.append(round((pen + x_offset + g.left) * scale) / scale)
                    flat.append(y - g.top)
                    flat.extend(g.tail)
                pen += advance
        array = np.array(flat, np.float32).reshape(-1, ROW)
        array.setflags(write=False)
        result = TextLayout(array, widest, len(lines) * line_height, len(lines))
        self._layouts.put(key, result)
        return result


def _is_rtl(text: str) -> bool:
    """The paragraph direction: that of its first strong character (Unicode rule P2)."""
    if text.isascii():
        return False
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))


def _strong_rtl(text: str, indices: range) -> bool | None:
    for i in indices:
        kind = unicodedata.bidirectional(text[i])
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return None


def _visual(line: str, rtl: bool | None = None) -> str:
    """The line in display order. python-bidi reorders but does not mirror, so brackets that end
    up in right-to-left text are mirrored here (rule L4), judged by their strong neighbours: a
    bracket takes the paragraph's direction unless both neighbours are of the other one."""
    if line.isascii():
        return line
    paragraph_rtl = rtl if rtl is not None else _is_rtl(line)
    visual = get_display(line, base_dir="R" if paragraph_rtl else "L")
    chars = list(visual)
    paired = _visual_pairs(visual)
    for i, char in enumerate(visual):
        if i in paired:  # a pair reversed by the reordering (")…(") was right to left: mirror it
            chars[i] = _MIRROR[char] if paired[i] else char
        elif char in _MIRROR:
            sides = (_strong_rtl(visual, range(i - 1, -1, -1)), _strong_rtl(visual, range(i + 1, len(visual))))
            left, right = (paragraph_rtl if side is None else side for side in sides)
            if (left or right) if paragraph_rtl else (left and right):
                chars[i] = _MIRROR[char]
    return "".join(chars)


def _visual_pairs(visual: str) -> dict[int, bool]:
    """Brackets matched in display order, each with whether to mirror it: a pair the bidi reordering
    reversed (")…(") sits in right-to-left text; one in reading order ("(…)") stays, like the Latin
    name in "Commis de cuisine (apprentissage) لدى …". Unmatched brackets are left to the neighbours rule."""
    found: dict[int, bool] = {}
    for opening, closing in ("()", "[]", "{}", "«»"):
        stack: list[int] = []
        for i, char in enumerate(visual):
            if char not in (opening, closing):
                continue
            if stack and visual[stack[-1]] != char:
                start = stack.pop()
                found[start] = found[i] = visual[start] == closing
            else:
                stack.append(i)
    return found
