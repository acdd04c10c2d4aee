"""The operators' dashboard end to end: two real headless kiosks and one that is down, polled by
the fleet server, shown in headless Chromium with their states, screenshots and alerts."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.ops.fleet import FleetServer, summarise
from scripts.lrs.ralph_server import free_port
from tests.gl.kiosk_process import start_kiosk, wait_healthz

pytestmark = pytest.mark.gl
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LYON_2_IMAGE = "document.querySelector(\"tr[data-kiosk='lyon-2'] img\")?.naturalWidth || 0"


def test_a_line_per_kiosk_from_its_answers() -> None:
    metrics = ('# TYPE kiosk_frame_time_seconds histogram\nkiosk_frame_time_seconds_bucket{le="+Inf"} 4.0\n'
               'kiosk_frame_time_seconds_sum 0.04\nkiosk_frame_time_seconds_count 4.0\n'
               '# TYPE kiosk_dropped_frames_total counter\nkiosk_dropped_frames_total 3.0\n')
    view = summarise("a", "http://x", {"status": "degraded", "state": "serving",
                                       "problems": ["disk almost full (100 MB free)"], "sync_pending": 7,
                                       "devices": {"board": "absent"}, "disk_free_bytes": 100 * 1024**2}, metrics)
    assert (view.frame_ms, view.dropped, view.sync_pending, view.disk_free_gb) == (10.0, 3, 7, 0.1)
    assert view.alerts == ["degraded", "disk almost full (100 MB free)"]


def test_the_dashboard_shows_the_fleet_in_chromium(published_scenarios: Path, tmp_path: Path,
                                                   stopper: list[subprocess.Popen[bytes]]) -> None:
    from playwright.sync_api import sync_playwright

    kiosks = []
    for name in ("lyon-1", "lyon-2"):
        process, base = start_kiosk(tmp_path, published_scenarios, name, token="fleet-t0ken")
        stopper.append(process)
        kiosks.append((name, base))
    for _, base in kiosks:
        assert wait_healthz(base, token="fleet-t0ken")[0] == 200
    kiosks.append(("villeurbanne", f"http://127.0.0.1:{free_port()}"))  # nobody listens there
    fleet = FleetServer("127.0.0.1", 0, kiosks, "fleet-t0ken", auth="operator:dashboard-pass").start()
    assert CHROMIUM, "headless Chromium is needed (scripts/setup.sh installs Debian's chromium)"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            # The browser answers the dashboard's basic-auth challenge; its fetches and images follow.
            page = browser.new_context(http_credentials={"username": "operator",
                                                         "password": "dashboard-pass"}).new_page()
            page.goto(f"http://127.0.0.1:{fleet.port}/")
            page.wait_for_selector("tr[data-kiosk='villeurbanne']", timeout=15_000)
            rows = {row.get_attribute("data-kiosk"): row for row in page.locator("tbody tr").all()}
            assert set(rows) == {"lyon-1", "lyon-2", "villeurbanne"}
            assert rows["lyon-1"].locator(".status").inner_text() == "ok"
            assert rows["villeurbanne"].locator(".status").inner_text() == "offline"
            assert "offline" in rows["villeurbanne"].locator(".alert").inner_text()
            assert page.locator("tbody tr").first.get_attribute("data-kiosk") == "villeurbanne"  # problems first
            assert page.evaluate(LYON_2_IMAGE) == 0  # screens are fetched on demand only
            page.click("tr[data-kiosk='lyon-2'] button.show")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and page.evaluate(LYON_2_IMAGE) != 320:
                time.sleep(0.2)
            assert page.evaluate(LYON_2_IMAGE) == 320  # the kiosk's real frame, through the fleet server
            frame_cell = page.locator("tr[data-kiosk='lyon-1'] td").nth(6)
            deadline = time.monotonic() + 10  # the page refreshes every 2 s; the first frames come within 1 s
            while time.monotonic() < deadline and "ms" not in frame_cell.inner_text():
                time.sleep(0.2)
            assert frame_cell.inner_text().endswith(" ms")
            page.screenshot(path=str(tmp_path / "fleet.png"), full_page=True)
            browser.close()
    finally:
        fleet.stop()
