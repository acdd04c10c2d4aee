"""A test driver for the session screen, in the manner of Textual's Pilot: tap what a visitor
would tap, press keys and board buttons, let time pass — on a manual clock, so no test waits.

Taps go through the real hit-testing (the centre of the target's rectangle), keys and board
buttons through the same mapping as on a kiosk.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.clock import ManualClock
from kiosk.events import BoardIntent, HeadsetWorn, KeyPressed, PointerDown
from kiosk.runtime.play_view import Target, focusable
from kiosk.runtime.visit_screen import SessionScreen
from kiosk.view.nodes import Scene


class PilotError(AssertionError):
    pass


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

    def tap(self, *action: str) -> None:
        """Tap the target whose action starts with `action`, e.g. tap("intent", "trade", "electricien")."""
        for target in self.targets():
            if target.action[:len(action)] == action:
                r = target.rect
                self.tap_at(r.x + r.w / 2, r.y + r.h / 2)
                return
        raise PilotError(f"no target {action} on {self.screen.state_label()}; there are "
                         f"{[t.action for t in self.targets()]}")

    def has(self, *action: str) -> bool:
        return any(t.action[:len(action)] == action for t in self.targets())

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
        for action in (("proceed",), ("choose",), ("toggle",), ("confirm",)):
            if self.has(*action):
                self.tap(*action)
                if action == ("toggle",):
                    self.tap("confirm")
                return
        raise PilotError(f"stuck on {self.screen.state_label()}")

    def answer_scenario(self, limit: int = 200) -> None:
        """Play the current scenario to its end, taking the first answer offered each time."""
        for _ in range(limit):
            if self.page() != "play":
                return
            self.answer_step()
        raise PilotError("the scenario did not end")
