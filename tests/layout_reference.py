"""The layout engine as it was until round 3, kept as the oracle of the one that replaced it: Taffy
measured each text through stretchable's measure callback (which leaks ~0.7 KB a call, so this runs
only in tests). `lay_out_measured` takes the same items and gives the same `Laid` as
`kiosk.view.layout.lay_out` should."""

from __future__ import annotations

import math

from stretchable import taffylib
from stretchable.context import taffy as taffy_context
from stretchable.style.geometry.length import Scale

from kiosk.view.layout import PRESS_PAD_X, PRESS_PAD_Y, Box, Item, Label, Laid, Press, Style, emit_item
from kiosk.view.measure import LINE_HEIGHT, measure
from kiosk.view.nodes import Rect, Weight
from kiosk.view.taffy_tree import taffy_style as _style

_POINTS, _MIN_CONTENT = int(Scale.POINTS), int(Scale.MIN_CONTENT)


class _TextMeasure:
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


Built = tuple[int, list["Built"]]


def lay_out_measured(root: Item, width: float, height: float, *, rtl: bool = False, layer: int = 0) -> Laid:
    ptr = taffy_context._ptr
    ids: list[int] = []
    measures: dict[int, _TextMeasure] = {}

    def node(style: Style, measured: _TextMeasure | None = None, children: list[int] | None = None) -> int:
        node_id: int = taffylib.node_create(ptr, _style(style))
        ids.append(node_id)
        for child in children or []:
            taffylib.node_add_child(ptr, node_id, child)
        if measured is not None:
            taffylib.node_set_measure(ptr, node_id, True)
            measures[node_id] = measured
        return node_id

    def build(item: Item) -> Built:
        if isinstance(item, Box):
            kids = [build(c) for c in item.children]
            return node(item.style, children=[c[0] for c in kids]), kids
        if isinstance(item, Label):
            return node(item.style, _TextMeasure(item.text, item.size, item.weight, 0, 0)), []
        if isinstance(item, Press):
            return node(item.style, _TextMeasure(item.label, item.size, "bold", PRESS_PAD_X, PRESS_PAD_Y)), []
        return node(item.style), []

    def callback(known_width: float, _kh: float, available: dict[str, float], _ah: dict[str, float],
                 context: int) -> tuple[float, float]:
        return measures[context](known_width, available)

    layout = taffylib.PyLayout()

    def box(node_id: int) -> tuple[float, float, float, float]:
        taffylib.node_get_layout(ptr, node_id, layout)
        return layout.x, layout.y, layout.width, layout.height

    def emit(item: Item, built: Built, px: float, py: float, laid: Laid) -> None:
        x, y, w, h = box(built[0])
        x, y = px + x, py + y
        emit_item(item, Rect(width - x - w if rtl else x, y, w, h), laid, rtl, layer)
        if isinstance(item, Box):
            for child, child_built in zip(item.children, built[1], strict=True):
                emit(child, child_built, x, y, laid)

    try:
        built = build(root)
        taffylib.disable_rounding(ptr)
        space = {"width": {"dim": _POINTS, "value": width}, "height": {"dim": _POINTS, "value": height}}
        taffylib.node_compute_layout_with_measure(ptr, built[0], space, callback)
        laid = Laid()
        emit(root, built, 0.0, 0.0, laid)
        return laid
    finally:
        for node_id in ids:
            taffylib.node_drop(ptr, node_id)
