"""Laid-out screens drawn on the GL renderer: golden images of a representative subset (French in
landscape, Arabic with larger text and high contrast, Ukrainian in portrait), the design space
following the screen's shape (portrait is drawn edge to edge, not letterboxed), and the layout's
rectangles landing where the pixels are. KIOSK_UPDATE_GOLDEN=1 rewrites the goldens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.actions import Intent
from kiosk.runtime.gallery import SHAPES, Shot, shots
from kiosk.runtime.outcome import Outcome
from kiosk.scenario.load import load_packs
from tests.conftest import ASSETS, REPO
from tests.golden_images import check_golden

pytestmark = pytest.mark.gl
GOLDEN = REPO / "tests" / "golden" / "layout"
SUBSET = (("fr", "normal", "1920x1080", ("04-catalogue", "06-play-ordering")),
          ("ar", "large-text+high-contrast", "1920x1080", ("05-trade", "06-play-multiple-choice")),
          ("uk", "normal", "1080x1920", ("02-language", "06-play-dialogue")))


def _shots(scenarios: Path, language: str, mode: str, shape: str) -> dict[str, Shot]:
    packs, errors = load_packs(scenarios)
    assert packs and not errors
    return {s.name: s for s in shots(packs, Catalogs.load(NATIVE_NAMES), language, mode, SHAPES[shape],
                                     lambda words, easy: Outcome(), every_step=False)}


def _check_golden(name: str, pixels: np.ndarray) -> None:
    check_golden(GOLDEN / name, pixels)


@pytest.mark.parametrize(("language", "mode", "shape", "names"), SUBSET)
def test_a_representative_subset_matches_its_golden_images(gl_context: object, published_scenarios: Path,
                                                           language: str, mode: str, shape: str,
                                                           names: tuple[str, ...], tmp_path: Path) -> None:
    width, height = SHAPES[shape]
    size = (width // 4, height // 4)
    # Its own raster cache: the goldens show each screen's first frame, before its SVG pictures are
    # rasterised. With a shared cache a picture another test rasterised could be decoded in time for
    # that frame or not, depending on how long the frames before it took.
    renderer = GLRenderer(gl_context, size, [ASSETS / "images", published_scenarios],  # type: ignore[arg-type]
                          FontFiles.bundled(ASSETS), raster_cache=tmp_path / "raster")
    try:
        found = _shots(published_scenarios, language, mode, shape)
        for name in names:
            renderer.draw(found[name].scene)
            _check_golden(f"{language}-{mode}-{shape}-{name}.png", renderer.read_pixels())
    finally:
        renderer.release()


def test_portrait_is_drawn_edge_to_edge_and_targets_land_on_their_pixels(gl_context: object,
                                                                        published_scenarios: Path) -> None:
    renderer = GLRenderer(gl_context, (270, 480), [ASSETS / "images", published_scenarios],  # type: ignore[arg-type]
                          FontFiles.bundled(ASSETS))
    try:
        shot = _shots(published_scenarios, "fr", "normal", "1080x1920")["02-language"]
        assert (shot.scene.width, shot.scene.height) == (1080, 1920) and renderer.design == (1080, 1920)
        renderer.draw(shot.scene)
        pixels = renderer.read_pixels()
        continue_rect = next(t.rect for t in shot.targets if t.action == Intent("next"))
        scale = 270 / 1080
        x, y = int((continue_rect.x + continue_rect.w / 2) * scale), int((continue_rect.y + 4) * scale)
        assert tuple(pixels[y, x, :3]) == pytest.approx((255, 209, 102), abs=12)  # the primary button's yellow
        assert continue_rect.y + continue_rect.h > 1920 * 0.9  # at the bottom of the tall screen, not in a band
    finally:
        renderer.release()


def test_the_render_bench_times_each_screen_change_with_its_layout(gl_context: object,
                                                                   published_scenarios: Path) -> None:
    from kiosk.bench.render import measure_screen_changes

    renderer = GLRenderer(gl_context, (480, 270), [ASSETS / "images", published_scenarios],  # type: ignore[arg-type]
                          FontFiles.bundled(ASSETS))
    try:
        changes = {c.name: c for c in measure_screen_changes(renderer, published_scenarios,
                                                             ASSETS / "offers" / "sample-offers.csv", (1920, 1080),
                                                             repeats=1)}
    finally:
        renderer.release()
    assert {"02-language", "04-catalogue", "06-play-ordering", "07-results", "09-handoff",
            "11-idle-warning"} <= set(changes)
    assert changes["11-idle-warning"].layouts == 2  # the page under the dialog, and the dialog
    for change in changes.values():
        assert change.layouts >= 1 and 0 < change.layout_ms <= change.build_ms and change.cpu_ms > 0, change
        assert change.layouts <= change.passes <= change.layouts * 6, change  # a text's height follows its width
