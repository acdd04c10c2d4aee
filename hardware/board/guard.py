"""What a hand can do (pure): presses beyond it are dropped and counted, and a button that chatters
or is held down for ever is named, so a shorted line or a stuck key never drives the screen.

A finger presses one button at most about ten times a second; a line that reports more than
`chatter_presses` presses in `chatter_window` seconds is chattering (a short, a broken switch, a
flooding device) and is ignored until it has been quiet for `calm_after` seconds. A button held
down for `stuck_after` seconds is reported stuck. Releases pass only for presses that passed, so
the screen never sees a release without its press.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

RATE = "rate"  # faster than a hand: dropped
CHATTER = "chatter"  # the button chatters: ignored until it calms down
QUEUE_FULL = "queue_full"  # the screen is not reading: dropped (counted by the driver)
DROP_REASONS = (RATE, CHATTER, QUEUE_FULL)


@dataclass(frozen=True)
class PressPolicy:
    min_interval: float = 0.1  # seconds between two presses of one button that are both taken
    chatter_presses: int = 20  # more presses than this within chatter_window: chattering
    chatter_window: float = 1.0
    calm_after: float = 2.0  # a chattering button is listened to again after this long without a press
    stuck_after: float = 30.0  # held down this long: stuck

    @classmethod
    def off(cls) -> PressPolicy:
        """Every edge passes (benches measuring the wire, not a hand); stuck buttons are still named."""
        return cls(min_interval=0.0, chatter_presses=2**62)


@dataclass
class _Button:
    recent: deque[float] = field(default_factory=deque)  # press times within the chatter window
    last_taken: float = float("-inf")
    last_press: float = float("-inf")
    chattering: bool = False
    down_since: float | None = None
    taken_down: bool = False  # its last press passed: its release passes too


class PressGuard:
    def __init__(self, policy: PressPolicy | None = None, name: str = "board") -> None:
        self.policy = policy or PressPolicy()
        self.name = name
        self.dropped: dict[str, int] = {RATE: 0, CHATTER: 0}
        self._buttons: dict[int, _Button] = {}

    def admit(self, button: int, pressed: bool, now: float) -> bool:
        """True when this edge goes on to the screen; False when it is dropped (and counted)."""
        b = self._buttons.setdefault(button, _Button())
        if not pressed:
            b.down_since = None
            passed, b.taken_down = b.taken_down, False
            return passed
        p = self.policy
        self._calm(button, b, now)
        b.last_press = now
        if b.down_since is None:
            b.down_since = now
        b.recent.append(now)
        while b.recent and now - b.recent[0] > p.chatter_window:
            b.recent.popleft()
        if len(b.recent) > p.chatter_presses:
            b.recent.clear()  # bounded: the window restarts, the button stays marked
            if not b.chattering:
                b.chattering = True
                log.warning("%s: button %d chatters (over %d presses in %.0f s): ignored until quiet for %.0f s",
                            self.name, button, p.chatter_presses, p.chatter_window, p.calm_after)
        if b.chattering:
            self.dropped[CHATTER] += 1
            return False
        if now - b.last_taken < p.min_interval:
            self.dropped[RATE] += 1
            return False
        b.last_taken, b.taken_down = now, True
        return True

    def problems(self, now: float) -> list[str]:
        """What an operator should hear about, per button (for /healthz and `kiosk doctor`)."""
        found = []
        for button, b in sorted(self._buttons.items()):
            self._calm(button, b, now)
            if b.chattering:
                found.append(f"button {button} chatters (presses faster than a hand): ignored")
            elif b.down_since is not None and now - b.down_since >= self.policy.stuck_after:
                found.append(f"button {button} held down for {now - b.down_since:.0f} s (stuck?)")
        return found

    def _calm(self, button: int, b: _Button, now: float) -> None:
        if b.chattering and now - b.last_press >= self.policy.calm_after:
            b.chattering = False
            b.recent.clear()
            log.info("%s: button %d is quiet again: its presses count again", self.name, button)
