"""360° geometry (pure), the same conventions as the panorama shader and the headset's Pose:
yaw + right, pitch + up, in degrees; yaw 0 is the middle of the equirectangular picture.

`project` places a hotspot given by yaw/pitch on the flat view (or says it is behind the
viewer); `drag` turns the view under a finger; `look_from` reads a head pose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_PITCH = 85.0


@dataclass(frozen=True, slots=True)
class Look:
    yaw: float = 0.0
    pitch: float = 0.0
    fov: float = 75.0  # vertical field of view, degrees


def direction(yaw: float, pitch: float) -> tuple[float, float, float]:
    y, p = math.radians(yaw), math.radians(pitch)
    return math.sin(y) * math.cos(p), math.sin(p), -math.cos(y) * math.cos(p)


def project(yaw: float, pitch: float, look: Look, aspect: float) -> tuple[float, float] | None:
    """Normalised view coordinates (-1..1, y down) of the direction (yaw, pitch); None when it is
    behind the viewer."""
    x, y, z = direction(yaw, pitch)
    cy, sy = math.cos(math.radians(look.yaw)), math.sin(math.radians(look.yaw))
    x, z = x * cy + z * sy, -x * sy + z * cy  # undo the yaw
    cp, sp = math.cos(math.radians(look.pitch)), math.sin(math.radians(look.pitch))
    y, z = y * cp + z * sp, -y * sp + z * cp  # undo the pitch
    if z >= -1e-6:
        return None
    fy = math.tan(math.radians(look.fov) / 2)
    return (x / -z) / (fy * aspect), -(y / -z) / fy


def ray(ndc_x: float, ndc_y: float, look: Look, aspect: float) -> tuple[float, float]:
    """The (yaw, pitch) seen at a point of the view: the inverse of `project`."""
    fy = math.tan(math.radians(look.fov) / 2)
    x, y, z = ndc_x * fy * aspect, -ndc_y * fy, -1.0
    p, w = math.radians(look.pitch), math.radians(look.yaw)
    y, z = y * math.cos(p) - z * math.sin(p), y * math.sin(p) + z * math.cos(p)
    x, z = x * math.cos(w) - z * math.sin(w), x * math.sin(w) + z * math.cos(w)
    norm = math.sqrt(x * x + y * y + z * z)
    return math.degrees(math.atan2(x, -z)), math.degrees(math.asin(y / norm))


def drag(look: Look, dx: float, dy: float, view_height: float) -> Look:
    """The view follows the finger: dragging right turns left (the picture moves with the finger)."""
    degrees_per_px = look.fov / view_height
    yaw = (look.yaw - dx * degrees_per_px + 180.0) % 360.0 - 180.0
    pitch = max(-MAX_PITCH, min(MAX_PITCH, look.pitch + dy * degrees_per_px))
    return Look(yaw, pitch, look.fov)


def look_from(yaw: float, pitch: float, fov: float = 75.0) -> Look:
    """A head pose's yaw/pitch (hardware.headset.Pose.yaw_pitch) as a view."""
    return Look((yaw + 180.0) % 360.0 - 180.0, max(-MAX_PITCH, min(MAX_PITCH, pitch)), fov)
