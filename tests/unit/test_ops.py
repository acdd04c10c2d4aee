"""Operations: health rules, Prometheus text, the endpoint's token rule, logs, config check, the unit file."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.errors import ConfigError
from kiosk.ops.board import StatusBoard
from kiosk.ops.logs import JsonFormatter
from kiosk.ops.metrics import render_metrics
from kiosk.ops.server import OpsServer
from kiosk.ops.status import KioskStatus, assess
from kiosk.runtime.out_of_order import OutOfOrderScreen
from tests.http_kit import get

REPO = Path(__file__).resolve().parents[2]
SERVING = KioskStatus(at=100.0, state="serving", version="0.1.0", frames_drawn=42, dropped_frames=2,
                      frame_buckets=((0.0111, 30), (0.0167, 40), (float("inf"), 42)), frame_sum=0.5, frame_count=42,
                      sessions={"started": 5, "completed": 3, "abandoned": 1}, sync_pending=17,
                      sync_last_success=1_795_000_000.0, devices={"board": "connected"},
                      disk_free_bytes=10 * 1024**3)


def test_health_rules() -> None:
    assert assess(SERVING, 101.0).status == "ok"
    frozen = assess(SERVING, 110.0)
    assert frozen.status == "failing" and "frame loop silent for 10 s" in frozen.problems[0]
    broken = KioskStatus(at=100.0, state="out_of_order", reason="no valid scenario pack")
    assert assess(broken, 100.5) .problems == ("out of order: no valid scenario pack",)
    low = KioskStatus(at=100.0, state="serving", disk_free_bytes=100 * 1024**2, devices={"board": "absent"})
    assert assess(low, 100.0).status == "degraded"
    assert set(assess(low, 100.0).problems) == {"disk almost full (100 MB free)", "board: absent"}


def test_chattering_or_stuck_buttons_degrade_health_and_drops_are_counted() -> None:
    from dataclasses import replace

    flooded = replace(SERVING, device_problems=("board: button 2 chatters (presses faster than a hand): ignored",),
                      input_dropped={"rate": 3, "chatter": 180_000, "queue_full": 0, "touch/queue_full": 2})
    health = assess(flooded, 101.0)
    assert health.status == "degraded" and health.problems == flooded.device_problems
    lines = render_metrics(flooded, 101.0)[0].decode().splitlines()
    assert 'kiosk_input_dropped_total{device="board",reason="chatter"} 180000.0' in lines
    assert 'kiosk_input_dropped_total{device="board",reason="rate"} 3.0' in lines
    assert 'kiosk_input_dropped_total{device="touch",reason="queue_full"} 2.0' in lines  # from the device hub


def test_metrics_are_prometheus_text() -> None:
    body, content_type = render_metrics(SERVING, 101.0)
    text = body.decode()
    assert content_type.startswith("text/plain; version=0.0.4")
    for line in ('kiosk_frame_time_seconds_bucket{le="0.0167"} 40.0', 'kiosk_frame_time_seconds_bucket{le="+Inf"} 42.0',
                 "kiosk_frame_time_seconds_count 42.0", "kiosk_dropped_frames_total 2.0",
                 'kiosk_sessions_total{outcome="abandoned"} 1.0', "kiosk_sync_pending_statements 17.0",
                 "kiosk_sync_last_success_timestamp_seconds 1.795e+09",
                 'kiosk_device_state{device="board",state="connected"} 1.0', 'kiosk_health{status="ok"} 1.0',
                 'kiosk_health{status="failing"} 0.0', 'kiosk_state{state="serving"} 1.0',
                 'kiosk_state{state="out_of_order"} 0.0', 'kiosk_build_info{version="0.1.0"} 1.0'):
        assert line in text.splitlines(), line


def test_no_series_changes_its_labels_when_the_kiosk_changes_state() -> None:
    """A state change flips values: the same series before and after, build info included."""
    def series(status: KioskStatus) -> dict[str, float]:
        lines = render_metrics(status, 101.0)[0].decode().splitlines()
        return {key: float(value) for key, value in (line.rsplit(" ", 1) for line in lines if not line.startswith("#"))}

    broken = KioskStatus(at=100.0, state="out_of_order", reason="no packs", version="0.1.0")
    before, after = series(KioskStatus(at=100.0, state="serving", version="0.1.0")), series(broken)
    assert before.keys() == after.keys()
    assert (before['kiosk_state{state="serving"}'], after['kiosk_state{state="serving"}']) == (1.0, 0.0)
    assert (before['kiosk_health{status="failing"}'], after['kiosk_health{status="failing"}']) == (0.0, 1.0)
    assert [key for key in after if key.startswith("kiosk_build_info")] == ['kiosk_build_info{version="0.1.0"}']


def _promtool_check(text: bytes) -> subprocess.CompletedProcess[str]:
    assert shutil.which("promtool"), "promtool is needed (scripts/setup.sh installs the Debian prometheus package)"
    return subprocess.run(["promtool", "check", "metrics"], input=text.decode(), capture_output=True, text=True,
                          check=False, timeout=30)


def test_promtool_accepts_the_metrics_and_catches_a_broken_one() -> None:
    checked = _promtool_check(render_metrics(SERVING, 101.0)[0])
    assert checked.returncode == 0 and not checked.stdout + checked.stderr, checked.stdout + checked.stderr
    broken = _promtool_check(b"# TYPE kiosk_frames_drawn counter\nkiosk_frames_drawn 3\n")  # no _total suffix
    assert broken.returncode != 0 and "counter metrics should have \"_total\" suffix" in broken.stdout + broken.stderr


def test_the_endpoint_answers_openmetrics_when_asked() -> None:
    server = OpsServer("127.0.0.1", 0, StatusBoard(SERVING).snapshot, lambda: 101.0).start()
    try:
        url = f"http://127.0.0.1:{server.port}/metrics"
        asked = urllib.request.Request(url, headers={"Accept": "application/openmetrics-text;version=1.0.0,"
                                                               "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"})
        with urllib.request.urlopen(asked, timeout=5) as response:
            content_type, body = response.headers["Content-Type"], response.read().decode()
        assert content_type.startswith("application/openmetrics-text; version=1.0.0")
        assert body.endswith("# EOF\n") and "# TYPE kiosk_build info" in body
        assert "# TYPE kiosk_sessions counter" in body
        with urllib.request.urlopen(url, timeout=5) as response:  # a scraper that asks for nothing gets text
            assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            assert "# EOF" not in response.read().decode()
    finally:
        server.stop()


def test_the_endpoint_serves_health_metrics_and_screenshots() -> None:
    board = StatusBoard(SERVING)
    server = OpsServer("127.0.0.1", 0, board.snapshot, lambda: 101.0, screenshot=lambda: b"\x89PNG fake").start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        code, body = get(f"{base}/healthz")
        assert code == 200 and json.loads(body)["status"] == "ok" and json.loads(body)["frames"] == 42
        assert get(f"{base}/metrics")[1].startswith(b"# HELP")
        assert get(f"{base}/screenshot")[0] == 403  # a visitor's screen needs ops.token (test_ops_bounds)
        assert get(f"{base}/secrets")[0] == 404
        board.publish(KioskStatus(at=101.0, state="out_of_order", reason="no packs"))
        code, body = get(f"{base}/healthz")
        assert code == 503 and json.loads(body)["reason"] == "no packs"
    finally:
        server.stop()


def test_a_token_guards_the_endpoint_and_says_nothing_more() -> None:
    server = OpsServer("127.0.0.1", 0, lambda: SERVING, lambda: 101.0, token="s3cret-token").start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        for token in ("", "wrong"):
            for path in ("/healthz", "/metrics", "/screenshot"):
                assert get(f"{base}{path}", token) == (401, b'{"error": "unauthorized"}')
        assert get(f"{base}/healthz", "s3cret-token")[0] == 200
    finally:
        server.stop()
    with pytest.raises(ConfigError, match=r"reachable from the network but ops\.token is empty"):
        OpsServer("0.0.0.0", 0, lambda: SERVING, lambda: 0.0)


def test_screenshots_are_made_on_the_gl_thread_when_asked() -> None:
    board = StatusBoard(SERVING)
    got: list[bytes | None] = []
    asker = threading.Thread(target=lambda: got.append(board.request_screenshot(timeout=5)))
    asker.start()
    for _ in range(500):  # the "GL thread": serves the request on its next periodic pass
        if board.screenshot_wanted():
            board.deliver_screenshot(b"png-bytes")
            break
        threading.Event().wait(0.01)
    asker.join(timeout=5)
    assert got == [b"png-bytes"] and not board.screenshot_wanted()


def test_json_logs_are_one_object_per_line() -> None:
    record = logging.LogRecord("kiosk", logging.WARNING, __file__, 1, "board %s: %s", ("sim://", "absent"), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "warning" and entry["message"] == "board sim://: absent" and entry["logger"] == "kiosk"
    assert "\n" not in JsonFormatter().format(record)


def test_config_check_names_the_key_and_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[ops]\nlisten = "127.0.0.1:9200"\ntoken = "abc"\n[lrs]\npassword = "x"\n')
    assert main(["config", "check", str(good)]) == 0
    out = capsys.readouterr().out
    assert "ops.listen = 127.0.0.1:9200" in out and "ops.token = ***" in out and "lrs.password = ***" in out
    bad = tmp_path / "bad.toml"
    bad.write_text('[store]\nretention_days = -3\n')
    assert main(["config", "check", str(bad)]) == 78
    assert f"{bad}: store.retention_days: expected an integer between 1 and 3650" in capsys.readouterr().err


def test_the_out_of_order_screen_says_why_to_the_operator() -> None:
    screen = OutOfOrderScreen("no valid scenario pack in scenarios", "fr")
    scene = screen.view(0.0)
    assert scene is screen.view(5.0) and screen.next_change(0.0) is None and not screen.animating(0.0)
    assert "Borne momentanément indisponible" in repr(scene) and "opérateur : no valid scenario pack" in repr(scene)


def test_the_unit_file_verifies_and_is_hardened(tmp_path: Path) -> None:
    assert shutil.which("systemd-analyze"), "systemd-analyze is needed (scripts/setup.sh installs systemd)"
    unit = tmp_path / "kiosk.service"
    text = (REPO / "kiosk.service").read_text()
    assert "\nMemoryDenyWriteExecute=" not in text  # llvmpipe JIT-compiles shaders
    unit.write_text(text.replace("/opt/nova-kiosk/.venv/bin/kiosk", str(REPO / ".venv" / "bin" / "kiosk"))
                    .replace("WorkingDirectory=/opt/nova-kiosk", f"WorkingDirectory={REPO}"))
    verify = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False)
    assert verify.returncode == 0, verify.stderr
    security = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(unit)], capture_output=True,
                              text=True, check=False)
    exposure = float(security.stdout.split("Overall exposure level for kiosk.service:")[1].split()[0])
    assert exposure <= 2.0, security.stdout[-500:]
    for line in ("Type=notify", "WatchdogSec=", "Restart=on-failure", "User=nova-kiosk", "StateDirectory=nova-kiosk",
                 "ProtectSystem=strict", "PrivateTmp=yes", "NoNewPrivileges=yes", "DevicePolicy=closed",
                 "CapabilityBoundingSet="):
        assert line in text


def test_the_production_config_writes_only_under_the_state_directory() -> None:
    """kiosk.service may write nowhere but /var/lib/nova-kiosk (ProtectSystem=strict): every path the
    kiosk writes to, in the config the unit points at, must be there."""
    from kiosk.config import load_settings

    unit = (REPO / "kiosk.service").read_text()
    assert "Environment=NOVA_KIOSK_CONFIG=/opt/nova-kiosk/deploy/kiosk.toml" in unit
    assert "--config ${NOVA_KIOSK_CONFIG}" in unit and "ReadWritePaths=/var/lib/nova-kiosk" in unit
    settings = load_settings(REPO / "deploy" / "kiosk.toml")
    state = Path("/var/lib/nova-kiosk")
    for written in (settings.store.path, settings.offers.path, settings.credentials.keys, settings.session.replays):
        assert written.is_relative_to(state), written
