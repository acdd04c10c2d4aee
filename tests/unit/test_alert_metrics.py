"""The facts behind the fleet's alerts: unclean restarts counted across runs, the oldest unsent
result and the store's size read from a real SQLite store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kiosk.ops.restarts import record_clean_stop, record_start
from kiosk.ops.wiring import outbox_age_and_size


def test_a_start_after_a_run_that_never_stopped_counts_one_unclean_restart(tmp_path: Path) -> None:
    runs = tmp_path / "state" / "runs.json"
    assert record_start(runs) == 0  # first start ever
    record_clean_stop(runs, 0)
    assert record_start(runs) == 0  # after a clean stop
    assert record_start(runs) == 1  # the previous run was killed (no clean stop)
    assert record_start(runs) == 2
    record_clean_stop(runs, 2)
    assert record_start(runs) == 2  # the count stays: Prometheus sees a counter
    runs.write_text("{not json")
    assert record_start(runs) == 0  # a torn file starts over rather than stopping the kiosk


def test_oldest_unsent_result_and_store_size(tmp_path: Path) -> None:
    from kiosk.store import records
    from kiosk.store.db import open_store

    store = tmp_path / "kiosk.db"
    assert outbox_age_and_size(store) == (None, 0)
    db = open_store(store)
    records.enqueue(db, None, [{"id": "00000000-0000-4000-8000-000000000001"}], datetime(2026, 11, 23, tzinfo=UTC))
    records.enqueue(db, None, [{"id": "00000000-0000-4000-8000-000000000002"}], datetime(2026, 11, 25, tzinfo=UTC))
    oldest, size = outbox_age_and_size(store)
    assert oldest == datetime(2026, 11, 23, tzinfo=UTC).timestamp()
    assert size >= store.stat().st_size > 0
    db.execute("UPDATE outbox SET status = 'sent', sent_at = ? WHERE id LIKE '%1'", ["2026-11-24T00:00:00+00:00"])
    db.conn.commit()
    assert outbox_age_and_size(store)[0] == datetime(2026, 11, 25, tzinfo=UTC).timestamp()
    db.conn.close()
