"""The layout engine: screens describe boxes, Taffy (flexbox, via `stretchable`) places them, and
the placed boxes become view nodes.

A screen is a tree of `Box` (a row or column of children, with wrap, gap, padding, grow/shrink,
min/max sizes and alignment), `Label` (wrapped text, measured by HarfBuzz), `Press` (a button
that grows to its label or wraps it) and `Fill` (a leaf that draws itself once its rectangle is
known: a picture, a clip, a 360° view, a QR code, a stage). `lay_out` returns the nodes, the hit
areas with their actions, and the named rectangles. Right-to-left mirrors the placed page as a
whole (a row's first child lands on the right, text aligns to its start); what a `Fill` draws
inside its rectangle is not mirrored (pictures are not flipped).

Cost: a `stretchable.Style` takes ~1 ms to build, so styles are interned by value (`taffy_tree.taffy_style`); making
a node still converts its style dict (~0.1 ms on a loaded machine), so box nodes are kept between
layouts by style (`taffy_tree._FREE`). Texts are sized without a measure callback, in passes (`TextTree`).
Screens are laid out once per screen state (the runtime caches the scene), not per frame, and the
boxes of a screen already laid out are kept (`_PLACED`, bounded): every visitor walks the same pages,
so a page seen before skips Taffy (~8 ms a page here) and only its nodes are made again.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from kiosk.view.measure import measure
from kiosk.view.nodes import TRANSPARENT, Button, Color, Node, Panel, Rect, Text, Weight
from kiosk.view.taffy_tree import Justify, Place, Style, TextExtent, TextTree
from kiosk.view.tokens import NORMAL, Tokens

__all__ = ["Justify", "Place", "Style"]  # re-exported: screens describe their boxes with them

Hit = tuple[Rect, object]  # a tap area and the action it performs (the runtime's own action values)
PRESS_PAD_X = 28.0  # the renderer wraps a button's label 16 units inside each edge: keep more
PRESS_PAD_Y = 14.0


@dataclass(frozen=True, slots=True)
class Box:
    children: tuple[Item, ...] = ()
    style: Style = Style()
    fill: Color = TRANSPARENT
    radius: float = 0.0
    border: float = 0.0
    border_color: Color = TRANSPARENT
    action: object = None  # a tap anywhere in the box performs it
    layer: int = 0


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    size: float
    color: Color
    weight: Weight = "regular"
    align: Literal["start", "center", "end"] = "start"
    style: Style = Style()
    layer: int = 0


@dataclass(frozen=True, slots=True)
class Press:
    label: str
    action: object
    fill: Color
    label_color: Color
    size: float
    style: Style = Style()
    layer: int = 0


@dataclass(frozen=True, slots=True)
class Fill:
    """A leaf drawn from its final rectangle: `draw(rect)` → (nodes, hits)."""

    draw: Callable[[Rect], tuple[Sequence[Node], Sequence[Hit]]]
    style: Style = Style()
    name: str = ""  # also reported in `Laid.rects`


Item = Box | Label | Press | Fill


@dataclass(slots=True)
class Laid:
    nodes: list[Node] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    rects: dict[str, Rect] = field(default_factory=dict)


def row(*children: Item, **style: object) -> Box:
    return Box(tuple(children), Style(row=True, **style))  # type: ignore[arg-type]


def column(*children: Item, **style: object) -> Box:
    return Box(tuple(children), Style(**style))  # type: ignore[arg-type]


def spacer(grow: float = 1.0) -> Box:
    return Box(style=Style(grow=grow))


@dataclass(slots=True)
class _Built:
    node: int
    children: list[_Built]


def _build(tree: TextTree, item: Item, parent: Style | None = None) -> _Built:
    if isinstance(item, Box):
        children = [_build(tree, c, item.style) for c in item.children]
        return _Built(tree.node(item.style, [c.node for c in children]), children)
    if isinstance(item, Label | Press):
        text = TextExtent(item.text, item.size, item.weight, 0, 0) if isinstance(item, Label) else \
            TextExtent(item.label, item.size, "bold", PRESS_PAD_X, PRESS_PAD_Y)
        return _Built(tree.text(item.style, text, parent is not None and not parent.row), [])
    return _Built(tree.node(item.style), [])


@dataclass(slots=True)
class LayoutCost:
    """Time spent in `lay_out` since the process started (read by `kiosk bench render`; instrumentation
    only: no layout depends on it)."""

    seconds: float = 0.0
    layouts: int = 0
    passes: int = 0  # Taffy layouts run: a text's height follows its width (`TextTree.compute`)
    kept: int = 0  # layouts whose boxes were found in `_PLACED` (no Taffy pass)


COST = LayoutCost()
BoxXYWH = tuple[float, float, float, float]  # relative to the parent, as Taffy gives it


def _shape(item: Item) -> tuple[object, ...]:
    """What decides where `item` and its descendants are placed: styles, texts and their sizes (not
    colours, actions or what a `Fill` draws, which are applied to the boxes afterwards)."""
    if isinstance(item, Box):
        return (item.style, *map(_shape, item.children))
    if isinstance(item, Label):
        return (item.style, item.text, item.size, item.weight)
    if isinstance(item, Press):
        return (item.style, item.label, item.size, None)
    return (item.style,)


def lay_out(root: Item, width: float, height: float, *, rtl: bool = False, layer: int = 0) -> Laid:
    """Place `root` in a width × height screen; nodes are drawn `layer` layers up."""
    started = time.perf_counter()
    with _TAFFY:
        try:
            key = (_shape(root), width, height)
            boxes = _PLACED.get(key)
            if boxes is None:
                boxes = _placed(root, width, height)
                _PLACED[key] = boxes
                if len(_PLACED) > PLACED_KEPT:
                    _PLACED.popitem(last=False)  # the least recently laid out
            else:
                _PLACED.move_to_end(key)
                COST.kept += 1
            laid = Laid()
            corners = iter(boxes)
            _emit(root, zip(corners, corners, corners, corners, strict=True), 0.0, 0.0, laid, width, rtl, layer)
            return laid
        finally:
            COST.seconds += time.perf_counter() - started
            COST.layouts += 1


def _placed(root: Item, width: float, height: float) -> array[float]:
    """Every item's box (x, y, w, h, flat: 32 bytes a box kept), in the order `_emit` visits them (an
    item, then its children), from Taffy."""
    tree = TextTree()
    try:
        built = _build(tree, root)
        COST.passes += tree.compute(built.node, width, height)
        boxes: array[float] = array("d")

        def read(node: _Built) -> None:
            boxes.extend(tree.box(node.node))
            for child in node.children:
                read(child)

        read(built)
        return boxes
    finally:
        tree.drop()


def forget_layouts() -> None:
    """Lay every screen out afresh from now on (`kiosk bench render` measures layouts, not this cache)."""
    with _TAFFY:
        _PLACED.clear()


_TAFFY = threading.RLock()  # one layout at a time takes boxes from `_FREE` (a `Fill` may lay out inside one)
# Screens laid out, by shape and size: their boxes. A kiosk's packs × languages × pages and their
# states make a few hundred; more only evicts the least recently used. ~8 KB each here (the key's
# texts most of it): ~4 MB when full.
PLACED_KEPT = 512
_PLACED: OrderedDict[tuple[object, ...], array[float]] = OrderedDict()


def _emit(item: Item, boxes: Iterator[BoxXYWH], px: float, py: float, laid: Laid, width: float, rtl: bool,
          layer: int) -> None:
    x, y, w, h = next(boxes)
    x, y = px + x, py + y
    emit_item(item, Rect(width - x - w if rtl else x, y, w, h), laid, rtl, layer)
    if isinstance(item, Box):
        for child in item.children:
            _emit(child, boxes, x, y, laid, width, rtl, layer)


def emit_item(item: Item, rect: Rect, laid: Laid, rtl: bool, layer: int) -> None:
    """What one placed item draws and where it can be pressed (a box's children are emitted by the caller)."""
    if isinstance(item, Box):
        if item.fill[3] > 0 or item.border > 0:
            laid.nodes.append(Panel(rect, item.fill, item.radius, item.border, item.border_color, item.layer + layer))
        if item.action is not None:
            laid.hits.append((rect, item.action))
    elif isinstance(item, Label):
        align = {"start": "right" if rtl else "left", "center": "center", "end": "left" if rtl else "right"}[
            item.align]
        anchor = {"left": rect.x, "center": rect.x + rect.w / 2, "right": rect.x + rect.w}[align]
        lines = measure(item.text, item.size, item.weight, rect.w + 0.5).lines  # the lines its box was sized for
        laid.nodes.append(Text(anchor, rect.y, item.text, item.size, item.color, item.weight, align,  # type: ignore[arg-type]
                               max_width=rect.w + 0.5, layer=item.layer + layer, lines=lines if len(lines) > 1 else ()))
    elif isinstance(item, Press):
        laid.nodes.append(Button(rect, item.label, item.fill, item.label_color, item.size, layer=item.layer + layer))
        laid.hits.append((rect, item.action))
    else:
        nodes, hits = item.draw(rect)
        laid.nodes.extend(nodes)
        laid.hits.extend(hits)
        if item.name:
            laid.rects[item.name] = rect


@dataclass(frozen=True, slots=True)
class Frame:
    """The screen a page is laid out for: its design size, the visitor's tokens and direction."""

    width: float = 1920.0
    height: float = 1080.0
    tokens: Tokens = NORMAL
    rtl: bool = False

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def margin(self) -> float:
        return self.tokens.space.margin * (0.5 if self.portrait else 1.0)


def design_size(width: int, height: int) -> tuple[float, float]:
    """The design space of a screen of width × height pixels: 1920 units wide in landscape (1080 tall at
    16:9, 1200 at 16:10), 1080 wide in portrait; the renderer scales it to the pixels, never letterboxes."""
    base = 1920.0 if width >= height else 1080.0
    return base, round(base * height / width, 3)
