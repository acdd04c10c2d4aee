"""The parts of the results and hand-off pages: one skill in words with its range among visitors,
and the QR code that takes the results home."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

from kiosk.i18n import Words
from kiosk.runtime.outcome import QrMatrix, SkillLine
from kiosk.runtime.widgets import text
from kiosk.view.layout import Box, Fill, Frame, Hit, Item, Style, row
from kiosk.view.nodes import Group, Node, Panel, Rect, Shapes


def skill_row(line: SkillLine, words: Words, frame: Frame) -> Item:
    """One skill in words: its name and band ("a clear strength", "to develop"…), the range among visitors
    for those who want it (both ends labelled; none when there is not enough to say), what the visitor
    did in full sentences, and one tip to develop it at work."""
    t = frame.tokens
    p = t.palette

    def band(rect: Rect) -> tuple[list[Node], list[Hit]]:
        track = Rect(rect.x, rect.y + (rect.h - 28) / 2, rect.w, 28)
        nodes: list[Node] = [Panel(track, p.dot, radius=14)]
        low, high = (100 - line.high, 100 - line.low) if frame.rtl else (line.low, line.high)
        nodes.append(Panel(Rect(track.x + track.w * low / 100, track.y, max(28.0, track.w * (high - low) / 100),
                                28), p.accent, radius=14, layer=1))
        return nodes, []

    parts: list[Item] = [text(frame, f"{line.name} · {line.band_words}", "body", weight="bold")]
    if line.enough:
        parts.append(Fill(band, Style(height=32)))
        half = Style(grow=1, basis=0, min_width=0)  # each end label takes half the width and wraps in it
        parts.append(row(replace(text(frame, line.range_ends[0], "small", muted=True), style=half),
                         replace(text(frame, line.range_ends[1], "small", muted=True, align="end"), style=half),
                         gap=t.space.s))
    if line.evidence:
        parts.append(text(frame, " ".join(line.evidence), "small", muted=True))
    if line.tip:
        parts.append(text(frame, words.gettext("Tip: {tip}").format(tip=line.tip), "small"))
    return Box(tuple(parts), Style(grow=1, basis=0, gap=t.space.xs, min_width=0))


def qr_nodes(matrix: QrMatrix, x: float, y: float, size: float) -> list[Node]:
    """A QR code as rectangles, one per run of dark modules, on a white quiet zone: sharp at any
    scale and nothing to upload or evict from the image atlas. The runs are found with numpy and
    drawn as one `Shapes` (a version-38 code has ~6,600 runs: as Panel objects they took ~0.1 s to
    build on the frame thread), built once per code and size."""
    return [Group((_qr_group(matrix, size),), dx=x, dy=y)]


@lru_cache(maxsize=8)
def _qr_group(matrix: QrMatrix, size: float) -> Group:
    dark = np.array(matrix, dtype=np.int8).reshape(len(matrix), -1)
    n = len(dark)
    module = size / (n + 8)
    edges = np.diff(np.pad(dark, ((0, 0), (1, 1))), axis=1)  # +1 where a run starts, -1 past its end
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)  # row-major order: the i-th end closes the i-th start
    rects = np.stack([(starts + 4) * module, (rows + 4) * module, (ends - starts) * module,
                      np.full(len(rows), module)], axis=1).astype(np.float32)
    black = np.tile(np.array([0.0, 0.0, 0.0, 1.0], np.float32), (len(rows), 1))
    return Group((Panel(Rect(0.0, 0.0, size, size), (1.0, 1.0, 1.0, 1.0), radius=12),
                  Shapes(rects, black, layer=1)))
