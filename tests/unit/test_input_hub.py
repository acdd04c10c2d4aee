"""The input hub: device events from other threads wake the frame loop's wait at once."""

from __future__ import annotations

import threading

from kiosk.app.devices import InputHub
from kiosk.events import BoardIntent, QuitRequested


def test_an_event_from_another_thread_ends_an_unbounded_wait() -> None:
    hub = InputHub()
    threading.Thread(target=lambda: hub.put(BoardIntent("select", 1.0))).start()
    assert hub.wait(None) == [BoardIntent("select", 1.0)]  # would block forever if nothing woke it


def test_everything_waiting_comes_in_one_wait_in_order() -> None:
    hub = InputHub()
    hub.put(BoardIntent("next", 1.0))
    hub.put(QuitRequested(2.0))
    assert hub.wait(0.0) == [BoardIntent("next", 1.0), QuitRequested(2.0)]
    assert hub.wait(0.0) == [] and hub.drain() == []


def test_a_full_hub_drops_and_counts() -> None:
    hub = InputHub(capacity=3)
    for i in range(5):
        hub.put(BoardIntent("next", float(i)))
    assert [e.t for e in hub.drain() if isinstance(e, BoardIntent)] == [0.0, 1.0, 2.0]
    assert hub.dropped == 2
