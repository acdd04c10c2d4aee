"""A clip's sound track: demuxed and decoded by PyAV (OpenCV has no audio) into 16-bit stereo
PCM, played through pygame's mixer.

The mixer is opened once at a fixed rate; its buffer (`buffer` samples) is the output latency
the media clock compensates.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)
RATE = 48_000
Pcm = npt.NDArray[np.int16]  # (samples, 2)


def decode_audio(path: Path, rate: int = RATE) -> Pcm | None:
    """The clip's first sound track as stereo int16 at `rate`; None when it has none."""
    import av  # deferred to the first clip: ~0.4 s and ~19 MB at start otherwise

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return None
            resampler = av.AudioResampler(format="s16", layout="stereo", rate=rate)
            chunks = [out.to_ndarray() for frame in container.decode(audio=0) for out in resampler.resample(frame)]
            chunks += [out.to_ndarray() for out in resampler.resample(None)]
    except (av.FFmpegError, OSError) as exc:  # silence, not a crash: the picture still plays
        log.error("sound of %s not decoded: %s", path, exc)
        return None
    if not chunks:
        return None
    return np.ascontiguousarray(np.concatenate(chunks, axis=1).reshape(-1, 2))


@dataclass
class MixerOutput:
    """pygame's mixer: `play(pcm)` starts a sound now and returns a handle to stop it."""

    rate: int = RATE
    buffer: int = 512

    def __post_init__(self) -> None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame

        if pygame.mixer.get_init() is None:
            pygame.mixer.init(frequency=self.rate, size=-16, channels=2, buffer=self.buffer)
        self._pygame = pygame

    @property
    def latency(self) -> float:
        """Seconds between `play` and the first sample leaving: about one mixer buffer."""
        return self.buffer / self.rate

    def play(self, pcm: Pcm) -> object:
        sound = self._pygame.sndarray.make_sound(pcm)
        return sound.play()

    def pause(self, handle: object) -> None:
        if handle is not None:
            handle.pause()  # type: ignore[attr-defined]

    def resume(self, handle: object) -> None:
        if handle is not None:
            handle.unpause()  # type: ignore[attr-defined]

    def stop(self, handle: object) -> None:
        if handle is not None:
            handle.stop()  # type: ignore[attr-defined]
