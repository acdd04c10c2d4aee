"""What each eye of a head-mounted display sees of a 360° stream (pure).

Only the head's orientation turns the view: the camera never moves by itself (comfort), and
the position is ignored (seated mode: a 360° picture has no parallax to offer).
"""

from __future__ import annotations

from kiosk.media.sphere import Look
from kiosk.runtime.view import Group, Panorama, Rect, Scene


def eye_scene(stream: str, look: Look, size: tuple[float, float]) -> Scene:
    """The whole eye filled with the sphere seen along `look` (the eye's own field of view)."""
    width, height = size
    return Scene(Group((Panorama(Rect(0.0, 0.0, width, height), stream, look.yaw, look.pitch, look.fov),)),
                 width=width, height=height, labels=("eye",))
