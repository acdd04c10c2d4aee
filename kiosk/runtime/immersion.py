"""What each eye of a head-mounted display sees of a 360° stream (pure).

Only the head's orientation turns the view: the camera never moves by itself (comfort), and
the position is ignored (seated mode: a 360° picture has no parallax to offer).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import replace

from kiosk.media.sphere import Look
from kiosk.runtime.view import (
    Button,
    Column,
    Group,
    Image,
    Node,
    Panel,
    Panorama,
    ProgressBar,
    Rect,
    Scene,
    Text,
    Video,
)


def eye_scene(stream: str, look: Look, size: tuple[float, float]) -> Scene:
    """The whole eye filled with the sphere seen along `look` (the eye's own field of view)."""
    width, height = size
    return Scene(Group((Panorama(Rect(0.0, 0.0, width, height), stream, look.yaw, look.pitch, look.fov),)),
                 width=width, height=height, labels=("eye",))


def immersive_eye(scene: Scene, panorama: Panorama, eye_fov: float, size: tuple[float, float]) -> Scene:
    """One eye of a headset used as a monitor, for a flat screen showing `panorama`: the sphere fills
    the eye along the same look with the eye's field of view, and what the flat screen draws over
    the view (hotspot numbers, captions) keeps its place at the same angles, scaled alike."""
    width, height = size
    area = panorama.rect
    # eye pixels per design unit: both are so many units per unit of tan(angle) from the centre
    scale = (height * math.tan(math.radians(panorama.fov) / 2)) / (area.h * math.tan(math.radians(eye_fov) / 2))
    centre = (area.x + area.w / 2, area.y + area.h / 2)

    def place(x: float, y: float) -> tuple[float, float]:
        return width / 2 + (x - centre[0]) * scale, height / 2 + (y - centre[1]) * scale

    overlay = [_scaled(node, place, scale) for node, at in _flat(scene.root, 0.0, 0.0)
               if not isinstance(node, Video | Panorama) and _inside(at, area)]
    sphere = Panorama(Rect(0.0, 0.0, width, height), panorama.stream, panorama.yaw, panorama.pitch, eye_fov,
                      loop=panorama.loop, paused=panorama.paused)
    return Scene(Group((sphere, *overlay)), width=width, height=height, labels=("eye",))


def _flat(group: Group, dx: float, dy: float) -> Iterator[tuple[Node, tuple[float, float]]]:
    """Leaf nodes moved by their groups' offsets, with the point that decides where they belong."""
    for node in group.children:
        if isinstance(node, Group):
            yield from _flat(node, dx + node.dx, dy + node.dy)
            continue
        moved = _moved(node, dx, dy)
        if isinstance(moved, Text | Column):
            yield moved, (moved.x, moved.y)
        elif not isinstance(moved, Group):
            rect = moved.rect
            yield moved, (rect.x + rect.w / 2, rect.y + rect.h / 2)


def _inside(point: tuple[float, float], area: Rect) -> bool:
    return area.x <= point[0] <= area.x + area.w and area.y <= point[1] <= area.y + area.h


def _moved(node: Node, dx: float, dy: float) -> Node:
    if (dx == 0.0 and dy == 0.0) or isinstance(node, Group):
        return node
    if isinstance(node, Text | Column):
        return replace(node, x=node.x + dx, y=node.y + dy)
    rect = node.rect
    return replace(node, rect=Rect(rect.x + dx, rect.y + dy, rect.w, rect.h))


def _scaled(node: Node, to: Callable[[float, float], tuple[float, float]], scale: float) -> Node:
    if isinstance(node, Text):
        x, y = to(node.x, node.y)
        return replace(node, x=x, y=y, size=node.size * scale,
                       max_width=None if node.max_width is None else node.max_width * scale)
    if isinstance(node, Column):
        x, y = to(node.x, node.y)
        return replace(node, x=x, y=y, gap=node.gap * scale, children=tuple(
            replace(t, x=t.x * scale, y=t.y * scale, size=t.size * scale,
                    max_width=None if t.max_width is None else t.max_width * scale) for t in node.children))
    assert isinstance(node, Panel | Image | Button | ProgressBar)
    x, y = to(node.rect.x, node.rect.y)
    moved = replace(node, rect=Rect(x, y, node.rect.w * scale, node.rect.h * scale))
    if isinstance(moved, Panel):
        return replace(moved, radius=moved.radius * scale, border=moved.border * scale)
    if isinstance(moved, Image):
        return replace(moved, radius=moved.radius * scale)
    if isinstance(moved, Button):
        return replace(moved, size=moved.size * scale)
    return moved
