"""Keeping a serial device connected: open, run a session until the port fails, report it absent,
back off, try again — the loop every driver thread of this layer runs (board, touch controller)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Protocol

import serial

from hardware.board.timing import Backoff


class Port(Protocol):
    """The part of pyserial's `Serial` the drivers use."""

    @property
    def in_waiting(self) -> int: ...
    @property
    def timeout(self) -> float | None: ...
    @timeout.setter
    def timeout(self, value: float | None) -> None: ...
    def read(self, size: int = 1) -> bytes: ...
    def write(self, data: bytes) -> int | None: ...
    def close(self) -> None: ...


def short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "..."


def keep_connected(target: str, open_port: Callable[[], Port], session: Callable[[Port], None],
                   absent: Callable[[str], None], stop: threading.Event, backoff: Backoff) -> None:
    """Until `stop`: open the port, run `session(port)` until it returns or the port fails, close it,
    wait the backoff. `absent(reason)` hears about every failure; the loop itself never raises."""
    while not stop.is_set():
        try:
            port = open_port()
        except (serial.SerialException, OSError, ValueError) as exc:
            absent(f"cannot open {target}: {short(exc)}")
            stop.wait(backoff.delay())
            continue
        try:
            session(port)
        except (serial.SerialException, OSError) as exc:
            absent(f"disconnected: {short(exc)}")
        finally:
            with contextlib.suppress(serial.SerialException, OSError):  # the device may be gone already
                port.close()
        stop.wait(backoff.delay())
