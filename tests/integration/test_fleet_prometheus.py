"""`kiosk fleet --prometheus`: 200 kiosks (synthetic: their /metrics made by the kiosk's own
exporter from made-up snapshots, served by one local server at 200 paths) scraped by a real
Prometheus (Debian) with the shipped rules, read by the fleet server, shown in headless Chromium:
problem kiosks first with their alerts' summaries, sortable, filterable by agency, a screen on demand.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.ops.fleet import FleetServer
from kiosk.ops.fleet_prometheus import FleetKiosk, PrometheusFleet, fleet_from_series
from kiosk.ops.http import LocalServer, QuietHandler
from kiosk.ops.metrics import render_metrics
from kiosk.ops.status import KioskStatus
from tests.prometheus_process import PROMETHEUS, Prometheus

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AGENCIES = [("Lyon Part-Dieu", "Lyon"), ("Villeurbanne", "Villeurbanne"), ("Vénissieux", "Vénissieux"),
            ("Grenoble Europole", "Grenoble"), ("Saint-Étienne Centre", "Saint-Étienne")]
ABSENT_BOARD, OUT_OF_ORDER, DOWN = range(10, 15), range(20, 23), range(30, 32)
BUCKETS = ((0.004, 50), (0.0111, 290), (0.0167, 300), (float("inf"), 300))


def _snapshot(i: int, now: float) -> KioskStatus:
    return KioskStatus(at=now, state="out_of_order" if i in OUT_OF_ORDER else "serving",
                       reason="no valid scenario pack" if i in OUT_OF_ORDER else "", version="0.1.0",
                       frames_drawn=300, dropped_frames=i % 4, frame_buckets=BUCKETS, frame_sum=2.4, frame_count=300,
                       sync_pending=i % 7, devices={"board": "absent" if i in ABSENT_BOARD else "connected"},
                       disk_free_bytes=(20 + i % 5) * 1024**3, store_bytes=1_000_000,
                       outbox_budget_bytes=200 * 1024**2, frame_budget=1 / 60)


class SyntheticKiosks:
    """One server answering /kiosk/<i>/metrics for `count` kiosks (503 for the ones that are down) and
    /screenshot with a small PNG (kiosk-000 is scraped at this address, so its screen can be fetched)."""

    def __init__(self, count: int = 200) -> None:
        now = time.monotonic()
        self.metrics = {f"/kiosk/{i}/metrics": render_metrics(_snapshot(i, now), now)[0] for i in range(count)}
        self.png = cv2.imencode(".png", np.full((36, 64, 3), (40, 120, 200), np.uint8))[1].tobytes()
        kiosks = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server names it so
                if self.path == "/screenshot":
                    self.send_body(200, kiosks.png, "image/png")
                elif self.path in kiosks.metrics and int(self.path.split("/")[2]) not in DOWN:
                    self.send_body(200, kiosks.metrics[self.path], "text/plain; version=0.0.4")
                else:
                    self.send_body(503, b"down", "text/plain")

        self.server = LocalServer("127.0.0.1", 0, Handler, "synthetic-kiosks")
        self.address = f"127.0.0.1:{self.server.port}"

    def targets(self) -> list[dict[str, object]]:
        return [{"targets": [self.address],
                 "labels": {"__metrics_path__": f"/kiosk/{i}/metrics", "kiosk": f"kiosk-{i:03d}",
                            "instance": self.address if i == 0 else f"kiosk-{i:03d}.agencies.example:9108",
                            "agency": AGENCIES[i % 5][0], "town": AGENCIES[i % 5][1]}}
                for i in range(len(self.metrics))]


def test_a_line_per_kiosk_from_prometheus_answers_problems_first() -> None:
    def sample(instance: str, value: str, **labels: str) -> dict[str, object]:
        return {"metric": {"instance": instance, **labels}, "value": [1.0, value]}

    answers = {"up": [sample("a:9108", "1", kiosk="a", agency="X", town="T"), sample("b:9108", "0", kiosk="b"),
                      sample("c:9108", "1", kiosk="c")],
               "health": [sample("a:9108", "1", status="ok"), sample("c:9108", "1", status="degraded")],
               "frame": [sample("a:9108", "0.0042"), sample("c:9108", "NaN")],
               "devices": [sample("c:9108", "1", device="board", state="absent")],
               "disk": [sample("a:9108", str(5 * 1024**3))], "pending": [sample("a:9108", "12")]}
    alerts = [{"labels": {"alertname": "KioskDeviceAbsent", "instance": "c:9108"}, "state": "firing",
               "annotations": {"summary": "The board of kiosk c is missing"}},
              {"labels": {"alertname": "KioskDown", "instance": "b:9108"}, "state": "firing", "annotations": {}},
              {"labels": {"alertname": "KioskOutOfOrder", "instance": "a:9108"}, "state": "pending"}]
    views = fleet_from_series(answers, alerts)
    assert [v.name for v in views] == ["b", "c", "a"]
    b, c, a = views
    assert b.status == "offline" and b.alerts == ["offline (Prometheus cannot scrape it)"]
    assert c.alerts == ["degraded", "The board of kiosk c is missing"] and c.devices == {"board": "absent"}
    assert c.frame_ms is None  # no frame in the window: not "0 ms"
    assert a == FleetKiosk("a", "http://a:9108", "ok", frame_ms=4.2, sync_pending=12, disk_free_gb=5.0,
                           agency="X", town="T")  # a pending alert is not shown yet


@pytest.fixture
def synthetic() -> Iterator[SyntheticKiosks]:
    kiosks = SyntheticKiosks()
    kiosks.server.start()
    yield kiosks
    kiosks.server.stop()


@pytest.mark.slow
@pytest.mark.skipif(PROMETHEUS is None, reason="scripts/setup.sh installs Debian's prometheus")
def test_200_kiosks_from_prometheus_in_chromium(synthetic: SyntheticKiosks, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    # every 5 s: 40 scrapes a second from one Python server stay answered on a busy 2-core machine
    prometheus = Prometheus(tmp_path / "prometheus", synthetic.targets(), scrape_interval="5s").wait_ready()
    fleet = FleetServer("127.0.0.1", 0, [], source=PrometheusFleet(prometheus.url).views).start()
    problems = {f"kiosk-{i:03d}" for i in (*ABSENT_BOARD, *OUT_OF_ORDER, *DOWN)}
    try:
        deadline = time.monotonic() + 60
        while True:  # until every kiosk is scraped and the alerts have passed their `for:`
            with urllib.request.urlopen(f"http://127.0.0.1:{fleet.port}/api/fleet", timeout=20) as response:
                views = json.loads(response.read())
            troubled = {v["name"] for v in views if v["status"] != "ok" or v["alerts"]}
            alerts = sum(len(v["problems"]) for v in views)
            if len(views) == 200 and troubled == problems and alerts == len(ABSENT_BOARD) + len(OUT_OF_ORDER):
                break
            assert time.monotonic() < deadline, f"{len(views)} kiosks, {alerts} alerts, in trouble: {troubled}"
            time.sleep(1)
        assert CHROMIUM, "headless Chromium is needed (scripts/setup.sh installs Debian's chromium)"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{fleet.port}/")
            page.wait_for_function("document.querySelectorAll('tbody tr').length === 200", timeout=20_000)
            names = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.kiosk)")
            assert set(names[:10]) == problems  # problem kiosks first…
            assert names[:2] == ["kiosk-030", "kiosk-031"]  # …the ones that are down before all
            assert page.locator("#counts").inner_text() == "200 kiosks, 10 with problems"
            out = page.locator("tr[data-kiosk='kiosk-021'] .alert").inner_text()
            assert "Kiosk kiosk-021 (Villeurbanne, Villeurbanne) shows its out-of-order screen" in out
            board = page.locator("tr[data-kiosk='kiosk-012'] .alert").inner_text()
            assert "The board of kiosk kiosk-012 (Vénissieux) has been missing or failing" in board

            page.select_option("#agency", "Villeurbanne")  # filter by agency
            agencies = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.agency)")
            assert len(agencies) == 40 and set(agencies) == {"Villeurbanne"}
            names = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.kiosk)")
            assert names[:3] == ["kiosk-031", "kiosk-021", "kiosk-011"]  # down, out of order, board absent
            page.select_option("#agency", "")

            page.click("th[data-sort='name']")  # sort by name, then the other way
            names = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.kiosk)")
            assert names == sorted(names) and len(names) == 200
            page.click("th[data-sort='name']")
            assert page.locator("tbody tr").first.get_attribute("data-kiosk") == "kiosk-199"

            page.click("tr[data-kiosk='kiosk-000'] button.show")  # the screen, fetched on demand
            page.wait_for_function("document.querySelector(\"tr[data-kiosk='kiosk-000'] img\")?.naturalWidth === 64",
                                   timeout=10_000)
            page.screenshot(path=str(tmp_path / "fleet-200.png"), full_page=False)
            browser.close()
    finally:
        fleet.stop()
        prometheus.stop()


def test_a_silent_prometheus_is_said_on_the_page_and_screens_come_only_from_listed_kiosks() -> None:
    from scripts.lrs.ralph_server import free_port

    silent = PrometheusFleet(f"http://127.0.0.1:{free_port()}")  # nobody listens there
    fleet = FleetServer("127.0.0.1", 0, [], source=silent.views).start()
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{fleet.port}/api/fleet", timeout=10)
        assert refused.value.code == 502
        error = json.loads(refused.value.read())["error"]
        assert error.startswith("Prometheus at http://127.0.0.1:") and "did not answer" in error
        with pytest.raises(urllib.error.HTTPError) as unknown:
            urllib.request.urlopen(f"http://127.0.0.1:{fleet.port}/api/screen?kiosk=http://evil", timeout=10)
        assert unknown.value.code == 404
    finally:
        fleet.stop()
