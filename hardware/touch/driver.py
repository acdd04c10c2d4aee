"""A serial touch controller as a device: a thread that owns the port, parses reports and
queues touches, reconnecting with backoff when the cable comes out (like the board driver)."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import serial

from hardware.board.driver import IDLE_READ_TIMEOUT, open_port
from hardware.board.events import DeviceState
from hardware.board.reconnect import Port, keep_connected
from hardware.board.timing import Backoff
from hardware.board.url import Endpoint, parse_url
from hardware.errors import DeviceUrlError
from hardware.touch.serial_touch import EGalaxParser, MicroTouchParser, Touch

log = logging.getLogger(__name__)

PARSERS: dict[str, Callable[[], EGalaxParser | MicroTouchParser]] = {
    "egalax": EGalaxParser, "microtouch": MicroTouchParser}


@dataclass(frozen=True, slots=True)
class TouchEvent:
    touch: Touch
    received: float


class TouchDriver:
    def __init__(self, url: str, protocol: str, *, clock: Callable[[], float] = time.monotonic,
                 opener: Callable[[Endpoint, float], Port] = open_port, backoff: Backoff | None = None,
                 sink: Callable[[TouchEvent], None] | None = None) -> None:
        if protocol not in PARSERS:
            raise DeviceUrlError(f"unknown touch protocol `{protocol}`", f"one of {', '.join(PARSERS)}")
        self.url, self.protocol = url, protocol
        self.endpoint = parse_url(url)
        self.events: queue.Queue[TouchEvent] = queue.Queue(maxsize=256)  # bounded: a babbling controller
        self._sink = sink  # given one, touches go to it on the driver thread instead (it must not block)
        self.dropped = 0  # touches dropped because nobody read them
        self.state = DeviceState.ABSENT
        self.reason = "not started"
        self._clock, self._opener = clock, opener
        self._backoff = backoff or Backoff()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: Port | None = None

    def start(self) -> TouchDriver:
        self._thread = threading.Thread(target=self._run, name=f"touch {self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        cancel = getattr(self._port, "cancel_read", None)  # a read waiting out its timeout ends now
        if callable(cancel):
            with contextlib.suppress(serial.SerialException, OSError, ValueError):
                cancel()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _emit(self, event: TouchEvent) -> None:
        if self._sink is not None:
            try:
                self._sink(event)
            except Exception:  # a consumer's bug must not take the port down with it
                log.exception("touch %s: the event consumer failed on %s", self.url, event)
            return
        try:
            self.events.put_nowait(event)
        except queue.Full:  # the screen is stalled: the newest touch goes, the thread never blocks
            self.dropped += 1

    def _run(self) -> None:
        def session(port: Port) -> None:
            parser = PARSERS[self.protocol]()  # a fresh parser: a half report from before means nothing
            self.state, self.reason = DeviceState.CONNECTED, f"{self.protocol} controller on {self.endpoint.target}"
            self._backoff.reset()
            self._port = port
            try:
                while not self._stop.is_set():
                    data = port.read(max(1, port.in_waiting))
                    now = self._clock()
                    for touch in parser.feed(data):
                        self._emit(TouchEvent(touch, now))
            finally:
                self._port = None

        def absent(reason: str) -> None:
            self.state, self.reason = DeviceState.ABSENT, reason

        # Nothing is due between reports (a report or an unplugged cable ends the read at once): the read
        # waits long, and `stop` cancels it. An idle touch screen wakes this thread 4 times a second, not 20.
        keep_connected(self.endpoint.target, lambda: self._opener(self.endpoint, IDLE_READ_TIMEOUT), session, absent,
                       self._stop, self._backoff)
