"""Real kiosk processes for the operations tests: `kiosk run --headless` with its ops endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from scripts.lrs.ralph_server import free_port

REPO = Path(__file__).resolve().parents[2]


def start_kiosk(tmp_path: Path, scenarios: Path, name: str = "k", *, extra: str = "",
                env: dict[str, str] | None = None, token: str = "") -> tuple[subprocess.Popen[bytes], str]:
    """`token`: the kiosk's ops.token (needed for /screenshot, and then for every request)."""
    port = free_port()
    config = tmp_path / f"{name}.toml"
    config.write_text(f'[content]\nscenarios = "{scenarios}"\nassets = "{REPO / "assets"}"\n'
                      f'[ops]\nlisten = "127.0.0.1:{port}"\nlog_format = "json"\ntoken = "{token}"\n'
                      f'[store]\npath = "{tmp_path / name / "kiosk.db"}"\n' + extra)
    process = subprocess.Popen([sys.executable, "-m", "kiosk", "--config", str(config), "run", "--headless",
                                "--size", "320x180", "--duration", "120"], cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT,
                               env={**os.environ, "SDL_AUDIODRIVER": "dummy", **(env or {})})
    return process, f"http://127.0.0.1:{port}"


def authorized(url: str, token: str = "") -> urllib.request.Request:
    return urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})


def wait_healthz(base: str, timeout: float = 30.0, token: str = "") -> tuple[int, dict[str, object]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(authorized(f"{base}/healthz", token), timeout=2) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{base} never answered")
