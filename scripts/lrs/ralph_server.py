"""A real Ralph LRS for the tests: its own venv (it pins old fastapi/uvicorn), the filesystem
backend in a temporary folder, basic auth, on 127.0.0.1. It can be stopped and started again
over the same data, to play an LRS that goes down and comes back. (Not named ralph.py: uvicorn
puts this folder first on sys.path, where it would hide the ralph package.)"""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

RALPH_VERSION = "5.1.0"
HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("NOVA_TEST_CACHE", HERE.parents[1] / ".cache"))
USER, PASSWORD = "kiosk", "kiosk-secret"


def ralph_venv() -> Path:
    """Ralph's venv, made once per checkout (about 20 s; scripts/setup.sh makes it beside the other
    installs). Under a lock: parallel test workers (pytest -n) would otherwise build it at once."""
    venv = CACHE / f"ralph-{RALPH_VERSION}"
    python = venv / "bin" / "python"
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / f"ralph-{RALPH_VERSION}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / ".ready").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "-q", f"ralph-malph[cli,lrs]=={RALPH_VERSION}",
                            "requests"], check=True)  # the lrs extra lacks requests in 5.1.0
            (venv / ".ready").write_text(RALPH_VERSION)
    return venv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RalphServer:
    def __init__(self, venv: Path, folder: Path, port: int | None = None) -> None:
        self.venv, self.folder = venv, folder
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        (folder / "data").mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs",  # `ralph auth` needs it too
                    "RALPH_AUTH_FILE": str(folder / "auth.json"),
                    # Ralph's fs backend logs every write to a history file, by default one per user
                    # (~/.config/ralph/history.json) that it reads and rewrites whole on each write: LRSs
                    # running at once (test workers, other checkouts) corrupted it and then answered 500.
                    "RALPH_HISTORY_FILE": str(folder / "history.json"),
                    # The API stores through the *LRS* fs backend (its own settings, file fs_lrs.jsonl);
                    # both are pointed at our folder, and the server runs there, so nothing lands elsewhere.
                    "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
                    "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data")}
        if not (folder / "auth.json").exists():
            subprocess.run([str(venv / "bin" / "ralph"), "auth", "-u", USER, "-p", PASSWORD, "-s", "all",
                            "-M", "mailto:kiosk@example.org", "-w"], env=self.env, check=True,
                           capture_output=True, cwd=folder)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> RalphServer:
        log = (self.folder / "ralph.log").open("ab")
        self.process = subprocess.Popen(
            [str(self.venv / "bin" / "python"), "-m", "uvicorn", "ralph_app:app", "--app-dir", str(HERE),
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            env=self.env, stdout=log, stderr=log, cwd=self.folder)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"Ralph did not start: see {self.folder / 'ralph.log'}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def validate_generic(self, statements: list[dict[str, object]]) -> list[str]:
        """Errors (one per statement, "" when valid) from Ralph's generic xAPI statement model — the
        model its LRS applies to every POST."""
        import json

        script = ("import json, sys\n"
                  "from ralph.models.xapi.base.statements import BaseXapiStatement\n"
                  "for line in sys.stdin:\n"
                  "    try:\n"
                  "        BaseXapiStatement.model_validate(json.loads(line)); print(json.dumps(''))\n"
                  "    except Exception as exc:\n"
                  "        print(json.dumps(str(exc)))\n")
        lines = "\n".join(json.dumps(s) for s in statements) + "\n"
        done = subprocess.run([str(self.venv / "bin" / "python"), "-c", script], input=lines, text=True,
                              capture_output=True, env=self.env, check=True, cwd=self.folder)
        return [json.loads(line) for line in done.stdout.splitlines()]

    def validate(self, statements: list[dict[str, object]]) -> subprocess.CompletedProcess[str]:
        """`ralph validate -f xapi` on the statements (one JSON per line)."""
        import json

        lines = "\n".join(json.dumps(s) for s in statements) + "\n"
        return subprocess.run([str(self.venv / "bin" / "ralph"), "validate", "-f", "xapi"], input=lines,
                              text=True, capture_output=True, env=self.env, check=False, cwd=self.folder)
