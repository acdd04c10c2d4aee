"""Signals end a window's wait at once. Python runs a signal handler only when the main thread is
back in Python, and with a window the main thread sleeps in SDL's wait, which a signal does not
end. But the C-level handler writes the signal's number to `signal.set_wakeup_fd` at once: a
thread reading that pipe puts SIGTERM's stop request in the device hub and wakes SDL's wait for
any other signal, so the main thread returns and runs its Python handlers (Ctrl-C too)."""

from __future__ import annotations

import os
import signal
import threading
import time

from kiosk.app.hub import DeviceHub
from kiosk.events import QuitRequested


class SignalWake:
    """Started from the main thread (as `signal.set_wakeup_fd` must be); `close` restores the
    previous wake-up fd and ends the reading thread."""

    def __init__(self, hub: DeviceHub) -> None:
        self.hub = hub
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)  # a full pipe drops a byte, never blocks the handler
        self._previous = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        self._thread = threading.Thread(target=self._watch, name="signal-wake", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while data := os.read(self._read, 64):  # b"" once `close` closed the write end
            if signal.SIGTERM in data:
                self.hub.put(QuitRequested(time.monotonic()), "signal")
            else:
                self.hub.wake()

    def close(self) -> None:
        signal.set_wakeup_fd(self._previous)
        os.close(self._write)
        self._thread.join(timeout=2)
        os.close(self._read)
