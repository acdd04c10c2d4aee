"""The focus that keys, board buttons and switch scanning move over a screen's targets.

A tap needs no focus; every other device reaches the same actions through it: "next" and
"previous" move it, "select" activates what it is on (or the screen's main action when nothing
is focused), a digit key picks the n-th answer offered, and in one-button mode the focus moves
by itself every `scan_every` seconds. Pure decisions: the navigator says which action to take;
the session screen takes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.runtime.actions import PRIMARY, Action, Choose, Intent, Toggle, TogglePref
from kiosk.runtime.play_view import Target, focusable

KEY_COMMANDS = {"tab": "next", "right": "next", "down": "next", "left": "previous", "up": "previous",
                "return": "select", "space": "select", "escape": "back", "backspace": "back"}
PRESENCE = Intent("touch")  # the visitor is there; nothing changes on screen


@dataclass(frozen=True, slots=True)
class FocusMoved:
    """The focus went onto `action`'s target (a hotspot focused this way turns the 360° view towards it)."""

    action: Action


class FocusNavigator:
    def __init__(self, now: float) -> None:
        self.focus: int | None = None  # index among the focusable targets
        self.since = now  # when the focus last moved (scanning counts from here)

    def restart(self, now: float, *, scanning: bool) -> None:
        """A new page or step: scanning starts on its first target, otherwise nothing is focused."""
        self.focus = 0 if scanning else None
        self.since = now

    def clear(self) -> None:
        self.focus = None

    def focused(self, targets: list[Target]) -> Target | None:
        reachable = focusable(targets)
        return reachable[self.focus] if self.focus is not None and self.focus < len(reachable) else None

    def scan(self, now: float, every: float, count: int) -> None:
        """One-button mode: the focus steps on by itself, over `count` targets, every `every` seconds."""
        while now - self.since >= every:
            self.since += every
            if count:
                self.focus = 0 if self.focus is None else (self.focus + 1) % count

    def command(self, name: str, targets: list[Target], now: float) -> Action | FocusMoved | None:
        """The board's and the keyboard's vocabulary: back, previous, next, select. None: nothing to do."""
        reachable = focusable(targets)
        self.since = now
        if name in ("next", "previous") and reachable:
            by = 1 if name == "next" else -1
            self.focus = (0 if by > 0 else len(reachable) - 1) if self.focus is None else \
                (self.focus + by) % len(reachable)
            return FocusMoved(reachable[self.focus].action)
        if name == "select":
            return self._select(reachable)
        if name == "back":
            return Intent("back")
        return None

    def _select(self, reachable: list[Target]) -> Action | None:
        if self.focus is not None and self.focus < len(reachable):
            return reachable[self.focus].action
        if not reachable:
            return None
        primary = next((t.action for t in reachable if t.action in PRIMARY), None)
        if primary is not None:
            return primary
        self.focus = 0  # nothing obvious to do: show where the focus starts
        return PRESENCE

    def key(self, key: str, targets: list[Target], now: float) -> Action | FocusMoved | None:
        """A key: a digit picks the n-th answer or preference offered; the others are commands."""
        if key.isdigit() and key != "0":
            picks = [t.action for t in targets if isinstance(t.action, Choose | Toggle | TogglePref)]
            return picks[int(key) - 1] if int(key) <= len(picks) else None
        command = KEY_COMMANDS.get(key)
        return None if command is None else self.command(command, targets, now)
