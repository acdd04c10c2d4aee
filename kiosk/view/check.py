"""The layout check: what a visitor would see go wrong, found on the laid-out view model (no GL).

Rules, each reported with the element it concerns:
- text overflow: a text's measured extent leaves the panel or button it sits in (or the screen);
  a single word wider than its wrapping width;
- covered: an opaque shape drawn over a text (a checkbox over a label's letters);
- text overlap: two texts of one layer over each other;
- off screen: anything drawn outside the screen (no screen here scrolls: lists page or wrap);
- targets: two tap targets overlapping, or one smaller than 44 × 44 (WCAG 2.2 target size);
- contrast: a text against what lies under it below the ratio asked (4.5:1, or 7:1 in high
  contrast); under a picture or a clip, the worst case of black and white shows through.
Texts dimmed behind a dialog's scrim are not held to the contrast rule (they are not read then).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kiosk.view.measure import measure
from kiosk.view.nodes import (
    WHITE,
    Button,
    Color,
    Column,
    Group,
    Image,
    Labels,
    Node,
    Panel,
    ProgressBar,
    Rect,
    Scene,
    Text,
)

MIN_TARGET = 44.0
TOLERANCE = 1.0  # design units: float32 boxes and rounding
BUTTON_INSET = 16.0  # the renderer wraps a button's label this far inside each edge


@dataclass(frozen=True, slots=True)
class Problem:
    rule: str
    element: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.element}: {self.detail}"


@dataclass(frozen=True, slots=True)
class _Shape:
    rect: Rect
    fill: Color | None  # None: a picture or a clip (any colour)
    layer: int
    order: int
    name: str
    tint: Color = (1.0, 1.0, 1.0, 1.0)  # a picture's: its pixels lie between black and this


@dataclass(frozen=True, slots=True)
class _Words:
    extent: Rect
    node: Text
    layer: int
    order: int
    name: str
    wrap: float | None
    owner: Rect | None  # the button whose label it is


def _name(node: Node | Text) -> str:
    if isinstance(node, Button):
        return f"button {node.label.strip()!r}"
    if isinstance(node, Text):
        return f"text {node.text[:48]!r}"
    kind = type(node).__name__.lower()
    source = getattr(node, "source", None) or getattr(node, "stream", None)
    rect = getattr(node, "rect", None)
    where = f" at ({rect.x:.0f}, {rect.y:.0f}, {rect.w:.0f}×{rect.h:.0f})" if rect is not None else ""
    return f"{kind}{f' {source!r}' if source else ''}{where}"


def _extent(text: Text, x: float, y: float) -> Rect:
    m = measure(text.text, text.size, text.weight, text.max_width)
    left = {"left": x, "center": x - m.width / 2, "right": x - m.width}[text.align]
    return Rect(left, y, m.width, m.height)


def _flatten(group: Group) -> tuple[list[_Shape], list[_Words]]:
    shapes: list[_Shape] = []
    words: list[_Words] = []
    order = 0

    def add_text(text: Text, x: float, y: float, owner: Rect | None = None) -> None:
        nonlocal order
        order += 1
        placed = Text(x, y, text.text, text.size, text.color, text.weight, text.align, text.max_width, text.layer)
        words.append(_Words(_extent(placed, x, y), placed, text.layer, order, _name(text), text.max_width, owner))

    def walk(group: Group, dx: float, dy: float) -> None:
        nonlocal order
        for node in group.children:
            order += 1
            if isinstance(node, Group):
                walk(node, dx + node.dx, dy + node.dy)
            elif isinstance(node, Text):
                if node.text:
                    add_text(node, node.x + dx, node.y + dy)
            elif isinstance(node, Labels):
                for text in node.as_texts():
                    if text.text:
                        add_text(text, text.x + dx, text.y + dy)
            elif isinstance(node, Column):
                cursor = node.y + dy
                for child in node.children:
                    add_text(child, node.x + dx + child.x, cursor + child.y)
                    cursor += child.y + measure(child.text, child.size, child.weight, child.max_width).height + \
                        node.gap
            else:
                r = node.rect
                rect = Rect(r.x + dx, r.y + dy, r.w, r.h)
                fill: Color | None
                if isinstance(node, Panel | Button):
                    fill = node.fill
                elif isinstance(node, ProgressBar):
                    fill = node.track
                else:
                    fill = None
                tint = node.tint if isinstance(node, Image) else WHITE
                shapes.append(_Shape(rect, fill, node.layer, order, _name(node), tint))
                if isinstance(node, Button) and node.label.strip():
                    wrap = r.w - 2 * BUTTON_INSET
                    m = measure(node.label, node.size, "bold", wrap)
                    label = Text(rect.x + rect.w / 2, rect.y + (rect.h - m.height) / 2, node.label, node.size,
                                 node.label_color, "bold", "center", wrap, node.layer)
                    order += 1
                    words.append(_Words(_extent(label, label.x, label.y), label, node.layer, order, _name(node),
                                        wrap, rect))

    walk(group, group.dx, group.dy)
    return shapes, words


def _inside(inner: Rect, outer: Rect, slack: float = TOLERANCE) -> bool:
    return (inner.x >= outer.x - slack and inner.y >= outer.y - slack
            and inner.x + inner.w <= outer.x + outer.w + slack and inner.y + inner.h <= outer.y + outer.h + slack)


def _overlap(a: Rect, b: Rect) -> float:
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return w * h if w > TOLERANCE and h > TOLERANCE else 0.0


def _luminance(colour: Color) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG 2.2 contrast ratio, 1..21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _over(top: Color, under: Color) -> Color:
    a = top[3]
    return (top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1.0)


def _is_under(shape: _Shape, text: _Words) -> bool:
    """Drawn before the text: a lower layer, or the same layer (shapes go under text in a layer)."""
    return shape.layer <= text.layer


def _backgrounds(text: _Words, shapes: Sequence[_Shape], background: Color) -> list[Color]:
    """What may show under the text's middle: one colour, or black and white under a picture (its tint
    instead of white: a scene darkened behind a poster; a fading picture over what lies under it)."""
    e = text.extent
    px, py = e.x + e.w / 2, e.y + e.h / 2
    under = sorted((s for s in shapes if _is_under(s, text) and s.rect.contains(px, py)),
                   key=lambda s: (s.layer, s.fill is not None, s.order))
    colours = [background]
    for shape in under:
        if shape.fill is None:
            t = shape.tint
            colours = [_over((0.0, 0.0, 0.0, t[3]), c) for c in colours] + [_over(t, c) for c in colours]
        elif shape.fill[3] > 0:
            fill = shape.fill
            colours = [_over(fill, c) for c in colours]
    return colours


@dataclass(frozen=True, slots=True)
class _Laid:
    """The scene flattened once, for every rule."""

    shapes: list[_Shape]
    words: list[_Words]
    screen: Rect
    containers: list[_Shape]  # opaque-ish shapes a text may be drawn on
    background: Color


def _lay(scene: Scene) -> _Laid:
    shapes, words = _flatten(scene.root)
    containers = [s for s in shapes if s.fill is not None and s.fill[3] > 0 and s.rect.w * s.rect.h > 0]
    return _Laid(shapes, words, Rect(0.0, 0.0, scene.width, scene.height), containers, scene.background)


def _shapes_off_screen(laid: _Laid) -> list[Problem]:
    """A picture behind the page (a negative layer: a stage's or the attract screen's scene) may be
    cropped by the screen's edges, like a photograph covering a portrait screen; nothing else may."""
    screen = laid.screen
    return [Problem("off screen", shape.name, f"leaves the {screen.w:.0f}×{screen.h:.0f} screen")
            for shape in laid.shapes
            if not _inside(shape.rect, screen) and not (shape.fill is None and shape.layer < 0)]


