"""The one place device reports get their meaning: board buttons by the profile, serial touches as
a finger on the screen; every event keeps its driver's receive time."""

from __future__ import annotations

from hardware.board.events import ButtonEvent, DeviceState, StateChanged
from hardware.touch.driver import TouchEvent
from hardware.touch.serial_touch import Touch
from kiosk.app.input_map import ButtonMap, TouchMap, panel_to_design
from kiosk.events import BoardIntent, PointerDown, PointerMoved, PointerUp


def test_presses_of_named_buttons_become_intents_at_the_drivers_receive_time() -> None:
    buttons = ButtonMap(("back", "previous", "next", "select"))
    assert buttons(ButtonEvent(3, True, board_ms=120, received=7.25)) == BoardIntent("select", 7.25)
    assert buttons(ButtonEvent(3, False, board_ms=180, received=7.31)) is None  # a release means nothing
    assert buttons(ButtonEvent(5, True, board_ms=200, received=7.5)) is None  # a button the profile does not name
    assert buttons(StateChanged(DeviceState.CONNECTED, "hello", 1.0)) is None


def test_a_touch_is_down_then_drags_then_lifts_and_repeats_are_dropped() -> None:
    touches = TouchMap(lambda x, y: (x * 1920, y * 1080))
    reports = [Touch(0.5, 0.25, True), Touch(0.5, 0.25, True), Touch(0.75, 0.25, True), Touch(0.75, 0.25, False),
               Touch(0.75, 0.25, False)]
    events = [touches(TouchEvent(touch, 10.0 + i)) for i, touch in enumerate(reports)]
    assert events == [PointerDown(960, 270, 10.0), None, PointerMoved(1440, 270, 12.0), PointerUp(1440, 270, 13.0),
                      None]


def test_a_panel_over_the_display_goes_through_the_letterbox() -> None:
    seen: list[tuple[float, float, int]] = []

    def to_design(px: float, py: float, height: int) -> tuple[float, float]:
        seen.append((px, py, height))
        return px / 2, py / 2

    assert panel_to_design((1280, 800), to_design)(0.5, 1.0) == (320.0, 400.0)
    assert seen == [(640.0, 800.0, 800)]
