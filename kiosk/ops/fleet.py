"""`kiosk fleet`: one page for an operator, polling every kiosk's /healthz and /metrics — or, for
a fleet that Prometheus watches, reading it from Prometheus (`source`, kiosk/ops/fleet_prometheus.py).

Each kiosk shows its state, health problems, mean frame time, dropped frames, sync backlog,
devices, free disk and its latest screenshot; alerts stand out: offline, failing, degraded,
out of disk. The page polls the fleet server (`/api/fleet`), which polls the kiosks with their
token; browsers never need the kiosks' tokens.
"""

from __future__ import annotations

import html
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from kiosk.errors import KioskError
from kiosk.ops.http import LocalServer, QuietHandler


@dataclass
class KioskView:
    name: str
    url: str
    status: str  # ok | degraded | failing | offline
    state: str = ""
    problems: list[str] = field(default_factory=list)
    frame_ms: float | None = None
    dropped: int = 0
    sync_pending: int = 0
    devices: dict[str, str] = field(default_factory=dict)
    disk_free_gb: float | None = None
    alerts: list[str] = field(default_factory=list)


def _fetch(url: str, token: str, timeout: float = 3.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def summarise(name: str, url: str, health: dict[str, Any], metrics: str) -> KioskView:
    """A kiosk's line from its two answers (pure)."""
    problems = health.get("problems") if isinstance(health.get("problems"), list) else []
    devices = health.get("devices") if isinstance(health.get("devices"), dict) else {}
    free = health.get("disk_free_bytes")
    view = KioskView(name, url, str(health.get("status", "failing")), str(health.get("state", "")),
                     [str(p) for p in problems or []], sync_pending=int(health.get("sync_pending") or 0),
                     devices={str(k): str(v) for k, v in (devices or {}).items()},
                     disk_free_gb=round(float(free) / 1024**3, 1) if isinstance(free, int | float) and free else None)
    for family in text_string_to_metric_families(metrics):
        if family.name == "kiosk_frame_time_seconds":
            total = next((s.value for s in family.samples if s.name.endswith("_sum")), 0.0)
            count = next((s.value for s in family.samples if s.name.endswith("_count")), 0.0)
            view.frame_ms = round(1000 * total / count, 2) if count else None
        elif family.name == "kiosk_dropped_frames":
            view.dropped = int(sum(s.value for s in family.samples if s.name.endswith("_total")))
    if view.status != "ok":
        view.alerts.append(view.status)
    view.alerts += [p for p in view.problems if "disk" in p]
    return view


def poll(kiosks: Sequence[tuple[str, str]], token: str,
         fetch: Callable[[str, str], tuple[int, bytes]] = _fetch) -> list[KioskView]:
    views = []
    for name, url in kiosks:
        try:
            code, body = fetch(f"{url}/healthz", token)
            if code == 401:
                views.append(KioskView(name, url, "offline", alerts=["unauthorized: check the fleet token"]))
                continue
            health = json.loads(body)
            _, metrics = fetch(f"{url}/metrics", token)
            views.append(summarise(name, url, health, metrics.decode()))
        except (OSError, ValueError) as exc:
            views.append(KioskView(name, url, "offline", alerts=[f"offline ({getattr(exc, 'reason', exc)})"]))
    return views


PAGE = Path(__file__).with_name("fleet.html")  # the dashboard: static HTML + a small script


class FleetServer:
    def __init__(self, host: str, port: int, kiosks: Sequence[tuple[str, str]], token: str = "", *,
                 source: Callable[[], list[KioskView]] | None = None) -> None:
        self.kiosks, self.token = list(kiosks), token
        self.source = source  # e.g. PrometheusFleet.views (kiosk/ops/fleet_prometheus.py); None: poll `kiosks`
        self.listed: dict[str, str] = {}  # name -> url of the kiosks last listed: the only screens fetched
        self._server = LocalServer(host, port, self._handler(), "fleet-http")

    @property
    def port(self) -> int:
        return self._server.port

    def start(self) -> FleetServer:
        self._server.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.stop()

    def _handler(self) -> type[QuietHandler]:
        fleet = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server names it so
                path = self.path.split("?", 1)[0]
                if path == "/":
                    self.send_body(200, PAGE.read_bytes(), "text/html; charset=utf-8")
                elif path == "/api/fleet" and fleet.source is not None:
                    try:
                        views = fleet.source()
                    except KioskError as exc:
                        self.send_body(502, json.dumps({"error": str(exc)}).encode(), "application/json")
                        return
                    fleet.listed = {v.name: v.url for v in views}
                    self.send_body(200, json.dumps([asdict(v) for v in views]).encode(), "application/json")
                elif path == "/api/fleet":
                    views = poll(fleet.kiosks, fleet.token)
                    fleet.listed = {v.name: v.url for v in views}
                    self.send_body(200, json.dumps([asdict(v) for v in views]).encode(), "application/json")
                elif path == "/api/screen":
                    self._screen(urllib.parse.parse_qs(self.path.partition("?")[2]).get("kiosk", [""])[0])
                elif path.startswith("/api/screenshot/") and path.rsplit("/", 1)[1].isdigit():
                    index = int(path.rsplit("/", 1)[1])
                    if index >= len(fleet.kiosks):
                        self.send_body(404, b"", "text/plain")
                        return
                    try:
                        code, body = _fetch(f"{fleet.kiosks[index][1]}/screenshot", fleet.token)
                    except OSError:
                        code, body = 502, b""
                    self.send_body(code, body, "image/png" if code == 200 else "text/plain")
                else:
                    self.send_body(404, html.escape("not found").encode(), "text/plain")

            def _screen(self, name: str) -> None:
                """A listed kiosk's screen, fetched now (on demand): never a URL the browser chose."""
                url = fleet.listed.get(name)
                if url is None:
                    self.send_body(404, b"", "text/plain")
                    return
                try:
                    code, body = _fetch(f"{url}/screenshot", fleet.token)
                except OSError:
                    code, body = 502, b""
                self.send_body(code, body, "image/png" if code == 200 else "text/plain")

        return Handler
