"""The headset interface the kiosk programs against, whatever is (or is not) on the visitor's head.

Poses come in (`poll`), eye images go out (`submit`). Status is a value, never an exception:
a kiosk without an OpenXR runtime has a headset whose status says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt


class HeadsetStatus(StrEnum):
    READY = "ready"  # tracking, worn
    NOT_WORN = "not worn"  # runtime and device present, proximity sensor says nobody wears it
    NO_RUNTIME = "no headset runtime"  # no OpenXR runtime installed or running
    NO_DEVICE = "no headset connected"  # a runtime, but no head-mounted display behind it
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class Pose:
    position: tuple[float, float, float] = (0.0, 1.2, 0.0)  # metres, seated eye height
    orientation: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 1.0)  # quaternion x, y, z, w

    @classmethod
    def looking(cls, yaw_deg: float, pitch_deg: float,
                position: tuple[float, float, float] = (0.0, 1.2, 0.0)) -> Pose:
        """Yaw (+ right) then pitch (+ up), in degrees, as the 360° view and hotspots measure them."""
        y, p = math.radians(-yaw_deg) / 2, math.radians(pitch_deg) / 2
        qy = (0.0, math.sin(y), 0.0, math.cos(y))
        qp = (math.sin(p), 0.0, 0.0, math.cos(p))
        return cls(position, _multiply(qy, qp))

    def yaw_pitch(self) -> tuple[float, float]:
        """Degrees: where the visitor looks (the forward vector -Z turned by the orientation)."""
        x, y, z = _rotate(self.orientation, (0.0, 0.0, -1.0))
        return math.degrees(math.atan2(x, -z)), math.degrees(math.asin(max(-1.0, min(1.0, y))))


@dataclass(frozen=True, slots=True)
class HeadsetSample:
    at: float
    status: HeadsetStatus
    pose: Pose | None  # None while not tracked
    worn: bool
    battery: float | None  # 0..1, None when the device does not say
    reason: str = ""


@dataclass(frozen=True, slots=True)
class EyeView:
    pose: Pose
    fov: tuple[float, float, float, float]  # angle left, right, up, down in radians (left/down negative)


class Headset(Protocol):
    name: str

    def start(self, now: float = 0.0) -> HeadsetStatus: ...
    def poll(self, now: float) -> HeadsetSample: ...
    def eye_views(self, pose: Pose) -> tuple[EyeView, EyeView]: ...
    def submit(self, eyes: Sequence[npt.NDArray[np.uint8]]) -> None: ...
    def stop(self) -> None: ...


def eye_views(pose: Pose, ipd: float = 0.063, fov_deg: float = 50.0) -> tuple[EyeView, EyeView]:
    """Left and right eye views for a head pose: each eye half the interpupillary distance aside."""
    half = math.radians(fov_deg)
    fov = (-half, half, half, -half)
    views = []
    for side in (-1.0, 1.0):
        offset = _rotate(pose.orientation, (side * ipd / 2, 0.0, 0.0))
        position = tuple(p + o for p, o in zip(pose.position, offset, strict=True))
        views.append(EyeView(Pose((position[0], position[1], position[2]), pose.orientation), fov))
    return views[0], views[1]


class WearMonitor:
    """Turns samples into "taken off" / "put on" moments (the scenario pauses and resumes on them)."""

    def __init__(self) -> None:
        self.worn: bool | None = None

    def update(self, sample: HeadsetSample) -> str | None:
        worn = sample.worn and sample.status == HeadsetStatus.READY
        if self.worn is None:
            self.worn = worn
            return None
        if worn == self.worn:
            return None
        self.worn = worn
        return "put on" if worn else "taken off"


def _multiply(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
              ) -> tuple[float, float, float, float]:
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return (aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
            aw * bw - ax * bx - ay * by - az * bz)


def _rotate(q: tuple[float, float, float, float], v: tuple[float, float, float]) -> tuple[float, float, float]:
    x, y, z, w = q
    conjugate = (-x, -y, -z, w)
    rx, ry, rz, _ = _multiply(_multiply(q, (v[0], v[1], v[2], 0.0)), conjugate)
    return rx, ry, rz
