"""A flooding board on a real pseudo-terminal: thousands of presses a second must not reach the
screen, must not grow memory, and must be named (chattering) and counted (dropped)."""

from __future__ import annotations

import logging
import queue
import threading
import time
from pathlib import Path

import pytest

from hardware.board.driver import EVENT_QUEUE, BoardDriver
from hardware.board.events import ButtonEvent, DeviceState
from hardware.board.guard import CHATTER, QUEUE_FULL, PressPolicy
from hardware.sim.board import BoardSimulator


def _flood(simulator: BoardSimulator, button: int, seconds: float) -> int:
    """Press and release as fast as the line takes it; how many presses were written."""
    sent, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        simulator.press(button)
        simulator.release(button)
        sent += 1
    return sent


def _drain(driver: BoardDriver) -> list[ButtonEvent]:
    got = []
    while True:
        try:
            event = driver.events.get_nowait()
        except queue.Empty:
            return got
        if isinstance(event, ButtonEvent):
            got.append(event)


def test_a_flooding_button_is_ignored_named_counted_and_heard_again_once_quiet(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    simulator = BoardSimulator(tmp_path / "nova-board").start()
    driver = BoardDriver(f"serial://{simulator.path}", presses=PressPolicy(calm_after=0.5)).start()
    try:
        assert driver.wait_for(DeviceState.CONNECTED, 2.0), driver.reason
        sent = _flood(simulator, 2, 1.5)
        time.sleep(0.2)  # the driver reads what is left on the line
        presses = [e for e in _drain(driver) if e.pressed]
        assert sent > 2000, "the flood was too slow to mean anything"
        assert len(presses) <= 3, f"{len(presses)} presses of {sent} reached the screen"
        assert driver.dropped[CHATTER] > 1000
        assert driver.input_problems() == ["button 2 chatters (presses faster than a hand): ignored"]
        assert any("button 2 chatters" in r.getMessage() for r in caplog.records)
        assert any("presses dropped" in r.getMessage() for r in caplog.records)
        time.sleep(0.6)  # quiet for longer than calm_after
        assert driver.input_problems() == []
        simulator.tap(2)
        deadline = time.monotonic() + 2
        heard: list[ButtonEvent] = []
        while not heard and time.monotonic() < deadline:
            heard = [e for e in _drain(driver) if e.pressed]
            time.sleep(0.02)
        assert [e.button for e in heard] == [2], "a real press after the flood must be heard"
        assert driver.state == DeviceState.CONNECTED
    finally:
        driver.stop()
        simulator.stop()


def test_the_event_queue_is_bounded_when_nobody_reads_it(tmp_path: Path) -> None:
    simulator = BoardSimulator(tmp_path / "nova-board").start()
    # No guard at all (a hand of any speed): only the queue's bound protects memory.
    driver = BoardDriver(f"serial://{simulator.path}", presses=PressPolicy.off()).start()
    sizes: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            sizes.append(driver.events.qsize())
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    try:
        assert driver.wait_for(DeviceState.CONNECTED, 2.0), driver.reason
        watcher.start()
        _flood(simulator, 0, 1.0)
        time.sleep(0.2)
        stop.set()
        watcher.join()
        assert max(sizes) <= EVENT_QUEUE and driver.events.qsize() == EVENT_QUEUE
        assert driver.dropped[QUEUE_FULL] > 500
    finally:
        stop.set()
        driver.stop()
        simulator.stop()


def test_doctor_names_a_chattering_button(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main

    simulator = BoardSimulator(tmp_path / "nova-board").start()
    stop = threading.Event()

    def chatter() -> None:  # a shorted line: presses as fast as the wire carries them, until the end
        while not stop.is_set():
            _flood(simulator, 1, 0.1)

    flooder = threading.Thread(target=chatter)
    flooder.start()
    try:
        assert main(["doctor", "--board", f"serial://{simulator.path}"]) == 69
    finally:
        stop.set()
        flooder.join()
        simulator.stop()
    out = capsys.readouterr().out
    assert "BAD board" in out and "untouched buttons: button 1 chatters" in out and "presses dropped" in out


def test_doctor_finds_quiet_buttons_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main

    assert main(["doctor", "--board", "sim://"]) == 0
    assert "untouched buttons: quiet for 1.0 s" in capsys.readouterr().out


def test_doctor_running_asks_the_kiosk_instead_of_opening_its_board(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main
    from kiosk.ops.server import OpsServer
    from kiosk.ops.status import KioskStatus

    flooded = KioskStatus(at=1.0, state="serving", devices={"board": "connected"},
                          device_problems=("board: button 3 chatters (presses faster than a hand): ignored",))
    statuses = [flooded]
    server = OpsServer("127.0.0.1", 0, lambda: statuses[0], lambda: 1.0, token="t0ken").start()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[ops]\nlisten = "127.0.0.1:{server.port}"\ntoken = "t0ken"\n'
                      '[devices]\nboard = "serial:///dev/nova-nothing"\n')  # never opened
    try:
        assert main(["--config", str(config), "doctor", "--running"]) == 69
        out = capsys.readouterr().out
        assert "BAD board" in out and "button 3 chatters (presses faster than a hand): ignored" in out
        statuses[0] = KioskStatus(at=1.0, state="serving", devices={"board": "connected"})
        assert main(["--config", str(config), "doctor", "--running"]) == 0
        assert "ok  board" in capsys.readouterr().out
    finally:
        server.stop()
    assert main(["--config", str(config), "doctor", "--running", "--timeout", "0.5"]) == 69  # nobody listens now
    assert "not running" in capsys.readouterr().out
