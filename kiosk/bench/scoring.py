"""`kiosk bench scoring`: how long and how much memory calibrating a large export takes.

A cohort of visitors who choose options is simulated on the packs and written in the store's
export form (one row per observable and skill); then `kiosk scoring calibrate --dry-run` runs
in a child process on that file, so the time and the peak resident memory measured are those
of the real command, reading the CSV included.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from kiosk.errors import KioskError


def run_scoring_bench(packs: list[Path], people: int, seed: int, out: TextIO | None = None) -> tuple[float, float]:
    """(seconds, peak MiB) of calibrating `people` simulated visits; also printed."""
    out = out or sys.stdout
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-scoring-") as tmp:
        responses = Path(tmp) / "responses.csv"
        made = subprocess.run([sys.executable, "-m", "kiosk", "scoring", "simulate", *map(str, packs), "-o",
                               str(responses), "--people", str(people), "--seed", str(seed)],
                              capture_output=True, text=True, check=False)
        if made.returncode != 0:
            raise KioskError(f"simulating the cohort failed: {made.stderr.strip()}", "run `kiosk lint` on the packs")
        size = responses.stat().st_size / 2**20
        rows = sum(1 for _ in responses.open(encoding="utf-8")) - 1
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        before, cpu_before = used.ru_maxrss, used.ru_utime + used.ru_stime
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "kiosk", "scoring", "calibrate", *map(str, packs),
                               "--responses", str(responses), "--dry-run"], capture_output=True, text=True,
                              check=False)
        seconds = time.perf_counter() - start
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak = used.ru_maxrss / 1024  # KiB on Linux
        cpu = used.ru_utime + used.ru_stime - cpu_before
        if done.returncode != 0:
            raise KioskError(f"calibration failed: {done.stderr.strip()}", "see `kiosk scoring calibrate --help`")
    if peak <= before / 1024:  # the simulating child peaked higher: the calibration stayed below that
        out.write(f"(calibration peak at most {peak:.0f} MiB: the simulation's own peak)\n")
    out.write(f"calibrate {people} visits ({rows} rows, {size:.0f} MiB CSV): {seconds:.1f} s wall ({cpu:.1f} s CPU), "
              f"peak memory {peak:.0f} MiB (targets: < 60 s, < 500 MB)\n")
    return seconds, peak
