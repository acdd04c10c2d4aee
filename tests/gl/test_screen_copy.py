"""Screen-ready video frames (RGBA, rows stored bottom first, at the size of their place) copied into
the screen with a blit instead of drawn through the shaders (Mesa llvmpipe): the same picture as
the frame drawn, put where the Video node is, under what is drawn above it; anything that cannot
be copied still goes through the shaders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.render.renderer import GLRenderer
from kiosk.render.screen_copy import screen_ready
from kiosk.render.text import FontFiles
from kiosk.view.nodes import Group, Panel, Rect, Scene, Video
from tests.conftest import ASSETS

pytestmark = pytest.mark.gl
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
TARGET = (480, 270)  # a quarter of the 1920×1080 design space


@pytest.fixture
def renderer(gl_context: object, published_scenarios: Path) -> Iterator[GLRenderer]:
    drawn = GLRenderer(gl_context, TARGET, [ASSETS / "images", published_scenarios],  # type: ignore[arg-type]
                       FontFiles.bundled(ASSETS))
    yield drawn
    drawn.release()


@pytest.fixture
def copies(renderer: GLRenderer, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each copy the renderer tried, and whether it happened."""
    tried: list[bool] = []
    copy = renderer.copies.copy

    def counted(*args: object) -> bool:
        tried.append(copy(*args))  # type: ignore[arg-type]
        return tried[-1]

    monkeypatch.setattr(renderer.copies, "copy", counted)
    return tried


def _noise(width: int, height: int, seed: int = 3) -> np.ndarray:
    picture = np.random.default_rng(seed).integers(0, 256, (height, width, 4), dtype=np.uint8)
    picture[..., 3] = 255
    return picture


def _bottom_first(picture: np.ndarray) -> np.ndarray:
    """A BGRA picture as the decoder hands it out screen-ready: RGBA, the rows stored bottom first,
    seen top first."""
    return np.ascontiguousarray(picture[::-1, :, [2, 1, 0, 3]])[::-1]


@pytest.mark.parametrize("rect", [Rect(0, 0, 1920, 1080), Rect(200, 100, 960, 540)], ids=["full-screen", "card"])
def test_a_screen_ready_frame_is_copied_where_the_video_is_and_looks_like_it_drawn(
        renderer: GLRenderer, copies: list[bool], rect: Rect) -> None:
    x, y, w, h = (round(v / 4) for v in (rect.x, rect.y, rect.w, rect.h))
    picture = _noise(w, h)
    scene = Scene(Group((Video(rect, "clip"),)), background=(0.2, 0.3, 0.4, 1.0))
    renderer.update_stream("clip", picture)
    renderer.draw(scene)
    drawn = renderer.read_pixels()
    assert renderer.wanted_size("clip") == (w, h) and copies == [False]  # asked for; not yet screen-ready

    frame = _bottom_first(picture)
    assert screen_ready(frame) and not screen_ready(picture)
    renderer.update_stream("clip", frame)
    assert "clip" not in renderer.streams  # not uploaded for the shaders
    renderer.draw(scene)
    copied = renderer.read_pixels()
    assert copies == [False, True]
    assert (copied == drawn).all()
    assert (copied[y:y + h, x:x + w, :3] == picture[..., 2::-1]).all()  # upright, its colours
    outside = np.ones(TARGET[::-1], bool)
    outside[y:y + h, x:x + w] = False
    assert (copied[outside][:, :3] == (51, 76, 102)).all()  # the background is untouched around it


def test_what_is_drawn_above_the_video_stays_above_the_copy(renderer: GLRenderer, copies: list[bool]) -> None:
    scene = Scene(Group((Video(Rect(0, 0, 1920, 1080), "clip"),
                         Panel(Rect(400, 400, 400, 200), (1.0, 0.0, 0.0, 1.0), layer=1))))
    renderer.draw(scene)  # the place is known once drawn
    renderer.update_stream("clip", _bottom_first(_noise(*TARGET)))
    renderer.draw(scene)
    shown = renderer.read_pixels()
    assert copies[-1] is True
    assert (shown[100:150, 100:200, :3] == (255, 0, 0)).all()


@pytest.mark.parametrize(("video", "frame_size"), [
    (Video(Rect(200, 100, 960, 540), "clip", radius=40), (240, 135)),  # rounded corners: the shaders mask them
    (Video(Rect(0, 0, 1920, 1080), "clip"), (240, 135)),  # made for an earlier place: the shaders scale it
    (Video(Rect(2, 2, 960, 540), "clip"), (240, 135)),  # half a pixel off the grid
], ids=["rounded", "other-size", "between-pixels"])
def test_a_screen_ready_frame_that_cannot_be_copied_is_drawn_like_any_frame(
        renderer: GLRenderer, copies: list[bool], video: Video, frame_size: tuple[int, int]) -> None:
    picture = _noise(*frame_size)
    scene = Scene(Group((video,)))
    renderer.update_stream("clip", picture)
    renderer.draw(scene)
    drawn = renderer.read_pixels()
    renderer.update_stream("clip", _bottom_first(picture))
    renderer.draw(scene)
    assert True not in copies
    assert np.abs(renderer.read_pixels().astype(int) - drawn).max() <= 1  # the same picture, the same way up
    if video.radius or video.rect.x == 2:
        assert renderer.wanted_size("clip") is None  # the decoder is not asked for screen-ready frames


def test_streams_dropped_release_their_copies(renderer: GLRenderer) -> None:
    before = renderer.gl_objects()
    renderer.update_stream("clip", _bottom_first(_noise(*TARGET)))
    assert renderer.gl_objects() == before + 2  # a texture and its framebuffer
    renderer.update_stream("clip", _noise(*TARGET))  # the clip's own frames again
    renderer.drop_stream("clip")
    assert renderer.gl_objects() == before


def test_the_video_bench_presents_a_real_clip_with_copied_frames(renderer: GLRenderer, copies: list[bool],
                                                                  published_scenarios: Path) -> None:
    """`kiosk bench video`'s real-time presentation, one second of a sample clip: the frames shown
    are copied into the screen (all but those decoded before the first draw placed the stream)."""
    from kiosk.bench.video import present_in_real_time
    from kiosk.media.decoder import HEAP

    clip = published_scenarios / "commis-de-cuisine" / "media" / "arrivee.mp4"
    real = present_in_real_time(clip, renderer, HEAP, 1.0)
    assert renderer.wanted_size("bench") == TARGET
    assert real.due >= 20 and real.presented >= 10
    assert copies.count(True) >= real.presented - 8  # the frames decoded before the first draw go through the shaders
    assert renderer.copies.texture("bench") is None  # dropped with the stream
