"""Measuring audio/video sync on clips that carry a sync mark (a white border on one frame and a
short beep at the start of every second, as scripts/make_sample_media.py draws them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from kiosk.media.audio import RATE, Pcm


def flash_times(path: Path, border: int = 8) -> list[float]:
    """Timestamps (s) of the frames whose border is white, where the previous frame's was not."""
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    times, index, was = [], 0, False
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            edge = np.concatenate([frame[:border].reshape(-1, 3), frame[-border:].reshape(-1, 3),
                                   frame[:, :border].reshape(-1, 3), frame[:, -border:].reshape(-1, 3)])
            white = float(edge.mean()) > 200
            if white and not was:
                times.append(index / fps)
            was, index = white, index + 1
    finally:
        capture.release()
    return times


def beep_times(pcm: Pcm, rate: int = RATE, window: float = 0.002, threshold: float = 0.25) -> list[float]:
    """Onsets (s) of loud sounds: the envelope crossing `threshold` of full scale from below."""
    mono = np.abs(pcm.astype(np.float32).mean(axis=1)) / 32768.0
    size = max(1, int(rate * window))
    envelope = mono[: len(mono) // size * size].reshape(-1, size).max(axis=1)
    loud = envelope > threshold
    onsets = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    if len(loud) and loud[0]:
        onsets = np.concatenate([[0], onsets])
    return [float(i * size / rate) for i in onsets]


@dataclass(frozen=True)
class Offset:
    pairs: int
    mean: float  # seconds, picture minus sound: positive = the picture is late
    worst: float  # largest absolute offset


def pair_offsets(pictures: Sequence[float], sounds: Sequence[float], within: float = 0.5) -> Offset:
    """Each picture mark matched with the nearest sound mark (closer than `within`)."""
    differences = []
    for t in pictures:
        nearest = min(sounds, key=lambda s: abs(s - t), default=None)
        if nearest is not None and abs(nearest - t) < within:
            differences.append(t - nearest)
    if not differences:
        return Offset(0, 0.0, 0.0)
    return Offset(len(differences), float(np.mean(differences)), float(np.max(np.abs(differences))))
