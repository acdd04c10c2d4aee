"""Scene → instance rows, grouped by (layer, material): one instanced draw each.

Pure CPU work (numpy, no GL), so it is unit-tested and benchmarked on its own. Every
instance is 16 floats: rect, uv (or border colour for shapes), colour, params (radius,
border width). Groups with many children are compiled once per object and reused with
a new offset/opacity, so static subtrees cost almost nothing per frame.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from kiosk.render.images import ImageLibrary
from kiosk.render.labels import lay_out_labels
from kiosk.render.text import ROW, TextEngine, TextLayout
from kiosk.view.nodes import (
    Button,
    Color,
    Column,
    Group,
    Image,
    Labels,
    Node,
    Panel,
    Panorama,
    ProgressBar,
    Scene,
    Shapes,
    Text,
    Video,
)

Material = Literal["shape", "video", "panorama", "image", "text"]
MATERIAL_ORDER: dict[Material, int] = {"shape": 0, "panorama": 1, "video": 2, "image": 3, "text": 4}
PLACEHOLDER: Color = (0.55, 0.58, 0.62, 1.0)
CACHE_MIN_CHILDREN = 8  # smaller groups are cheaper to walk than to cache
FOCUS_RING: Color = (1.0, 0.84, 0.0, 1.0)

Rows = npt.NDArray[np.float32]
Key = tuple[int, Material]


@dataclass(frozen=True, slots=True)
class Batch:
    layer: int
    material: Material
    rows: Rows


@dataclass
class _Acc:
    """Rows of one (layer, material) in painter's order: direct rows (`flat`) and text
    placements are gathered cheaply and flushed into `parts` whenever a cached chunk
    comes between them, so a panel emitted after a cached group still draws over it."""

    parts: list[Rows] = field(default_factory=list)
    flat: array[float] = field(default_factory=lambda: array("f"))
    texts: list[tuple[Rows, float, float, Color]] = field(default_factory=list)

    def flush(self) -> None:
        if self.flat:
            self.parts.append(np.frombuffer(self.flat, np.float32).reshape(-1, ROW))
            self.flat = array("f")
        if self.texts:
            self.parts.append(_place_texts(self.texts))
            self.texts = []

    def add_chunk(self, rows: Rows, dx: float, dy: float, opacity: float, material: Material) -> None:
        self.flush()
        moved = rows.copy()
        moved[:, 0] += dx
        moved[:, 1] += dy
        if opacity != 1.0:
            _apply_opacity(moved, material, opacity)
        self.parts.append(moved)

    def rows(self) -> Rows:
        self.flush()
        if len(self.parts) == 1:
            return self.parts[0]
        return np.concatenate(self.parts) if self.parts else np.zeros((0, ROW), np.float32)


def _place_texts(texts: list[tuple[Rows, float, float, Color]]) -> Rows:
    """Offset and colour many cached text layouts in a few vectorised numpy operations."""
    glyphs = np.concatenate([t[0] for t in texts])
    counts = [len(t[0]) for t in texts]
    glyphs[:, 0:2] += np.repeat(np.array([(t[1], t[2]) for t in texts], np.float32), counts, axis=0)
    glyphs[:, 8:12] = np.repeat(np.array([t[3] for t in texts], np.float32), counts, axis=0)
    return glyphs


def _apply_opacity(rows: Rows, material: Material, opacity: float) -> None:
    rows[:, 11] *= opacity
    if material == "shape":
        rows[:, 7] *= opacity  # border colour alpha


class FrameBuilder:
    def __init__(self, text: TextEngine, images: ImageLibrary) -> None:
        self.text = text
        self.images = images
        self._cache: dict[int, tuple[Group, dict[Key, Rows]]] = {}
        self._used: set[int] = set()
        self._generations = (text.atlas.generation, images.atlas.generation)
        # One dict lookup per node: the cheapest dispatch in the hottest loop.
        self._emitters: dict[type, Callable[[Any, float, float, float, dict[Key, _Acc]], None]] = {
            Panel: self._panel, Text: self._text, Image: self._image, Button: self._button,
            ProgressBar: self._progress, Group: self._emit_group, Column: self._column, Video: self._video,
            Panorama: self._panorama, Shapes: self._shapes, Labels: self._labels,
        }
        self.streams: list[str] = []  # stream names by index (the index travels in each row's last float)
        self._stream_index: dict[str, int] = {}
        self.pending_images = 0  # images of the last frame not ready yet (SVG rasterising): their group is not cached

    # -- public -------------------------------------------------------------------------
    def build(self, scene: Scene) -> list[Batch]:
        generations = (self.text.atlas.generation, self.images.atlas.generation)
        if generations != self._generations:  # atlas rebuilt: cached UVs are stale
            self._cache.clear()
            self._generations = generations
        self._used = set()
        self.pending_images = 0
        accs: dict[Key, _Acc] = {}
        self._emit_group(scene.root, 0.0, 0.0, 1.0, accs)
        for stale in self._cache.keys() - self._used:
            del self._cache[stale]
        return [Batch(layer, material, acc.rows())
                for (layer, material), acc in sorted(accs.items(),
                                                     key=lambda kv: (kv[0][0], MATERIAL_ORDER[kv[0][1]]))]

    # -- emission -----------------------------------------------------------------------
    def _acc(self, accs: dict[Key, _Acc], layer: int, material: Material) -> _Acc:
        acc = accs.get((layer, material))
        if acc is None:
            acc = accs[(layer, material)] = _Acc()
        return acc

    def _emit_group(self, group: Group, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        dx += group.dx
        dy += group.dy
        opacity *= group.opacity
        if opacity <= 0.0:
            return
        if len(group.children) >= CACHE_MIN_CHILDREN:
            compiled = self._compiled(group)
            for (layer, material), rows in compiled.items():
                self._acc(accs, layer, material).add_chunk(rows, dx, dy, opacity, material)
            return
        self._emit_children(group.children, dx, dy, opacity, accs)

    def _compiled(self, group: Group) -> dict[Key, Rows]:
        key = id(group)
        self._used.add(key)
        entry = self._cache.get(key)
        if entry is not None and entry[0] is group:
            return entry[1]
        local: dict[Key, _Acc] = {}
        pending = self.pending_images
        self._emit_children(group.children, 0.0, 0.0, 1.0, local)
        compiled = {k: acc.rows() for k, acc in local.items()}
        for rows in compiled.values():
            rows.setflags(write=False)
        if self.pending_images == pending:  # compiled again next frame while a picture is on its way
            self._cache[key] = (group, compiled)
        return compiled

    def _emit_children(self, children: tuple[Node, ...], dx: float, dy: float, opacity: float,
                       accs: dict[Key, _Acc]) -> None:
        emitters = self._emitters
        for node in children:
            emit = emitters.get(type(node))
            if emit is None:
                raise TypeError(f"cannot draw {type(node).__name__}")
            emit(node, dx, dy, opacity, accs)

    def _shape(self, accs: dict[Key, _Acc], layer: int, x: float, y: float, w: float, h: float,
               fill: Color, opacity: float, radius: float = 0.0, border: float = 0.0,
               border_color: Color = (0.0, 0.0, 0.0, 0.0)) -> None:
        self._acc(accs, layer, "shape").flat.extend(
            (x, y, w, h, border_color[0], border_color[1], border_color[2], border_color[3] * opacity,
             fill[0], fill[1], fill[2], fill[3] * opacity, radius, border, 0.0, 0.0))

    def _panel(self, p: Panel, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        # The hottest path of a frame: inlined rather than going through _shape().
        r, f, b = p.rect, p.fill, p.border_color
        acc = accs.get((p.layer, "shape")) or self._acc(accs, p.layer, "shape")
        acc.flat.extend((r.x + dx, r.y + dy, r.w, r.h, b[0], b[1], b[2], b[3] * opacity,
                         f[0], f[1], f[2], f[3] * opacity, p.radius, p.border, 0.0, 0.0))

    def _shapes(self, node: Shapes, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        # Columns written straight into the instance rows: no Python per shape.
        count = len(node.rects)
        if not count:
            return
        rows = np.empty((count, ROW), np.float32)
        rows[:, 0:4] = node.rects
        if dx or dy:
            rows[:, 0] += dx
            rows[:, 1] += dy
        b = node.border_color
        rows[:, 4:8] = (b[0], b[1], b[2], b[3] * opacity)
        rows[:, 8:12] = node.fills
        if opacity != 1.0:
            rows[:, 11] *= opacity
        rows[:, 12] = node.radii
        rows[:, 13] = node.border
        rows[:, 14:16] = 0.0
        acc = accs.get((node.layer, "shape")) or self._acc(accs, node.layer, "shape")
        acc.flush()  # keeps painter's order with the rows emitted before
        acc.parts.append(rows)

    def _labels(self, node: Labels, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        # All the labels laid out at once, then moved and coloured with a few array writes.
        rows, counts = lay_out_labels(self.text, node.texts, node.size, node.weight, node.align)
        if not len(rows):
            return
        anchors = node.anchors.astype(np.float64)  # moved in double, then rounded, as a Text's x + dx
        if dx or dy:
            anchors += (dx, dy)
        rows[:, 0:2] += np.repeat(anchors.astype(np.float32), counts, axis=0)
        c = node.color
        rows[:, 8:12] = c if opacity == 1.0 else (c[0], c[1], c[2], c[3] * opacity)
        acc = accs.get((node.layer, "text")) or self._acc(accs, node.layer, "text")
        acc.flush()  # keeps painter's order with the texts emitted before
        acc.parts.append(rows)

    def _image(self, node: Image, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        r = node.rect
        uv = self.images.uv(node.source, (r.w, r.h), node.detail)  # asked even when invisible: starts an SVG early
        if node.tint[3] * opacity <= 0.0:
            return  # about to fade in: nothing to fill yet
        if uv is None:
            if self.images.pending(node.source):
                self.pending_images += 1
                return  # an SVG still rasterising off the frame thread: appears when ready
            self._shape(accs, node.layer, r.x + dx, r.y + dy, r.w, r.h, PLACEHOLDER, opacity, node.radius)
            return
        t = node.tint
        acc = accs.get((node.layer, "image")) or self._acc(accs, node.layer, "image")
        acc.flat.extend((r.x + dx, r.y + dy, r.w, r.h, uv.u0, uv.v0, uv.u1, uv.v1, t[0], t[1], t[2], t[3] * opacity,
                         node.radius, 0.0, 0.0, float(uv.texture)))  # last: 0 the atlas, else its own texture

    def stream_index(self, name: str) -> int:
        index = self._stream_index.get(name)
        if index is None:
            index = self._stream_index[name] = len(self.streams)
            self.streams.append(name)
        return index

    def _video(self, node: Video, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        r = node.rect
        acc = accs.get((node.layer, "video")) or self._acc(accs, node.layer, "video")
        acc.flat.extend((r.x + dx, r.y + dy, r.w, r.h, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, opacity,
                         node.radius, 0.0, 0.0, float(self.stream_index(node.stream))))

    def _panorama(self, node: Panorama, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        r = node.rect
        acc = accs.get((node.layer, "panorama")) or self._acc(accs, node.layer, "panorama")
        acc.flat.extend((r.x + dx, r.y + dy, r.w, r.h, node.yaw, node.pitch, node.fov, 0.0, 1.0, 1.0, 1.0, opacity,
                         0.0, 0.0, 0.0, float(self.stream_index(node.stream))))

    def _layout(self, node: Text) -> TextLayout:
        """The text on the layout engine's lines; wrapped afresh if one of them does not fit at this pixel
        size (a tiny screen rounds sizes up by more than the measure allows for)."""
        layout = self.text.layout(node.drawn, node.size, node.weight, node.max_width, node.align)
        if node.lines and layout.lines > len(node.lines):
            layout = self.text.layout(node.text, node.size, node.weight, node.max_width, node.align)
        return layout

    def _text(self, node: Text, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        if not node.text:
            return
        layout = self._layout(node)
        if len(layout.rows):
            c = node.color
            color = c if opacity == 1.0 else (c[0], c[1], c[2], c[3] * opacity)
            acc = accs.get((node.layer, "text")) or self._acc(accs, node.layer, "text")
            acc.texts.append((layout.rows, node.x + dx, node.y + dy, color))

    def _button(self, b: Button, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        r = b.rect
        radius = min(r.h / 2, 28.0)
        if b.focused:
            self._shape(accs, b.layer, r.x + dx - 8, r.y + dy - 8, r.w + 16, r.h + 16, (0, 0, 0, 0), opacity,
                        radius + 8, 6.0, FOCUS_RING)
        self._shape(accs, b.layer, r.x + dx, r.y + dy, r.w, r.h, b.fill, opacity, radius)
        label = Text(r.x + r.w / 2, 0.0, b.label, b.size, b.label_color, "bold", "center", r.w - 32, b.layer)
        height = self.text.layout(label.text, label.size, label.weight, label.max_width, label.align).height
        self._text(replace(label, y=r.y + (r.h - height) / 2), dx, dy, opacity, accs)

    def _column(self, c: Column, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        cursor = c.y
        for t in c.children:
            self._text(t, dx + c.x, dy + cursor, opacity, accs)
            cursor += t.y + self._layout(t).height + c.gap

    def _progress(self, p: ProgressBar, dx: float, dy: float, opacity: float, accs: dict[Key, _Acc]) -> None:
        r, t, f = p.rect, p.track, p.fill
        x, y, radius = r.x + dx, r.y + dy, r.h / 2
        acc = accs.get((p.layer, "shape")) or self._acc(accs, p.layer, "shape")
        acc.flat.extend((x, y, r.w, r.h, 0.0, 0.0, 0.0, 0.0, t[0], t[1], t[2], t[3] * opacity, radius, 0.0, 0.0, 0.0))
        value = min(max(p.value, 0.0), 1.0)
        if value > 0:
            width = max(r.h, r.w * value)
            acc.flat.extend((x + r.w - width if p.from_right else x, y, width, r.h, 0.0, 0.0, 0.0, 0.0,
                             f[0], f[1], f[2], f[3] * opacity, radius, 0.0, 0.0, 0.0))
