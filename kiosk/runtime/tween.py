"""Tweened values as pure functions of time: no per-frame mutation, so any frame can be
recomputed (replays, screenshots at a given instant) and reduced motion is one flag."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

Easing = Callable[[float], float]


def linear(p: float) -> float:
    return p


def ease_in_out_cubic(p: float) -> float:
    return 4 * p * p * p if p < 0.5 else 1 - (-2 * p + 2) ** 3 / 2


def ease_out_cubic(p: float) -> float:
    return 1 - (1 - p) ** 3


def ease_out_back(p: float) -> float:
    c1 = 1.70158
    c3 = c1 + 1
    return 1 + c3 * (p - 1) ** 3 + c1 * (p - 1) ** 2


def ease_in_out_sine(p: float) -> float:
    return -(math.cos(math.pi * p) - 1) / 2


@dataclass(frozen=True, slots=True)
class Tween:
    start_value: float
    end_value: float
    start_time: float
    duration: float
    easing: Easing = ease_in_out_cubic

    def progress(self, t: float) -> float:
        """0 before the start, 1 after the end (and always 1 for a zero duration)."""
        if self.duration <= 0 or t >= self.start_time + self.duration:
            return 1.0
        if t <= self.start_time:
            return 0.0
        return (t - self.start_time) / self.duration

    def value(self, t: float) -> float:
        p = self.easing(self.progress(t))
        return self.start_value + (self.end_value - self.start_value) * p

    def running(self, t: float) -> bool:
        return self.start_time <= t < self.start_time + self.duration

    @property
    def end_time(self) -> float:
        return self.start_time + max(self.duration, 0.0)
