"""The metrics the fleet's alert rules need beyond the kiosk's own health (deploy/prometheus/):
device presence, the age of the oldest unsent result, the store against its budget, the frame
budget, the out-of-order screen, and restarts. Kept apart from the core metrics in metrics.py."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from kiosk.ops.status import KioskStatus

PRESENT_STATES = ("connected", "ready")  # anything else (absent, degraded, no headset runtime…) is not there


def alert_families(s: KioskStatus) -> Iterator[Metric]:
    up = GaugeMetricFamily("kiosk_device_up", "1 while the device is there and working, 0 otherwise.",
                           labels=["device"])
    for name, state in sorted(s.devices.items()):
        up.add_metric([name], 1 if state in PRESENT_STATES else 0)
    yield up
    yield GaugeMetricFamily("kiosk_out_of_order", "1 while the out-of-order screen is shown.",
                            value=1 if s.state == "out_of_order" else 0)
    if s.sync_oldest_pending is not None:
        yield GaugeMetricFamily("kiosk_sync_oldest_pending_timestamp_seconds",
                                "When the oldest result still waiting for the LRS was made (unix).",
                                value=s.sync_oldest_pending)
    yield GaugeMetricFamily("kiosk_store_bytes", "Size of the kiosk's SQLite store on disk.", value=s.store_bytes)
    if s.outbox_budget_bytes:
        yield GaugeMetricFamily("kiosk_outbox_budget_bytes", "The outbox's disk budget ([store] outbox_max_mb).",
                                value=s.outbox_budget_bytes)
    if s.frame_budget:
        yield GaugeMetricFamily("kiosk_frame_budget_seconds", "Time a frame may take at the display's max_fps.",
                                value=s.frame_budget)
    if s.started_at:
        yield GaugeMetricFamily("kiosk_start_time_seconds", "When this kiosk process started (unix).",
                                value=s.started_at)
    yield CounterMetricFamily("kiosk_unclean_restarts", "Starts after a run that never stopped cleanly "
                              "(watchdog kill, crash, power cut).", value=s.unclean_restarts)
