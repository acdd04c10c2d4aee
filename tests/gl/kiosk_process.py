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
from tests.http_kit import authorized

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


def wait_device(base: str, device: str, state: str, timeout: float = 15.0,
                token: str = "") -> tuple[int, dict[str, object]]:
    """The kiosk's health once it reports `device` in `state` (devices connect after the first frame),
    or its last health when `timeout` runs out: the caller's assert says what was seen."""
    deadline = time.monotonic() + timeout
    code, health = wait_healthz(base, token=token)
    while _devices(health).get(device) != state and time.monotonic() < deadline:
        time.sleep(0.2)
        code, health = wait_healthz(base, token=token)
    return code, health


def _devices(health: dict[str, object]) -> dict[str, object]:
    devices = health.get("devices")
    return devices if isinstance(devices, dict) else {}


def wait_metric(base: str, line: str, timeout: float = 30.0) -> str:
    """The kiosk's /metrics text once it holds `line`, or the last text when `timeout` runs out."""
    deadline = time.monotonic() + timeout
    metrics = ""
    while line not in metrics and time.monotonic() < deadline:
        time.sleep(0.3)
        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
            metrics = response.read().decode()
    return metrics
