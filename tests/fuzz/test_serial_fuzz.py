"""Serial fuzzing of the board driver through a real pseudo-terminal: we play a broken, babbling or
hostile board. The driver thread never dies or raises, its queue and memory stay bounded, what it
reports is within the protocol, and a sane board on the same line is heard again at once."""

from __future__ import annotations

import queue
import random
import select
import threading
import time
from pathlib import Path

import pytest

from hardware.board.driver import EVENT_QUEUE, BoardDriver
from hardware.board.events import ButtonEvent, DeviceState, StateChanged
from hardware.protocol.frames import MAX_BUTTONS, PROTOCOL_VERSION, Button, Hello, encode_message
from hardware.sim.pty_link import PtyLink
from tests.fuzz.hostile import fuzz_seconds, serial_chunk

SANE_HELLO = Hello(PROTOCOL_VERSION, (1, 0, 0), 4, 4, b"NOVAFUZ1")


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def _write_all(link: PtyLink, data: bytes, until: float) -> None:
    """Like a UART: what the line cannot take now is retried, never more than 4 KiB in flight."""
    while data and time.monotonic() < until:
        sent = link.write(data[:1024])
        data = data[sent:]
        if not sent:
            _read_host(link)
            time.sleep(0.001)


def _read_host(link: PtyLink) -> None:
    """Swallow what the driver sends (hello requests, commands) so its writes never block."""
    fd = link.master_fd
    if fd is not None and select.select([fd], [], [], 0)[0]:
        link.read(4096)


def _fuzz_driver(tmp_path: Path, seconds: float, seed: int) -> dict[str, int]:
    errors: list[BaseException] = []
    previous_hook = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value or RuntimeError("?"))
    link = PtyLink(tmp_path / "nova-board")
    link.plug()
    rng = random.Random(seed)
    driver = BoardDriver(f"serial://{link.name}").start()
    rss = _rss_kib()
    try:
        ends = time.monotonic() + seconds
        chunks, deepest = 0, 0
        while time.monotonic() < ends:
            _write_all(link, serial_chunk(rng), ends)
            _read_host(link)
            chunks += 1
            deepest = max(deepest, driver.events.qsize())
            assert driver._thread is not None and driver._thread.is_alive(), "the driver thread died"
        assert deepest <= EVENT_QUEUE and len(driver.board_errors) <= 50
        assert driver.state in (DeviceState.CONNECTED, DeviceState.DEGRADED, DeviceState.ABSENT)
        seen = []
        while True:
            try:
                seen.append(driver.events.get_nowait())
            except queue.Empty:
                break
        for event in seen:
            assert isinstance(event, ButtonEvent | StateChanged)
            if isinstance(event, ButtonEvent):
                assert 0 <= event.button < MAX_BUTTONS and isinstance(event.pressed, bool)
        # A sane board on the same line: greeted and its press heard within two seconds.
        time.sleep(2.1)  # longer than the press guard's calm-down after a flood
        recovered = time.monotonic()
        heard = False
        while not heard and time.monotonic() - recovered < 2.0:
            _write_all(link, b"\x00" + encode_message(SANE_HELLO, 1) + encode_message(Button(2, True, 1), 2)
                       + encode_message(Button(2, False, 2), 3), recovered + 2.0)
            _read_host(link)
            try:
                event = driver.events.get(timeout=0.2)
            except queue.Empty:
                continue
            heard = isinstance(event, ButtonEvent) and event.button == 2 and event.pressed
        assert heard, f"a sane press was not heard after the fuzz (state {driver.state}: {driver.reason})"
        assert driver.info is not None and driver.info.board_id == SANE_HELLO.board_id.hex()
        assert _rss_kib() - rss < 30 * 1024, "memory grew by more than 30 MiB"
        assert not errors, f"a thread raised: {errors[0]!r}"
        return {"chunks": chunks, "bad_frames": driver.stats.bad_frames, "frames": driver.stats.frames,
                **driver.dropped}
    finally:
        driver.stop()
        link.unplug()
        threading.excepthook = previous_hook


def test_the_board_driver_under_fuzzed_serial_bytes(tmp_path: Path) -> None:
    report = _fuzz_driver(tmp_path, 2.0, seed=1)
    assert report["frames"] > 100 and report["bad_frames"] > 100  # both sides of the parser were reached


@pytest.mark.slow
def test_a_longer_serial_fuzz(tmp_path: Path) -> None:
    for seed in (2, 3):
        (tmp_path / str(seed)).mkdir()
        print(seed, _fuzz_driver(tmp_path / str(seed), fuzz_seconds(15.0), seed))

