"""The clip decoder (PyAV, chosen by `kiosk bench video`) on the real H.264 sample clips, checked
against an independent decoder: OpenCV's FFmpeg capture with its own YUV → BGR conversion."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.errors import AssetError
from kiosk.media.decoder import VideoSource, probe


@pytest.fixture
def kitchen(published_scenarios: Path) -> Path:
    return published_scenarios / "commis-de-cuisine" / "media" / "arrivee.mp4"


def test_every_frame_matches_an_independent_decoder_within_rounding(kitchen: Path) -> None:
    source = VideoSource(kitchen, capacity=4).start()
    reference = cv2.VideoCapture(str(kitchen), cv2.CAP_FFMPEG)
    compared = 0
    try:
        while (item := source.frames.get(timeout=5)) is not None:
            pts, frame = item
            ok, bgr = reference.read()
            assert ok, f"the decoder gave a frame OpenCV does not have, at {pts:.3f} s"
            assert frame.shape == (*bgr.shape[:2], 4) and pts == pytest.approx(compared / source.info.fps)
            difference = np.abs(frame[..., :3].astype(int) - bgr)
            assert difference.max() <= 4 and difference.mean() < 1.0, f"frame {compared}"
            assert (frame[..., 3] == 255).all()
            compared += 1
        assert not reference.read()[0]  # nor did it stop early
    finally:
        reference.release()
        source.stop()
    assert compared == source.info.frames == source.decoded and source.error is None


def test_the_probe_agrees_with_opencv(kitchen: Path) -> None:
    info = probe(kitchen)
    capture = cv2.VideoCapture(str(kitchen), cv2.CAP_FFMPEG)
    expected = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
                capture.get(cv2.CAP_PROP_FPS), int(capture.get(cv2.CAP_PROP_FRAME_COUNT)))
    capture.release()
    assert (info.width, info.height, info.frames) == (expected[0], expected[1], expected[3])
    assert info.fps == pytest.approx(expected[2])


def test_a_clip_cut_short_ends_early_and_says_so(kitchen: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "cut.mp4"
    data = kitchen.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])  # an interrupted copy: the index says more than is there
    source = VideoSource(damaged).start()
    frames = 0
    while source.frames.get(timeout=5) is not None:
        frames += 1
    source.stop()
    assert 0 < frames < source.info.frames  # what could be decoded was shown, then the clip ended


def test_a_file_that_is_no_video_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "clip.mp4"
    bogus.write_text("not a video")
    with pytest.raises(AssetError, match=r"cannot open video .*clip\.mp4"):
        probe(bogus)


def _screen_ready(frame: np.ndarray, size: tuple[int, int]) -> bool:
    """RGBA rows stored bottom first, seen top first: a negative row stride over packed memory."""
    return frame.shape == (size[1], size[0], 4) and frame.strides[0] < 0 and frame[::-1].flags.c_contiguous


def test_screen_ready_frames_are_the_clip_scaled_upright_in_rgba(kitchen: Path) -> None:
    """Checked against OpenCV's own decoding and its own area scaling of each frame."""
    size = (480, 270)  # the 960×540 clip in a quarter of its area
    source = VideoSource(kitchen, capacity=4, screen=size).start()
    reference = cv2.VideoCapture(str(kitchen), cv2.CAP_FFMPEG)
    try:
        for index in range(30):
            item = source.frames.get(timeout=5)
            assert item is not None
            pts, frame = item
            assert _screen_ready(frame, size) and pts == pytest.approx(index / source.info.fps)
            ok, bgr = reference.read()
            assert ok
            expected = cv2.cvtColor(cv2.resize(bgr, size, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
            shown = frame[..., :3].astype(int)
            difference = np.abs(shown - expected).mean()  # swscale's bilinear vs OpenCV's area: ~2 levels
            assert difference < 3.0, f"frame {index}"  # upside down: 31–36, BGR for RGB: 47–51
            rows_off = min(np.abs(shown[1:] - expected[:-1]).mean(), np.abs(shown[:-1] - expected[1:]).mean())
            assert difference < rows_off, f"frame {index}: a row off the place"
            assert (frame[..., 3] == 255).all()
    finally:
        reference.release()
        source.stop()


def test_the_form_of_frames_follows_what_is_wanted_and_a_slow_consumer_loses_none(kitchen: Path) -> None:
    """Screen-ready from the start, the clip's own frames when no longer wanted (on the heap: the
    decoder's thread cannot make GL memory), screen-ready again; a consumer slower than the decoder
    gets every frame in order, and stopping with the queue full ends the thread at once."""
    source = VideoSource(kitchen, capacity=2, screen=(320, 180)).start()
    forms: list[str] = []
    for index in range(source.info.frames):
        if index == 40:
            source.want(None)
        elif index == 90:
            source.want((240, 135))
        item = source.frames.get(timeout=5)
        assert item is not None and item[0] == pytest.approx(index / source.info.fps)
        frame = item[1]
        forms.append("own" if frame.shape == (540, 960, 4) and frame.flags.c_contiguous else
                     "320" if _screen_ready(frame, (320, 180)) else "240" if _screen_ready(frame, (240, 135)) else "?")
        if index < 60:
            time.sleep(0.005)  # slower than decoding: the decoder waits on the full queue
    assert source.frames.get(timeout=5) is None and source.decoded == source.info.frames
    # The frames queued (2) and one decoded ahead keep the form they were made in.
    switches = [i for i in range(1, len(forms)) if forms[i] != forms[i - 1]]
    assert forms[0] == "320" and forms[-1] == "240" and "?" not in forms
    assert [forms[i] for i in switches] == ["own", "240"] and 40 <= switches[0] <= 44 and 90 <= switches[1] <= 94
    source.stop()

    busy = VideoSource(kitchen, capacity=2, screen=(320, 180)).start()
    while busy.frames.qsize() < 2:
        time.sleep(0.01)
    began = time.monotonic()
    busy.stop()  # the decoder is blocked on the full queue
    assert time.monotonic() - began < 1.0 and not busy._thread.is_alive()
