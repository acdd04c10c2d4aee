"""The render bench's 1000-widget scenes: the one written with arrays and retained parts must show
what the all-rebuilt one shows (same widgets, labels that change every frame), or its figure means
nothing."""

from __future__ import annotations

import pytest

from kiosk.bench.scenes import _label, stress_changing
from kiosk.view.nodes import Group, Image, Labels, Node, Scene, Shapes, Text


def _leaves(node: Node) -> list[Node]:
    return [leaf for child in node.children for leaf in _leaves(child)] if isinstance(node, Group) else [node]


def _texts(scene: Scene) -> list[Text]:
    return [t for n in _leaves(scene.root) if isinstance(n, Labels) for t in n.as_texts()]


def _labels(scene: Scene) -> list[str]:
    return [t.text for t in _texts(scene)]


def test_the_changing_scene_has_the_thousand_widgets_and_new_labels_every_frame() -> None:
    at = stress_changing("commis-de-cuisine/media/card.png")
    first, second = at(0), at(1)
    leaves = _leaves(first.root)
    shapes = [n for n in leaves if isinstance(n, Shapes)]
    assert sum(isinstance(n, Image) for n in leaves) == 250
    assert [len(n.texts) for n in leaves if isinstance(n, Labels)] == [250]  # the labels, one node
    # Where the all-rebuilt scene puts its labels, with the same numbers (widget i of 1000 is a label when i % 4 == 1).
    assert [(t.x, t.y, t.text) for t in _texts(first)] == [
        (pytest.approx(16 + (i % 40) * 47.6 + 4), pytest.approx(40 + (i // 40) * 41.0 + 6), _label(i, 0))
        for i in range(1, 1000, 4)]
    assert sorted(len(s.rects) for s in shapes) == [250, 250, 250]  # panels, bar tracks, bar fills
    assert first.root.children[0] is second.root.children[0]  # the pictures: one retained subtree
    changed = sum(a != b for a, b in zip(_labels(first), _labels(second), strict=True))
    assert changed == 250  # every label shows another number the next frame
    panels, later = (next(n for n in _leaves(scene.root) if isinstance(n, Shapes) and n.border)
                     for scene in (first, second))
    assert (panels.fills != later.fills).any()  # the panels change colour
