"""A kiosk process for the crash tests: it records steps or syncs, printing after each commit,
until the test kills it with SIGKILL."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.scenario.evidence import Observation
from kiosk.store import records, xapi
from kiosk.store.db import open_store
from kiosk.sync.client import LrsClient
from kiosk.sync.worker import sync_once

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def record_forever(db_path: Path, registration: str) -> None:
    db = open_store(db_path)
    visit = xapi.Visit(registration, "visitor-c", "https://agency.example.org", "https://agency.example.org/nova", "fr")
    activity = xapi.scenario_activity(visit, "commis-de-cuisine", "coup-de-feu-du-midi", {"fr": "Coup de feu"})
    records.start_session(db, registration, AT, language="fr", input="touch", device="kiosk", kiosk="crash",
                          statements=[xapi.launched(visit, activity, AT)])
    for i in range(1_000_000):
        at = AT + timedelta(seconds=i)
        observations = [Observation(f"s{i}", "entraide", i % 3, 2, ("a",)), Observation(f"s{i}", "priorise", 1, 2,
                                                                                         ("a",))]
        statement = xapi.answered(visit, activity, f"s{i}", ["a"], {"entraide": i % 3, "priorise": 1},
                                  {"entraide": 2, "priorise": 2}, at, i)
        records.record_step(db, registration, "commis-de-cuisine", "1.0.0", observations, [statement], at)
        print(f"step {i}", flush=True)


def sync_forever(db_path: Path, endpoint: str, user: str, password: str) -> None:
    db = open_store(db_path)
    sync_once(db, LrsClient(endpoint, user, password), lambda: AT, batch_size=5,
              progress=lambda sent: print(f"sent {sent}", flush=True))
    print("done", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record_forever(Path(sys.argv[2]), sys.argv[3])
    else:
        sync_forever(Path(sys.argv[2]), *sys.argv[3:6])
