"""`kiosk fleet --prometheus URL`: the fleet's state read from Prometheus' HTTP API instead of
polling every kiosk — a fixed handful of queries whatever the fleet's size (Prometheus has
already scraped the kiosks). Firing alerts come with their summaries, the kiosks' names, agencies
and towns with the labels of the kiosk list (deploy/prometheus/kiosks/*.json).

Screenshots still come from the kiosk itself, on demand, through the fleet server (which holds
the kiosks' token) at the address Prometheus scrapes (`instance`).
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.errors import KioskError
from kiosk.ops.fleet import KioskView

# What the dashboard reads, each one instant query over every kiosk at once.
QUERIES = {
    "up": 'up{job="kiosk"}',
    "health": "kiosk_health == 1",
    "state": "kiosk_state == 1",  # one-hot: the state the kiosk is in now
    "frame": "kiosk:frame_time_seconds:mean_5m",
    "dropped": "kiosk_dropped_frames_total",
    "pending": "kiosk_sync_pending_statements",
    "devices": "kiosk_device_state == 1",
    "disk": "kiosk_disk_free_bytes",
}
PROBLEM_ORDER = {"offline": 0, "failing": 1, "unknown": 2, "degraded": 3, "ok": 4}  # as the page ranks them


@dataclass
class FleetKiosk(KioskView):
    agency: str = ""
    town: str = ""


Series = list[dict[str, Any]]
Fetch = Callable[[str], bytes]


def _get(url: str, timeout: float = 10.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body: bytes = response.read()
        return body


def _number(sample: Mapping[str, Any]) -> float | None:
    """A sample's value; None for NaN (e.g. a mean over no frames) or an answer that is not a number."""
    try:
        value = float(sample["value"][1])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


Labels = dict[str, Any]


def _health(view: FleetKiosk, labels: Labels, value: float | None) -> None:
    view.status = str(labels.get("status", "failing"))


def _state(view: FleetKiosk, labels: Labels, value: float | None) -> None:
    view.state = str(labels.get("state", ""))


def _frame(view: FleetKiosk, labels: Labels, value: float | None) -> None:
    view.frame_ms = None if value is None else round(1000 * value, 2)  # None: no frame in 5 min


def _dropped(view: FleetKiosk, labels: Labels, value: float | None) -> None:
    view.dropped = int(value or 0)


def _pending(view: FleetKiosk, labels: Labels, value: float | None) -> None:
    view.sync_pending = int(value or 0)


def _device(view: FleetKiosk, labels: Labels, value: float | None) -> None:
    view.devices[str(labels.get("device", "?"))] = str(labels.get("state", "?"))


def _disk(view: FleetKiosk, labels: Labels, value: float | None) -> None:
    view.disk_free_gb = None if value is None else round(value / 1024**3, 1)


# What each answer of QUERIES (but `up`) sets on the line of the kiosk it names.
_READ: dict[str, Callable[[FleetKiosk, Labels, float | None], None]] = {
    "health": _health, "state": _state, "frame": _frame, "dropped": _dropped, "pending": _pending,
    "devices": _device, "disk": _disk}


def fleet_from_series(answers: Mapping[str, Series], alerts: list[dict[str, Any]]) -> list[FleetKiosk]:
    """The dashboard's lines from Prometheus' answers (pure): one per scraped kiosk, problems first."""
    kiosks = _scraped(answers.get("up", []))
    for key, read in _READ.items():
        for sample in answers.get(key, []):
            labels = _mapping(sample.get("metric"))
            view = kiosks.get(str(labels.get("instance", "")))
            if view is not None and view.status != "offline":
                read(view, labels, _number(sample))
    for view in kiosks.values():
        if view.status not in ("ok", "offline"):
            view.alerts.append(view.status)
    _add_alerts(kiosks, alerts)
    return sorted(kiosks.values(), key=lambda v: (PROBLEM_ORDER.get(v.status, 0), not v.alerts, v.name))


def _scraped(up: Series) -> dict[str, FleetKiosk]:
    """A line per kiosk Prometheus scrapes (its `up` series), by instance; offline when the scrape fails."""
    kiosks: dict[str, FleetKiosk] = {}
    for sample in up:
        labels = _mapping(sample.get("metric"))
        instance = str(labels.get("instance", ""))
        name = str(labels.get("kiosk") or instance)
        online = _number(sample) == 1
        kiosks[instance] = FleetKiosk(name, f"http://{instance}", "unknown" if online else "offline",
                                      agency=str(labels.get("agency", "")), town=str(labels.get("town", "")))
        if not online:
            kiosks[instance].alerts.append("offline (Prometheus cannot scrape it)")
    return kiosks


def _add_alerts(kiosks: dict[str, FleetKiosk], alerts: list[dict[str, Any]]) -> None:
    """Alertmanager's firing alerts, on the kiosk each names (KioskDown: its offline line says it already)."""
    for alert in alerts:
        labels = _mapping(alert.get("labels"))
        alerted = kiosks.get(str(labels.get("instance", "")))
        name = str(labels.get("alertname", ""))
        if alerted is not None and alert.get("state") == "firing" and name != "KioskDown":
            annotations = _mapping(alert.get("annotations"))
            alerted.alerts.append(str(annotations.get("summary") or name))
            alerted.problems.append(name)


class PrometheusFleet:
    """Reads the fleet from Prometheus at `url` (e.g. http://127.0.0.1:9090)."""

    def __init__(self, url: str, fetch: Fetch = _get) -> None:
        self.url, self.fetch = url.rstrip("/"), fetch

    def _api(self, path: str, **params: str) -> Any:
        address = f"{self.url}/api/v1/{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
        try:
            answer = json.loads(self.fetch(address))
        except urllib.error.HTTPError as exc:
            raise KioskError(f"Prometheus refused {path}: HTTP {exc.code}",
                             hint="check that the recording rules of deploy/prometheus/rules are loaded") from exc
        except (OSError, ValueError) as exc:
            raise KioskError(f"Prometheus at {self.url} did not answer ({getattr(exc, 'reason', exc)})",
                             hint="is it running? `kiosk fleet NAME=URL…` polls the kiosks without it") from exc
        if not isinstance(answer, dict) or answer.get("status") != "success":
            raise KioskError(f"Prometheus answered {path} with an error: {str(answer)[:200]}")
        return answer.get("data")

    def views(self) -> list[KioskView]:
        answers: dict[str, Series] = {}
        for key, expr in QUERIES.items():
            data = self._api("query", query=expr)
            result = data.get("result") if isinstance(data, dict) else None
            answers[key] = [s for s in result if isinstance(s, dict)] if isinstance(result, list) else []
        alerts = self._api("alerts")
        listed = alerts.get("alerts") if isinstance(alerts, dict) else None
        return list(fleet_from_series(answers, [a for a in listed or [] if isinstance(a, dict)]))
