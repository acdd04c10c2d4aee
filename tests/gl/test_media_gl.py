"""Media on the GL renderer (Mesa llvmpipe): a real clip's frames through the deck into a Video node,
the 360° view pointing where the pose says (golden image), a stereo frame for a simulated headset."""

from __future__ import annotations

import math
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.headset.simulated import Keyframe, SimulatedHeadset
from kiosk.media.deck import MediaDeck
from kiosk.media.sphere import look_from
from kiosk.render.renderer import GLRenderer
from kiosk.render.stereo import Lens, StereoRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.immersion import eye_scene
from kiosk.view.nodes import Group, Panorama, Rect, Scene, Video
from tests.conftest import ASSETS
from tests.gl.test_session_e2e import _check_golden

pytestmark = pytest.mark.gl
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
RED, GREEN, BLUE = (0, 0, 255, 255), (0, 255, 0, 255), (255, 0, 0, 255)  # BGRA


def _marked_sphere(path: Path) -> Path:
    """An equirectangular test picture: grey grid, red disc at yaw 90°, green at pitch +45° (yaw 0),
    blue at yaw -90°, each placed by the same mapping the scenario's hotspots use."""
    w, h = 1024, 512
    image = np.full((h, w, 4), (90, 90, 90, 255), np.uint8)
    for x in range(0, w, w // 16):
        image[:, x] = (200, 200, 200, 255)
    for y in range(0, h, h // 8):
        image[y, :] = (200, 200, 200, 255)

    def disc(yaw: float, pitch: float, colour: tuple[int, int, int, int]) -> None:
        x, y = int((yaw + 180) / 360 * w), int((90 - pitch) / 180 * h)
        cv2.circle(image, (x, y), 26, colour, -1)

    disc(90, 0, RED)
    disc(0, 45, GREEN)
    disc(-90, 0, BLUE)
    cv2.imwrite(str(path), image)
    return path


@pytest.fixture(scope="module")
def renderer(gl_context: object, published_scenarios: Path) -> GLRenderer:
    return GLRenderer(gl_context, (480, 270), [ASSETS / "images", published_scenarios],  # type: ignore[arg-type]
                      FontFiles.bundled(ASSETS))


def _centre(pixels: np.ndarray) -> tuple[int, ...]:
    h, w = pixels.shape[:2]
    return tuple(int(v) for v in pixels[h // 2, w // 2, :3])


def test_the_360_view_points_where_the_pose_looks(renderer: GLRenderer, tmp_path: Path) -> None:
    deck = MediaDeck(tmp_path, renderer.update_stream, renderer.drop_stream)
    _marked_sphere(tmp_path / "sphere.png")
    deck.show({"sphere.png": False}, 0.0)
    full = Rect(0, 0, 1920, 1080)
    for yaw, pitch, expected in ((90, 0, (255, 0, 0)), (0, 45, (0, 255, 0)), (-90, 0, (0, 0, 255)),
                                 (270, 0, (0, 0, 255))):
        renderer.draw(Scene(Group((Panorama(full, "sphere.png", yaw, pitch, 60),))))
        assert _centre(renderer.read_pixels()) == expected, (yaw, pitch)
    renderer.draw(Scene(Group((Panorama(full, "sphere.png", 60, 10, 90),))))
    _check_golden("media-panorama-yaw60-pitch10.png", renderer.read_pixels())
    deck.show({}, 1.0)
    assert "sphere.png" not in renderer.streams  # off screen: the texture is released


@pytest.mark.parametrize("screen_ready", [False, True], ids=["own-frames", "screen-ready"])
def test_a_clip_reaches_the_screen_through_the_deck_frame_by_frame(renderer: GLRenderer, published_scenarios: Path,
                                                                   screen_ready: bool) -> None:
    """`screen_ready`: the deck asks the decoder for the frames the renderer copies into the screen
    (as `kiosk run` wires it), once the renderer has placed the clip."""
    stream = "commis-de-cuisine/media/arrivee.mp4"
    renderer.copies.wanted.pop(stream, None)  # a clip never placed before
    deck = MediaDeck(published_scenarios, renderer.update_stream, renderer.drop_stream,
                     screen=renderer.wanted_size if screen_ready else lambda name: None)
    scene = Scene(Group((Video(Rect(0, 0, 1920, 1080), stream),)))
    deck.show({stream: False}, 10.0)
    player = deck.playing[stream].current
    assert player is not None
    capture = cv2.VideoCapture(str(published_scenarios / stream))
    for t, index in ((10.0, 0), (10.5, 12), (11.0, 25)):
        player.wait_buffered(4)
        assert deck.present(t)  # a new frame is due: the deck says redraw
        for _ in range(50):  # after a jump of half a second the small queue catches up in a few presents
            if player.current_pts == pytest.approx(index / 25):
                break
            player.wait_buffered(4)
            deck.present(t)
        assert player.current_pts == pytest.approx(index / 25)
        renderer.draw(scene)
        shown = renderer.read_pixels()
        capture.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, frame = capture.read()
        assert ok
        expected = cv2.resize(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), (480, 270), interpolation=cv2.INTER_AREA)
        assert np.abs(shown[:, :, :3].astype(int) - expected.astype(int)).mean() < 6, index  # the same picture
        if screen_ready and index:  # placed at the first draw: later frames are made for the place
            assert renderer.copies.texture(stream) is not None and stream not in renderer.streams
            assert player.source.screen == (480, 270)
    if not screen_ready:
        assert renderer.copies.texture(stream) is None and player.source.screen is None
    assert not deck.present(11.01)  # nothing new due: no redraw needed
    deck.stop()
    assert stream not in renderer.streams and renderer.copies.texture(stream) is None


def test_a_stereo_frame_for_a_simulated_headset(gl_context: object, tmp_path: Path) -> None:
    headset = SimulatedHeadset([Keyframe(0.0, yaw=90.0, pitch=0.0)])
    headset.start(0.0)
    sample = headset.poll(0.0)
    assert sample.pose is not None
    stereo = StereoRenderer(gl_context, (320, 360), [tmp_path], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                            lens=Lens())
    try:
        stereo.eye.update_stream("sphere.png", cv2.imread(str(_marked_sphere(tmp_path / "sphere.png")),
                                                          cv2.IMREAD_UNCHANGED))
        scenes = []
        for eye in headset.eye_views(sample.pose):
            fov = math.degrees(eye.fov[2] - eye.fov[3])
            scenes.append(eye_scene("sphere.png", look_from(*eye.pose.yaw_pitch(), fov=fov), (320, 360)))
        left, right, shown = stereo.render(*scenes)
        headset.submit([left, right])
    finally:
        stereo.release()
    assert left.shape == right.shape == (360, 320, 4) and shown.shape == (360, 640, 4)
    assert _centre(left) == _centre(right) == (255, 0, 0)  # both eyes look where the head does
    assert shown[180, 160, :3].tolist() == [255, 0, 0] and shown[180, 480, :3].tolist() == [255, 0, 0]
    assert shown[2, 2, :3].tolist() == [0, 0, 0] and shown[357, 637, :3].tolist() == [0, 0, 0]  # lens corners
    assert headset.submitted[-1][0] is left
    _check_golden("media-stereo-yaw90.png", shown)
