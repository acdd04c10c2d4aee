"""A headset plugged in as the kiosk's display (`[devices] headset = "monitor"`): every frame side by
side through the configured lens pass; 360° views fill each eye, other screens float flat in both."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.app.monitor_headset import SideBySideDisplay, side_by_side_display
from kiosk.config import load_settings
from kiosk.media.deck import MediaDeck
from kiosk.render.capture import read_png
from kiosk.view.nodes import WHITE, Group, Panel, Panorama, Rect, Scene, Text
from tests.conftest import ASSETS
from tests.gl.kiosk_process import REPO
from tests.gl.test_media_gl import _marked_sphere

pytestmark = pytest.mark.gl
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def _config(tmp_path: Path, lens: str = "") -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[content]\nscenarios = "{tmp_path}"\nassets = "{ASSETS}"\n'
                      f'[devices]\nheadset = "monitor"\n{lens}')
    return config


@pytest.fixture
def display(gl_context: object, tmp_path: Path) -> Iterator[SideBySideDisplay]:
    settings = load_settings(_config(tmp_path, "lens_k1 = 0.3\nlens_k2 = 0.1\nlens_scale = 1.4\neye_fov = 80\n"))
    shown = side_by_side_display(gl_context, (640, 360), settings, None, None)  # type: ignore[arg-type]
    yield shown
    shown.release()


def _halves(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    width = pixels.shape[1] // 2
    return pixels[:, :width], pixels[:, width:]


def _same(left: np.ndarray, right: np.ndarray) -> bool:
    """Both eyes alike (the lens pass rounds a few pixels differently in each half)."""
    differ = np.abs(left.astype(int) - right.astype(int)).max(axis=2) > 2
    return bool(differ.mean() < 0.001)


def test_a_flat_screen_floats_in_front_of_both_eyes_through_the_lens(display: SideBySideDisplay) -> None:
    scene = Scene(Group((Panel(Rect(0, 0, 1920, 1080), (40 / 255, 90 / 255, 160 / 255, 1.0)),
                         Text(960, 500, "Bienvenue", 90, WHITE, "bold", align="center"))))
    display.draw(scene)
    pixels = display.read_pixels()
    assert pixels.shape == (360, 640, 4)
    left, right = _halves(pixels)
    assert _same(left, right)  # no parallax to give: both eyes see the same
    assert not display.immersive
    assert np.abs(left[110, 160, :3].astype(int) - (40, 90, 160)).max() <= 1  # the screen's colour in the eye
    assert left[:8, :8, :3].max() == 0  # the lens pass leaves the corners black
    assert left[150:210, 100:220, :3].min(axis=2).max() > 200  # the title's white ink, letterboxed mid-eye


def test_a_360_view_fills_each_eye_where_the_visitor_looks(display: SideBySideDisplay, tmp_path: Path) -> None:
    _marked_sphere(tmp_path / "sphere.png")
    deck = MediaDeck(tmp_path, display.update_stream, display.drop_stream)
    deck.show({"sphere.png": False}, 0.0)
    for yaw, colour in ((90, (255, 0, 0)), (-90, (0, 0, 255))):
        display.draw(Scene(Group((Panel(Rect(0, 0, 1920, 1080), (0.1, 0.1, 0.1, 1.0)),
                                  Panorama(Rect(160, 230, 1600, 560), "sphere.png", yaw, 0, 60)))))
        assert display.immersive
        left, right = _halves(display.read_pixels())
        assert tuple(int(v) for v in left[180, 160, :3]) == colour  # the eye's centre looks along the yaw
        assert left[60, 160, :3].max() > 40  # the sphere fills the eye (a flat screen would be letterboxed black)
        assert _same(left, right)
    deck.stop()


def test_kiosk_run_shows_the_attract_screen_side_by_side(tmp_path: Path, published_scenarios: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[content]\nscenarios = "{published_scenarios}"\nassets = "{ASSETS}"\n'
                      f'[store]\npath = "{tmp_path / "kiosk.db"}"\n[ops]\nlisten = ""\n'
                      '[devices]\nheadset = "monitor"\nlens_k1 = 0.2\n')
    result = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "run", "--headless",
                             "--size", "640x360", "--duration", "1", "--out", str(tmp_path), "--screenshot-every",
                             "0.5"], cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "SDL_AUDIODRIVER": "dummy"})
    assert result.returncode == 0, result.stderr
    left, right = _halves(read_png(tmp_path / "screenshot-last.png"))
    assert _same(left, right)
    assert left[:6, :6, :3].max() == 0 and left[:, :, :3].std() > 10  # the lens's black corners, a real picture


def test_lens_values_out_of_range_are_refused(tmp_path: Path) -> None:
    from kiosk.errors import ConfigError

    with pytest.raises(ConfigError, match=r"devices\.lens_scale: expected a number between 0\.5 and 3\.0"):
        load_settings(_config(tmp_path, "lens_scale = 9\n"))
