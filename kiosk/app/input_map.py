"""What a driver's report means to the kiosk: the one place board buttons become intents and
serial touches become pointer events. Pure: each event keeps its driver's receive time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hardware.board.events import BoardEvent, ButtonEvent
from kiosk.events import BoardIntent, InputEvent, PointerDown, PointerMoved, PointerUp

if TYPE_CHECKING:  # the touch driver (pyserial) is imported only when a touch controller is configured
    from hardware.touch.driver import TouchEvent

ToDesign = Callable[[float, float], tuple[float, float]]
"""A point on the panel (0..1 from the left, 0..1 from the top) → the view model's design space."""


@dataclass(frozen=True)
class ButtonMap:
    """Board buttons, left to right, named by the device profile (back, previous, next, select, ...).
    A press is an intent; a release, a state change or an unnamed button is nothing."""

    intents: tuple[str, ...]

    def __call__(self, event: BoardEvent) -> BoardIntent | None:
        if isinstance(event, ButtonEvent) and event.pressed and event.button < len(self.intents):
            return BoardIntent(self.intents[event.button], event.received)
        return None


class TouchMap:
    """A serial touch controller's reports as a finger on the screen: the first report touching is
    a PointerDown, the following ones that moved are PointerMoved (a drag turns a 360° view), the
    first one lifted a PointerUp. Controllers repeat reports while touched; repeats are dropped."""

    def __init__(self, to_design: ToDesign) -> None:
        self.to_design = to_design
        self._at: tuple[float, float] | None = None  # where the finger is, while down

    def __call__(self, event: TouchEvent) -> InputEvent | None:
        x, y = self.to_design(event.touch.x, event.touch.y)
        if not event.touch.down:
            if self._at is None:
                return None
            self._at = None
            return PointerUp(x, y, event.received)
        if self._at is None:
            self._at = (x, y)
            return PointerDown(x, y, event.received)
        if (x, y) == self._at:
            return None
        self._at = (x, y)
        return PointerMoved(x, y, event.received)


def panel_to_design(size: tuple[int, int], to_design: Callable[[float, float, int], tuple[float, float]]) -> ToDesign:
    """A touch panel laid over the whole display of `size` pixels, through the renderer's letterbox
    (`Viewport.to_design`)."""
    width, height = size
    return lambda x, y: to_design(x * width, y * height, height)
