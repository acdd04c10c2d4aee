"""A fixed grid of 24 trade cards for `kiosk bench render`'s scrolling scene (and its golden image):
a renderer workload, placed by hand so the figures compare from run to run. The visitor's
catalogue is `kiosk.runtime.pages.catalogue_page`, laid out by the layout engine.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.runtime.attract import AttractCard
from kiosk.view import theme
from kiosk.view.nodes import Group, Image, Node, Panel, Rect, Scene, Text

COLUMNS = 6
CARD_W, CARD_H, GAP = 280.0, 200.0, 20.0
GRID_X = (1920 - (COLUMNS * CARD_W + (COLUMNS - 1) * GAP)) / 2
GRID_Y = 170.0


def catalogue_card(card: AttractCard, x: float, y: float) -> Group:
    return Group((
        Panel(Rect(0, 0, CARD_W, CARD_H), theme.SURFACE, radius=18),
        Image(Rect(10, 10, CARD_W - 20, 118), card.image, radius=12),
        Panel(Rect(18, 18, 14 + 9.5 * len(card.badge), 30), theme.ALERT, radius=15, layer=1),
        Text(25, 20, card.badge, 17, theme.TEXT, "bold", layer=1),
        Text(14, 136, card.title, 22, theme.TEXT, "bold", max_width=CARD_W - 28),
        Text(CARD_W - 14, CARD_H - 28, card.code, 15, theme.TEXT_MUTED, align="right"),
    ), dx=x, dy=y)


def catalogue_grid(cards: Sequence[AttractCard]) -> Group:
    """All cards laid out in rows; reuse the returned Group across frames (it is cached)."""
    nodes: list[Node] = []
    for i, card in enumerate(cards):
        row, col = divmod(i, COLUMNS)
        nodes.append(catalogue_card(card, GRID_X + col * (CARD_W + GAP), GRID_Y + row * (CARD_H + GAP)))
    return Group(tuple(nodes))


def catalogue_scene(grid: Group, scroll: float = 0.0, title: str = "Choisissez un métier") -> Scene:
    return Scene(Group((
        Text(80, 60, title, 56, theme.TEXT, "bold"),
        Text(80, 130, "Les métiers qui recrutent le plus sont en premier.", 26, theme.TEXT_MUTED),
        Group((grid,), dy=-scroll),
    )), theme.BACKGROUND, labels=("catalogue",))
