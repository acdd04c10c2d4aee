"""A fixed-bucket histogram kept in memory: frame times for health and benchmarks.

Buckets sit around the refresh periods that matter (90, 72, 60, 30 Hz) so a glance
tells which rate a kiosk actually holds. Prometheus-compatible cumulative counts.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

FRAME_TIME_BUCKETS: tuple[float, ...] = (
    0.002, 0.004, 0.008, 0.0111, 0.0139, 0.0167, 0.025, 0.0333, 0.05, 0.1, 0.25,
)


@dataclass
class Histogram:
    buckets: tuple[float, ...] = FRAME_TIME_BUCKETS
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        if list(self.buckets) != sorted(self.buckets):
            raise ValueError("histogram buckets must be sorted")
        self.counts = [0] * (len(self.buckets) + 1)  # the last one is +Inf

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.total += value
        self.count += 1

    def cumulative(self) -> list[tuple[float, int]]:
        """(upper bound, observations <= bound) pairs, the last bound being +inf."""
        out: list[tuple[float, int]] = []
        running = 0
        for bound, n in zip((*self.buckets, float("inf")), self.counts, strict=True):
            running += n
            out.append((bound, running))
        return out

    def quantile(self, q: float) -> float:
        """Upper bound of the bucket holding quantile q (0..1); 0.0 when empty."""
        if not 0.0 <= q <= 1.0:
            raise ValueError("quantile must be within 0..1")
        if self.count == 0:
            return 0.0
        rank = q * self.count
        for bound, running in self.cumulative():
            if running >= rank:
                return bound
        return float("inf")  # pragma: no cover - the last bucket always reaches count

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0
