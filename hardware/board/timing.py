"""Pure timing policies of the driver: reconnect backoff, link health, host-side debounce."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hardware.board.events import DeviceState


@dataclass
class Backoff:
    """Exponential backoff with jitter for reconnecting, capped so a replugged board is found fast."""

    initial: float = 0.05
    maximum: float = 0.5
    factor: float = 2.0
    jitter: float = 0.2  # ± share of the delay, so a fleet does not retry in step
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    _next: float = 0.0

    def delay(self) -> float:
        base = self._next or self.initial
        self._next = min(base * self.factor, self.maximum)
        return base * (1.0 + self.jitter * (2.0 * self.rng.random() - 1.0))

    def reset(self) -> None:
        self._next = 0.0


@dataclass
class LinkHealth:
    """Connected while frames keep arriving; degraded after `silent_after` seconds of silence;
    after `reconnect_after` the port is closed and reopened (a hung USB serial often recovers)."""

    silent_after: float = 1.5
    reconnect_after: float = 4.5
    last_frame: float = 0.0
    greeted: bool = False

    def heard(self, now: float) -> None:
        self.last_frame = now

    def state(self, now: float) -> DeviceState:
        if not self.greeted or now - self.last_frame > self.silent_after:
            return DeviceState.DEGRADED
        return DeviceState.CONNECTED

    def should_reconnect(self, now: float) -> bool:
        return now - self.last_frame > self.reconnect_after


class Debouncer:
    """Host-side debounce on board timestamps, for boards whose firmware does not debounce.

    Leading edge: a change is passed on at once (no added latency), then the button is
    watched for `ms`; whatever it settled on at the end of that window is passed on too if it
    differs, so a glitch never leaves a button stuck down. `flush(board_ms)` closes windows
    when no later event comes (the driver calls it with its estimate of the board clock).
    """

    def __init__(self, ms: int) -> None:
        self.ms = ms
        self._state: dict[int, bool] = {}
        self._raw: dict[int, bool] = {}
        self._window: dict[int, int] = {}  # button -> board_ms its quiet window opened

    @property
    def watching(self) -> bool:
        """A quiet window is open: `flush` must be called soon, whether or not the board speaks."""
        return bool(self._window)

    def feed(self, button: int, pressed: bool, board_ms: int) -> list[tuple[int, bool, int]]:
        out = self.flush(board_ms)
        self._raw[button] = pressed
        if button in self._window or pressed == self._state.get(button, False):
            return out
        return out + self._accept(button, pressed, board_ms)

    def flush(self, board_ms: int) -> list[tuple[int, bool, int]]:
        out: list[tuple[int, bool, int]] = []
        for button, opened in sorted(self._window.items()):
            if _elapsed(opened, board_ms) < self.ms:
                continue
            del self._window[button]
            settled = self._raw.get(button, False)
            if settled != self._state.get(button, False):
                out += self._accept(button, settled, (opened + self.ms) & 0xFFFFFFFF)
        return out

    def _accept(self, button: int, pressed: bool, board_ms: int) -> list[tuple[int, bool, int]]:
        self._state[button] = pressed
        if self.ms > 0:
            self._window[button] = board_ms
        return [(button, pressed, board_ms)]


def _elapsed(start: int, end: int) -> int:
    return (end - start) & 0xFFFFFFFF  # board clocks wrap every 49.7 days
