"""Screenshots (PNG) and recordings (MP4) read from the renderer's own framebuffer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from kiosk.errors import AssetError


def write_png(path: Path, rgba: npt.NDArray[np.uint8]) -> Path:
    import cv2  # deferred: not needed to start

    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA)):
        raise AssetError(f"cannot write screenshot {path}", hint="check that the folder is writable")
    return path


def read_png(path: Path) -> npt.NDArray[np.uint8]:
    import cv2  # deferred: not needed to start

    data = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if data is None:
        raise AssetError(f"cannot read image {path}", hint="check the path")
    code = cv2.COLOR_BGRA2RGBA if data.shape[2] == 4 else cv2.COLOR_BGR2RGBA
    return np.asarray(cv2.cvtColor(data, code), dtype=np.uint8)


class Recorder:
    """Appends frames to an MP4 file at a fixed rate (OpenCV's `mp4v`: its wheels cannot
    encode H.264; re-encode with ffmpeg if a player needs it)."""

    def __init__(self, path: Path, size: tuple[int, int], fps: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        import cv2

        self._writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
        if not self._writer.isOpened():
            raise AssetError(f"cannot open {path} for recording", hint="use a .mp4 path in a writable folder")
        self.frames = 0

    def add(self, rgba: npt.NDArray[np.uint8]) -> None:
        import cv2

        self._writer.write(cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGR))
        self.frames += 1

    def close(self) -> None:
        self._writer.release()


def image_difference(a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]) -> tuple[float, float]:
    """(mean absolute difference per channel, share of pixels differing by more than 32)."""
    if a.shape != b.shape:
        return float("inf"), 1.0
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16))
    return float(diff.mean()), float((diff.max(axis=2) > 32).mean())
