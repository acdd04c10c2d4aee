"""A pygame-ce software renderer of the same Scene: the benchmark's baseline.

It draws what a classic pygame kiosk would: rects with `pygame.draw`, cached text
surfaces, cached scaled images, one blit each. Group opacity is not applied (pygame has no
cheap per-group alpha); everything else matches the GL renderer's output closely enough
to compare costs.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import numpy as np
import pygame
import pygame.freetype

from kiosk.render.text import FontFiles
from kiosk.view.nodes import (
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
    Shapes,
    Text,
)


def _rgba(c: Color) -> tuple[int, int, int, int]:
    return (round(c[0] * 255), round(c[1] * 255), round(c[2] * 255), round(c[3] * 255))


class SoftwareRenderer:
    def __init__(self, size: tuple[int, int], fonts: FontFiles, asset_roots: list[Path]) -> None:
        pygame.freetype.init()
        self.surface = pygame.Surface(size)
        self.scale = min(size[0] / 1920, size[1] / 1080)
        self._fonts = {"regular": pygame.freetype.Font(str(fonts.regular)),
                       "bold": pygame.freetype.Font(str(fonts.bold))}
        self._roots = asset_roots
        self._texts: dict[tuple[str, float, str, Color], pygame.Surface] = {}
        self._images: dict[tuple[str, int, int], pygame.Surface | None] = {}

    def draw(self, scene: Scene) -> None:
        self.surface.fill(_rgba(scene.background))
        self._children(scene.root.children, scene.root.dx, scene.root.dy)

    def present(self) -> None:
        """Nothing to present: the surface is the frame."""

    def _column(self, node: Column, dx: float, dy: float) -> None:
        cursor = node.y
        for t in node.children:
            self._text(t, dx + node.x, dy + cursor)
            cursor += t.y + t.size * 1.25 + node.gap

    def _children(self, nodes: tuple[Node, ...], dx: float, dy: float) -> None:
        for node in sorted(nodes, key=lambda n: getattr(n, "layer", 0)):
            if isinstance(node, Group):
                self._children(node.children, dx + node.dx, dy + node.dy)
            elif isinstance(node, Panel):
                self._rect(node.rect, dx, dy, node.fill, node.radius)
                if node.border:
                    self._rect(node.rect, dx, dy, node.border_color, node.radius, node.border)
            elif isinstance(node, Image):
                self._image(node, dx, dy)
            elif isinstance(node, Text):
                self._text(node, dx, dy)
            elif isinstance(node, Labels):
                for text in node.as_texts():
                    self._text(text, dx, dy)
            elif isinstance(node, Column):
                self._column(node, dx, dy)
            elif isinstance(node, Button):
                self._rect(node.rect, dx, dy, node.fill, min(node.rect.h / 2, 28))
                r = node.rect
                self._text(Text(r.x + r.w / 2, r.y + r.h / 2 - node.size * 0.6, node.label, node.size,
                                node.label_color, "bold", "center"), dx, dy)
            elif isinstance(node, Shapes):
                radii = np.broadcast_to(node.radii, (len(node.rects),))
                for (x, y, w, h), fill, radius in zip(node.rects.tolist(), node.fills.tolist(), radii.tolist(),
                                                      strict=True):
                    self._rect(Rect(x, y, w, h), dx, dy, (fill[0], fill[1], fill[2], fill[3]), radius)
                    if node.border:
                        self._rect(Rect(x, y, w, h), dx, dy, node.border_color, radius, node.border)
            elif isinstance(node, ProgressBar):
                r = node.rect
                self._rect(r, dx, dy, node.track, r.h / 2)
                self._rect(Rect(r.x, r.y, max(r.h, r.w * node.value), r.h), dx, dy, node.fill, r.h / 2)

    def _screen_rect(self, r: Rect, dx: float, dy: float) -> pygame.Rect:
        s = self.scale
        return pygame.Rect(round((r.x + dx) * s), round((r.y + dy) * s), round(r.w * s), round(r.h * s))

    def _rect(self, r: Rect, dx: float, dy: float, color: Color, radius: float, width: float = 0) -> None:
        pygame.draw.rect(self.surface, _rgba(color), self._screen_rect(r, dx, dy), round(width * self.scale),
                         border_radius=round(radius * self.scale))

    def _image(self, node: Image, dx: float, dy: float) -> None:
        target = self._screen_rect(node.rect, dx, dy)
        key = (node.source, target.w, target.h)
        if key not in self._images:
            path = next((root / node.source for root in self._roots if (root / node.source).is_file()), None)
            self._images[key] = (pygame.transform.smoothscale(pygame.image.load(str(path)), target.size)
                                 if path else None)
        surface = self._images[key]
        if surface is not None:
            self.surface.blit(surface, target)

    def _text(self, node: Text, dx: float, dy: float) -> None:
        key = (node.text, node.size, node.weight, node.color)
        surface = self._texts.get(key)
        if surface is None:
            font = self._fonts[node.weight]
            surface, _ = font.render(node.text, _rgba(node.color), size=node.size * self.scale)
            self._texts[key] = surface
        x = (node.x + dx) * self.scale
        if node.align == "center":
            x -= surface.get_width() / 2
        elif node.align == "right":
            x -= surface.get_width()
        self.surface.blit(surface, (round(x), round((node.y + dy) * self.scale)))
