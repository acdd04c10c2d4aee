"""The device hub: the one place every device's input enters the kiosk.

Drivers hand their events in from their own threads (the board's and the serial touch
controller's), the headset link from the frame thread, SIGTERM from a signal handler; each event
keeps the time its driver received it (`t`, on the driver's monotonic clock). The frame loop takes
them out in one wait that an arrival ends at once: headless it blocks on the hub itself; with a
window it blocks in SDL, and the hub's `wake` callback posts an SDL event so that wait ends too.
Nothing is polled in slices.
"""

from __future__ import annotations

import queue
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.events import InputEvent, QuitRequested


@dataclass(frozen=True, slots=True)
class Arrival:
    source: str  # "board", "touch", "headset", "signal"
    event: InputEvent


class DeviceHub:
    """A bounded queue of timestamped device events that the frame loop waits on.

    `put` is reentrant (a SimpleQueue underneath), so a signal handler may call it. Beyond
    `capacity` waiting events new ones are dropped and counted by source: a stalled screen never
    blocks a driver thread, and /healthz says what was lost."""

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self.received: Counter[str] = Counter()
        self.dropped_by_source: Counter[str] = Counter()
        self._queue: queue.SimpleQueue[Arrival] = queue.SimpleQueue()
        self._wake: Callable[[], None] | None = None
        self._wake_pending = False

    def wake_with(self, wake: Callable[[], None]) -> None:
        """Also call `wake` when an event arrives (a window's wait that a Python thread cannot end
        otherwise). Called at most once per wait, whatever the number of events."""
        self._wake = wake

    def wake(self) -> None:
        """End a window's wait with no event (a signal whose Python handler must get to run)."""
        if self._wake is not None:
            self._wake()

    def put(self, event: InputEvent, source: str) -> None:
        if self._queue.qsize() >= self.capacity and not isinstance(event, QuitRequested):  # stopping is never lost
            self.dropped_by_source[source] += 1
            return
        self.received[source] += 1
        self._queue.put(Arrival(source, event))
        if self._wake is not None and not self._wake_pending:
            self._wake_pending = True
            self._wake()

    def sink(self, source: str) -> Callable[[InputEvent], None]:
        """`put` for one source: what a driver's mapping hands its events to."""
        return lambda event: self.put(event, source)

    @property
    def dropped(self) -> int:
        return sum(self.dropped_by_source.values())

    def wait(self, timeout: float | None) -> list[InputEvent]:
        """Waiting events, oldest first, waiting at most `timeout` seconds for the first (None: until
        one comes)."""
        try:
            first = self._queue.get(timeout=timeout) if timeout is None or timeout > 0 else self._queue.get_nowait()
        except queue.Empty:
            return []
        return [first.event, *self.drain()]

    def drain(self) -> list[InputEvent]:
        """What is waiting, without waiting."""
        self._wake_pending = False  # cleared before taking: a later arrival wakes the next wait
        events: list[InputEvent] = []
        while True:
            try:
                events.append(self._queue.get_nowait().event)
            except queue.Empty:
                return events


def with_window(window_wait: Callable[[float | None], list[InputEvent]], hub: DeviceHub
                ) -> Callable[[float | None], list[InputEvent]]:
    """A window's input and the hub's in one wait. The wait is SDL's (window events), which the
    hub's `wake` ends when a device event arrives: set it with `hub.wake_with` before devices start."""

    def wait(timeout: float | None) -> list[InputEvent]:
        waiting = hub.drain()
        if waiting:  # devices spoke: the window is only looked at
            return [*window_wait(0.0), *waiting]
        return [*window_wait(timeout), *hub.drain()]

    return wait
