"""Prometheus text for a snapshot, through prometheus-client with a registry of its own per call
(no global registry: several kiosks can live in one test process)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    InfoMetricFamily,
    Metric,
)

from kiosk.ops.alert_metrics import alert_families
from kiosk.ops.status import KioskStatus, assess


class _SnapshotCollector:
    def __init__(self, status: KioskStatus, now: float) -> None:
        self.status, self.now = status, now

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
        yield GaugeMetricFamily("kiosk_disk_free_bytes", "Free space where the kiosk keeps its data.",
                                value=s.disk_free_bytes)
        health = assess(s, self.now)
        up = GaugeMetricFamily("kiosk_health", "1 for the current health.", labels=["status"])
        up.add_metric([health.status], 1)
        yield up
        yield InfoMetricFamily("kiosk_build", "Build information.", value={"version": s.version, "state": s.state})
        yield from alert_families(s)


def render_metrics(status: KioskStatus, now: float) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(status, now))
    return generate_latest(registry)
