"""Taffy (flexbox, through `stretchable`'s binding) driven for the layout engine (`kiosk.view.layout`):
box styles interned as Taffy style dicts, box nodes kept between layouts, and texts sized in passes
without a measure callback (`TextTree`)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
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
    Display,
    FlexDirection,
    FlexWrap,
    JustifyContent,
    Size,
)
from stretchable.style.geometry.length import Scale
from stretchable.style.props import GridTrackRepetition

from kiosk.view.measure import LINE_HEIGHT, Measured, measure
from kiosk.view.nodes import Weight

Place = Literal["start", "center", "end", "stretch"]
Justify = Literal["start", "center", "end", "between"]


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


_ALIGN = {"start": AlignItems.FLEX_START, "center": AlignItems.CENTER, "end": AlignItems.FLEX_END,
          "stretch": AlignItems.STRETCH}
_SELF = {"start": AlignSelf.FLEX_START, "center": AlignSelf.CENTER, "end": AlignSelf.FLEX_END,
         "stretch": AlignSelf.STRETCH}
_JUSTIFY = {"start": JustifyContent.FLEX_START, "center": JustifyContent.CENTER, "end": JustifyContent.FLEX_END,
            "between": JustifyContent.SPACE_BETWEEN}


def _length(value: float | None) -> object:
    return AUTO if value is None else value * PT


@lru_cache(maxsize=512)
def taffy_style(style: Style) -> dict[str, object]:
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


class TextExtent:
    """A text leaf's extent as a function of its width (padding included): what Taffy's measure
    callback used to answer, computed here so Taffy never calls back into Python (see `TextTree`)."""

    __slots__ = ("max_content", "min_content", "pad_x", "pad_y", "size", "text", "weight")

    def __init__(self, text: str, size: float, weight: Weight, pad_x: float, pad_y: float) -> None:
        self.text, self.size, self.weight, self.pad_x, self.pad_y = text, size, weight, pad_x, pad_y
        whole = measure(text, size, weight)
        self.max_content = whole.width + 2 * pad_x  # every paragraph on one line
        self.min_content = measure(text, size, weight, whole.widest_word).width + 2 * pad_x  # a word a line

    def _wrapped(self, width: float) -> Measured:
        return measure(self.text, self.size, self.weight, max(1.0, width - 2 * self.pad_x))

    def height(self, width: float) -> float:
        """Its height when laid out `width` wide."""
        return max(self._wrapped(width).height, self.size * LINE_HEIGHT) + 2 * self.pad_y

    def fitted(self, width: float) -> float:
        """How wide it is when it may be narrower than `width`: its widest line wrapped at `width`."""
        return self._wrapped(width).width + 2 * self.pad_x


_POINTS = int(Scale.POINTS)
_GRID = int(Display.GRID)


def _points(value: float) -> dict[str, float]:
    return {"dim": _POINTS, "value": value}


def _track(low: float, high: float) -> dict[str, object]:
    return {"repetition": int(GridTrackRepetition.SINGLE), "repeat": [],
            "single": {"min_size": _points(low), "max_size": _points(high)}}


@dataclass(slots=True)
class _TextNode:
    """A text leaf in Taffy: an empty grid (`_text_style`) sized by what was read of the last pass."""

    node: int
    style: Style
    text: TextExtent
    in_column: bool  # its width is its parent's cross size
    widest: float  # the widest it may be (max-content, or as a column's child its width wrapped)
    height: float  # its height at the width of the last pass


def _text_style(text: _TextNode) -> dict[str, object]:
    """A text leaf as a grid whose two column tracks are `min-content` and `minmax(0, widest −
    min-content)`: Taffy then knows its min- and max-content widths (for flex bases, automatic minimum
    sizes and its parents' intrinsic sizes) and gives it any width between, stretched, shrunk or grown,
    as it did a measured leaf. Its height follows the width Taffy gave it: a minimum height."""
    style, low = text.style, text.text.min_content
    built = dict(_grid_style(style))
    built["grid_template_columns"] = [_track(low, low), _track(0.0, max(0.0, text.widest - low))]
    if style.height is None:  # a height of its own wins, as it did over a measured height
        height = text.height + 2 * style.pad  # Taffy's sizes include the padding (border-box)
        floor = style.min_height
        built["min_size"] = {"width": built["min_size"]["width"],  # type: ignore[index]
                             "height": _points(height if floor is None else max(floor, height))}
    return built


@lru_cache(maxsize=256)
def _grid_style(style: Style) -> dict[str, object]:
    """What every text of `style` shares: its style as a grid without gaps."""
    built = dict(taffy_style(style))
    built["display"] = _GRID
    built["gap"] = {"width": _points(0.0), "height": _points(0.0)}
    return built


class TextTree:
    """One layout's nodes in Taffy, driven through stretchable's binding directly: its `Node` wraps every
    measure call's floats in attrs objects and never frees a node (its `__del__` is commented out),
    which a kiosk laying out screens for months cannot afford. Once the layout is read, its texts are
    dropped and its boxes kept for the next layouts (`_FREE`).

    No measure callback: stretchable 1.1.8's `node_compute_layout_with_measure` leaks the two
    available-space dicts it builds for every call of the callback (each keeps one reference too
    many, most likely pyo3 "GIL refs" in a pool nothing drains: ~0.7 KB a call, ~3 MB a visit;
    scripts/stretchable_leak.py). Text leaves are grids
    that carry their min- and max-content widths instead, and what a measure callback answered from
    the width Taffy offers is read back and set in passes: lay out; give each text the height its
    width asks and, in a column, the width of its widest wrapped line as its widest (Taffy's measured
    leaf took that, and its parents shrank to it); lay out again until nothing changes."""

    MAX_PASSES = 6

    def __init__(self) -> None:
        self.ptr = _taffy_context._ptr
        self.kept: list[tuple[Style, int, Sequence[int]]] = []  # boxes (style, node, children) to keep
        self.texts: list[_TextNode] = []
        self.layout = _taffylib.PyLayout()

    def node(self, style: Style, children: Sequence[int] = ()) -> int:
        """A box of `style`: one kept from an earlier layout if one is free (making a node costs
        ~0.1 ms, most of it converting its style dict), else a new one."""
        free = _FREE.get(style)
        if free:
            node_id: int = free.pop()
            _FREE.move_to_end(style)
            _taffylib.node_mark_dirty(self.ptr, node_id)  # its cache is the last layout's: dropping a child keeps it
        else:
            node_id = _taffylib.node_create(self.ptr, taffy_style(style))
        self.kept.append((style, node_id, children))
        for child in children:
            _taffylib.node_add_child(self.ptr, node_id, child)
        return node_id

    def text(self, style: Style, text: TextExtent, in_column: bool) -> int:
        placed = _TextNode(0, style, text, in_column, text.max_content, text.height(text.max_content))
        placed.node = _taffylib.node_create(self.ptr, _text_style(placed))
        self.texts.append(placed)
        # Taffy lays out a node without children as a leaf, whatever its display: one empty cell
        _taffylib.node_add_child(self.ptr, placed.node, self.node(_CELL))
        return placed.node

    def compute(self, root: int, width: float, height: float) -> int:
        """Lay out until every text is as wide and tall as its width asks; returns the passes it took."""
        _taffylib.disable_rounding(self.ptr)
        space = {"width": _points(width), "height": _points(height)}
        for passes in range(1, self.MAX_PASSES + 1):
            _taffylib.node_compute_layout(self.ptr, root, space)
            changed = False
            for placed in self.texts:
                inner = self.box(placed.node)[2] - 2 * _pad_x(placed.style)
                height, widest = placed.text.height(inner), placed.widest
                if placed.in_column:
                    widest = min(placed.text.max_content, placed.text.fitted(inner))
                if abs(height - placed.height) > 0.01 or abs(widest - placed.widest) > 0.01:
                    placed.height, placed.widest = height, widest
                    _taffylib.node_set_style(self.ptr, placed.node, _text_style(placed))
                    changed = True
            if not changed:
                return passes
        return self.MAX_PASSES

    def box(self, node_id: int) -> tuple[float, float, float, float]:
        """(x, y, width, height) relative to the parent."""
        _taffylib.node_get_layout(self.ptr, node_id, self.layout)
        layout = self.layout
        return layout.x, layout.y, layout.width, layout.height

    def drop(self) -> None:
        """Drop the texts (their styles are their own) and free the boxes for the next layouts."""
        for placed in self.texts:
            _taffylib.node_drop(self.ptr, placed.node)  # and out of its parent; its cell has none now
        texts = {placed.node for placed in self.texts}
        for style, node_id, children in self.kept:
            for child in children:
                if child not in texts:
                    _taffylib.node_remove_child(self.ptr, node_id, child)
            _FREE.setdefault(style, []).append(node_id)
        while len(_FREE) > _FREE_STYLES:  # styles made from data (a picture's aspect) come and go
            for node_id in _FREE.popitem(last=False)[1]:
                _taffylib.node_drop(self.ptr, node_id)
        self.kept.clear()
        self.texts.clear()


def _pad_x(style: Style) -> float:
    return style.pad if style.pad_x is None else style.pad_x


_CELL = Style(shrink=0.0)
# Boxes kept between layouts, by style, without parent or children: as many of a style as the largest
# screen has, and node ids the Taffy tree would otherwise hand out again.
_FREE: OrderedDict[Style, list[int]] = OrderedDict()  # the least recently used style first
_FREE_STYLES = 512
