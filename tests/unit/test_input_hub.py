"""The device hub: device events from other threads wake the frame loop's wait at once, keep their
driver's receive time, and a window's wait is woken through its own callback."""

from __future__ import annotations

import threading

from kiosk.app.hub import DeviceHub, with_window
from kiosk.events import BoardIntent, InputEvent, KeyPressed, QuitRequested


def test_an_event_from_another_thread_ends_an_unbounded_wait() -> None:
    hub = DeviceHub()
    threading.Thread(target=lambda: hub.put(BoardIntent("select", 1.0), "board")).start()
    assert hub.wait(None) == [BoardIntent("select", 1.0)]  # would block forever if nothing woke it


def test_everything_waiting_comes_in_one_wait_in_order() -> None:
    hub = DeviceHub()
    hub.put(BoardIntent("next", 1.0), "board")
    hub.put(QuitRequested(2.0), "signal")
    assert hub.wait(0.0) == [BoardIntent("next", 1.0), QuitRequested(2.0)]
    assert hub.wait(0.0) == [] and hub.drain() == []
    assert hub.received == {"board": 1, "signal": 1}


def test_a_full_hub_drops_and_counts_by_source() -> None:
    hub = DeviceHub(capacity=3)
    for i in range(5):
        hub.put(BoardIntent("next", float(i)), "board" if i < 4 else "touch")
    hub.put(QuitRequested(9.0), "signal")  # full or not, a stop request is never lost
    assert hub.drain() == [BoardIntent("next", 0.0), BoardIntent("next", 1.0), BoardIntent("next", 2.0),
                           QuitRequested(9.0)]
    assert hub.dropped == 2 and hub.dropped_by_source == {"board": 1, "touch": 1}


def test_a_window_wait_is_woken_once_per_wait_and_sees_device_events() -> None:
    hub = DeviceHub()
    wakes: list[int] = []
    hub.wake_with(lambda: wakes.append(1))
    asked: list[float | None] = []

    def window(timeout: float | None) -> list[InputEvent]:
        asked.append(timeout)
        return [KeyPressed("a", 0.5)]

    wait = with_window(window, hub)
    hub.put(BoardIntent("next", 1.0), "board")
    hub.put(BoardIntent("select", 1.1), "board")
    assert wakes == [1]  # the second arrival finds the window already woken
    assert wait(5.0) == [KeyPressed("a", 0.5), BoardIntent("next", 1.0), BoardIntent("select", 1.1)]
    assert asked == [0.0]  # devices had spoken: the window was only looked at
    assert wait(5.0) == [KeyPressed("a", 0.5)] and asked[-1] == 5.0  # nothing waiting: SDL's wait, in full
    hub.put(BoardIntent("back", 2.0), "board")
    assert wakes == [1, 1]  # a new arrival after the hub was drained wakes the next wait