def _overflow(text: _Words, laid: _Laid) -> list[Problem]:
    problems: list[Problem] = []
    e = text.extent
    m = measure(text.node.text, text.node.size, text.node.weight, text.wrap)
    if text.wrap is not None and m.widest_word > text.wrap + TOLERANCE:
        problems.append(Problem("text overflow", text.name,
                                f"a word is {m.widest_word:.0f} wide in a {text.wrap:.0f} wide box"))
    box = text.owner
    if box is None:  # the shape it is drawn on: the topmost under its first letter
        holders = [s for s in laid.containers if _is_under(s, text) and s.rect.contains(e.x + 1, e.y + 1)]
        box = max(holders, key=lambda s: (s.layer, s.order)).rect if holders else laid.screen
    if not _inside(e, box):
        problems.append(Problem("text overflow", text.name,
                                f"{e.w:.0f}×{e.h:.0f} at ({e.x:.0f}, {e.y:.0f}) leaves its box "
                                f"({box.x:.0f}, {box.y:.0f}, {box.w:.0f}×{box.h:.0f})"))
    return problems


def _dimmed(text: _Words, shapes: Sequence[_Shape]) -> bool:
    """Behind a dialog's scrim: not read until the dialog closes."""
    e = text.extent
    return any(s.layer > text.layer and s.fill is not None and 0 < s.fill[3] < 0.99
               and s.rect.contains(e.x + e.w / 2, e.y + e.h / 2) for s in shapes)


