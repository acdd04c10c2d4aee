"""The GL renderer on Mesa llvmpipe through EGL: pixels, golden images, the CLI end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.render.capture import image_difference, read_png, write_png
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.attract import AttractScreen
from kiosk.runtime.catalogue import catalogue_grid, catalogue_scene
from kiosk.view.nodes import Group, Panel, Rect, Scene, Text
from tests.conftest import ASSETS, REPO, SCENARIOS

pytestmark = pytest.mark.gl
GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SIZE = (640, 360)


@pytest.fixture(scope="module")
def renderer(gl_context: object) -> GLRenderer:
    return GLRenderer(gl_context, SIZE, [ASSETS / "images", SCENARIOS], FontFiles.bundled(ASSETS))  # type: ignore[arg-type]


def _frame(renderer: GLRenderer, scene: Scene) -> np.ndarray:
    renderer.draw(scene)
    return renderer.read_pixels()


def test_panel_fills_its_rect_with_rounded_corners(renderer: GLRenderer) -> None:
    # Design space 1920×1080 → 640×360: a scale of 1/3.
    scene = Scene(Group((Panel(Rect(300, 300, 600, 300), (1.0, 0.0, 0.0, 1.0), radius=60),)),
                  background=(0.0, 0.0, 1.0, 1.0))
    px = _frame(renderer, scene)
    assert px[150, 200].tolist() == [255, 0, 0, 255]  # centre of the panel
    assert px[10, 10].tolist() == [0, 0, 255, 255]  # background
    assert px[101, 101, 2] > 200  # the very corner is cut by the radius: background shows


def test_half_transparent_panel_blends_over_background(renderer: GLRenderer) -> None:
    scene = Scene(Group((Panel(Rect(0, 0, 1920, 1080), (1.0, 1.0, 1.0, 0.5)),)), background=(0.0, 0.0, 0.0, 1.0))
    value = int(_frame(renderer, scene)[180, 320, 0])
    assert 120 <= value <= 135


def test_text_puts_ink_where_the_label_is(renderer: GLRenderer) -> None:
    scene = Scene(Group((Text(300, 300, "Bonjour à tous", 90, (1, 1, 1, 1)),)), background=(0, 0, 0, 1))
    px = _frame(renderer, scene)
    ink = px[:, :, 0] > 128
    ys, xs = np.nonzero(ink)
    assert ink.sum() > 500
    assert xs.min() >= 95 and ys.min() >= 95 and ys.max() < 150


def _check_golden(name: str, pixels: np.ndarray) -> None:
    path = GOLDEN / name
    if os.environ.get("KIOSK_UPDATE_GOLDEN"):
        write_png(path, pixels)
        pytest.skip(f"golden image {name} rewritten; look at it, then check it in")
    assert path.exists(), f"no golden image {path}: run the tests once with KIOSK_UPDATE_GOLDEN=1"
    mean, share = image_difference(pixels, read_png(path))
    if mean > 1.5 or share > 0.01:
        write_png(path.with_suffix(".actual.png"), pixels)
    assert mean <= 1.5, f"{name}: mean difference {mean:.2f} (see {path.with_suffix('.actual.png')})"
    assert share <= 0.01, f"{name}: {share:.2%} of pixels differ"


def test_attract_screen_matches_golden(renderer: GLRenderer, sample_cards: list) -> None:  # type: ignore[type-arg]
    _check_golden("attract-640x360.png", _frame(renderer, AttractScreen(sample_cards, start=0.0).view(1.0)))


def test_attract_mid_slide_matches_golden(renderer: GLRenderer, sample_cards: list) -> None:  # type: ignore[type-arg]
    screen = AttractScreen(sample_cards, start=0.0, period=8.0, slide=0.7)
    _check_golden("attract-sliding-640x360.png", _frame(renderer, screen.view(8.35)))


def test_catalogue_matches_golden(renderer: GLRenderer, sample_cards: list) -> None:  # type: ignore[type-arg]
    grid = catalogue_grid((sample_cards * 5)[:24])
    _check_golden("catalogue-640x360.png", _frame(renderer, catalogue_scene(grid)))


def _kiosk(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "SDL_AUDIODRIVER": "dummy", **(env or {})}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=REPO, env=full_env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def test_headless_run_writes_screenshots_and_a_recording(tmp_path: Path) -> None:
    video = tmp_path / "run.mp4"
    result = _kiosk("run", "--headless", "--size", "480x270", "--duration", "1.2", "--screenshot-every", "0.5",
                    "--out", str(tmp_path), "--record", str(video), "--record-fps", "5")
    assert result.returncode == 0, result.stderr
    shots = sorted(tmp_path.glob("screenshot-*.png"))
    assert len(shots) >= 3
    image = read_png(shots[-1])
    assert image.shape == (270, 480, 4)
    assert image[:, :, :3].std() > 10  # a real picture, not a blank frame
    capture = cv2.VideoCapture(str(video))
    assert capture.get(cv2.CAP_PROP_FRAME_COUNT) >= 4
    capture.release()


def test_window_mode_runs_under_sdl_offscreen(tmp_path: Path) -> None:
    result = _kiosk("run", "--window", "--size", "480x270", "--duration", "0.6", "--screenshot-every", "0.5",
                    "--out", str(tmp_path), env={"SDL_VIDEODRIVER": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert "window" in result.stdout
    assert read_png(tmp_path / "screenshot-last.png")[:, :, :3].std() > 10


def test_no_gl_driver_is_one_clear_line_and_exit_69() -> None:
    result = _kiosk("run", "--headless", "--duration", "1", env={"KIOSK_LIBEGL": "/nonexistent/libEGL.so.1"})
    assert result.returncode == 69
    assert result.stderr.count("\n") == 1  # exactly one line
    assert result.stderr.startswith("kiosk: error: no OpenGL driver")
    assert "(hint: install Mesa's OpenGL/EGL drivers: sudo apt-get install libegl1" in result.stderr


def test_bad_config_names_the_key_and_exits_78(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("[display]\nwidth = 12\n")
    result = _kiosk("--config", str(config), "run", "--headless", "--duration", "1")
    assert result.returncode == 78
    assert f"{config}: display.width: expected an integer" in result.stderr


@pytest.mark.parametrize("payload", ["https://portail.example/r/3f9a1c2e", "eyJhbGciOiJFUzI1NiJ9." + "Ab9_-" * 160])
def test_the_handoff_qr_code_drawn_by_gl_scans(gl_context: object, payload: str) -> None:
    """The QR code as the hand-off page draws it (runs of dark modules as one Shapes node), rendered,
    then read back by OpenCV's decoder, which shares nothing with segno or the renderer."""
    from kiosk.runtime.results_parts import qr_nodes
    from kiosk.visit.host import qr_matrix

    big = GLRenderer(gl_context, (1920, 1080), [ASSETS / "images"], FontFiles.bundled(ASSETS))  # type: ignore[arg-type]
    try:
        matrix = qr_matrix(payload)
        scene = Scene(Group(tuple(qr_nodes(matrix, 610, 40, 1000))), (0.1, 0.1, 0.2, 1.0))
        assert [b.material for b in big.builder.build(scene)] == ["shape", "shape"]  # quiet zone, then the runs
        pixels = _frame(big, scene)
    finally:
        big.release()
    grey = cv2.cvtColor(np.ascontiguousarray(pixels[:, :, :3]), cv2.COLOR_RGB2GRAY)
    assert cv2.QRCodeDetector().detectAndDecode(grey)[0] == payload
