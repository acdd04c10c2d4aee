"""A simulated headset with the same interface as the OpenXR one: scripted head poses, a wear
sensor and a battery, for tests and demos on machines with no headset (all of ours)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hardware.headset.base import EyeView, HeadsetSample, HeadsetStatus, Pose, eye_views


@dataclass(frozen=True, slots=True)
class Keyframe:
    at: float  # seconds since start()
    yaw: float = 0.0
    pitch: float = 0.0
    worn: bool = True
    battery: float = 1.0


class SimulatedHeadset:
    name = "simulated headset"

    def __init__(self, script: Sequence[Keyframe] = (Keyframe(0.0),), *, ipd: float = 0.063) -> None:
        if not script:
            raise ValueError("a headset script needs at least one keyframe")
        self.script = sorted(script, key=lambda k: k.at)
        self.ipd = ipd
        self.submitted: list[tuple[npt.NDArray[np.uint8], ...]] = []
        self._started_at: float | None = None
        self._status = HeadsetStatus.STOPPED

    def start(self, now: float = 0.0) -> HeadsetStatus:
        self._started_at = now
        self._status = HeadsetStatus.READY
        return self._status

    def poll(self, now: float) -> HeadsetSample:
        if self._started_at is None:
            return HeadsetSample(now, HeadsetStatus.STOPPED, None, False, None, "not started")
        t = now - self._started_at
        before = [k for k in self.script if k.at <= t]
        after = [k for k in self.script if k.at > t]
        a = before[-1] if before else self.script[0]
        b = after[0] if after else a
        share = 0.0 if b is a else (t - a.at) / (b.at - a.at)
        yaw = a.yaw + share * _turn(a.yaw, b.yaw)
        pitch = a.pitch + share * (b.pitch - a.pitch)
        battery = a.battery + share * (b.battery - a.battery)
        status = HeadsetStatus.READY if a.worn else HeadsetStatus.NOT_WORN
        return HeadsetSample(now, status, Pose.looking(yaw, pitch) if a.worn else None, a.worn, battery)

    def eye_views(self, pose: Pose) -> tuple[EyeView, EyeView]:
        return eye_views(pose, self.ipd)

    def submit(self, eyes: Sequence[npt.NDArray[np.uint8]]) -> None:
        if len(eyes) != 2:
            raise ValueError(f"a headset takes two eye images, got {len(eyes)}")
        self.submitted.append(tuple(eyes))
        del self.submitted[:-4]  # keep the last few frames for inspection, not a growing list

    def stop(self) -> None:
        self._started_at = None
        self._status = HeadsetStatus.STOPPED


def _turn(a: float, b: float) -> float:
    """Shortest signed turn from yaw a to yaw b, in degrees."""
    return (b - a + 180.0) % 360.0 - 180.0
