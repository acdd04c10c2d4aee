"""Many one-line labels laid out at once (the `Labels` node): plain ASCII lines as numpy columns.

A label that changes every frame (a live count) is a layout never seen before, and laying it out
character by character in Python costs ~25 µs; hundreds a frame are milliseconds. Here every
plain ASCII label of one style is laid out with a few array operations over all their characters:
the glyphs, offsets and advances of the characters come from columns indexed by character code,
and each label's pen is a running sum along its row of a padded array (`np.cumsum` adds in order,
as the engine's loop does, so the floats are the same). A label that is not plain (a pair that
kerns or ligates, a character outside ASCII, a line break) goes through `TextEngine.layout`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kiosk.render.shaping import PlainAscii
from kiosk.render.text import ROW, TextEngine
from kiosk.view.nodes import Align, Weight

Rows = npt.NDArray[np.float32]
Counts = npt.NDArray[np.int64]


class _Columns:
    """What the layout needs of each ASCII character at one weight and size, by character code."""

    def __init__(self) -> None:
        self.known = np.zeros(128, bool)  # looked at: the columns below hold it
        self.alone = np.zeros(128, bool)  # shapes alone as one glyph
        self.drawn = np.zeros(128, bool)  # has a bitmap (a space has none: no row)
        self.x_offset = np.zeros(128)
        self.advance = np.zeros(128)
        self.left = np.zeros(128)
        self.top = np.zeros(128)
        self.tail = np.zeros((128, ROW - 2), np.float32)


def _columns(engine: TextEngine, table: PlainAscii, weight: Weight, px: int, codes: npt.NDArray[np.uint8]) -> _Columns:
    columns = table.columns
    if not isinstance(columns, _Columns):
        columns = table.columns = _Columns()
    for code in np.unique(codes[~columns.known[codes]]).tolist():
        char = chr(code)
        columns.known[code] = True
        if table.alone(char)[0] < 0:
            continue
        glyph, x_offset, advance = engine.plain_glyph(table, weight, px, char)
        columns.alone[code] = True
        columns.x_offset[code], columns.advance[code] = x_offset, advance
        columns.left[code], columns.top[code] = glyph.left, glyph.top
        if glyph.tail:
            columns.drawn[code] = True
            columns.tail[code] = glyph.tail
    return columns


def _not_plain(table: PlainAscii, codes: npt.NDArray[np.uint8], lengths: Counts, owner: Counts,
               columns: _Columns) -> npt.NDArray[np.bool_]:
    """Which labels are not plain: a character that does not shape alone, or a pair that does not shape as
    its two characters (pairs never seen are learnt, as `PlainAscii.plain` learns them)."""
    bad = np.zeros(len(lengths), bool)
    bad[owner[~columns.alone[codes]]] = True
    if len(codes) > 1:
        inside = np.ones(len(codes) - 1, bool)  # pair i is characters i and i+1: not across two labels
        ends = np.cumsum(lengths) - 1
        inside[ends[(ends >= 0) & (ends < len(codes) - 1)]] = False
        first, second = codes[:-1], codes[1:]
        unknown = inside & (table.pair_codes[first, second] < 0)
        if unknown.any():
            for pair in np.unique(first[unknown].astype(np.int64) * 128 + second[unknown]).tolist():
                table.plain(chr(pair // 128) + chr(pair % 128))
        bad[owner[:-1][inside & (table.pair_codes[first, second] == 0)]] = True
    return bad


def lay_out_labels(engine: TextEngine, texts: tuple[str, ...], size: float, weight: Weight,
                   align: Align) -> tuple[Rows, Counts]:
    """Every label's glyph rows one after the other, each exactly as `engine.layout(text, size, weight,
    None, align).rows`, and how many rows each label has. The rows are a new array: the caller may move
    and colour them in place."""
    px = engine.pixel_size(size)
    joined = "".join(texts)
    table = engine.plain_table(weight, px) if joined.isascii() and joined.isprintable() else None
    if table is None or not texts:
        return _one_by_one(engine, texts, size, weight, align)
    generation = engine.atlas.generation
    codes = np.frombuffer(joined.encode("ascii"), np.uint8)
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    owner = np.repeat(np.arange(len(texts)), lengths)
    columns = _columns(engine, table, weight, px, codes)
    bad = _not_plain(table, codes, lengths, owner, columns)
    if engine.atlas.generation != generation:  # the glyph atlas filled up and started over meanwhile
        return _one_by_one(engine, texts, size, weight, align)
    position = np.arange(len(codes)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    steps = np.zeros((len(texts), int(lengths.max(initial=0)) + 1))
    steps[owner, position + 1] = columns.advance[codes]
    if align != "left":
        widths = np.cumsum(steps, axis=1)[:, -1]  # summed in order from 0, as the engine sums a line
        steps[:, 0] = -widths / 2 if align == "center" else -widths
    pens = np.cumsum(steps, axis=1)[owner, position]  # the pen before each character, added in order
    x = np.round((pens + columns.x_offset[codes] + columns.left[codes]) * engine.scale) / engine.scale
    keep = columns.drawn[codes] & ~bad[owner]
    rows = np.empty((int(keep.sum()), ROW), np.float32)
    rows[:, 0] = x[keep]
    rows[:, 1] = engine.baseline(size, weight) - columns.top[codes[keep]]
    rows[:, 2:] = columns.tail[codes[keep]]
    counts = np.bincount(owner[keep], minlength=len(texts)).astype(np.int64)
    if not bad.any():
        return rows, counts
    parts = np.split(rows, np.cumsum(counts)[:-1])
    for index in np.flatnonzero(bad).tolist():
        parts[index] = engine.layout(texts[index], size, weight, None, align).rows
        counts[index] = len(parts[index])
    return np.concatenate(parts), counts


def _one_by_one(engine: TextEngine, texts: tuple[str, ...], size: float, weight: Weight,
                align: Align) -> tuple[Rows, Counts]:
    layouts = [engine.layout(text, size, weight, None, align).rows for text in texts]
    counts = np.fromiter(map(len, layouts), np.int64, len(layouts))
    return (np.concatenate(layouts) if layouts else np.zeros((0, ROW), np.float32)), counts
