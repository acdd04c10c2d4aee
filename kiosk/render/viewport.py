"""Where the design space lands on a target: uniform scale, centred (letterbox)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.view.nodes import DESIGN_HEIGHT, DESIGN_WIDTH


@dataclass(frozen=True)
class Viewport:
    """Where the design space lands on the target: uniform scale, centred (letterbox)."""

    x: int
    y: int
    w: int
    h: int
    scale: float

    @staticmethod
    def fit(target: tuple[int, int], design: tuple[float, float] = (DESIGN_WIDTH, DESIGN_HEIGHT)) -> Viewport:
        scale = min(target[0] / design[0], target[1] / design[1])
        w, h = round(design[0] * scale), round(design[1] * scale)
        return Viewport((target[0] - w) // 2, (target[1] - h) // 2, w, h, scale)

    def to_design(self, px: float, py: float, target_height: int) -> tuple[float, float]:
        """Target pixel (origin top-left) → design-space point."""
        return (px - self.x) / self.scale, (py - (target_height - self.y - self.h)) / self.scale
