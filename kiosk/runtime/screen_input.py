"""The visit screen's input routing: a tap hits a target; keys, board buttons and switch scanning
move a focus over the same targets and activate it; each action goes to the session machine, the
scenario player or the screen's own state (preferences, catalogue filter and scroll).

A mixin of `SessionScreen` (kiosk.runtime.session_screen), which owns the parts named below and
the session machine (`_apply`, `_after_play`)."""

from __future__ import annotations

from kiosk.events import (
    BoardIntent,
    HeadsetLook,
    HeadsetWorn,
    InputEvent,
    KeyPressed,
    PointerDown,
    PointerMoved,
    PointerUp,
)
from kiosk.runtime import actions
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.actions import Action, Intent
from kiosk.runtime.focus import KEY_COMMANDS, PRESENCE, FocusMoved, FocusNavigator
from kiosk.runtime.look_control import LookController
from kiosk.runtime.play_driver import PlayChange, PlayDriver
from kiosk.runtime.play_view import Target
from kiosk.runtime.session import Page, Session, Tick


class ScreenInput:
    # The parts and the session machine SessionScreen owns: declared here for the type checker.
    session: Session
    prefs: Prefs
    sector: str
    scroll: int
    navigator: FocusNavigator
    looking: LookController
    player: PlayDriver

    def targets(self, now: float) -> list[Target]:
        raise NotImplementedError

    def _apply(self, event: Intent | Tick, now: float) -> None:
        raise NotImplementedError

    def _after_play(self, change: PlayChange, now: float) -> None:
        raise NotImplementedError

    def _route(self, event: InputEvent, now: float) -> bool:
        """One input to the part it concerns; False when it is not worth recording (a hover, a head turning
        outside a 360° view, an event the screen does not take)."""
        if isinstance(event, HeadsetWorn):
            self.player.headset(event.worn, now)
        elif isinstance(event, PointerDown):
            self._tap(event.x, event.y, now)
        elif isinstance(event, PointerMoved):
            if not self.looking.drag_to(event.x, event.y):
                return False
            self._apply(PRESENCE, now)
        elif isinstance(event, PointerUp):
            return self.looking.release()
        elif isinstance(event, HeadsetLook):
            if not self.player.immersive():
                return False  # the head turns only 360° views; elsewhere it is not an input worth recording
            self.looking.head(event.yaw, event.pitch)
        elif isinstance(event, KeyPressed):
            self._key(event.key, now)
        elif isinstance(event, BoardIntent):
            self._command(event.name, now)
        else:
            return False
        return True

    def _tap(self, x: float, y: float, now: float) -> None:
        if self.session.page == Page.ATTRACT:
            self._apply(Intent("start"), now)
            return
        for target in reversed(self.targets(now)):
            if target.rect.contains(x, y):
                if target.action == actions.LOOK:  # the 360° view: a drag begins
                    self.looking.begin_drag(x, y, target.rect.h)
                    self._apply(PRESENCE, now)
                else:
                    self._act(target.action, now)
                return
        self._apply(PRESENCE, now)  # a tap anywhere still counts as presence

    def _key(self, key: str, now: float) -> None:
        if self.session.page == Page.ATTRACT:
            if key in KEY_COMMANDS:  # a command key starts; the digits pick nothing yet
                self._apply(Intent("start"), now)
            return
        self._take(self.navigator.key(key, self.targets(now), now), now)

    def _command(self, name: str, now: float) -> None:
        if self.session.page == Page.ATTRACT:
            self._apply(Intent("start"), now)
            return
        self._take(self.navigator.command(name, self.targets(now), now), now)

    def _take(self, decided: Action | FocusMoved | None, now: float) -> None:
        if isinstance(decided, FocusMoved):
            step_now = self.player.step()
            if step_now is not None:
                self.looking.face(step_now, decided.action)
            self._apply(PRESENCE, now)
        elif decided is not None:
            self._act(decided, now)

    def _act(self, action: Action, now: float) -> None:
        """A target's action: to the session machine, the scenario player, or the screen's own state.
        The drag area and the preview's restart do nothing when reached here."""
        if self.session.page == Page.CONSENT and isinstance(action, actions.Toggle | actions.Proceed):
            choice = Intent("next") if isinstance(action, actions.Proceed) else Intent("toggle", action.option_id)
            self._apply(choice, now)
        elif isinstance(action, Intent):
            self._apply(action, now)
        elif isinstance(action, actions.Choose | actions.Toggle | actions.Move | actions.Confirm | actions.Proceed):
            if self.player.state is not None and self.session.page == Page.PLAY:
                change = self.player.act(action, now)
                self._apply(PRESENCE, now)
                self._after_play(change, now)
        elif isinstance(action, actions.TogglePref | actions.ShowSector | actions.Scroll | actions.Stay):
            self._screen_action(action)
            self._apply(PRESENCE, now)

    def _screen_action(self, action: actions.TogglePref | actions.ShowSector | actions.Scroll | actions.Stay) -> None:
        if isinstance(action, actions.TogglePref):
            self.prefs = self.prefs.toggled(action.name)
        elif isinstance(action, actions.ShowSector):
            self.sector, self.scroll = action.sector, 0
        elif isinstance(action, actions.Scroll):
            self.scroll = max(0, self.scroll + action.by)
