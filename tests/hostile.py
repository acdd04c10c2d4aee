"""Running the `kiosk` command on hostile input the way an outside tester would: in its own process,
under a memory limit and a deadline, reporting what it exited with, printed, took and touched."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

_CHILD = """
import resource, sys
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from kiosk.cli import main
try:
    code = main(sys.argv[3:])
finally:
    # VmHWM, not ru_maxrss: ru_maxrss survives exec and would report the forking test runner's size
    with open("/proc/self/status") as status, open(sys.argv[2], "w") as f:
        f.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
sys.exit(code)
"""


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str
    seconds: float
    peak_mib: int

    @property
    def last_error_line(self) -> str:
        lines = [line for line in self.err.splitlines() if line.strip()]
        return lines[-1] if lines else ""


def run_kiosk(args: list[str], cwd: Path, *, memory_mib: int = 600, timeout: float = 60.0) -> Outcome:
    """`kiosk ARGS` in a child process with an address-space limit; its peak RSS (MiB) as it measured it."""
    peak_file = cwd / ".peak-rss"
    env = dict(os.environ, SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(memory_mib), str(peak_file), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    seconds = time.monotonic() - started
    peak = int(peak_file.read_text() or 0) // 1024 if peak_file.exists() else -1
    peak_file.unlink(missing_ok=True)
    return Outcome(done.returncode, done.stdout, done.stderr, seconds, peak)


def snapshot(root: Path) -> dict[str, str]:
    """Every file under root with a hash of its content: compare before and after to see what was touched."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[str(path.relative_to(root)) + "/"] = ""
    return found
