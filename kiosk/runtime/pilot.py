"""A test driver for the session screen, in the manner of Textual's Pilot: tap what a visitor
would tap, press keys and board buttons, let time pass — on a manual clock, so no test waits.

Taps go through the real hit-testing (the centre of the target's rectangle), keys and board
buttons through the same mapping as on a kiosk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import is_dataclass

from kiosk.clock import ManualClock
from kiosk.events import BoardIntent, HeadsetWorn, KeyPressed, PointerDown
from kiosk.runtime.actions import Action, Choose, Confirm, Proceed, Toggle
from kiosk.runtime.play_view import Target, focusable
from kiosk.runtime.session_screen import SessionScreen
from kiosk.view.nodes import Scene


class PilotError(AssertionError):
    pass


Wanted = Action | type[Action] | Callable[[Action], bool]
"""An action exactly (`Intent("trade", "electricien")`), any of a kind (`Choose`), or a test of it
(`lambda a: isinstance(a, Intent) and a.name == "trade"`)."""


def matches(action: Action, wanted: Wanted) -> bool:
    if isinstance(wanted, type):
        return isinstance(action, wanted)
    if is_dataclass(wanted):
        return action == wanted
    return bool(wanted(action))


class Pilot:
    def __init__(self, screen: SessionScreen, clock: ManualClock, step: float = 0.5) -> None:
        self.screen = screen
        self.clock = clock
        self.step = step  # seconds between visitor actions
        self.draw: Callable[[Scene], None] | None = None  # e.g. a renderer: every changed view is drawn
        self._drawn: Scene | None = None

    @property
    def now(self) -> float:
        return self.clock.now()

    def targets(self) -> list[Target]:
        return self.screen.targets(self.now)

    def focusable(self) -> list[Target]:
        """The targets keys, buttons and switch scanning move over, in focus order."""
        return focusable(self.targets())

    def view(self) -> Scene:
        return self.screen.view(self.now)

    def page(self) -> str:
        return self.screen.session.page.value

    def _frame(self) -> None:
        if self.draw is not None:
            scene = self.screen.view(self.now)
            if scene is not self._drawn:
                self.draw(scene)
                self._drawn = scene

    def wait(self, seconds: float, tick: float = 0.25) -> None:
        """Time passes with frames at `tick` intervals, as the frame loop would update."""
        end = self.now + seconds
        while self.now + tick <= end:
            self.clock.advance(tick)
            self.screen.update(tick, self.now)
            self._frame()
        self.clock.advance(max(0.0, end - self.now))
        self.screen.update(0.0, self.now)
        self._frame()

    def tap_at(self, x: float, y: float) -> None:
        self.wait(self.step)
        self.screen.handle(PointerDown(x, y, self.now), self.now)
        self._frame()

    def tap(self, wanted: Wanted) -> None:
        """Tap the first target whose action is `wanted`, e.g. tap(Intent("trade", "electricien")) or tap(Choose)."""
        for target in self.targets():
            if matches(target.action, wanted):
                r = target.rect
                self.tap_at(r.x + r.w / 2, r.y + r.h / 2)
                return
        raise PilotError(f"no target {wanted} on {self.screen.state_label()}; there are "
                         f"{[t.action for t in self.targets()]}")

    def has(self, wanted: Wanted) -> bool:
        return any(matches(t.action, wanted) for t in self.targets())

    def press(self, key: str) -> None:
        self.wait(self.step)
        self.screen.handle(KeyPressed(key, self.now), self.now)
        self._frame()

    def board(self, name: str) -> None:
        self.wait(self.step)
        self.screen.handle(BoardIntent(name, self.now), self.now)
        self._frame()

    def headset(self, worn: bool) -> None:
        self.wait(self.step)
        self.screen.handle(HeadsetWorn(worn, self.now), self.now)
        self._frame()

    def answer_step(self) -> None:
        """One move in the scenario: continue, or the first answer offered (an ordering as shown)."""
        for wanted in (Proceed(), Choose, Toggle, Confirm()):
            if self.has(wanted):
                self.tap(wanted)
                if wanted is Toggle:
                    self.tap(Confirm())
                return
        raise PilotError(f"stuck on {self.screen.state_label()}")

    def answer_scenario(self, limit: int = 200) -> None:
        """Play the current scenario to its end, taking the first answer offered each time."""
        for _ in range(limit):
            if self.page() != "play":
                return
            self.answer_step()
        raise PilotError("the scenario did not end")
