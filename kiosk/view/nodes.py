"""The view model: what the screen shows, as immutable values.

The runtime builds a `Scene` from its state; the renderer draws it and decides nothing.
Coordinates are logical pixels of the screen's design space (the Scene's width × height:
1920×1080 at 16:9, 1080×1920 in portrait; kiosk.view.layout.design_size), origin top-left; the
renderer scales them to the real target. Within one `layer`, shapes are drawn under
images, and images under text; higher layers draw over lower ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

DESIGN_WIDTH = 1920
DESIGN_HEIGHT = 1080

Color = tuple[float, float, float, float]
TRANSPARENT: Color = (0.0, 0.0, 0.0, 0.0)
WHITE: Color = (1.0, 1.0, 1.0, 1.0)
BLACK: Color = (0.0, 0.0, 0.0, 1.0)


def rgba(hex_code: str, alpha: float = 1.0) -> Color:
    """`rgba("#1d3557")` → a Color; handy for themes."""
    h = hex_code.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"expected a colour like #1d3557, got {hex_code!r}")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, alpha)


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px < self.x + self.w and self.y <= py < self.y + self.h


@dataclass(frozen=True, slots=True)
class Panel:
    rect: Rect
    fill: Color
    radius: float = 0.0
    border: float = 0.0
    border_color: Color = TRANSPARENT
    layer: int = 0


@dataclass(frozen=True, slots=True)
class Image:
    rect: Rect
    source: str  # a name the renderer's asset finder resolves, e.g. "trades/cook.png"
    tint: Color = WHITE
    radius: float = 0.0
    layer: int = 0
    detail: float = 1.0  # pixels kept per screen pixel: under 1, a backdrop in its own texture, filtered up


Align = Literal["left", "center", "right"]
Weight = Literal["regular", "bold"]


@dataclass(frozen=True, slots=True)
class Text:
    x: float  # left edge, centre or right edge depending on `align`
    y: float  # top of the first line
    text: str
    size: float = 32.0
    color: Color = WHITE
    weight: Weight = "regular"
    align: Align = "left"
    max_width: float | None = None  # wrap lines longer than this
    layer: int = 0
    lines: tuple[str, ...] = ()  # where the layout engine broke it (the room it holds); empty: wrapped when drawn

    @property
    def drawn(self) -> str:
        """What the renderer lays out: the layout engine's lines when it broke them, so a box holds as many
        lines as it was sized for (its measure allows for pixel rounding; drawing can fit a word more)."""
        return "\n".join(self.lines) if self.lines else self.text


@dataclass(frozen=True, slots=True)
class Button:
    rect: Rect
    label: str
    fill: Color
    label_color: Color = WHITE
    size: float = 36.0
    focused: bool = False  # drawn with a thick outline (keyboard and switch scanning)
    layer: int = 0


@dataclass(frozen=True, slots=True)
class ProgressBar:
    rect: Rect
    value: float  # 0..1
    fill: Color
    track: Color
    layer: int = 0
    from_right: bool = False  # right-to-left layouts fill from the right


@dataclass(frozen=True, slots=True)
class Video:
    """The current frame of a named media stream (the composition root plays it and hands the
    renderer its frames), scaled to fill `rect`."""

    rect: Rect
    stream: str  # e.g. the clip's path under the scenarios folder
    radius: float = 0.0
    loop: bool = False
    paused: bool = False  # the clip stands still (sound too) while the scenario is paused
    layer: int = 0


@dataclass(frozen=True, slots=True)
class Panorama:
    """An equirectangular stream or picture seen from inside the sphere: looking towards yaw
    (+ right) and pitch (+ up), degrees, with a vertical field of view of `fov` degrees."""

    rect: Rect
    stream: str
    yaw: float = 0.0
    pitch: float = 0.0
    fov: float = 75.0
    loop: bool = False
    paused: bool = False
    layer: int = 0


@dataclass(frozen=True, slots=True)
class Column:
    """Texts flowed top to bottom from (x, y): each starts `gap` below the previous one's
    last line, so a title that wraps pushes the text under it down. A child's own x and y
    are offsets within the column."""

    x: float
    y: float
    children: tuple[Text, ...]
    gap: float = 8.0


@dataclass(frozen=True, slots=True)
class Group:
    """Children moved by (dx, dy) and faded by `opacity`.

    A Group object reused from one frame to the next is compiled once by the renderer:
    keep static subtrees as the same object and only their offset or opacity costs.
    """

    children: tuple[Node, ...]
    dx: float = 0.0
    dy: float = 0.0
    opacity: float = 1.0


@dataclass(frozen=True, slots=True, eq=False)
class Shapes:
    """Many rounded rectangles given as columns, for the parts of a screen that change every frame
    (live gauges, a grid of counters): written with numpy in one go and batched with one array copy,
    instead of a Panel object per shape built and walked each frame. `rects` is n×4 (x, y, w, h),
    `fills` n×4 colours, `radii` n radii or one for all; the border is shared. `rect` is their
    bounding box (what the layout check and hit tests see)."""

    rects: npt.NDArray[np.float32]
    fills: npt.NDArray[np.float32]
    radii: npt.NDArray[np.float32] | float = 0.0
    border: float = 0.0
    border_color: Color = TRANSPARENT
    layer: int = 0

    def __post_init__(self) -> None:
        if self.rects.ndim != 2 or self.rects.shape[1] != 4 or self.fills.shape != self.rects.shape:
            raise ValueError(f"Shapes wants n×4 rects and n×4 fills, got {self.rects.shape} and {self.fills.shape}")
        if isinstance(self.radii, np.ndarray) and self.radii.shape != (len(self.rects),):
            raise ValueError(f"Shapes wants one radius per rect, got {self.radii.shape} for {len(self.rects)}")

    @property
    def rect(self) -> Rect:
        if not len(self.rects):
            return Rect(0.0, 0.0, 0.0, 0.0)
        left, top = (float(v) for v in self.rects[:, :2].min(axis=0))
        right = float((self.rects[:, 0] + self.rects[:, 2]).max())
        bottom = float((self.rects[:, 1] + self.rects[:, 3]).max())
        return Rect(left, top, right - left, bottom - top)


@dataclass(frozen=True, slots=True, eq=False)
class Labels:
    """Many texts of one style, for the parts of a screen that change every frame (live counters, a
    grid of figures): their anchors as an n×2 column (each as a `Text`'s x and y) and their strings,
    batched together (plain ASCII lines laid out with numpy) instead of a `Text` object per label built
    and walked each frame. Each label shows exactly what `Text(x, y, text, size, color, weight, align,
    layer=layer)` shows."""

    anchors: npt.NDArray[np.float32]
    texts: tuple[str, ...]
    size: float = 32.0
    color: Color = WHITE
    weight: Weight = "regular"
    align: Align = "left"
    layer: int = 0

    def __post_init__(self) -> None:
        if self.anchors.ndim != 2 or self.anchors.shape != (len(self.texts), 2):
            raise ValueError(f"Labels wants one n×2 anchor per text, got {self.anchors.shape} for "
                             f"{len(self.texts)} texts")

    def as_texts(self) -> tuple[Text, ...]:
        """The same labels as `Text` nodes (what the layout check, the software renderer and tests read)."""
        return tuple(Text(x, y, text, self.size, self.color, self.weight, self.align, None, self.layer)
                     for (x, y), text in zip(self.anchors.tolist(), self.texts, strict=True))


Node = Panel | Image | Text | Button | ProgressBar | Column | Group | Video | Panorama | Shapes | Labels


@dataclass(frozen=True, slots=True)
class Scene:
    root: Group
    background: Color = BLACK
    width: float = DESIGN_WIDTH
    height: float = DESIGN_HEIGHT
    labels: tuple[str, ...] = field(default=())  # screen name etc., for tests and logs


def placed(group: Group, dx: float = 0.0, dy: float = 0.0) -> Iterator[tuple[Node, float, float]]:
    """Every node that is not a Group, in drawing order, with the offset its groups add to it (a
    `Labels` node as its `Text`s)."""
    for node in group.children:
        if isinstance(node, Group):
            yield from placed(node, dx + node.dx, dy + node.dy)
        elif isinstance(node, Labels):
            for text in node.as_texts():
                yield text, dx, dy
        else:
            yield node, dx, dy


def media_nodes(scene: Scene) -> list[Video | Panorama]:
    """The Video and Panorama nodes of a scene, in drawing order."""
    return [node for node, _, _ in placed(scene.root) if isinstance(node, Video | Panorama)]


def streams(scene: Scene) -> dict[str, bool]:
    """The media streams a scene shows, and whether each loops (what the media deck must play)."""
    found: dict[str, bool] = {}
    for node in media_nodes(scene):
        found[node.stream] = found.get(node.stream, False) or node.loop
    return found


def paused_streams(scene: Scene) -> frozenset[str]:
    """The streams a scene shows standing still (a scenario paused while the headset is off)."""
    return frozenset(node.stream for node in media_nodes(scene) if node.paused)
