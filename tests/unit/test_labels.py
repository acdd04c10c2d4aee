"""The `Labels` node: many labels laid out at once with numpy must give exactly the instance rows that
the same labels as `Text` nodes give (the engine's own layout, character by character)."""

from __future__ import annotations

import random
import string

import numpy as np
import pytest

from kiosk.render.atlas import Atlas
from kiosk.render.batcher import Batch, FrameBuilder
from kiosk.render.images import ImageLibrary
from kiosk.render.labels import lay_out_labels
from kiosk.render.text import FontFiles, TextEngine
from kiosk.view.nodes import Align, Group, Labels, Node, Panel, Rect, Scene, Text, Weight, placed
from tests.conftest import ASSETS, SCENARIOS

KERNING = "AVTWYLo.,'" + '"'  # pairs of these kern in Noto Sans: those labels must leave the fast path


def _builder(scale: float = 1.0) -> FrameBuilder:
    text = TextEngine(FontFiles.bundled(ASSETS), Atlas(1024, 1024, 1, "glyph"), scale=scale)
    return FrameBuilder(text, ImageLibrary([ASSETS / "images", SCENARIOS], Atlas(256, 256, 4, "image")))


def _random_labels(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = string.digits * 3 + string.ascii_letters + " -:%/" + KERNING * 2
    labels = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(count)]
    # Not plain ASCII, one each: accents, Arabic, a line break, a tab, and an empty label.
    labels[3:8] = ["Électricien 12", "مرحبا 7", "deux\nlignes", "a\tb", ""]
    return labels


def _anchors(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.random((count, 2)) * (1800, 1000)).astype(np.float32)


def _rows(batches: list[Batch]) -> list[tuple[int, str, np.ndarray]]:
    return [(b.layer, b.material, b.rows) for b in batches]


def _same(a: list[Batch], b: list[Batch]) -> None:
    assert [(layer, material) for layer, material, _ in _rows(a)] == [(lay, m) for lay, m, _ in _rows(b)]
    for (_, _, left), (_, _, right) in zip(_rows(a), _rows(b), strict=True):
        np.testing.assert_array_equal(left, right)  # the same floats, not just close ones


@pytest.mark.parametrize(("align", "weight", "scale", "labels_first"), [
    ("left", "regular", 1.0, True), ("center", "bold", 1.0, False), ("right", "regular", 0.75, True),
    ("center", "regular", 1.5, False)])
def test_labels_batch_exactly_like_the_same_texts(align: Align, weight: Weight, scale: float,
                                                  labels_first: bool) -> None:
    texts = _random_labels(seed=len(align) + int(scale * 4), count=300)
    node = Labels(_anchors(len(texts), 7), tuple(texts), 18.0, (0.9, 0.8, 0.7, 1.0), weight, align, layer=1)
    builder = _builder(scale)
    before, after = Text(40, 30, "Avant", 24), Text(60, 900, "To Wave", 24, layer=1)

    def scene(middle: tuple[Node, ...], retained: bool) -> Scene:  # in a moved, faded group, between two texts
        # A group of 8 nodes or more is compiled once at (0, 0), then moved: both ways are compared.
        fillers = tuple(Panel(Rect(0, 0, 5, 5), (0, 1, 0, 1)) for _ in range(8 if retained else 0))
        return Scene(Group((Group((before, Panel(Rect(0, 0, 50, 50), (1, 0, 0, 1), layer=1), *middle, after,
                                   *fillers), dx=12.5, dy=-3.25, opacity=0.6),)))

    for labels in (node, Labels(node.anchors[8:12], node.texts[8:12], node.size, node.color, weight, align, 1)):
        retained = len(labels.texts) > 4
        as_texts, as_labels = (scene(middle, retained) for middle in (labels.as_texts(), (labels,)))
        # Either path first: the fast path learns glyphs and pairs itself, or uses what the other learnt.
        first, second = (as_labels, as_texts) if labels_first else (as_texts, as_labels)
        built_first, built_second = builder.build(first), builder.build(second)
        _same(built_first, built_second)
        text_rows = next(b.rows for b in built_first if b.material == "text" and b.layer == 1)
        assert len(text_rows) > (600 if labels is node else 4)  # the labels' glyphs are there


def test_kerned_and_foreign_labels_take_the_engine_path() -> None:
    engine = _builder().text
    texts = ("1234", "AV", "To", "é", "", "42")
    rows, counts = lay_out_labels(engine, texts, 32.0, "regular", "left")
    for text, count, start in zip(texts, counts.tolist(), np.cumsum(counts) - counts, strict=True):
        alone = engine.layout(text, 32.0, "regular", None, "left").rows
        np.testing.assert_array_equal(rows[start:start + count], alone)
    assert counts.tolist()[4] == 0 and len(rows) == counts.sum()
    # "AV" kerns: laid out alone its two glyphs are closer than their advances side by side.
    a, v = rows[counts[0]:counts[0] + 2, 0]
    assert v - a < engine.layout("A", 32.0).width


def test_labels_refuse_anchors_that_do_not_line_up() -> None:
    with pytest.raises(ValueError, match="n×2"):
        Labels(np.zeros((3, 2), np.float32), ("a", "b"))


def test_labels_read_as_texts_where_screens_are_checked() -> None:
    node = Labels(np.array([[10, 20], [30, 40]], np.float32), ("12", "34"), 20.0, layer=2)
    leaves = [(n, dx, dy) for n, dx, dy in placed(Group((Group((node,), dx=5),)))]
    assert leaves == [(Text(10.0, 20.0, "12", 20.0, layer=2), 5.0, 0.0),
                      (Text(30.0, 40.0, "34", 20.0, layer=2), 5.0, 0.0)]


def test_the_layout_check_reads_labels_as_their_texts() -> None:
    from kiosk.view.check import check

    # Two labels on top of each other, one in a colour too faint on the background, one off the screen.
    node = Labels(np.array([[100, 100], [104, 104], [1900, 500]], np.float32), ("12345", "67890", "99999"), 30.0,
                  (0.3, 0.3, 0.3, 1.0))
    as_labels = check(Scene(Group((node,)), (0.2, 0.2, 0.2, 1.0)))
    as_texts = check(Scene(Group(node.as_texts()), (0.2, 0.2, 0.2, 1.0)))
    assert as_labels == as_texts and len(as_labels) >= 3


def test_the_software_renderer_draws_labels_as_their_texts() -> None:
    import pygame

    from kiosk.render.software import SoftwareRenderer

    node = Labels(np.array([[100, 100], [400, 300]], np.float32), ("12", "Vue 34"), 40.0, (1.0, 1.0, 0.0, 1.0))
    software = SoftwareRenderer((480, 270), FontFiles.bundled(ASSETS), [ASSETS / "images"])
    pictures = []
    for root in (Group((Group((node,), dx=20),)), Group((Group(node.as_texts(), dx=20),))):
        software.draw(Scene(root))
        pictures.append(pygame.surfarray.array3d(software.surface))
    np.testing.assert_array_equal(pictures[0], pictures[1])
    assert (pictures[0][:, :, 0] > 200).sum() > 20  # yellow ink on black (10-pixel text at this size)
