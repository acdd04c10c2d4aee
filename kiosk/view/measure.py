"""How much room a text takes: HarfBuzz advances over the bundled fonts, greedy line breaking.

The layout engine sizes boxes with it and the layout check verifies them with it; it breaks
lines exactly as the renderer's text engine does (words split on spaces, a line is the sum of
its words and spaces, line box 1.25 × size), so a box sized here holds what is drawn there.
Widths are in design units at the design size (the renderer's pixel rounding moves a line by
up to a few percent at small sizes on a scaled-down screen: `SLACK` covers it). The layout hands
these lines to the renderer (`Text.lines`), which draws exactly them, so a box holds no empty line
where the renderer alone would have fitted a word more. Pure apart from reading the font files once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb

from kiosk.errors import AssetError

LINE_HEIGHT = 1.25  # the renderer's line box (kiosk.render.text.LINE_HEIGHT)
SLACK = 1.04  # the renderer draws at whole pixel sizes: 14.67 → 15 px at 1280×720 is +2.3 %; 4 % covers ≥ 13 px
FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FACES = {"regular": ("NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf"),
         "bold": ("NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf")}


@dataclass(frozen=True, slots=True)
class Measured:
    lines: tuple[str, ...]
    width: float  # the widest line
    height: float
    widest_word: float  # a box narrower than this cannot hold the text without clipping a word


class _Face:
    def __init__(self, path: Path) -> None:
        try:
            blob = hb.Blob.from_file_path(str(path))
        except (OSError, RuntimeError) as exc:
            raise AssetError(f"cannot open font {path}: {exc}", hint="run the setup script, or check assets/fonts/") \
                from exc
        face = hb.Face(blob)
        self.upem = face.upem
        self.font = hb.Font(face)
        self.charset = set(face.unicodes)

    def advance(self, text: str, rtl: bool) -> float:
        """Sum of advances in font units."""
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.direction = "rtl" if rtl else "ltr"
        hb.shape(self.font, buffer, {})
        return float(sum(pos.x_advance for pos in buffer.glyph_positions))


@lru_cache(maxsize=4)
def _faces(weight: str, folder: Path = FONTS) -> tuple[_Face, ...]:
    return tuple(_Face(folder / name) for name in FACES[weight])


@lru_cache(maxsize=32768)
def word_width(word: str, size: float, weight: str = "regular") -> float:
    """One word (or any run without a line break) at `size` design units."""
    faces = _faces(weight)
    runs: list[tuple[int, bool, str]] = []
    for char in word:
        face = next((i for i, f in enumerate(faces) if ord(char) in f.charset), 0)
        rtl = unicodedata.bidirectional(char) in ("R", "AL")
        if runs and runs[-1][0] == face and runs[-1][1] == rtl:
            runs[-1] = (face, rtl, runs[-1][2] + char)
        else:
            runs.append((face, rtl, char))
    return float(sum(faces[f].advance(run, rtl) * size / faces[f].upem for f, rtl, run in runs))


_BREAK_AFTER = re.compile(r"(?<=/)(?=.)")


def units(paragraph: str) -> list[tuple[str, bool]]:
    """The pieces a line may break between, each with whether a space comes before it: words, and the
    parts of a word after a slash ("Доглядальник/доглядальниця" breaks after its slash)."""
    found: list[tuple[str, bool]] = []
    for index, word in enumerate(paragraph.split(" ")):
        for part_index, part in enumerate(_BREAK_AFTER.split(word)):
            found.append((part, index > 0 and part_index == 0))
    return found


@lru_cache(maxsize=8192)
def measure(text: str, size: float, weight: str = "regular", max_width: float | None = None) -> Measured:
    """The lines `text` breaks into within `max_width` (None: only at newlines) and their extent."""
    space = word_width(" ", size, weight)
    lines: list[str] = []
    widths: list[float] = []
    widest_word = 0.0
    for paragraph in text.split("\n"):
        current, width = "", 0.0
        for index, (word, spaced) in enumerate(units(paragraph)):
            w = word_width(word, size, weight) * SLACK
            widest_word = max(widest_word, w)
            gap = space if spaced else 0.0
            if max_width is not None and index and width + gap + w > max_width + 0.01:  # float32 boxes
                lines.append(current)
                widths.append(width)
                current, width = word, w
            elif index:
                current, width = current + (" " if spaced else "") + word, width + gap + w
            else:
                current, width = word, w
        lines.append(current)
        widths.append(width)
    return Measured(tuple(lines), max(widths), len(lines) * size * LINE_HEIGHT, widest_word)
