"""The clip decoder (PyAV, chosen by `kiosk bench video`) on the real H.264 sample clips, checked
against an independent decoder: OpenCV's FFmpeg capture with its own YUV → BGR conversion."""

from __future__ import annotations

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
