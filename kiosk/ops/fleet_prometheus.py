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


def fleet_from_series(answers: Mapping[str, Series], alerts: list[dict[str, Any]]) -> list[FleetKiosk]:
    """The dashboard's lines from Prometheus' answers (pure): one per scraped kiosk, problems first."""
    kiosks: dict[str, FleetKiosk] = {}
    for sample in answers.get("up", []):
        labels = _mapping(sample.get("metric"))
        instance = str(labels.get("instance", ""))
        name = str(labels.get("kiosk") or instance)
        up = _number(sample) == 1
        kiosks[instance] = FleetKiosk(name, f"http://{instance}", "unknown" if up else "offline",
                                      agency=str(labels.get("agency", "")), town=str(labels.get("town", "")))
        if not up:
            kiosks[instance].alerts.append("offline (Prometheus cannot scrape it)")

    def each(key: str) -> list[tuple[FleetKiosk, dict[str, Any], float | None]]:
        found = []
        for sample in answers.get(key, []):
            view = kiosks.get(str(_mapping(sample.get("metric")).get("instance", "")))
            if view is not None and view.status != "offline":
                found.append((view, _mapping(sample.get("metric")), _number(sample)))
        return found

    for view, labels, _ in each("health"):
        view.status = str(labels.get("status", "failing"))
    for view, labels, _ in each("state"):
        view.state = str(labels.get("state", ""))
    for view, _, value in each("frame"):
        view.frame_ms = None if value is None else round(1000 * value, 2)  # None: no frame in 5 min
    for view, _, value in each("dropped"):
        view.dropped = int(value or 0)
    for view, _, value in each("pending"):
        view.sync_pending = int(value or 0)
    for view, labels, _ in each("devices"):
        view.devices[str(labels.get("device", "?"))] = str(labels.get("state", "?"))
    for view, _, value in each("disk"):
        view.disk_free_gb = None if value is None else round(value / 1024**3, 1)
    for view in kiosks.values():
        if view.status not in ("ok", "offline"):
            view.alerts.append(view.status)
    for alert in alerts:
        labels = _mapping(alert.get("labels"))
        alerted = kiosks.get(str(labels.get("instance", "")))
        name = str(labels.get("alertname", ""))
        if alerted is not None and alert.get("state") == "firing" and name != "KioskDown":  # offline says it
            annotations = _mapping(alert.get("annotations"))
            alerted.alerts.append(str(annotations.get("summary") or name))
            alerted.problems.append(name)
    return sorted(kiosks.values(), key=lambda v: (PROBLEM_ORDER.get(v.status, 0), not v.alerts, v.name))


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
