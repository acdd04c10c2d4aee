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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import stretchable.node as _stretchable_node
from stretchable import Node as TaffyNode
from stretchable import Style as TaffyStyle
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
from stretchable.style.geometry.size import SizePoints

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
def _style(style: Style) -> TaffyStyle:
    """Interned: equal styles share one Taffy style (building one costs ~1 ms)."""
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
    return TaffyStyle(**kwargs)


class _TextMeasure:
    """Taffy's measure function for a text leaf, called with raw floats (see `_fast_callback`)."""

    def __init__(self, text: str, size: float, weight: Weight, pad_x: float, pad_y: float) -> None:
        self.text, self.size, self.weight, self.pad_x, self.pad_y = text, size, weight, pad_x, pad_y

    def raw(self, known_width: float, available: dict[str, float]) -> tuple[float, float]:
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

    def __call__(self, node: TaffyNode, known: SizePoints, available: object) -> SizePoints:
        raise AssertionError("measured through _fast_callback")  # pragma: no cover


_POINTS, _MIN_CONTENT = int(Scale.POINTS), int(Scale.MIN_CONTENT)
_slow_callback = _stretchable_node._measure_callback


def _fast_callback(nodes: dict[int, TaffyNode], known_width: float, known_height: float,
                   available_width: dict[str, float], available_height: dict[str, float],
                   context: int) -> tuple[float, float]:
    """stretchable wraps each measure call's floats into attrs objects (validators: ~50 µs a call,
    thousands of calls a screen); text leaves take the raw floats instead."""
    node = nodes.get(context) if context and context > 0 else None
    text = getattr(node, "measure", None) if node is not None else None
    if isinstance(text, _TextMeasure):
        return text.raw(known_width, available_width)
    slow: tuple[float, float] = _slow_callback(nodes, known_width, known_height, available_width, available_height,
                                               context)
    return slow


_stretchable_node._measure_callback = _fast_callback


def _taffy(item: Item) -> TaffyNode:
    if isinstance(item, Box):
        return TaffyNode(*(_taffy(c) for c in item.children), style=_style(item.style))
    if isinstance(item, Label):
        return TaffyNode(style=_style(item.style), measure=_TextMeasure(item.text, item.size, item.weight, 0, 0))
    if isinstance(item, Press):
        return TaffyNode(style=_style(item.style),
                         measure=_TextMeasure(item.label, item.size, "bold", PRESS_PAD_X, PRESS_PAD_Y))
    return TaffyNode(style=_style(item.style))


def lay_out(root: Item, width: float, height: float, *, rtl: bool = False, layer: int = 0) -> Laid:
    """Place `root` in a width × height screen; nodes are drawn `layer` layers up."""
    tree = _taffy(root)
    tree.compute_layout((width, height))
    laid = Laid()
    _emit(root, tree, laid, width, rtl, layer)
    return laid


def _emit(item: Item, node: TaffyNode, laid: Laid, width: float, rtl: bool, layer: int) -> None:
    box = node.get_box(relative=False)
    rect = Rect(width - box.x - box.width if rtl else box.x, box.y, box.width, box.height)
    if isinstance(item, Box):
        if item.fill[3] > 0 or item.border > 0:
            laid.nodes.append(Panel(rect, item.fill, item.radius, item.border, item.border_color, item.layer + layer))
        if item.action is not None:
            laid.hits.append((rect, item.action))
        for child_item, child_node in zip(item.children, node, strict=True):
            _emit(child_item, child_node, laid, width, rtl, layer)
    elif isinstance(item, Label):
        align = {"start": "right" if rtl else "left", "center": "center", "end": "left" if rtl else "right"}[
            item.align]
        x = {"left": rect.x, "center": rect.x + rect.w / 2, "right": rect.x + rect.w}[align]
        laid.nodes.append(Text(x, rect.y, item.text, item.size, item.color, item.weight, align,  # type: ignore[arg-type]
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
