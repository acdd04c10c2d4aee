"""Metrics for a snapshot, through prometheus-client with a registry of its own per call (no global
registry: several kiosks can live in one test process), as Prometheus text or, when the scraper
asks for it (`Accept: application/openmetrics-text`), as OpenMetrics.

No label changes while the kiosk runs: its state and health list every value (1 for the current
one, 0 for the others), so a change flips values instead of ending one series and starting
another, and `kiosk_build_info` carries only what stays fixed for the life of the process."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    InfoMetricFamily,
    Metric,
)
from prometheus_client.exposition import choose_encoder

from kiosk.ops.alert_metrics import alert_families
from kiosk.ops.status import HEALTH_STATUSES, STATES, KioskStatus, assess


def _one_hot(name: str, documentation: str, label: str, values: tuple[str, ...], current: str) -> GaugeMetricFamily:
    """Every value listed, 1 for the current one: its series live as long as the kiosk does."""
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value in values:
        family.add_metric([value], 1 if value == current else 0)
    return family


class _SnapshotCollector:
    def __init__(self, status: KioskStatus, now: float, refused: int | None) -> None:
        self.status, self.now, self.refused = status, now, refused

    def collect(self) -> Iterator[Metric]:
        s = self.status
        buckets = [(("+Inf" if bound == float("inf") else repr(bound)), count) for bound, count in s.frame_buckets]
        if buckets:
            yield HistogramMetricFamily("kiosk_frame_time_seconds", "Time to draw a frame.", buckets=buckets,
                                        sum_value=s.frame_sum)
        yield CounterMetricFamily("kiosk_frames_drawn", "Frames drawn since start.", value=s.frames_drawn)
        yield CounterMetricFamily("kiosk_dropped_frames", "Frames that missed their deadline.",
                                  value=s.dropped_frames)
        sessions = CounterMetricFamily("kiosk_sessions", "Visits by outcome.", labels=["outcome"])
        for outcome in ("started", "completed", "abandoned"):
            sessions.add_metric([outcome], s.sessions.get(outcome, 0))
        yield sessions
        yield GaugeMetricFamily("kiosk_sync_pending_statements", "xAPI statements waiting for the LRS.",
                                value=s.sync_pending)
        if s.sync_last_success is not None:
            yield GaugeMetricFamily("kiosk_sync_last_success_timestamp_seconds", "Last successful sync (unix).",
                                    value=s.sync_last_success)
        devices = GaugeMetricFamily("kiosk_device_state", "1 for each device's current state.",
                                    labels=["device", "state"])
        for name, state in sorted(s.devices.items()):
            devices.add_metric([name, state], 1)
        yield devices
        dropped = CounterMetricFamily("kiosk_input_dropped", "Device input dropped: presses faster than a hand (rate), "
                                      "from a chattering button (chatter), or with the queue full (queue_full).",
                                      labels=["device", "reason"])
        for key, count in sorted(s.input_dropped.items()):
            device, _, reason = key.rpartition("/")  # "touch/queue_full"; a bare reason is the board's
            dropped.add_metric([device or "board", reason], count)
        yield dropped
        yield GaugeMetricFamily("kiosk_disk_free_bytes", "Free space where the kiosk keeps its data.",
                                value=s.disk_free_bytes)
        health = assess(s, self.now)
        yield _one_hot("kiosk_health", "1 for the current health, 0 for the others.", "status", HEALTH_STATUSES,
                       health.status)
        yield _one_hot("kiosk_state", "1 for what the kiosk is doing now, 0 for the other states.", "state", STATES,
                       s.state)
        if self.refused is not None:
            yield CounterMetricFamily("kiosk_ops_connections_refused", "Connections to this endpoint answered busy "
                                      "(more at once than it serves).", value=self.refused)
        yield InfoMetricFamily("kiosk_build", "Build information.", value={"version": s.version})
        yield from alert_families(s)


def render_metrics(status: KioskStatus, now: float, accept: str = "", refused: int | None = None) -> tuple[bytes, str]:
    """The metrics and their content type: OpenMetrics when `accept` (the request's Accept header)
    asks for it, else Prometheus text 0.0.4. `refused`: connections the serving endpoint turned
    away as busy, when it is the one asking."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(status, now, refused))
    encode, content_type = choose_encoder(accept)
    return encode(registry), content_type
