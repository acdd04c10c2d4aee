"""The layout engine: screens describe boxes, Taffy (flexbox, via `stretchable`) places them, and
the placed boxes become view nodes.

A screen is a tree of `Box` (a row or column of children, with wrap, gap, padding, grow/shrink,
min/max sizes and alignment), `Label` (wrapped text, measured by HarfBuzz), `Press` (a button
that grows to its label or wraps it) and `Fill` (a leaf that draws itself once its rectangle is
known: a picture, a clip, a 360° view, a QR code, a stage). `lay_out` returns the nodes, the hit
areas with their actions, and the named rectangles. Right-to-left mirrors the placed page as a
whole (a row's first child lands on the right, text aligns to its start); what a `Fill` draws
inside its rectangle is not mirrored (pictures are not flipped).

Cost: a `stretchable.Style` takes ~1 ms to build and a node sharing one ~0.04 ms, so styles are
interned by value (`_style`). Screens are laid out once per screen state (the runtime caches
the scene), not per frame.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from stretchable import Style as TaffyStyle
from stretchable import taffylib as _taffylib
from stretchable.context import taffy as _taffy_context
from stretchable.style import (
    AUTO,
    PT,
    AlignItems,
    AlignSelf,
    FlexDirection,
    FlexWrap,
    JustifyContent,
    Size,
)
from stretchable.style.geometry.length import Scale

from kiosk.view.measure import LINE_HEIGHT, measure
from kiosk.view.nodes import TRANSPARENT, Button, Color, Node, Panel, Rect, Text, Weight
from kiosk.view.tokens import NORMAL, Tokens

Place = Literal["start", "center", "end", "stretch"]
Justify = Literal["start", "center", "end", "between"]
Hit = tuple[Rect, object]  # a tap area and the action it performs (the runtime's own action values)
PRESS_PAD_X = 28.0  # the renderer wraps a button's label 16 units inside each edge: keep more
PRESS_PAD_Y = 14.0


@dataclass(frozen=True, slots=True)
class Style:
    """How a box sits among its siblings and places its children (design units)."""

    row: bool = False
    wrap: bool = False
    gap: float = 0.0
    pad: float = 0.0
    pad_x: float | None = None  # overrides `pad` left and right
    grow: float = 0.0
    shrink: float = 1.0
    basis: float | None = None
    width: float | None = None
    height: float | None = None
    min_width: float | None = None
    min_height: float | None = None
    max_width: float | None = None
    max_height: float | None = None
    align: Place | None = None  # cross-axis placement of the children
    justify: Justify | None = None  # main-axis placement of the children
    self_align: Place | None = None
    aspect: float | None = None  # width / height


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


_ALIGN = {"start": AlignItems.FLEX_START, "center": AlignItems.CENTER, "end": AlignItems.FLEX_END,
          "stretch": AlignItems.STRETCH}
_SELF = {"start": AlignSelf.FLEX_START, "center": AlignSelf.CENTER, "end": AlignSelf.FLEX_END,
         "stretch": AlignSelf.STRETCH}
_JUSTIFY = {"start": JustifyContent.FLEX_START, "center": JustifyContent.CENTER, "end": JustifyContent.FLEX_END,
            "between": JustifyContent.SPACE_BETWEEN}


def _length(value: float | None) -> object:
    return AUTO if value is None else value * PT


@lru_cache(maxsize=512)
def _style(style: Style) -> dict[str, object]:
    """Interned: equal styles share one Taffy style dict (building a stretchable Style costs ~1 ms)."""
    pad_x = style.pad if style.pad_x is None else style.pad_x
    kwargs: dict[str, object] = {
        "flex_direction": FlexDirection.ROW if style.row else FlexDirection.COLUMN,
        "flex_wrap": FlexWrap.WRAP if style.wrap else FlexWrap.NO_WRAP,
        "gap": style.gap * PT, "flex_grow": style.grow, "flex_shrink": style.shrink,
        "padding": (style.pad * PT, pad_x * PT, style.pad * PT, pad_x * PT),
        "size": Size(_length(style.width), _length(style.height)),
        "min_size": Size(_length(style.min_width), _length(style.min_height)),
        "max_size": Size(_length(style.max_width), _length(style.max_height)),
    }
    if style.basis is not None:
        kwargs["flex_basis"] = style.basis * PT
    if style.align is not None:
        kwargs["align_items"] = _ALIGN[style.align]
    if style.justify is not None:
        kwargs["justify_content"] = _JUSTIFY[style.justify]
    if style.self_align is not None:
        kwargs["align_self"] = _SELF[style.self_align]
    if style.aspect is not None:
        kwargs["aspect_ratio"] = style.aspect
    built: dict[str, object] = TaffyStyle(**kwargs).to_dict()
    return built


class _TextMeasure:
    """Taffy's measure of a text leaf: (known width, available width) → (width, height)."""

    __slots__ = ("pad_x", "pad_y", "size", "text", "weight")

    def __init__(self, text: str, size: float, weight: Weight, pad_x: float, pad_y: float) -> None:
        self.text, self.size, self.weight, self.pad_x, self.pad_y = text, size, weight, pad_x, pad_y

    def __call__(self, known_width: float, available: dict[str, float]) -> tuple[float, float]:
        text, size, weight, pad_x = self.text, self.size, self.weight, self.pad_x
        if not math.isnan(known_width):
            limit: float | None = known_width - 2 * pad_x
        elif available["dim"] == _POINTS:
            limit = available["value"] - 2 * pad_x
        elif available["dim"] == _MIN_CONTENT:
            limit = measure(text, size, weight).widest_word
        else:
            limit = None
        m = measure(text, size, weight, None if limit is None else max(1.0, limit))
        width = known_width if not math.isnan(known_width) else m.width + 2 * pad_x
        return width, max(m.height, size * LINE_HEIGHT) + 2 * self.pad_y


