"""What each eye of a head-mounted display sees of a 360° stream (pure).

Only the head's orientation turns the view: the camera never moves by itself (comfort), and
the position is ignored (seated mode: a 360° picture has no parallax to offer).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from kiosk.media.sphere import Look
from kiosk.view.nodes import (
    Button,
    Column,
    Group,
    Image,
    Labels,
    Node,
    Panel,
    Panorama,
    ProgressBar,
    Rect,
    Scene,
    Shapes,
    Text,
    Video,
    placed,
)


def eye_scene(stream: str, look: Look, size: tuple[float, float], *, loop: bool = False,
              paused: bool = False) -> Scene:
    """The whole eye filled with the sphere seen along `look` (the eye's own field of view)."""
    width, height = size
    sphere = Panorama(Rect(0.0, 0.0, width, height), stream, look.yaw, look.pitch, look.fov, loop=loop, paused=paused)
    return Scene(Group((sphere,)), width=width, height=height, labels=("eye",))


def immersive_eye(scene: Scene, panorama: Panorama, eye_fov: float, size: tuple[float, float]) -> Scene:
    """One eye of a headset, for a flat screen showing `panorama`: the sphere fills the eye along the
    same look with the eye's field of view, and what the flat screen draws over the view (hotspot
    numbers, captions) keeps its place at the same angles, scaled alike."""
    width, height = size
    area = panorama.rect
    # eye pixels per design unit: both are so many units per unit of tan(angle) from the centre
    scale = (height * math.tan(math.radians(panorama.fov) / 2)) / (area.h * math.tan(math.radians(eye_fov) / 2))
    centre = (area.x + area.w / 2, area.y + area.h / 2)

    def place(x: float, y: float) -> tuple[float, float]:
        return width / 2 + (x - centre[0]) * scale, height / 2 + (y - centre[1]) * scale

    overlay: list[Node] = []
    for node, dx, dy in placed(scene.root):
        # (placed yields no groups, and labels as their texts; array shapes are a flat screen's live gauges,
        # not marks over the view)
        if isinstance(node, Group | Video | Panorama | Shapes | Labels):
            continue
        moved = _moved(node, dx, dy)
        if _inside(_anchor(moved), area):
            overlay.append(_scaled(moved, place, scale))
    eye = eye_scene(panorama.stream, Look(panorama.yaw, panorama.pitch, eye_fov), size, loop=panorama.loop,
                    paused=panorama.paused)
    return replace(eye, root=Group((*eye.root.children, *overlay)))


def _anchor(node: Text | Column | Panel | Image | Button | ProgressBar) -> tuple[float, float]:
    """The point that decides whether a node lies over the view."""
    if isinstance(node, Text | Column):
        return node.x, node.y
    return node.rect.x + node.rect.w / 2, node.rect.y + node.rect.h / 2


def _inside(point: tuple[float, float], area: Rect) -> bool:
    return area.x <= point[0] <= area.x + area.w and area.y <= point[1] <= area.y + area.h


def _moved(node: Text | Column | Panel | Image | Button | ProgressBar, dx: float,
           dy: float) -> Text | Column | Panel | Image | Button | ProgressBar:
    if isinstance(node, Text | Column):
        return replace(node, x=node.x + dx, y=node.y + dy)
    rect = node.rect
    return replace(node, rect=Rect(rect.x + dx, rect.y + dy, rect.w, rect.h))


def _scaled_text(text: Text, x: float, y: float, scale: float) -> Text:
    return replace(text, x=x, y=y, size=text.size * scale,
                   max_width=None if text.max_width is None else text.max_width * scale)


def _scaled(node: Text | Column | Panel | Image | Button | ProgressBar,
            to: Callable[[float, float], tuple[float, float]], scale: float) -> Node:
    if isinstance(node, Text):
        return _scaled_text(node, *to(node.x, node.y), scale)
    if isinstance(node, Column):  # its children's positions are offsets within it
        x, y = to(node.x, node.y)
        return replace(node, x=x, y=y, gap=node.gap * scale,
                       children=tuple(_scaled_text(t, t.x * scale, t.y * scale, scale) for t in node.children))
    x, y = to(node.rect.x, node.rect.y)
    moved = replace(node, rect=Rect(x, y, node.rect.w * scale, node.rect.h * scale))
    if isinstance(moved, Panel):
        return replace(moved, radius=moved.radius * scale, border=moved.border * scale)
    if isinstance(moved, Image):
        return replace(moved, radius=moved.radius * scale)
    if isinstance(moved, Button):
        return replace(moved, size=moved.size * scale)
    return moved
