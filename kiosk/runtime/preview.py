"""`kiosk preview`: the trainer plays a scenario as a job seeker would see it, and every
save of the YAML reloads it in place (same step when it still exists).

The screen takes the pack as an attribute and reports nothing up but `quit`; the
composition root watches the files and calls `reload()` or `show_error()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.events import HeadsetWorn, InputEvent, KeyPressed, PointerDown
from kiosk.i18n import Catalogs, Words
from kiosk.runtime import play
from kiosk.runtime.actions import Action, Choose, Confirm, Move, Proceed, Restart, Toggle
from kiosk.runtime.play import PlayState
from kiosk.runtime.play_view import MediaImage, Target, build_view
from kiosk.runtime.stage_view import stage_key, stage_moving
from kiosk.scenario.model import Pack
from kiosk.view.nodes import Scene


@dataclass(frozen=True, slots=True)
class PreviewOptions:
    language: str = "fr"
    easy: bool = False  # show easy-read (FALC) texts where written


class PreviewScreen:
    def __init__(self, pack: Pack, now: float, media: MediaImage, options: PreviewOptions | None = None,
                 words: Words | None = None) -> None:
        self.pack = pack
        self.media = media
        self.options = options or PreviewOptions()
        self.words = words or Catalogs.load([self.options.language]).words(self.options.language)
        self.state: PlayState = play.start(pack.scenario, now)
        self.error: str | None = None
        self._targets: list[Target] = []
        self._cache: tuple[tuple[object, ...], Scene] | None = None

    # -- messages from the composition root ------------------------------------------------
    def reload(self, pack: Pack, now: float) -> None:
        """Take the new version of the pack; stay on the current step if it still exists."""
        step_id = self.state.step_id
        self.pack = pack
        self.error = None
        self.state = play.start(pack.scenario, now)
        if step_id in pack.scenario.step_ids() and step_id != self.state.step_id:
            self.state = play.jump(pack.scenario, self.state, step_id, now)

    def show_error(self, message: str) -> None:
        """The saved file has an error: keep playing the last good version, say why."""
        self.error = message

    # -- intents -------------------------------------------------------------------------
    def act(self, action: Action, now: float) -> None:
        if isinstance(action, Restart):
            self.state = play.start(self.pack.scenario, now)
        elif isinstance(action, Choose | Toggle | Move | Confirm | Proceed):  # the rest is not the player's
            self.state = play.act(self.pack.scenario, self.state, action, now)

    def targets(self, now: float) -> list[Target]:
        self.view(now)
        return self._targets

    # -- Screen protocol -----------------------------------------------------------------
    def handle(self, event: InputEvent, now: float) -> None:
        if isinstance(event, PointerDown):
            for target in reversed(self.targets(now)):
                if target.rect.contains(event.x, event.y):
                    self.act(target.action, now)
                    return
        elif isinstance(event, KeyPressed):
            self._key(event.key, now)
        elif isinstance(event, HeadsetWorn):
            self.state = play.resume(self.state, now) if event.worn else play.pause(self.state, now)

    def _key(self, key: str, now: float) -> None:
        targets = self.targets(now)
        if key == "r" or (key == "return" and self.state.finished):
            self.act(Restart(), now)
        elif key.isdigit() and key != "0":
            picks = [t for t in targets if isinstance(t.action, Choose | Toggle)]
            if int(key) <= len(picks):
                self.act(picks[int(key) - 1].action, now)
        elif key in ("return", "space"):
            finals = [t for t in targets if isinstance(t.action, Proceed | Confirm)]
            if finals:
                self.act(finals[0].action, now)

    def update(self, dt: float, now: float) -> None:
        self.state = play.tick(self.pack.scenario, self.state, now)

    def animating(self, now: float) -> bool:
        return stage_moving(self.pack.scenario, self.state, now, self.options.language, self.options.easy)

    def next_change(self, now: float) -> float | None:
        left = play.seconds_left(self.pack.scenario, self.state, now)
        if left is None or self.state.paused_at is not None:
            return None
        return now + min(left, 1.0 - (now - self.state.entered_at) % 1.0)  # countdown shows whole seconds

    def _paused_banner(self) -> str | None:
        if self.state.paused_at is None:
            return None
        return self.words.gettext("Paused: put the headset back on to carry on.")

    def view(self, now: float) -> Scene:
        left = play.seconds_left(self.pack.scenario, self.state, now)
        key = (id(self.pack), self.state, self.error, None if left is None else int(left + 0.999),
               stage_key(self.pack.scenario, self.state, now, self.options.language, self.options.easy))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        scene, self._targets = build_view(
            self.pack.scenario, self.state, words=self.words,
            trade_title=self.pack.trade.title.get(self.options.language), now=now, media=self.media,
            easy=self.options.easy, banner=self.error or self._paused_banner())
        self._cache = (key, scene)
        return scene
