"""The anchor of `kiosk bench input`: the bare pseudo-terminal, a writer's `os.write` to a reader's
`os.read`, timed in the bench's process and in a process of its own beside the loop's presses."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import random
import select
import subprocess
import sys
import threading
import time
import tty

from kiosk.errors import KioskError

BUTTON_FRAME = b"\x00\x03\x02\x01\x02\x01\x01\x01\x03\xac\xa8\x00"  # what a board writes for a press


class BarePty:
    """The anchor: a writer's `os.write` to a reader thread's `os.read` on a raw pseudo-terminal,
    nothing else. `round_trip()` times one frame."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self._got: queue.Queue[float] = queue.Queue()
        self._thread = threading.Thread(target=self._read, name="bare-pty", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while select.select([self.slave], [], [])[0] and os.read(self.slave, 64):
                self._got.put(time.perf_counter())

    def round_trip(self) -> float:
        sent = time.perf_counter()
        os.write(self.master, BUTTON_FRAME)
        return self._got.get(timeout=2) - sent

    def close(self) -> None:
        os.close(self.master)  # the reader's read fails (EIO) or sees the end: it returns
        self._thread.join(timeout=2)
        os.close(self.slave)


def raw_pty_latency(samples: int, pause: tuple[float, float] = (0.002, 0.002)) -> list[float]:
    pty = BarePty()
    rng = random.Random(24)
    try:
        latencies = []
        for _ in range(samples):
            latencies.append(pty.round_trip())
            time.sleep(rng.uniform(*pause))
        return latencies
    finally:
        pty.close()


BARE_PTY_SCRIPT = """
import json, os, queue, random, select, sys, threading, time, tty
master, slave = os.openpty()
tty.setraw(slave)
got = queue.Queue()
def read():
    try:
        while select.select([slave], [], [])[0] and os.read(slave, 64):
            got.put(time.perf_counter())
    except OSError:
        pass
threading.Thread(target=read, daemon=True).start()
rng, out = random.Random(24), []
for _ in range(int(sys.argv[1])):
    sent = time.perf_counter()
    os.write(master, bytes(12))
    out.append(got.get(timeout=2) - sent)
    time.sleep(rng.uniform(0.005, 0.025))
print(json.dumps(out))
"""


def bare_pty_beside(samples: int) -> subprocess.Popen[str]:
    """The bare pty in a process of its own (imports nothing of the kiosk: it starts at once), paced
    as the loop's presses are (5-25 ms apart): the same seconds of the machine's load, without the
    kiosk process's threads or its GIL. `beside_latencies` collects its round trips."""
    return subprocess.Popen([sys.executable, "-c", BARE_PTY_SCRIPT, str(samples)], stdout=subprocess.PIPE, text=True)


def beside_latencies(process: subprocess.Popen[str]) -> list[float]:
    out, _ = process.communicate(timeout=120)
    if process.returncode != 0:
        raise KioskError("the bare pty beside the loop failed", hint="run `kiosk bench input` again")
    return [float(value) for value in json.loads(out)]
