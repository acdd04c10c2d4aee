"""The standard benchmark scenes, built from the sample trades (or stand-ins)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kiosk.runtime.attract import AttractCard, AttractScreen
from kiosk.runtime.catalogue import catalogue_grid, catalogue_scene
from kiosk.view import theme
from kiosk.view.nodes import Button, Group, Image, Labels, Node, Panel, ProgressBar, Rect, Scene, Shapes, Text

SceneAt = Callable[[int], Scene]  # frame number → scene


@dataclass(frozen=True)
class BenchScene:
    name: str
    widgets: int
    scene_at: SceneAt


def _stress_widget(i: int, phase: float, image: str) -> Node:
    col, row = i % 40, i // 40
    x, y = 16 + col * 47.6, 40 + row * 41.0
    kind = i % 4
    if kind == 0:
        return Panel(Rect(x, y, 44, 36), theme.SURFACE, radius=8, border=2, border_color=theme.DOT)
    if kind == 1:
        # Varied text, as a live screen shows: a label repeats only after 9973 frames, so the
        # layout cache cannot make every frame free.
        return Text(x + 4, y + 6, f"{(i * 7919 + round(phase * 60) * 104729) % 9973}", 18, theme.TEXT)
    if kind == 2:
        return ProgressBar(Rect(x, y + 12, 44, 12), (i * 0.037 + phase) % 1.0, theme.ACCENT, theme.DOT)
    return Image(Rect(x, y, 44, 36), image, radius=6)


def _label(i: int, frame: int) -> str:
    return f"{(i * 7919 + frame * 104729) % 9973}"


def stress_changing(image: str) -> SceneAt:
    """The same 1000 widgets, written as a screen with live data would be: the pictures, which do not
    change, are one retained subtree (compiled once); the 250 panels change colour and the 250 bars
    their value every frame, written as numpy columns (two `Shapes`); the 250 labels change their
    text every frame exactly as in the all-rebuilt scene, written as one `Labels` node (their anchors
    a column, their strings formatted from the frame's numbers)."""
    i = np.arange(1000)
    x, y, kind = 16 + (i % 40) * 47.6, 40 + (i // 40) * 41.0, i % 4
    panels, labels, bars, pictures = (i[kind == k] for k in range(4))

    def rects(which: np.ndarray, dy: float, w: float, h: float) -> np.ndarray:
        return np.stack([x[which], y[which] + dy, np.full(len(which), w), np.full(len(which), h)], 1).astype(
            np.float32)

    panel_rects, bar_rects = rects(panels, 0, 44, 36), rects(bars, 12, 44, 12)
    surface, accent = np.array(theme.SURFACE, np.float32), np.array(theme.ACCENT, np.float32)
    tracks = Shapes(bar_rects, np.tile(np.array(theme.DOT, np.float32), (len(bars), 1)), 6.0)
    retained = Group((*(Image(Rect(float(x[j]), float(y[j]), 44, 36), image, radius=6) for j in pictures), tracks))
    anchors = np.stack([x[labels] + 4, y[labels] + 6], 1).astype(np.float32)
    seeds = labels * 7919  # _label's numbers, for every label at once
    fill_rects = bar_rects.copy()
    accents = np.tile(accent, (len(bars), 1))

    def at(frame: int) -> Scene:
        phase = frame / 60
        fills = np.tile(surface, (len(panels), 1))
        fills[:, :3] *= (0.8 + 0.2 * np.sin(phase * 6.283 + panels * 0.1))[:, None]
        values = (bars * 0.037 + phase) % 1.0
        fill_rects[:, 2] = np.maximum(12.0, 44.0 * values)
        texts = tuple(map(str, ((seeds + frame * 104729) % 9973).tolist()))
        return Scene(Group((retained, Shapes(panel_rects, fills, 8.0, 2.0, theme.DOT),
                            Shapes(fill_rects.copy(), accents, 6.0), Labels(anchors, texts, 18, theme.TEXT))),
                     theme.BACKGROUND)

    return at


def standard_scenes(cards: list[AttractCard]) -> list[BenchScene]:
    attract = AttractScreen(cards, start=0.0)
    many = (cards * (24 // max(1, len(cards)) + 1))[:24]
    grid = catalogue_grid(many)
    image = cards[0].image
    static_stress = Group(tuple(_stress_widget(i, 0.0, image) for i in range(1000)))

    def stress_rebuilt(frame: int) -> Scene:
        phase = frame / 60
        return Scene(Group(tuple(_stress_widget(i, phase, image) for i in range(1000))), theme.BACKGROUND)

    return [
        BenchScene("attract (still)", 20, lambda f: attract.view(1.0)),
        BenchScene("attract (sliding)", 24, lambda f: attract.view(8.0 + (f % 40) / 60)),
        BenchScene("catalogue 24 cards (scrolling)", 24 * 6, lambda f: catalogue_scene(grid, (f % 60) * 2.0)),
        BenchScene("stress 1000 widgets (scrolling)", 1000,
                   lambda f: Scene(Group((static_stress,), dy=-(f % 30)), theme.BACKGROUND)),
        BenchScene("stress 1000 widgets (all rebuilt)", 1000, stress_rebuilt),
        BenchScene("stress 1000 changing (arrays+retained)", 1000, stress_changing(image)),
        BenchScene("button", 1, lambda f: Scene(Group((Button(Rect(560, 900, 800, 110), "Go", theme.ACCENT),)),
                                                 theme.BACKGROUND)),
    ]