_POINTS, _MIN_CONTENT = int(Scale.POINTS), int(Scale.MIN_CONTENT)


class _Tree:
    """One layout's nodes in Taffy, driven through stretchable's binding directly: its `Node` wraps every
    measure call's floats in attrs objects (~50 µs a call, thousands a screen) and never frees a node
    (its `__del__` is commented out), which a kiosk laying out screens for months cannot afford. Every
    node made here is dropped once the layout is read."""

    def __init__(self) -> None:
        self.ptr = _taffy_context._ptr
        self.ids: list[int] = []
        self.measures: dict[int, _TextMeasure] = {}
        self.layout = _taffylib.PyLayout()

    def node(self, style: Style, measured: _TextMeasure | None = None, children: Sequence[int] = ()) -> int:
        node_id: int = _taffylib.node_create(self.ptr, _style(style))
        self.ids.append(node_id)
        for child in children:
            _taffylib.node_add_child(self.ptr, node_id, child)
        if measured is not None:
            _taffylib.node_set_measure(self.ptr, node_id, True)
            self.measures[node_id] = measured
        return node_id

    def compute(self, root: int, width: float, height: float) -> None:
        measures = self.measures

        def measured(known_width: float, _known_height: float, available_width: dict[str, float],
                     _available_height: dict[str, float], context: int) -> tuple[float, float]:
            return measures[context](known_width, available_width)

        _taffylib.disable_rounding(self.ptr)
        space = {"width": {"dim": _POINTS, "value": width}, "height": {"dim": _POINTS, "value": height}}
        _taffylib.node_compute_layout_with_measure(self.ptr, root, space, measured)

    def box(self, node_id: int) -> tuple[float, float, float, float]:
        """(x, y, width, height) relative to the parent."""
        _taffylib.node_get_layout(self.ptr, node_id, self.layout)
        layout = self.layout
        return layout.x, layout.y, layout.width, layout.height

    def drop(self) -> None:
        for node_id in self.ids:
            _taffylib.node_drop(self.ptr, node_id)
        self.ids.clear()
        self.measures.clear()


Built = tuple[int, list["Built"]]  # a node's id and its children's


def _build(tree: _Tree, item: Item) -> Built:
    if isinstance(item, Box):
        children = [_build(tree, c) for c in item.children]
        return tree.node(item.style, children=[c[0] for c in children]), children
    if isinstance(item, Label):
        return tree.node(item.style, _TextMeasure(item.text, item.size, item.weight, 0, 0)), []
    if isinstance(item, Press):
        return tree.node(item.style, _TextMeasure(item.label, item.size, "bold", PRESS_PAD_X, PRESS_PAD_Y)), []
    return tree.node(item.style), []


@dataclass(slots=True)
class LayoutCost:
    """Time spent in `lay_out` since the process started (read by `kiosk bench render`; instrumentation
    only: no layout depends on it)."""

    seconds: float = 0.0
    layouts: int = 0


COST = LayoutCost()


def lay_out(root: Item, width: float, height: float, *, rtl: bool = False, layer: int = 0) -> Laid:
    """Place `root` in a width × height screen; nodes are drawn `layer` layers up."""
    started = time.perf_counter()
    tree = _Tree()
    try:
        built = _build(tree, root)
        tree.compute(built[0], width, height)
        laid = Laid()
        _emit(root, tree, built, 0.0, 0.0, laid, width, rtl, layer)
        return laid
    finally:
        tree.drop()
        COST.seconds += time.perf_counter() - started
        COST.layouts += 1


def _emit(item: Item, tree: _Tree, built: Built, px: float, py: float, laid: Laid, width: float, rtl: bool,
          layer: int) -> None:
    x, y, w, h = tree.box(built[0])
    x, y = px + x, py + y
    rect = Rect(width - x - w if rtl else x, y, w, h)
    if isinstance(item, Box):
        if item.fill[3] > 0 or item.border > 0:
            laid.nodes.append(Panel(rect, item.fill, item.radius, item.border, item.border_color, item.layer + layer))
        if item.action is not None:
            laid.hits.append((rect, item.action))
        for child, child_built in zip(item.children, built[1], strict=True):
            _emit(child, tree, child_built, x, y, laid, width, rtl, layer)
    elif isinstance(item, Label):
        align = {"start": "right" if rtl else "left", "center": "center", "end": "left" if rtl else "right"}[
            item.align]
        anchor = {"left": rect.x, "center": rect.x + rect.w / 2, "right": rect.x + rect.w}[align]
        laid.nodes.append(Text(anchor, rect.y, item.text, item.size, item.color, item.weight, align,  # type: ignore[arg-type]
                               max_width=rect.w + 0.5, layer=item.layer + layer))
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
