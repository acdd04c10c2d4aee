"""An idle board costs an idle kiosk almost nothing: between the board's frames the driver thread
sleeps in its read (a few wake-ups a second, not 50), yet a debounce window still closes on time
and stopping does not wait for the read. Real pseudo-terminals, the board simulator."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from hardware.board.driver import BoardDriver, open_port
from hardware.board.events import ButtonEvent, DeviceState
from hardware.board.reconnect import Port
from hardware.board.url import Endpoint
from hardware.sim.board import BoardSimulator, SimConfig


class _CountedReads:
    """The real pyserial port, its reads counted."""

    def __init__(self, port: Port) -> None:
        self.port = port
        self.reads = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.port, name)

    @property
    def in_waiting(self) -> int:
        return self.port.in_waiting

    @property
    def timeout(self) -> float | None:
        return self.port.timeout

    @timeout.setter
    def timeout(self, value: float | None) -> None:
        self.port.timeout = value

    def read(self, size: int = 1) -> bytes:
        self.reads += 1
        return self.port.read(size)


def _counting(opened: list[_CountedReads]) -> Callable[[Endpoint, float], Port]:
    def opener(endpoint: Endpoint, timeout: float) -> Port:
        port = _CountedReads(open_port(endpoint, timeout))
        opened.append(port)
        return port  # type: ignore[return-value]

    return opener


def test_an_idle_board_wakes_its_driver_a_few_times_a_second(tmp_path: Path) -> None:
    simulator = BoardSimulator(tmp_path / "board", SimConfig(heartbeat_ms=500)).start()
    opened: list[_CountedReads] = []
    driver = BoardDriver(f"serial://{simulator.path}", opener=_counting(opened)).start()
    try:
        assert driver.wait_for(DeviceState.CONNECTED, 3.0), driver.reason
        time.sleep(0.3)  # the handshake's short reads are over
        before = opened[-1].reads
        time.sleep(2.0)
        reads = opened[-1].reads - before
        assert reads <= 20, reads  # 2 heartbeats a second and a 0.25 s read timeout; 100 with 20 ms slices
        assert driver.state == DeviceState.CONNECTED  # the heartbeats were still heard
    finally:
        started = time.monotonic()
        driver.stop()
        simulator.stop()
    assert time.monotonic() - started < 1.0


def test_a_debounce_window_closes_on_time_with_the_board_quiet(tmp_path: Path) -> None:
    """A bounce (down and up within the window) leaves no button stuck down: the release is flushed
    at the window's end although no frame follows, however long an idle read would wait."""
    simulator = BoardSimulator(tmp_path / "board", SimConfig(heartbeat_ms=60_000)).start()
    driver = BoardDriver(f"serial://{simulator.path}", debounce_ms=20, idle_read_timeout=5.0).start()
    try:
        assert driver.wait_for(DeviceState.CONNECTED, 3.0), driver.reason
        time.sleep(0.1)
        simulator.press(2)
        simulator.release(2)  # within the same millisecond: the window holds it back
        sent = time.monotonic()
        got: list[ButtonEvent] = []
        while len(got) < 2 and time.monotonic() - sent < 4.0:
            event = driver.events.get(timeout=4.0)
            if isinstance(event, ButtonEvent):
                got.append(event)
        assert [(e.button, e.pressed) for e in got] == [(2, True), (2, False)]
        assert time.monotonic() - sent < 1.0  # not after a 5 s idle read
        started = time.monotonic()
        driver.stop()
        assert time.monotonic() - started < 1.0  # the idle read is cancelled, not waited out
    finally:
        driver.stop()
        simulator.stop()


def test_an_idle_serial_touch_controller_sleeps_in_its_read_and_stops_at_once(tmp_path: Path) -> None:
    from hardware.sim.pty_link import PtyLink
    from hardware.touch.driver import TouchDriver

    link = PtyLink(tmp_path / "nova-touch")
    link.plug()
    opened: list[_CountedReads] = []
    driver = TouchDriver(f"serial://{link.name}?baud=9600", "egalax", opener=_counting(opened)).start()
    try:
        deadline = time.monotonic() + 3.0
        while driver.state != DeviceState.CONNECTED and time.monotonic() < deadline:
            time.sleep(0.01)
        assert driver.state == DeviceState.CONNECTED
        before = opened[-1].reads
        time.sleep(1.0)
        assert opened[-1].reads - before <= 8  # 20 a second in 50 ms slices before
        link.write(bytes([0x87, 0x40, 0x00, 0x20, 0x00]))  # a touch still ends the read at once
        assert driver.events.get(timeout=2.0).touch.down
    finally:
        started = time.monotonic()
        driver.stop()
        link.unplug()
    assert time.monotonic() - started < 1.0
