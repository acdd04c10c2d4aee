"""Signals wake a window's wait: SIGTERM becomes a stop request in the device hub at once, any
other signal wakes the wait so the main thread gets to run its Python handler."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from kiosk.app.hub import DeviceHub
from kiosk.app.signal_wake import SignalWake
from kiosk.events import QuitRequested


@pytest.fixture
def handlers() -> Iterator[list[int]]:
    """Python handlers for SIGTERM and SIGUSR1 that only note the signal (restored afterwards)."""
    seen: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, frame: seen.append(number))
                for sig in (signal.SIGTERM, signal.SIGUSR1)}
    yield seen
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def test_sigterm_is_a_stop_request_and_another_signal_only_wakes(handlers: list[int]) -> None:
    hub = DeviceHub()
    woken = threading.Event()
    hub.wake_with(woken.set)
    wake = SignalWake(hub)
    try:
        os.kill(os.getpid(), signal.SIGUSR1)
        assert woken.wait(2.0)  # set from the reading thread, not from the Python handler
        assert hub.drain() == []
        woken.clear()
        os.kill(os.getpid(), signal.SIGTERM)
        events = hub.wait(2.0)
        assert [type(e) for e in events] == [QuitRequested] and woken.wait(2.0)
        assert hub.received == {"signal": 1}
    finally:
        wake.close()
    assert signal.set_wakeup_fd(-1) == -1  # the previous wake-up fd (none) is back
    assert signal.SIGUSR1 in handlers and signal.SIGTERM in handlers
