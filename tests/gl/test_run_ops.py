"""`kiosk run` headless with its operations endpoint: health, metrics, a screenshot of the real
frame; and with no valid pack, the out-of-order screen and a failing health check."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.gl.kiosk_process import authorized, start_kiosk, wait_device, wait_healthz, wait_metric

pytestmark = pytest.mark.gl
REPO = Path(__file__).resolve().parents[2]


def test_a_running_kiosk_reports_health_metrics_and_its_screen(published_scenarios: Path, tmp_path: Path,
                                                               stopper: list[subprocess.Popen[bytes]]) -> None:
    from datetime import UTC, datetime

    from kiosk.store import records
    from kiosk.store.db import open_store

    db = open_store(tmp_path / "k" / "kiosk.db")  # results waiting for the LRS, as after a day offline
    records.enqueue(db, None, [{"id": f"00000000-0000-4000-8000-{i:012d}"} for i in range(7)],
                    datetime(2026, 11, 23, tzinfo=UTC))
    db.conn.close()
    process, base = start_kiosk(tmp_path, published_scenarios, token="t0ken")  # screenshots need a token
    stopper.append(process)
    code, health = wait_healthz(base, token="t0ken")
    assert code == 200 and health["status"] == "ok" and health["state"] == "serving"
    assert health["sync_pending"] == 7
    with urllib.request.urlopen(authorized(f"{base}/metrics", "t0ken"), timeout=5) as response:
        metrics = response.read().decode()
    assert 'kiosk_frame_time_seconds_bucket{le="0.0167"}' in metrics and "kiosk_frames_drawn_total" in metrics
    with urllib.request.urlopen(authorized(f"{base}/screenshot", "t0ken"), timeout=5) as response:
        image = cv2.imdecode(np.frombuffer(response.read(), np.uint8), cv2.IMREAD_UNCHANGED)
    assert image.shape[:2] == (180, 320) and image[..., :3].std() > 5  # the attract screen, drawn
    process.terminate()
    out = process.communicate(timeout=10)[0].decode()
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert any("kiosk starting" in entry["message"] for entry in lines)  # JSON logs, one per line


def test_with_no_valid_pack_it_shows_out_of_order_and_health_fails(tmp_path: Path,
                                                                  stopper: list[subprocess.Popen[bytes]]) -> None:
    empty = tmp_path / "scenarios"
    empty.mkdir()
    process, base = start_kiosk(tmp_path, empty)
    stopper.append(process)
    code, health = wait_healthz(base)
    assert code == 503 and health["state"] == "out_of_order"
    assert "no valid scenario pack" in str(health["reason"]) and process.poll() is None  # still running


def test_systemd_hears_ready_then_watchdog_pings_and_sees_the_board(published_scenarios: Path, tmp_path: Path,
                                                                    stopper: list[subprocess.Popen[bytes]]) -> None:
    import socket

    notify = tmp_path / "notify.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(notify))
    listener.settimeout(20)
    process, base = start_kiosk(tmp_path, published_scenarios, extra='[devices]\nboard = "sim://"\n',
                                env={"NOTIFY_SOCKET": str(notify), "WATCHDOG_USEC": "400000"})
    stopper.append(process)
    messages = []
    try:
        while messages.count("WATCHDOG=1") < 3:
            messages.append(listener.recv(256).decode())
    finally:
        listener.close()
    assert messages[0] == "READY=1"  # sent once the attract screen is drawn, before any ping
    code, health = wait_device(base, "board", "connected", timeout=10)
    assert code == 200 and health["devices"] == {"board": "connected"}


def test_board_buttons_drive_a_visit_that_the_counters_the_store_and_the_journal_see(
        published_scenarios: Path, tmp_path: Path, stopper: list[subprocess.Popen[bytes]]) -> None:
    """A real board on a pseudo-terminal: "select" wakes the kiosk, the visitor walks away, the idle
    reset ends the visit as abandoned; /metrics counts it, SQLite keeps it, a journal replays it."""
    from hardware.sim.board import BoardSimulator
    from kiosk.store.db import open_store

    board = BoardSimulator(tmp_path / "nova-board").start()
    try:
        extra = (f'[devices]\nboard = "serial://{board.path}?baud=115200"\n'
                 f'[session]\nidle_after = 5.0\nwarn_for = 3.0\nreplays = "{tmp_path / "replays"}"\n')
        process, base = start_kiosk(tmp_path, published_scenarios, extra=extra)
        stopper.append(process)
        assert wait_device(base, "board", "connected")[1]["devices"] == {"board": "connected"}
        board.press(3)  # "select" in the nova-board-v1 profile
        metrics = wait_metric(base, 'kiosk_sessions_total{outcome="abandoned"} 1.0')
        assert 'kiosk_sessions_total{outcome="started"} 1.0' in metrics
        assert 'kiosk_sessions_total{outcome="abandoned"} 1.0' in metrics, metrics[-600:]
    finally:
        board.stop()
    process.terminate()
    process.communicate(timeout=10)
    db = open_store(tmp_path / "k" / "kiosk.db")
    assert db.execute("SELECT status FROM sessions").fetchall() == [("abandoned",)]
    journals = list((tmp_path / "replays").glob("visit-*.jsonl"))
    assert len(journals) == 1
    entries = [json.loads(line) for line in journals[0].read_text().splitlines()]
    assert entries[1]["input"]["type"] == "BoardIntent" and entries[1]["input"]["name"] == "select"
    assert entries[-1]["state"].startswith("attract|")
    done = subprocess.run([sys.executable, "-m", "kiosk", "replay", str(journals[0])], cwd=REPO, check=False,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "identical to the visit" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize(("kind", "state", "status"), [("sim", "connected", "ok"),
                                                       ("openxr", "no headset runtime", "degraded")])
def test_the_headset_shows_on_the_health_endpoint(kind: str, state: str, status: str, published_scenarios: Path,
                                                 tmp_path: Path, stopper: list[subprocess.Popen[bytes]]) -> None:
    process, base = start_kiosk(tmp_path, published_scenarios, extra=f'[devices]\nheadset = "{kind}"\n')
    stopper.append(process)
    _, health = wait_device(base, "headset", state, timeout=20)
    assert health["devices"] == {"headset": state} and health["status"] == status, health


def test_kiosk_run_starts_the_serial_touch_controller_and_a_touch_starts_a_visit(
        published_scenarios: Path, tmp_path: Path, stopper: list[subprocess.Popen[bytes]]) -> None:
    """`[devices] touch` on a real pseudo-terminal: `kiosk run` (not only `kiosk doctor`) opens it,
    /healthz names it, and an eGalax touch in the middle of the panel starts a visit through the hub."""
    from hardware.sim.pty_link import PtyLink

    link = PtyLink(tmp_path / "nova-touch")
    link.plug()
    try:
        extra = (f'[devices]\ntouch = "serial://{link.name}?baud=9600"\ntouch_protocol = "egalax"\n'
                 f'[session]\nreplays = "{tmp_path / "replays"}"\n')
        process, base = start_kiosk(tmp_path, published_scenarios, extra=extra)
        stopper.append(process)
        assert wait_device(base, "touch", "connected")[1]["devices"] == {"touch": "connected"}
        link.write(bytes([0x87, 0x40, 0x00, 0x40, 0x00]) + bytes([0x86, 0x40, 0x00, 0x40, 0x00]))  # (0.5, 0.5)
        metrics = wait_metric(base, 'kiosk_sessions_total{outcome="started"} 1.0', timeout=20)
        assert 'kiosk_sessions_total{outcome="started"} 1.0' in metrics
    finally:
        link.unplug()
    process.terminate()
    process.communicate(timeout=10)
    journals = list((tmp_path / "replays").glob("visit-*.jsonl"))
    assert len(journals) == 1
    inputs = [entry["input"] for line in journals[0].read_text().splitlines()
              if "input" in (entry := json.loads(line))]
    assert inputs[0]["type"] == "PointerDown" and (inputs[0]["x"], inputs[0]["y"]) == (960.0, 540.0)
