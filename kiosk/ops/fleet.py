"""`kiosk fleet`: one page for an operator, polling every kiosk's /healthz and /metrics — or, for
a fleet that Prometheus watches, reading it from Prometheus (`source`, kiosk/ops/fleet_prometheus.py).

Each kiosk shows its state, health problems, mean frame time, dropped frames, sync backlog,
devices, free disk and its latest screenshot; alerts stand out: offline, failing, degraded,
out of disk. The page polls the fleet server (`/api/fleet`), which polls the kiosks with their
token; browsers never need the kiosks' tokens.

The dashboard shows visitors' screens, so beyond loopback it needs a login (HTTP basic auth,
checked in constant time) and refuses to start without one. Each kiosk's answer is read with a
deadline and a size cap and checked field by field: one kiosk answering garbage, huge numbers or
deeply nested JSON is shown as such and never breaks the others' lines.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import math
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from kiosk.errors import ConfigError, KioskError
from kiosk.ops.client import MAX_IMAGE, get
from kiosk.ops.http import LocalServer, QuietHandler, loopback

log = logging.getLogger("kiosk.ops")

POLL_AT_MOST_EVERY = 1.0  # seconds: many open dashboards share one round of polls
MAX_LIST = 20  # problems or devices shown per kiosk
MAX_TEXT = 200  # characters of any one text a kiosk sends


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


def _fetch(url: str, token: str) -> tuple[int, bytes]:
    return get(url, token)


def _text(value: object) -> str:
    text = str(value) if isinstance(value, str | int | float) else ""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _count(value: object) -> int:
    """A non-negative whole number, or 0 for anything else (1e400, -3, "7", true, NaN...)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value) if math.isfinite(value) and 0 <= value < 2**53 else 0


def summarise(name: str, url: str, health: dict[str, Any], metrics: str) -> KioskView:
    """A kiosk's line from its two answers (pure); what does not fit the documented shape is left out."""
    if not isinstance(health, dict):
        raise ValueError("/healthz is not a JSON object")
    problems = health.get("problems") if isinstance(health.get("problems"), list) else []
    devices = health.get("devices") if isinstance(health.get("devices"), dict) else {}
    free = _count(health.get("disk_free_bytes"))
    status = health.get("status")
    view = KioskView(name, url, status if status in ("ok", "degraded", "failing") else "failing",
                     _text(health.get("state", "")), [_text(p) for p in (problems or [])[:MAX_LIST]],
                     sync_pending=_count(health.get("sync_pending")),
                     devices={_text(k): _text(v) for k, v in list((devices or {}).items())[:MAX_LIST]},
                     disk_free_gb=round(free / 1024**3, 1) if free else None)
    try:
        _read_metrics(view, metrics)
    except ValueError:  # metrics that are not Prometheus text: the health part still stands
        view.frame_ms, view.dropped = None, 0
    if view.status != "ok":
        view.alerts.append(view.status)
    view.alerts += [p for p in view.problems if "disk" in p]
    return view


def _read_metrics(view: KioskView, metrics: str) -> None:
    for family in text_string_to_metric_families(metrics):
        if family.name == "kiosk_frame_time_seconds":
            total = next((s.value for s in family.samples if s.name.endswith("_sum")), 0.0)
            count = next((s.value for s in family.samples if s.name.endswith("_count")), 0.0)
            mean = 1000 * total / count if count and math.isfinite(total) and math.isfinite(count) else math.nan
            view.frame_ms = round(mean, 2) if math.isfinite(mean) else None
        elif family.name == "kiosk_dropped_frames":
            view.dropped = _count(sum(s.value for s in family.samples if s.name.endswith("_total")))


def poll_one(name: str, url: str, token: str, fetch: Callable[[str, str], tuple[int, bytes]] = _fetch) -> KioskView:
    """One kiosk's line; whatever it answers, a line (offline with the reason when unusable)."""
    try:
        code, body = fetch(f"{url}/healthz", token)
        if code == 401:
            return KioskView(name, url, "offline", alerts=["unauthorized: check the fleet token"])
        health = json.loads(body)
        _, metrics = fetch(f"{url}/metrics", token)
        return summarise(name, url, health, metrics.decode("utf-8", "replace"))
    except OSError as exc:
        return KioskView(name, url, "offline", alerts=[_text(f"offline ({getattr(exc, 'reason', exc)})")])
    except (ValueError, RecursionError, TypeError, KeyError, AttributeError) as exc:
        # Deeply nested JSON (RecursionError), bad metrics text, odd shapes: this kiosk only.
        log.warning("fleet: %s answered something unusable: %s: %s", name, type(exc).__name__, _text(str(exc)))
        return KioskView(name, url, "offline", alerts=[_text(f"unusable answer ({type(exc).__name__}: {exc})")])


