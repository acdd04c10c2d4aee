"""Accessibility preferences and the pure scene transforms that apply them.

Every screen is built once in the normal theme and then adapted: larger text, the
high-contrast palette, and a mirrored layout for right-to-left languages. Doing it as a
transform of the finished Scene keeps the screens simple and guarantees that no screen
forgets a preference. Targets (touch rectangles) go through the same mirror.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from kiosk.view import theme
from kiosk.view.nodes import (
    DESIGN_WIDTH,
    Button,
    Color,
    Column,
    Group,
    Image,
    Node,
    Panel,
    ProgressBar,
    Rect,
    Scene,
    Text,
    rgba,
)

LARGE_TEXT = 1.25


@dataclass(frozen=True, slots=True)
class Prefs:
    large_text: bool = False
    high_contrast: bool = False
    reduced_motion: bool = False
    easy_read: bool = False  # the author's easy-read (FALC) texts where the scenario has them
    narration: bool = False  # each screen's text read aloud
    scanning: bool = False  # one switch: the focus moves by itself, the switch selects
    captions: bool = True  # on unless the kiosk has headphones and the visitor turns them off

    def toggled(self, name: str) -> Prefs:
        if name not in TOGGLES:
            return self
        return replace(self, **{name: not getattr(self, name)})


TOGGLES = tuple(f.name for f in fields(Prefs) if f.name != "captions")

# High contrast: black and white with one yellow accent; every text pair is ≥ 7:1 (WCAG AAA).
HIGH_CONTRAST: dict[Color, Color] = {
    theme.BACKGROUND: rgba("#000000"),
    theme.SURFACE: rgba("#000000"),
    theme.TEXT: rgba("#ffffff"),
    theme.TEXT_MUTED: rgba("#ffffff"),
    theme.ACCENT: rgba("#ffff00"),
    theme.ON_ACCENT: rgba("#000000"),
    theme.ALERT: rgba("#000000"),
    theme.DOT: rgba("#ffffff"),
    theme.PICKED: rgba("#ffff00"),
}
HIGH_CONTRAST_BORDER = rgba("#ffffff")


def relative_luminance(colour: Color) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG 2.2 contrast ratio, 1..21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def adapt(scene: Scene, prefs: Prefs, rtl: bool) -> Scene:
    root = scene.root
    if prefs.large_text:
        root = _map(root, _enlarge)
    if prefs.high_contrast:
        root = _map(root, _recolour)
    if rtl:
        root = _mirror_group(root)
    background = HIGH_CONTRAST.get(scene.background, scene.background) if prefs.high_contrast else scene.background
    return replace(scene, root=root, background=background)


def mirror_rect(rect: Rect, width: float = DESIGN_WIDTH) -> Rect:
    return Rect(width - rect.x - rect.w, rect.y, rect.w, rect.h)


def _map(group: Group, change: object) -> Group:
    def walk(node: Node) -> Node:
        if isinstance(node, Group):
            return replace(node, children=tuple(walk(c) for c in node.children))
        if isinstance(node, Column):
            return replace(node, children=tuple(walk(c) for c in node.children))  # type: ignore[misc]
        return change(node)  # type: ignore[operator,no-any-return]

    return walk(group)  # type: ignore[return-value]


def _enlarge(node: Node) -> Node:
    if isinstance(node, Text):
        return replace(node, size=node.size * LARGE_TEXT)
    if isinstance(node, Button):
        return replace(node, size=node.size * LARGE_TEXT)
    return node


def _hc(colour: Color) -> Color:
    return HIGH_CONTRAST.get(colour, colour)


def _recolour(node: Node) -> Node:
    if isinstance(node, Text):
        return replace(node, color=_hc(node.color))
    if isinstance(node, Panel):
        # Surfaces become black: a white outline keeps cards and boxes visible.
        border = 3.0 if node.fill == theme.SURFACE else node.border
        border_colour = HIGH_CONTRAST_BORDER if node.fill == theme.SURFACE else _hc(node.border_color)
        return replace(node, fill=_hc(node.fill), border=border, border_color=border_colour)
    if isinstance(node, Button):
        fill = _hc(node.fill)
        label = rgba("#000000") if fill == rgba("#ffff00") else rgba("#ffffff")
        button = replace(node, fill=fill, label_color=label)
        if fill != rgba("#000000"):
            return button
        outline = Panel(node.rect, (0.0, 0.0, 0.0, 0.0), radius=min(node.rect.h / 2, 28.0), border=3.0,
                        border_color=HIGH_CONTRAST_BORDER, layer=node.layer)
        return Group((button, outline))
    if isinstance(node, ProgressBar):
        return replace(node, fill=_hc(node.fill), track=rgba("#555555"))
    return node


def _mirror_group(group: Group) -> Group:
    return replace(group, dx=-group.dx, children=tuple(_mirror(c) for c in group.children))


def _flip_align(text: Text, x: float) -> Text:
    align = {"left": "right", "right": "left", "center": "center"}[text.align]
    return replace(text, x=x, align=align)  # type: ignore[arg-type]


def _mirror(node: Node) -> Node:
    width = DESIGN_WIDTH
    if isinstance(node, Group):
        return _mirror_group(node)
    if isinstance(node, Column):
        return replace(node, x=width - node.x,
                       children=tuple(_flip_align(t, -t.x) for t in node.children))
    if isinstance(node, Text):
        return _flip_align(node, width - node.x)
    if isinstance(node, ProgressBar):
        return replace(node, rect=mirror_rect(node.rect), from_right=not node.from_right)
    if isinstance(node, Panel | Image | Button):
        return replace(node, rect=mirror_rect(node.rect))
    return node