def _covered(text: _Words, shapes: Sequence[_Shape]) -> list[Problem]:
    return [Problem("covered", text.name, f"{shape.name} is drawn over it") for shape in shapes
            if shape.layer > text.layer and (shape.fill is None or shape.fill[3] >= 0.99)
            and _overlap(shape.rect, text.extent) > 0]


def _contrast(text: _Words, laid: _Laid, min_contrast: float) -> list[Problem]:
    ratio = min(contrast_ratio(text.node.color, bg) for bg in _backgrounds(text, laid.shapes, laid.background))
    if ratio < min_contrast - 1e-6:
        return [Problem("contrast", text.name, f"{ratio:.2f}:1, needs {min_contrast:g}:1")]
    return []


def _text_problems(laid: _Laid, min_contrast: float) -> list[Problem]:
    """Per text, in drawing order: overflow, then (unless dimmed) covered and contrast."""
    problems: list[Problem] = []
    for text in laid.words:
        problems += _overflow(text, laid)
        if not _dimmed(text, laid.shapes):
            problems += _covered(text, laid.shapes) + _contrast(text, laid, min_contrast)
    return problems


def _texts_overlap(words: Sequence[_Words]) -> list[Problem]:
    return [Problem("text overlap", a.name, f"over {b.name}")
            for i, a in enumerate(words) for b in words[i + 1:]
            if a.layer == b.layer and _overlap(a.extent, b.extent) > 0]


def _target_problems(targets: Sequence[tuple[Rect, object]], screen: Rect, min_target: float) -> list[Problem]:
    """Per target: too small, off screen, then overlapping any later target."""
    problems: list[Problem] = []
    for index, (rect, action) in enumerate(targets):
        if rect.w < min_target - 1e-6 or rect.h < min_target - 1e-6:
            problems.append(Problem("small target", f"target {action!r}",
                                    f"{rect.w:.0f}×{rect.h:.0f}, needs {min_target:g}×{min_target:g}"))
        if not _inside(rect, screen):
            problems.append(Problem("off screen", f"target {action!r}", "leaves the screen"))
        problems += [Problem("targets overlap", f"target {action!r}", f"over target {other!r}")
                     for other_rect, other in targets[index + 1:] if _overlap(rect, other_rect) > 0]
    return problems


def check(scene: Scene, hits: Iterable[tuple[Rect, object]] = (), *, min_contrast: float = 4.5,
          min_target: float = MIN_TARGET, ignore: Sequence[object] = (("look",),)) -> list[Problem]:
    """Every problem found in `scene` and its tap targets (`hits`: rectangle, action)."""
    laid = _lay(scene)
    targets = [(rect, action) for rect, action in hits if action not in ignore]
    return (_shapes_off_screen(laid) + _text_problems(laid, min_contrast) + _texts_overlap(laid.words)
            + _target_problems(targets, laid.screen, min_target))
