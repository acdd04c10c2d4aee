"""Where the visitor looks in a 360° view: dragged by a finger, turned by the head in a headset,
or turned towards a hotspot focused by keys, board buttons or scanning."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.media.sphere import Look, drag, look_from
from kiosk.runtime.actions import Action, Choose, Toggle
from kiosk.scenario.model import HotspotStep, Step

FACING_PITCH = 60.0  # a hotspot far up or down is faced at most this far: the view stays readable


@dataclass(frozen=True, slots=True)
class _Drag:
    x: float
    y: float
    start: Look  # the look when the finger went down
    height: float  # of the view in pixels: a drag across it turns by the field of view


class LookController:
    def __init__(self) -> None:
        self.look = Look()
        self._drag: _Drag | None = None

    @property
    def dragging(self) -> bool:
        return self._drag is not None

    def begin_drag(self, x: float, y: float, height: float) -> None:
        self._drag = _Drag(x, y, self.look, height)

    def drag_to(self, x: float, y: float) -> bool:
        """The finger moved; False when no drag is on (a hover: nothing to record)."""
        if self._drag is None:
            return False
        d = self._drag
        self.look = drag(d.start, x - d.x, y - d.y, d.height)
        return True

    def release(self) -> bool:
        """The finger lifted; False when no drag was on."""
        was = self._drag is not None
        self._drag = None
        return was

    def head(self, yaw: float, pitch: float) -> None:
        """The headset's pose turns the view (the field of view stays the screen's)."""
        self.look = look_from(yaw, pitch, self.look.fov)

    def face(self, step: Step, action: Action) -> None:
        """Focusing a hotspot turns the view towards it; any other focus leaves the view as it is."""
        if not isinstance(action, Choose | Toggle) or not isinstance(step, HotspotStep):
            return
        spot = next((s for s in step.spots if s.id == action.option_id), None)
        if spot is not None:
            self.look = Look(spot.yaw, max(-FACING_PITCH, min(FACING_PITCH, spot.pitch)), self.look.fov)

    def reset(self) -> None:
        """A new step or a new visit: straight ahead, no drag."""
        self.look, self._drag = Look(), None
