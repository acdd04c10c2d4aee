"""Draining the outbox into the LRS: batches, answers, and when to try again.

The decisions are pure (`plan_retry`, `classify`); `sync_once` does one pass with the client and
the clock it is given. Answers (xAPI 1.0.3 / Ralph):
- 200 / 204: the batch is stored (204: every id was already there with the same content).
- 409: a statement with the same id and *other* content exists. The batch is split until the
  culprit is alone; it is flagged `conflict` and never retried — an operator must look.
- 400: the LRS refuses a statement; split likewise and flag it `rejected`.
- 429 / 503: the LRS is busy: stop and come back after Retry-After.
- 401 / 403: credentials refused: stop; nothing is marked, everything waits.
- other 5xx, or no answer: stop; retry with exponential backoff and jitter.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils

from kiosk.store import records
from kiosk.sync.client import LrsClient, LrsUnavailableError, Reply


@dataclass(frozen=True)
class RetryPolicy:
    first: float = 2.0  # seconds
    maximum: float = 15 * 60.0  # never wait longer than this between tries, even after days offline
    jitter: float = 0.25


@dataclass
class RetryState:
    failures: int = 0
    not_before: float = 0.0  # the worker's clock, seconds

    def due(self, now: float) -> bool:
        return now >= self.not_before


def plan_retry(state: RetryState, now: float, policy: RetryPolicy, rng: random.Random,
               retry_after: float | None = None) -> RetryState:
    """When to try again after a failure: Retry-After when the LRS says, else exponential with jitter."""
    failures = state.failures + 1
    if retry_after is not None:
        return RetryState(failures, now + max(0.0, retry_after))
    delay = min(policy.maximum, policy.first * 2 ** (failures - 1))
    delay *= 1.0 + policy.jitter * (2.0 * rng.random() - 1.0)
    return RetryState(failures, now + delay)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


def classify(status: int) -> str:
    if status in (200, 204):
        return "stored"
    if status == 409:
        return "conflict"
    if status == 400:
        return "rejected"
    if status in (401, 403):
        return "refused"
    if status in (429, 503):
        return "busy"
    return "failed"


@dataclass
class SyncResult:
    sent: int = 0
    conflicts: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    stopped: str = ""  # why the pass stopped early ("" = the outbox is empty)
    retry_after: float | None = None


def sync_once(db: sqlite_utils.Database, client: LrsClient, now: Callable[[], datetime], *, batch_size: int = 200,
              progress: Callable[[int], None] = lambda _: None) -> SyncResult:
    """Send pending statements, oldest first, until the outbox is empty or the LRS stops us."""
    result = SyncResult()
    while True:
        batch = records.pending(db, batch_size)
        if not batch:
            return result
        if not _deliver(db, client, now, batch, result):
            records.note_attempt(db, [i for i, _ in batch], result.stopped)
            return result
        progress(result.sent)


def _deliver(db: sqlite_utils.Database, client: LrsClient, now: Callable[[], datetime],
             batch: Sequence[tuple[str, dict[str, Any]]], result: SyncResult) -> bool:
    """True when every statement of the batch reached a final state (stored, conflict, rejected)."""
    try:
        reply = client.post([body for _, body in batch])
    except LrsUnavailableError as exc:
        result.stopped = exc.message
        return False
    outcome = classify(reply.status)
    ids = [i for i, _ in batch]
    if outcome == "stored":
        records.mark(db, ids, "sent", now())
        result.sent += len(ids)
        return True
    if outcome in ("conflict", "rejected"):
        if len(batch) == 1:
            records.mark(db, ids, outcome, now(), _detail(reply))
            (result.conflicts if outcome == "conflict" else result.rejected).append(ids[0])
            return True
        half = len(batch) // 2
        return _deliver(db, client, now, batch[:half], result) and _deliver(db, client, now, batch[half:], result)
    result.stopped = f"LRS answered {reply.status}: {_detail(reply)}"
    if outcome == "busy":
        result.retry_after = retry_after_seconds(reply.headers.get("Retry-After"), now())
    return False


def run_forever(db: sqlite_utils.Database, client: LrsClient, *, now: Callable[[], datetime],
                monotonic: Callable[[], float], wait: Callable[[float], bool], policy: RetryPolicy = RetryPolicy(),
                idle: float = 30.0, batch_size: int = 200, rng: random.Random | None = None,
                on_result: Callable[[SyncResult], None] = lambda _: None) -> None:
    """The kiosk's background sync: a pass every `idle` seconds while things go well, backing off
    (or obeying Retry-After) while the LRS is away. `wait(seconds)` returns True to stop (a
    threading.Event's wait in the kiosk; a fake clock in tests)."""
    rng = rng or random.Random()
    state = RetryState()
    while True:
        result = sync_once(db, client, now, batch_size=batch_size)
        on_result(result)
        if result.stopped:
            state = plan_retry(state, monotonic(), policy, rng, result.retry_after)
            delay = state.not_before - monotonic()
        else:
            state, delay = RetryState(), idle
        if wait(max(0.0, delay)):
            return


def _detail(reply: Reply) -> str:
    return reply.body[:300].decode(errors="replace")
