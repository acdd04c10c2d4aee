"""Large shapes drawn in two passes (cores flat, then edge bands with the distance field) must show what
one quad per shape shows: compared pixel by pixel on llvmpipe, at two scales."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from kiosk.render import slices
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.catalogue import catalogue_grid, catalogue_scene
from kiosk.view.nodes import Group, Panel, Rect, Scene
from tests.conftest import ASSETS, SCENARIOS

pytestmark = pytest.mark.gl


@pytest.fixture(params=[(640, 360), (1366, 768)], ids=["third", "fractional"])
def renderer(gl_context: object, request: pytest.FixtureRequest) -> Iterator[GLRenderer]:
    drawn = GLRenderer(gl_context, request.param, [ASSETS / "images", SCENARIOS],  # type: ignore[arg-type]
                       FontFiles.bundled(ASSETS))
    yield drawn
    drawn.release()


def _both_ways(renderer: GLRenderer, scene: Scene, monkeypatch: pytest.MonkeyPatch) -> tuple[np.ndarray, np.ndarray]:
    frames = []
    for area in (float("inf"), 0.0):  # never in two passes, then whenever the shapes do not overlap
        monkeypatch.setattr(slices, "SLICE_MIN_AREA", area)
        renderer.draw(scene)
        frames.append(renderer.read_pixels().astype(int))
    return frames[0], frames[1]


def _assert_same(one: np.ndarray, two: np.ndarray) -> None:
    # A band's pixel finds its distance to the edge from the vertices' positions, not the corners': the
    # last bit of a float may differ, and a pixel's 8-bit colour by one step at most, in a few edge pixels.
    difference = np.abs(one - two).max(axis=2)
    assert difference.max() <= 1
    assert (difference > 0).mean() < 1e-3


def test_sliced_panels_show_what_whole_quads_show(renderer: GLRenderer, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    panels = []
    for i in range(30):  # a grid of cells, one panel in each: none overlap, some touch
        col, row = i % 6, i // 6
        w, h = rng.uniform(60, 300), rng.uniform(40, 200)
        radius = float(rng.choice([0.0, 4.0, 18.0, 500.0]))  # 500: a pill, its core only as high as it allows
        border = float(rng.choice([0.0, 0.0, 3.0, 9.5]))
        alpha = float(rng.choice([1.0, 1.0, 0.6, 0.0]))
        panels.append(Panel(Rect(col * 310.0 + rng.uniform(0, 10), row * 210.0 + rng.uniform(0, 10), w, h),
                            (rng.uniform(), rng.uniform(), rng.uniform(), alpha), radius, border,
                            (0.9, 0.2, 0.1, 0.8)))
    panels.append(Panel(Rect(1860, 0, 60, 1080), (0.1, 0.9, 0.2, 1.0)))  # touches its neighbour's edge
    scene = Scene(Group(tuple(panels), dx=0.37, dy=0.61), background=(0.2, 0.2, 0.3, 1.0))
    assert slices.sliced(renderer.prepare(scene)[0].rows)  # the two-pass path is the one compared
    whole, sliced = _both_ways(renderer, scene, monkeypatch)
    _assert_same(whole, sliced)
    assert len(np.unique(whole.reshape(-1, 4), axis=0)) > 100  # a picture with something in it


def test_the_catalogue_shows_the_same_in_two_passes(renderer: GLRenderer, sample_cards: list,  # type: ignore[type-arg]
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    scene = catalogue_scene(catalogue_grid((sample_cards * 5)[:24]), 37.0)
    whole, sliced = _both_ways(renderer, scene, monkeypatch)
    _assert_same(whole, sliced)


def test_overlapping_panels_keep_one_quad_each(renderer: GLRenderer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The second panel lies over the first: drawing both cores first would put the first's band over it.
    scene = Scene(Group((Panel(Rect(100, 100, 600, 400), (1.0, 0.0, 0.0, 1.0), 40.0),
                         Panel(Rect(120, 120, 300, 300), (0.0, 0.0, 1.0, 1.0), 40.0))))
    assert not slices.sliced(renderer.prepare(scene)[0].rows)
    whole, sliced = _both_ways(renderer, scene, monkeypatch)
    np.testing.assert_array_equal(whole, sliced)
