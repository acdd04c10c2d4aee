"""A renderer for frame-loop tests: keeps every scene it is asked to draw, presents nothing."""

from __future__ import annotations

from kiosk.view.nodes import Scene


class RecordingRenderer:
    def __init__(self) -> None:
        self.drawn: list[Scene] = []

    def draw(self, scene: Scene) -> None:
        self.drawn.append(scene)

    def present(self) -> None:
        pass
