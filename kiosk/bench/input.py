"""`kiosk bench input`: how long a button press takes from the wire to the kiosk.

The board simulator writes a BUTTON frame into a real pseudo-terminal; the driver thread
reads, unframes, checks and queues it; a consumer thread takes it off the queue. Latency is
measured from the simulator's write to the consumer's get, on one clock. The baseline, in the
same process: the bare pseudo-terminal (a writer's `os.write` to a reader's `os.read`).
"""

from __future__ import annotations

import os
import queue
import select
import statistics
import tempfile
import threading
import time
import tty
from pathlib import Path

from hardware.board.driver import BoardDriver
from hardware.board.events import ButtonEvent, DeviceState
from hardware.board.guard import PressPolicy
from hardware.sim.board import BoardSimulator


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def raw_pty_latency(samples: int) -> list[float]:
    master, slave = os.openpty()
    tty.setraw(slave)
    got: queue.Queue[float] = queue.Queue()

    def reader() -> None:
        for _ in range(samples):
            select.select([slave], [], [])
            os.read(slave, 64)
            got.put(time.perf_counter())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    latencies = []
    for _ in range(samples):
        sent = time.perf_counter()
        os.write(master, b"\x00\x03\x02\x01\x02\x01\x01\x01\x03\xac\xa8\x00")
        latencies.append(got.get(timeout=2) - sent)
        time.sleep(0.002)
    thread.join(timeout=2)
    os.close(master)
    os.close(slave)
    return latencies


def driver_latency(samples: int) -> tuple[list[float], int]:
    with tempfile.TemporaryDirectory(prefix="nova-bench-") as folder:
        simulator = BoardSimulator(Path(folder) / "board", clock=time.perf_counter).start()
        # The bench measures the wire, not a hand: the press guard would drop its quick presses.
        driver = BoardDriver(f"serial://{simulator.path}", clock=time.perf_counter, presses=PressPolicy.off()).start()
        try:
            if not driver.wait_for(DeviceState.CONNECTED, 3.0):
                raise RuntimeError(f"the simulated board did not connect: {driver.reason}")
            latencies: list[float] = []
            lost = 0
            for i in range(samples):
                button = (i // 2) % 4
                seq = simulator.press(button) if i % 2 == 0 else simulator.release(button)
                sent = simulator.sent_at[seq]
                while True:
                    try:
                        event = driver.events.get(timeout=1.0)
                    except queue.Empty:
                        lost += 1
                        break
                    if isinstance(event, ButtonEvent):
                        latencies.append(time.perf_counter() - sent)
                        break
                time.sleep(0.002)  # a person presses a few times a second at most; don't measure a flood
            return latencies, lost
        finally:
            driver.stop()
            simulator.stop()


def run_input_bench(samples: int = 2000) -> None:
    print(f"kiosk bench input: {samples} button events through a real pseudo-terminal")
    baseline = raw_pty_latency(samples)
    measured, lost = driver_latency(samples)
    rows = [("bare pty write → read", baseline), ("board frame → kiosk event", measured)]
    print(f"{'path':<28} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in rows:
        print(f"{name:<28} {1000 * statistics.median(values):8.3f} {1000 * _percentile(values, 0.99):8.3f} "
              f"{1000 * max(values):8.3f}")
    ratio = statistics.median(measured) / statistics.median(baseline)
    print(f"driver p50 ÷ bare pty p50: {ratio:.2f}×; events lost: {lost}; target p99 ≤ 2 ms: "
          f"{'met' if _percentile(measured, 0.99) <= 0.002 else 'missed'}")
