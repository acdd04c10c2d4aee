"""Video frames decoded straight into GPU-visible rings (Mesa llvmpipe): drawn like uploaded frames,
written by the real decoder, never rewritten under a draw, rings reused and freed."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.errors import GraphicsUnavailableError
from kiosk.media.deck import MediaDeck
from kiosk.media.decoder import VideoSource
from kiosk.render.mapped_frames import MappedFrames
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.view.nodes import Group, Panorama, Rect, Scene, Video
from tests.conftest import ASSETS

pytestmark = pytest.mark.gl
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


@pytest.fixture
def frames(gl_context: object) -> Iterator[MappedFrames]:
    memory = MappedFrames.open(gl_context)  # type: ignore[arg-type]
    yield memory
    memory.release()


@pytest.fixture
def renderer(gl_context: object, frames: MappedFrames, published_scenarios: Path) -> Iterator[GLRenderer]:
    drawn = GLRenderer(gl_context, (480, 270), [ASSETS / "images", published_scenarios],  # type: ignore[arg-type]
                       FontFiles.bundled(ASSETS), frames=frames)
    yield drawn
    drawn.release()


def _noise(shape: tuple[int, ...], seed: int) -> np.ndarray:
    picture = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
    picture[..., 3] = 255
    return picture


@pytest.mark.parametrize("node", [Video(Rect(0, 0, 1920, 1080), "clip"), Video(Rect(130, 70, 1000, 640), "clip"),
                                  Panorama(Rect(0, 0, 1920, 1080), "clip", 60, 10, 90)],
                         ids=["full-screen", "card", "panorama"])
def test_a_frame_in_a_ring_is_drawn_like_the_same_frame_uploaded(renderer: GLRenderer, frames: MappedFrames,
                                                                  node: Video | Panorama) -> None:
    ring = frames.ring(160, 90, 2)
    ring[1][:] = _noise(ring[1].shape, 7)
    renderer.update_stream("clip", ring[1])
    assert "clip" in renderer.mapped and "clip" not in renderer.streams  # bound, not uploaded
    renderer.draw(Scene(Group((node,))))
    from_ring = renderer.read_pixels().astype(int)
    renderer.update_stream("clip", ring[1].copy())  # an ordinary array: uploaded to a texture
    assert "clip" in renderer.streams and "clip" not in renderer.mapped
    renderer.draw(Scene(Group((node,))))
    uploaded = renderer.read_pixels().astype(int)
    assert uploaded[..., :3].std() > 20  # the picture is there, not a blank
    assert np.abs(from_ring - uploaded).max() <= 2  # the hand-made bilinear matches the sampler's


def test_the_decoder_writes_the_clip_into_the_ring(frames: MappedFrames, published_scenarios: Path) -> None:
    clip = next(iter(sorted(published_scenarios.glob("*/media/arrivee.mp4"))))
    source = VideoSource(clip, memory=frames).start()
    taken = [source.frames.get(timeout=5) for _ in range(3)]
    reference = cv2.VideoCapture(str(clip), cv2.CAP_FFMPEG)
    for pts, frame in (item for item in taken if item is not None):
        ok, bgr = reference.read()
        assert ok
        assert frames.texture_for(frame) is not None  # decoded where the GPU reads it
        # An independent decoder (OpenCV's FFmpeg capture, its own YUV→BGR conversion) within rounding
        difference = np.abs(frame[..., :3].astype(int) - bgr)
        assert difference.max() <= 4 and difference.mean() < 1.0
        assert pts >= 0
    reference.release()
    source.stop()


def test_a_draw_reading_a_slot_is_finished_before_settle_returns(renderer: GLRenderer,
                                                                 frames: MappedFrames) -> None:
    ring = frames.ring(64, 36, 2)
    ring[0][:] = _noise(ring[0].shape, 1)
    renderer.update_stream("clip", ring[0])
    renderer.draw(Scene(Group((Video(Rect(0, 0, 1920, 1080), "clip"),))))
    frames.settle()
    ring[0][:] = 0  # a decoder rewriting the slot right after: the drawn picture must not change
    drawn = renderer.read_pixels()
    renderer.update_stream("clip", _noise(ring[0].shape, 1))
    renderer.draw(Scene(Group((Video(Rect(0, 0, 1920, 1080), "clip"),))))
    assert np.abs(drawn.astype(int) - renderer.read_pixels().astype(int)).max() <= 2


def test_a_ring_on_screen_is_not_handed_out_and_stopped_rings_are_reused(renderer: GLRenderer,
                                                                         frames: MappedFrames) -> None:
    first = frames.ring(64, 36, 3)
    renderer.update_stream("clip", first[2])
    frames.give_back(first)  # its decoder stopped, but its last frame is still on screen
    second = frames.ring(64, 36, 3)
    assert second[0].ctypes.data != first[0].ctypes.data
    renderer.update_stream("clip", second[0])  # the next clip's frame replaces it
    frames.give_back(second)
    third = frames.ring(64, 36, 3)
    assert third[0].ctypes.data == first[0].ctypes.data  # off screen now: reused
    renderer.drop_stream("clip")
    frames.give_back(third)
    objects = renderer.gl_objects()
    for _ in range(30):  # clips come and go: the GL objects stay bounded
        ring = frames.ring(64, 36, 3)
        renderer.update_stream("clip", ring[0])
        frames.give_back(ring)
        renderer.drop_stream("clip")
    assert renderer.gl_objects() <= objects


def test_idle_rings_beyond_the_spares_are_freed(frames: MappedFrames) -> None:
    rings = [frames.ring(32 + 16 * i, 18, 2) for i in range(5)]  # five sizes, all stopped
    for ring in rings:
        frames.give_back(ring)
    assert frames.gl_objects() == MappedFrames.MAX_FREE * 3  # buffer + two textures each


def test_the_deck_plays_a_clip_from_the_ring_and_releases_it(renderer: GLRenderer, frames: MappedFrames,
                                                             published_scenarios: Path) -> None:
    deck = MediaDeck(published_scenarios, renderer.update_stream, renderer.drop_stream, memory=frames)
    name = str(next(iter(sorted(published_scenarios.glob("*/media/arrivee.mp4")))).relative_to(published_scenarios))
    deck.show({name: False}, 0.0)
    shown = 0
    for tick in range(1, 40):
        deadline = time.monotonic() + 2.0  # a manual timeline: wait for the decoder thread, not the wall clock
        while not (new := deck.present(tick / 30)) and time.monotonic() < deadline:
            time.sleep(0.01)
        if new:
            shown += 1
            renderer.draw(Scene(Group((Video(Rect(0, 0, 1920, 1080), name),))))
    assert shown >= 10 and name in renderer.mapped
    assert renderer.read_pixels()[..., :3].std() > 5
    deck.stop()
    assert name not in renderer.mapped
    assert frames.gl_objects() <= 1 + 2 * (4 + 5) + 1  # one idle ring (and a fence) kept for the next clip


def test_a_driver_without_buffer_storage_is_named() -> None:
    class OldDriver:
        extensions = frozenset({"GL_ARB_texture_buffer_object"})

    with pytest.raises(GraphicsUnavailableError, match="GL_ARB_buffer_storage") as raised:
        MappedFrames.open(OldDriver())  # type: ignore[arg-type]
    assert "uploaded instead" in raised.value.hint


def test_kiosk_run_says_which_way_frames_go(gl_context: object, caplog: pytest.LogCaptureFixture) -> None:
    from kiosk.app.run import open_frame_memory

    with caplog.at_level(logging.INFO, logger="kiosk"):
        memory = open_frame_memory(gl_context)  # type: ignore[arg-type]
    assert memory is not None
    assert "decoded into GPU-visible memory" in caplog.text
    memory.release()


@pytest.mark.parametrize("mapped", [True, False], ids=["ring", "uploaded"])
def test_a_frame_landing_pixel_for_pixel_is_shown_exactly_and_a_scaled_one_filtered(
        renderer: GLRenderer, frames: MappedFrames, mapped: bool) -> None:
    """480×270 target: a 480×270 frame full screen reads its texels unfiltered (every pixel as decoded,
    opaque, nothing of the cleared background blended in); a 240×135 one is interpolated."""
    exact = frames.ring(480, 270, 1)[0] if mapped else np.empty((270, 480, 4), np.uint8)
    exact[:] = _noise(exact.shape, 11)
    renderer.update_stream("clip", exact)
    renderer.draw(Scene(Group((Video(Rect(0, 0, 1920, 1080), "clip"),)), background=(1.0, 0.0, 1.0, 1.0)))
    shown = renderer.read_pixels()
    assert np.array_equal(shown[..., :3], exact[..., 2::-1])  # BGRA frame, RGBA pixels
    assert (shown[..., 3] == 255).all()
    half = frames.ring(240, 135, 1)[0] if mapped else np.empty((135, 240, 4), np.uint8)
    half[:] = _noise(half.shape, 12)
    renderer.update_stream("clip", half)
    renderer.draw(Scene(Group((Video(Rect(0, 0, 1920, 1080), "clip"),))))
    scaled = renderer.read_pixels()[..., :3].astype(int)
    nearest = np.repeat(np.repeat(half[..., 2::-1], 2, axis=0), 2, axis=1).astype(int)
    assert scaled.std() < nearest.std() - 10  # neighbours blended: smoother than the blocky copy
    assert np.abs(scaled.mean() - nearest.mean()) < 3  # but the same picture


def test_finish_waits_on_a_fence_or_on_the_driver_without_one(
        gl_context: object, published_scenarios: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for lacking in (False, True):
        if lacking:  # a driver without fence calls: moderngl's own finish
            def refuse() -> None:
                raise GraphicsUnavailableError("no glFenceSync")
            monkeypatch.setattr("kiosk.render.present.GLCalls", refuse)
        drawn = GLRenderer(gl_context, (64, 36), [ASSETS / "images"], FontFiles.bundled(ASSETS))  # type: ignore[arg-type]
        try:
            frame = _noise((36, 64, 4), 5)
            drawn.update_stream("clip", frame)
            drawn.draw(Scene(Group((Video(Rect(0, 0, 1920, 1080), "clip"),))))
            drawn.finish()
            assert (drawn.presenter.gl is None) == lacking
            assert np.array_equal(drawn.read_pixels()[..., :3], frame[..., 2::-1])
        finally:
            drawn.release()
