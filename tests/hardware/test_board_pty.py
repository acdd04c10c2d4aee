"""The board driver against the simulator across a real pseudo-terminal: the OS serial stack,
unplug and replug, noise, silence, and the kiosk commands built on them."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.board.driver import BoardDriver
from hardware.board.events import BoardEvent, ButtonEvent, DeviceState, StateChanged
from hardware.board.timing import LinkHealth
from hardware.sim.board import BoardSimulator, Noise, SimConfig
from kiosk.cli import main


@pytest.fixture
def board(tmp_path: Path) -> Iterator[tuple[BoardSimulator, BoardDriver]]:
    simulator = BoardSimulator(tmp_path / "nova-board").start()
    driver = BoardDriver(f"serial://{simulator.path}").start()
    assert driver.wait_for(DeviceState.CONNECTED, 2.0), driver.reason
    yield simulator, driver
    driver.stop()
    simulator.stop()


def _buttons(driver: BoardDriver, count: int, timeout: float = 2.0) -> list[ButtonEvent]:
    got: list[ButtonEvent] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        try:
            event: BoardEvent = driver.events.get(timeout=0.05)
        except queue.Empty:
            continue
        if isinstance(event, ButtonEvent):
            got.append(event)
    return got


def _drain(driver: BoardDriver) -> list[BoardEvent]:
    items: list[BoardEvent] = []
    while not driver.events.empty():
        items.append(driver.events.get())
    return items


def test_handshake_buttons_leds_and_self_test(board: tuple[BoardSimulator, BoardDriver]) -> None:
    simulator, driver = board
    assert driver.info is not None and driver.info.firmware_version == "1.0.0" and driver.info.buttons == 4
    simulator.tap(2)
    assert [(e.button, e.pressed) for e in _buttons(driver, 2)] == [(2, True), (2, False)]
    assert driver.wait_ack(driver.set_led(1, (10, 20, 30), 250), 1.0) == 0
    assert simulator.leds[1] == ((10, 20, 30), 250)
    assert driver.wait_ack(driver.set_led(9, (1, 1, 1)), 1.0) == 3  # no such LED: the board says so
    result = driver.selftest(1.0)
    assert result is not None and (result.buttons_ok, result.leds_ok) == (0b1111, 0b1111)


def test_unplug_is_reported_and_replug_brings_events_back_within_two_seconds(
        board: tuple[BoardSimulator, BoardDriver]) -> None:
    simulator, driver = board
    simulator.unplug()
    assert driver.wait_for(DeviceState.ABSENT, 2.0)
    reported = [e for e in _drain(driver) if isinstance(e, StateChanged)]
    assert reported and reported[-1].state == DeviceState.ABSENT
    assert "disconnected" in driver.reason or "cannot open" in driver.reason
    time.sleep(0.6)  # long enough for the driver's backoff to reach its cap
    replugged = time.monotonic()
    simulator.replug()
    deadline = replugged + 2.0
    event = None
    while event is None and time.monotonic() < deadline:
        simulator.tap(3)
        found = _buttons(driver, 1, timeout=0.1)
        event = found[0] if found else None
    assert event is not None and event.button == 3, "no button event within 2 s of replugging"
    assert time.monotonic() - replugged < 2.0
    assert driver.state == DeviceState.CONNECTED


def test_line_noise_loses_frames_but_never_delivers_a_wrong_one(board: tuple[BoardSimulator, BoardDriver]) -> None:
    simulator, driver = board
    simulator.noise = Noise(drop=0.1, corrupt=0.3, garbage=0.3)
    for _ in range(100):
        simulator.tap(1)
        simulator.inject(b"\x55\xaa\x00\x13")
    simulator.noise = Noise()
    simulator.tap(0)
    events = _buttons(driver, 400, timeout=1.5)
    assert events and events[-1].button == 0  # a clean frame after the storm still comes through
    assert {e.button for e in events} <= {0, 1}
    assert driver.stats.bad_frames > 0 and driver.lost_frames > 0
    assert driver.state == DeviceState.CONNECTED


def test_a_silent_board_degrades_then_is_reopened(tmp_path: Path) -> None:
    simulator = BoardSimulator(tmp_path / "b", SimConfig(heartbeat_ms=60_000)).start()
    driver = BoardDriver(f"serial://{simulator.path}", health=LinkHealth(silent_after=0.3, reconnect_after=0.8))
    driver.start()
    try:
        assert driver.wait_for(DeviceState.CONNECTED, 2.0)
        assert driver.wait_for(DeviceState.DEGRADED, 2.0)
        assert "no heartbeat" in driver.reason or "reopening" in driver.reason
        assert driver.wait_for(DeviceState.CONNECTED, 2.0)  # reopened, hello again
    finally:
        driver.stop()
        simulator.stop()


def test_a_board_with_other_firmware_is_degraded_with_a_reason() -> None:
    with BoardDriver("sim://?hello=0", handshake_timeout=0.1) as driver:
        assert not driver.wait_for(DeviceState.CONNECTED, 0.8)
        assert driver.state == DeviceState.DEGRADED
        assert driver.wait_for(DeviceState.DEGRADED, 0.1) and "does not answer the handshake" in driver.reason


def test_a_missing_port_is_absent_and_pyserial_urls_work() -> None:
    with BoardDriver("serial:///dev/nova-nothing-here") as driver:
        deadline = time.monotonic() + 1.0
        while "cannot open" not in driver.reason and time.monotonic() < deadline:
            time.sleep(0.01)
        assert driver.state == DeviceState.ABSENT and "cannot open /dev/nova-nothing-here" in driver.reason
    with BoardDriver("loop://", handshake_timeout=0.05) as driver:  # hears only its own requests
        assert driver.wait_for(DeviceState.DEGRADED, 1.0)
        assert driver.info is None


def test_host_debounce_on_a_board_without_firmware_debounce() -> None:
    with BoardDriver("sim://", debounce_ms=20) as driver:
        assert driver.wait_for(DeviceState.CONNECTED, 2.0)
        simulator = driver.simulator
        assert simulator is not None
        simulator.press(1)
        simulator.release(1)  # a bounce, within the same millisecond
        simulator.press(1)
        time.sleep(0.1)
        simulator.release(1)
        events = _buttons(driver, 2, timeout=1.0)
        assert [(e.button, e.pressed) for e in events] == [(1, True), (1, False)]


def test_doctor_runs_every_check_on_the_simulator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--board", "sim://", "--press", "--timeout", "2"]) == 0
    out = capsys.readouterr().out
    for words in ("ok  board", "protocol 1.0  firmware 1.0.0", "button lines: 4/4 ok", "LEDs: 4/4 ok",
                  "LED chase: 8/8 commands acknowledged", "buzzer: acknowledged", "press test: all pressed"):
        assert words in out


def test_doctor_reports_faults_and_missing_devices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--board", "sim://?stuck=2&dead=0,3"]) == 69
    out = capsys.readouterr().out
    assert "button lines: 3/4 ok (stuck: 2)" in out and "LEDs: 2/4 ok (open circuit: 0, 3)" in out
    assert main(["doctor", "--board", "serial:///dev/nova-nothing", "--timeout", "0.3", "--headset", "openxr",
                 "--json"]) == 69
    out = capsys.readouterr().out
    assert '"state": "absent"' in out and '"state": "no headset runtime"' in out


def test_doctor_names_a_monitor_headset_as_the_display(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--headset", "monitor"]) == 0
    out = capsys.readouterr().out
    assert "ok  headset      monitor" in out and "side by side on the kiosk's display, lens k1=0.22" in out
    assert "simulated" not in out


def test_bench_input_prints_latency_percentiles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "input", "--samples", "200", "--loop-samples", "30", "--idle-seconds", "1"]) == 0
    out = capsys.readouterr().out
    assert "board frame → driver queue" in out and "board frame → screen handler" in out
    assert "p99 ms" in out and "events lost: 0" in out and "of one core" in out
    assert "bare pty, beside the presses" in out and "measured beside the presses" in out


def test_a_serial_touch_controller_through_a_real_pty(tmp_path: Path) -> None:
    from hardware.sim.pty_link import PtyLink
    from hardware.touch.driver import TouchDriver

    link = PtyLink(tmp_path / "nova-touch")
    link.plug()
    driver = TouchDriver(f"serial://{link.name}?baud=9600", "egalax").start()
    try:
        deadline = time.monotonic() + 2.0
        while driver.state != DeviceState.CONNECTED and time.monotonic() < deadline:
            time.sleep(0.01)
        # x = 0x2000, y = 0x1000 of 0x4000 at 14-bit resolution, touching; then lifted
        link.write(bytes([0x87, 0x40, 0x00, 0x20, 0x00]) + b"\x13" + bytes([0x86, 0x40, 0x00, 0x20, 0x00]))
        first = driver.events.get(timeout=2.0).touch
        second = driver.events.get(timeout=2.0).touch
        assert (first.x, first.y, first.down) == (0.5, 0.25, True) and not second.down
        link.unplug()
        deadline = time.monotonic() + 2.0
        while driver.state != DeviceState.ABSENT and time.monotonic() < deadline:
            time.sleep(0.01)
        assert driver.state == DeviceState.ABSENT
    finally:
        driver.stop()
        link.unplug()


def test_doctor_reads_devices_from_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hardware.sim.pty_link import PtyLink

    link = PtyLink(tmp_path / "nova-touch")
    link.plug()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[devices]\nboard = "sim://"\ntouch = "serial://{link.name}?baud=9600"\n'
                      'touch_protocol = "microtouch"\nheadset = "sim"\n')
    try:
        assert main(["--config", str(config), "doctor"]) == 0
    finally:
        link.unplug()
    out = capsys.readouterr().out
    assert "ok  touch" in out and "microtouch controller on" in out
    assert "ok  headset" in out and "ok  board" in out
