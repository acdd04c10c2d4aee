"""A staged step on the GL renderer: two characters drawn from SVG, the scene dissolving at its
midpoint, one face cross-fading to another; compared with a golden image, and the dissolve checked
against the two scenes' own colours (what resvg drew for each, not what this test expects)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from kiosk.render.capture import image_difference, read_png, write_png
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.stage_view import Face, StageMoment, stage_nodes
from kiosk.scenario.load import inspect_pack
from kiosk.scenario.model import Placement, Scenario, Stage, Transition
from kiosk.view.nodes import Group, Image, Rect, Scene
from tests.conftest import ASSETS
from tests.stage_kit import write_staged_pack

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "stage-dissolve-640x360.png"
SIZE = (640, 360)


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Scenario]:
    root = tmp_path_factory.mktemp("staged")
    draft = inspect_pack(write_staged_pack(root), check_manifest=False).draft
    assert draft is not None
    return root, draft.scenario


def _draw(renderer: GLRenderer, scene: Scene) -> np.ndarray:
    renderer.draw(scene)
    for _ in range(10):  # the SVG pictures are rasterised off the frame thread: draw once they are in
        if not renderer.waiting():
            break
        renderer.images.vectors.wait(60)
        renderer.draw(scene)
    assert not renderer.waiting()
    return renderer.read_pixels()


def test_a_staged_step_mid_dissolve_with_an_expression_change_matches_golden(
        gl_context: object, staged: tuple[Path, Scenario], tmp_path: Path) -> None:
    root, scenario = staged
    before = Stage("cuisine", (Placement("karim", "left"), Placement("lina", "right", "worried")))
    after = Stage("salle", (Placement("karim", "left"), Placement("lina", "right", "worried")),
                  Transition("dissolve", 0.6))
    moment = StageMoment(after, 0.3, Rect(0, 0, 1920, 1080), before, speaker="lina",
                         faces={"lina": Face("happy", "worried", 0.15)})  # both at their midpoint
    nodes = stage_nodes(moment, scenario.cast, scenario.scenes, lambda path: f"staged/{path}")
    renderer = GLRenderer(gl_context, SIZE, [root], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                          raster_cache=tmp_path / "raster")
    try:
        renderer.backdrop.enabled = False  # the scenes and people drawn layer over layer
        pixels = _draw(renderer, Scene(Group(tuple(nodes))))
        renderer.backdrop.enabled = True
        fades = renderer.backdrop.fades
        renderer.draw(Scene(Group(tuple(nodes))))  # the same frame again: drawn as the fade of two kept stages
        assert renderer.backdrop.fades == fades + 1
        faded = renderer.read_pixels()
        sky = {}
        for scene in ("cuisine", "salle"):  # each scene alone, as resvg draws it
            alone = Stage(scene, ())
            sky[scene] = _draw(renderer, Scene(Group(tuple(stage_nodes(
                StageMoment(alone, 5.0, Rect(0, 0, 1920, 1080)), scenario.cast, scenario.scenes,
                lambda path: f"staged/{path}")))))[20, 320].astype(float)
    finally:
        renderer.release()
    mixed = pixels[20, 320].astype(float)  # open sky, nobody standing there
    assert np.allclose(mixed[:3], (sky["cuisine"][:3] + sky["salle"][:3]) / 2, atol=3)
    if os.environ.get("KIOSK_UPDATE_GOLDEN"):
        write_png(GOLDEN, pixels)
        pytest.skip(f"golden image {GOLDEN.name} rewritten; look at it, then check it in")
    assert GOLDEN.exists(), f"no golden image {GOLDEN}: run the tests once with KIOSK_UPDATE_GOLDEN=1"
    assert np.abs(faded.astype(int) - pixels.astype(int)).max() <= 2
    mean, share = image_difference(pixels, read_png(GOLDEN))
    if mean > 1.5 or share > 0.01:
        write_png(GOLDEN.with_suffix(".actual.png"), pixels)
    assert mean <= 1.5 and share <= 0.01, f"mean difference {mean:.2f}, {share:.2%} of pixels differ"


def test_a_new_svg_scene_streams_in_while_frames_go_on(gl_context: object, tmp_path: Path) -> None:
    """The bench's scene change, small: frames are drawn while the new picture is rasterised in the
    worker process, then it is taken in and dissolves in."""
    from kiosk.bench.stage import StagedBench, scene_change_frames, warm

    bench = StagedBench()
    renderer = GLRenderer(gl_context, (320, 180), [bench.root], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                          raster_cache=tmp_path / "raster")
    try:
        warm(renderer, bench.dialogue)
        found = scene_change_frames(renderer, bench, after=50, change_at=10)
        renders = renderer.backdrop.renders
        after_still = scene_change_frames(renderer, bench, after=50, change_at=10, held_still=True)
    finally:
        renderer.release()
        bench.close()
    for run in (found, after_still):
        assert run["waiting_frames"] >= 1 and run["arrival_ms"] is not None  # not drawn on the frame thread
        assert run["dissolve_median_ms"] is not None and run["settled_median_ms"] is not None
        assert run["frames"] == run["waiting_frames"] + 50  # the old scene until the new one is whole, then 50
        assert run["worst_ms"] >= run["dissolve_max_ms"] > 0
    assert renders >= 1


def test_the_preview_shows_the_cast_and_a_reaction_as_the_visitor_sees_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main

    pack = write_staged_pack(tmp_path / "scenarios")
    code = main(["preview", str(pack), "--headless", "--size", "640x360", "--out", str(tmp_path / "out"),
                 "--answers", "a"])
    assert code == 0 and "path brief → question → salle → fin" in capsys.readouterr().out
    shot = read_png(tmp_path / "out" / "staged" / "02-question-feedback.png")[:, :, :3].astype(int)
    lit_teal, dimmed_red = (0x2a, 0x9d, 0x8f), (0xe6 * 0.55, 0x39 * 0.55, 0x46 * 0.6)
    assert np.allclose(shot[300, 512], lit_teal, atol=4)  # Lina, who reacts: lit, body drawn from her SVG
    assert np.allclose(shot[300, 128], dimmed_red, atol=4)  # Karim listens: dimmed
    assert np.allclose(shot[175, 300], (0x13, 0x29, 0x4b), atol=10)  # her speech bubble beside her face


def test_a_still_stage_is_drawn_once_and_later_frames_start_from_it(gl_context: object, tmp_path: Path) -> None:
    """While nobody on the stage moves, its scene and people are drawn once into a kept picture; the
    frames copy it and draw the texts over it, and look exactly like frames drawn from scratch."""
    from kiosk.bench.stage import StagedBench, warm

    bench = StagedBench()
    renderer = GLRenderer(gl_context, (320, 180), [bench.root], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                          raster_cache=tmp_path / "raster")
    try:
        warm(renderer, bench.dialogue)
        renderer.draw(bench.dialogue(60))  # Lina speaks now: the tints change, so drawn from scratch
        drawn, copies = renderer.backdrop.renders, renderer.backdrop.copies
        from_scratch = renderer.read_pixels()
        kept = []
        for frame in (61, 62, 63):  # the same stage: kept after the first
            renderer.draw(bench.dialogue(frame))
            kept.append(renderer.read_pixels())
        assert renderer.backdrop.renders == drawn + 1 and renderer.backdrop.copies == copies + 3
        for pixels in kept:
            assert np.array_equal(pixels, from_scratch)
        renderer.still()  # the loop says the screen holds still: the kept picture's memory is freed...
        assert renderer.backdrop.gl_objects() == 0
        renderer.draw(bench.dialogue(64))
        renderer.draw(bench.dialogue(65))  # ...and made again when frames come
        assert renderer.backdrop.gl_objects() == 2 and np.array_equal(renderer.read_pixels(), from_scratch)
        renderer.draw(Scene(Group(()), (0.0, 0.0, 0.0, 1.0)))  # no stage: cleared as before
        assert not renderer.read_pixels()[:, :, :3].any()
    finally:
        renderer.release()
        bench.close()


def test_two_4k_scenes_dissolve_without_filling_the_image_atlas(gl_context: object, tmp_path: Path) -> None:
    """At 3840×2160 two full-screen scenes (8.3 Mpx each) cannot share the 4096² atlas: each takes its
    own texture, uploaded in strips, and the dissolve's midpoint is the mean of the two."""
    import pygame

    for name, colour in (("old.png", (200, 40, 40)), ("new.png", (40, 40, 200))):
        surface = pygame.Surface((3840, 2160))
        surface.fill(colour)
        pygame.image.save(surface, str(tmp_path / name))
    renderer = GLRenderer(gl_context, (3840, 2160), [tmp_path], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                          raster_cache=tmp_path / "raster")
    full = Rect(0, 0, 1920, 1080)
    scene = Scene(Group((Image(full, "old.png", layer=-2), Image(full, "new.png", (1, 1, 1, 0.5), layer=-2))))
    try:
        frames = 1
        renderer.draw(scene)
        while renderer.waiting():  # one strip of each a frame until both are whole
            renderer.draw(scene)
            frames += 1
        pixels = renderer.read_pixels()
        assert renderer.images.atlas.generation == 0 and renderer.images.atlas.packer._next_y == 0
        assert len(renderer.own_textures) == 2
    finally:
        renderer.release()
    # each texture made on a frame of its own (render/spares.py), 2 MiB strips (16 frames), then shown
    assert frames == 2 + -(-2160 // (2 * 2**20 // (3840 * 4))) + 1
    assert np.allclose(pixels[1080, 1920, :3], (120, 40, 120), atol=2)
    for corner in (pixels[5, 5, :3], pixels[-5, -5, :3]):  # no edge sampled from the far side
        assert np.allclose(corner, (120, 40, 120), atol=2)


def test_while_people_walk_in_the_scene_under_them_is_kept(gl_context: object, tmp_path: Path) -> None:
    from kiosk.bench.stage import StagedBench, warm

    bench = StagedBench()
    renderer = GLRenderer(gl_context, (320, 180), [bench.root], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                          raster_cache=tmp_path / "raster")
    try:
        warm(renderer, bench.entrance)
        drawn, copies = renderer.backdrop.renders, renderer.backdrop.copies
        for frame in (1, 2, 3):  # they move every frame: the scene alone stands still
            renderer.draw(bench.entrance(frame))
        copied = renderer.read_pixels()
        assert renderer.backdrop.renders <= drawn + 1  # the scene, drawn once at most (the people are not kept)
        assert renderer.backdrop.copies == copies + 3  # every frame starts from it
        assert np.array_equal(_layered(renderer, bench.entrance(3)), copied)  # the same frame, drawn from scratch
    finally:
        renderer.release()
        bench.close()


def test_a_dissolve_is_drawn_as_the_fade_between_two_kept_stages_and_looks_like_the_two_layers(
        gl_context: object, tmp_path: Path) -> None:
    """While a scene dissolves under still people, the stage as it was and as it will be are each drawn
    once; every frame is the one laid over the other at the dissolve's opacity, and shows what drawing
    the new scene over the old one and the people over both shows (within 2 of 255 levels)."""
    from kiosk.bench.stage import StagedBench, warm

    bench = StagedBench()
    renderer = GLRenderer(gl_context, (320, 180), [bench.root], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                          raster_cache=tmp_path / "raster")
    try:
        warm(renderer, bench.dissolve)
        renderer.draw(bench.dissolve(1))  # the same dissolve twice in a row: from now on, the fade
        drawn, fades = renderer.backdrop.renders, renderer.backdrop.fades
        faded = []
        for frame in (2, 9, 16, 27):  # opacity 0.04 to 0.96 (eased)
            renderer.draw(bench.dissolve(frame))
            faded.append(renderer.read_pixels().astype(int))
        assert renderer.backdrop.fades == fades + 4 and renderer.backdrop.renders <= drawn + 2
        assert renderer.backdrop.page_kept >= 3  # the lines over the stage are kept in both stages too
        assert renderer.backdrop.end is not None
        renderer.backdrop.enabled = False  # the same frames as two blended layers, from scratch
        for frame, pixels in zip((2, 9, 16, 27), faded, strict=True):
            renderer.draw(bench.dissolve(frame))
            layered = renderer.read_pixels().astype(int)
            assert np.abs(pixels - layered).max() <= 2, frame
        assert np.abs(faded[-1] - faded[0]).max() > 15  # the scenes did cross over
        renderer.backdrop.enabled = True
        renderer.draw(bench.dialogue(0))  # the dissolve is over: its end stage's texture is let go
        assert renderer.backdrop.end is None
    finally:
        renderer.release()
        bench.close()


def _layered(renderer: GLRenderer, scene: Scene) -> np.ndarray:
    renderer.backdrop.enabled = False
    try:
        renderer.draw(scene)
        return renderer.read_pixels().astype(int)
    finally:
        renderer.backdrop.enabled = True


def test_a_dissolve_from_the_still_stage_draws_only_its_end_a_band_a_frame(gl_context: object,
                                                                           tmp_path: Path) -> None:
    """When the stage as it was is the still stage the last frame kept, and the page over it (the lines)
    is the same, the page goes into the kept start, and the end stage (with the page) is drawn a band a
    frame while the start shows; then every frame is the fade, drawing neither page nor stage."""
    from kiosk.bench.stage import StagedBench, warm
    from kiosk.render.backdrop import END_BANDS

    bench = StagedBench()
    renderer = GLRenderer(gl_context, (320, 180), [bench.root], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                          raster_cache=tmp_path / "raster")
    try:
        warm(renderer, bench.dissolve)
        still = bench.before_dissolve()
        for _ in range(2):
            renderer.draw(still)  # the second time it is kept and copied
        held = renderer.read_pixels().astype(int)
        renders, fades, kept = renderer.backdrop.renders, renderer.backdrop.fades, renderer.backdrop.page_kept
        for frame in range(1, END_BANDS):
            renderer.draw(bench.dissolve(frame))  # the page into the kept start, the end begun: the start shows
            assert np.abs(renderer.read_pixels().astype(int) - held).max() <= 2, frame
        assert (renderer.backdrop.renders, renderer.backdrop.fades) == (renders + 2, fades)
        for frame in (END_BANDS, 9, 20):
            renderer.draw(bench.dissolve(frame))
            pixels = renderer.read_pixels().astype(int)
            assert np.abs(pixels - _layered(renderer, bench.dissolve(frame))).max() <= 2, frame
        assert renderer.backdrop.renders == renders + 2 and renderer.backdrop.fades == fades + 3
        assert renderer.backdrop.page_kept == kept + END_BANDS + 2
        assert np.abs(held - _layered(renderer, bench.dissolve(1))).max() <= 2  # what its first frames showed
    finally:
        renderer.release()
        bench.close()


def test_a_page_that_changes_every_frame_is_drawn_over_the_fade(gl_context: object, tmp_path: Path) -> None:
    """A page that moves during the dissolve (here a panel sliding) is not kept: the two stages are, and
    the page is drawn over their fade every frame, looking like the layers drawn one over another."""
    from kiosk.bench.stage import StagedBench, warm
    from kiosk.view.nodes import Panel

    bench = StagedBench()
    renderer = GLRenderer(gl_context, (320, 180), [bench.root], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                          raster_cache=tmp_path / "raster")

    def sliding(frame: int) -> Scene:
        scene = bench.dissolve(frame)
        panel = Panel(Rect(100 + 20 * frame, 700, 300, 120), (0.9, 0.9, 0.2, 0.8), radius=12)
        return Scene(Group((scene.root, panel)), scene.background)

    try:
        warm(renderer, sliding)
        for frame in (1, 2):
            renderer.draw(sliding(frame))
        fades, kept = renderer.backdrop.fades, renderer.backdrop.page_kept
        for frame in (3, 9, 20):
            renderer.draw(sliding(frame))
            pixels = renderer.read_pixels().astype(int)
            assert np.abs(pixels - _layered(renderer, sliding(frame))).max() <= 2, frame
        assert renderer.backdrop.fades == fades + 3 and renderer.backdrop.page_kept == kept
    finally:
        renderer.release()
        bench.close()


def test_after_the_screen_held_still_the_stage_is_kept_from_its_first_frame(gl_context: object,
                                                                          tmp_path: Path) -> None:
    """The loop lets the kept stage go when the screen holds still (renderer.still); the next frame keeps
    it again at once (one copy more than drawing it), so the frame after draws no stage."""
    from kiosk.bench.stage import StagedBench, warm

    bench = StagedBench()
    renderer = GLRenderer(gl_context, (320, 180), [bench.root], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                          raster_cache=tmp_path / "raster")
    try:
        warm(renderer, bench.dialogue)
        renderer.draw(bench.dialogue(0))
        renderer.still()
        assert renderer.backdrop.fbo is None
        renders, copies = renderer.backdrop.renders, renderer.backdrop.copies
        renderer.draw(bench.dialogue(0))
        first = renderer.read_pixels()
        assert (renderer.backdrop.renders, renderer.backdrop.copies) == (renders + 1, copies + 1)
        renderer.draw(bench.dialogue(0))
        assert (renderer.backdrop.renders, renderer.backdrop.copies) == (renders + 1, copies + 2)
        assert np.array_equal(_layered(renderer, bench.dialogue(0)), first)  # the same frame, drawn from scratch
    finally:
        renderer.release()
        bench.close()