def poll(kiosks: Sequence[tuple[str, str]], token: str,
         fetch: Callable[[str, str], tuple[int, bytes]] = _fetch) -> list[KioskView]:
    if not kiosks:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(kiosks)), thread_name_prefix="fleet-poll") as pool:
        return list(pool.map(lambda kiosk: poll_one(kiosk[0], kiosk[1], token, fetch), kiosks))


def basic_auth_header(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def credentials_match(header: str, user: str, password: str) -> bool:
    """Constant time in the secret: both parts are compared whatever the first gave."""
    scheme, _, encoded = header.partition(" ")
    try:
        given_user, _, given_password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8 underneath
        return False
    same_user = hmac.compare_digest(given_user.encode(), user.encode())
    same_password = hmac.compare_digest(given_password.encode(), password.encode())
    return scheme.lower() == "basic" and same_user & same_password


PAGE = Path(__file__).with_name("fleet.html")  # the dashboard: static HTML + a small script


class FleetServer:
    """`auth` is "user:password" for HTTP basic auth; required to listen beyond loopback."""

    def __init__(self, host: str, port: int, kiosks: Sequence[tuple[str, str]], token: str = "",
                 auth: str = "", *, source: Callable[[], list[KioskView]] | None = None) -> None:
        user, colon, password = auth.partition(":")
        if auth and (not colon or not user or len(password) < 8):
            raise ConfigError("fleet login must be USER:PASSWORD with a password of 8 characters or more",
                              hint="e.g. NOVA_FLEET_AUTH=operator:$(openssl rand -hex 12)")
        if not loopback(host) and not auth:
            raise ConfigError(f"the fleet dashboard on {host}:{port} would show every kiosk's screen to the "
                              "network without a login", hint="set NOVA_FLEET_AUTH=USER:PASSWORD (or --auth), "
                              "or listen on 127.0.0.1")
        self.kiosks, self.token = list(kiosks), token
        self.source = source  # e.g. PrometheusFleet.views (kiosk/ops/fleet_prometheus.py); None: poll `kiosks`
        self.listed: dict[str, str] = {}  # name -> url of the kiosks last listed: the only screens fetched
        self.user, self.password = user, password
        self._latest: tuple[float, bytes] = (float("-inf"), b"")
        self._polling = threading.Lock()
        # A round of polls takes up to 6 s per 8 kiosks (3 s for each of two answers): room to answer.
        self._server = LocalServer(host, port, self._handler(), "fleet-http", answer_seconds=30.0)

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

    def fleet_json(self) -> bytes:
        """The latest round of polls, polling again when it is older than a second."""
        with self._polling:  # one round at a time, shared by every dashboard that asks meanwhile
            at, body = self._latest
            if time.monotonic() - at >= POLL_AT_MOST_EVERY:
                views = self.source() if self.source is not None else poll(self.kiosks, self.token)
                self.listed = {v.name: v.url for v in views}
                body = json.dumps([asdict(v) for v in views], allow_nan=False).encode()
                self._latest = (time.monotonic(), body)
            return body

    def _handler(self) -> type[QuietHandler]:
        fleet = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server names it so
                if fleet.password and not credentials_match(self.headers.get("Authorization", ""), fleet.user,
                                                            fleet.password):
                    self.send_body(401, b"login required", "text/plain",
                                   {"WWW-Authenticate": 'Basic realm="nova fleet", charset="UTF-8"'})
                    return
                path = self.path.split("?", 1)[0]
                if path == "/":
                    self.send_body(200, PAGE.read_bytes(), "text/html; charset=utf-8")
                elif path == "/api/fleet":
                    try:
                        self.send_body(200, fleet.fleet_json(), "application/json")
                    except KioskError as exc:  # Prometheus did not answer: say so on the page
                        self.send_body(502, json.dumps({"error": str(exc)}).encode(), "application/json")
                elif path == "/api/screen":
                    url = fleet.listed.get(urllib.parse.parse_qs(self.path.partition("?")[2]).get("kiosk", [""])[0])
                    self._screenshot(url)
                elif path.startswith("/api/screenshot/") and (number := path.rsplit("/", 1)[1]).isascii() \
                        and number.isdigit():  # not "²" or "٣": str.isdigit alone takes them
                    index = int(number[:6])
                    self._screenshot(fleet.kiosks[index][1] if index < len(fleet.kiosks) else None)
                else:
                    self.send_body(404, b"not found", "text/plain")

            def _screenshot(self, url: str | None) -> None:
                """A listed kiosk's screen, fetched now (on demand): never a URL the browser chose."""
                if url is None:
                    self.send_body(404, b"", "text/plain")
                    return
                try:
                    code, body = get(f"{url}/screenshot", fleet.token, deadline=5.0, limit=MAX_IMAGE)
                except (OSError, ValueError):
                    code, body = 502, b""
                if code == 200 and body.startswith(b"\x89PNG"):
                    self.send_body(200, body, "image/png")
                else:  # the kiosk's refusal (401, 403...) as is; anything else is a bad gateway
                    self.send_body(code if 400 <= code < 600 else 502, b"", "text/plain")

        return Handler
