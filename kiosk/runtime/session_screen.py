"""The whole visit on one screen object: it owns the session machine and routes each input and
each instant between its parts — the focus (kiosk.runtime.focus), the 360° look
(kiosk.runtime.look_control), the scenario being played (kiosk.runtime.play_driver) and what
is played and said besides the layout (kiosk.runtime.screen_media). Inputs are routed to them by
`ScreenInput` (kiosk.runtime.screen_input), which this class extends.

Input → actions → intents: a tap hits a target; keys, board buttons and switch scanning move a
focus over the same targets and activate it. Time-driven changes (idle warning and reset, timed
answers, scanning) are applied before any input at the same instant, so a recorded session
replays to the same states whatever the frame rate. The screen reports up through `VisitHost`
(the composition root records, scores, matches and signs) and gets results back as an
`Outcome` value. Every handled input and every state change goes to `journal`, for replays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kiosk.events import InputEvent, encode
from kiosk.i18n import Catalogs, Words
from kiosk.media.captions import Cue
from kiosk.media.sphere import Look
from kiosk.runtime import debrief
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.actions import Intent
from kiosk.runtime.attract import AttractScreen, attract_frame
from kiosk.runtime.debrief import DebriefCard
from kiosk.runtime.debrief_view import cards_shown
from kiosk.runtime.focus import FocusNavigator
from kiosk.runtime.look_control import LookController
from kiosk.runtime.outcome import Outcome
from kiosk.runtime.pages import TradeCard
from kiosk.runtime.play import PlayState
from kiosk.runtime.play_driver import PlayChange, PlayDriver
from kiosk.runtime.play_view import MediaImage, Target, focusable
from kiosk.runtime.screen_input import ScreenInput
from kiosk.runtime.screen_media import CaptionLoader, ScreenMedia, narration
from kiosk.runtime.screen_view import ScreenView, ViewInputs, state_label, view_key
from kiosk.runtime.session import (
    Effect,
    EndVisit,
    Page,
    ResetScreen,
    Session,
    StartScenario,
    StartVisit,
    Tick,
    Timing,
    idle_seconds_left,
    step,
)
from kiosk.runtime.stage_view import next_line_at, stage_key, stage_moving
from kiosk.runtime.usage import Usage, UsageWatch, modes_on
from kiosk.runtime.visit_host import VisitHost
from kiosk.scenario.evidence import Observation
from kiosk.scenario.model import Pack
from kiosk.view.layout import Frame, design_size
from kiosk.view.nodes import Scene
from kiosk.view.tokens import tokens_for

Journal = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class ScreenSettings:
    timing: Timing = field(default_factory=Timing)
    defaults: Prefs = field(default_factory=Prefs)  # what every visit starts with (the kiosk's config)
    scan_every: float = 1.5  # seconds the focus stays on a target in one-button mode
    retention_days: int = 30
    size: tuple[int, int] = (1920, 1080)  # the display's pixels: the screens are laid out for its shape


class SessionScreen(ScreenInput):
    def __init__(self, packs: Sequence[Pack], catalogs: Catalogs, host: VisitHost, start: float, *,
                 media: MediaImage, settings: ScreenSettings | None = None, journal: Journal | None = None,
                 first_visit: int = 0, default_language: str = "fr", captions: CaptionLoader | None = None,
                 live_media: bool = True, display: str = "flat-screen", attract: AttractScreen | None = None) -> None:
        """`attract`: the poster already on screen (`kiosk run` draws it before it builds this screen),
        kept as it is: the carousel goes on where it was."""
        self.packs = {p.id: p for p in packs}
        self.catalogs = catalogs
        self.host = host
        self.settings = settings or ScreenSettings()
        self.journal = journal
        self.session = Session(language=default_language, visit=first_visit, last_input=start)
        self.default_language = default_language
        self.using = UsageWatch(display)
        self.prefs = self.settings.defaults
        self.sector = ""  # the catalogue's filter and page
        self.scroll = 0
        self.navigator = FocusNavigator(start)
        self.looking = LookController()
        self.player = PlayDriver()
        self.screen_media = ScreenMedia(media, captions, live=live_media)
        self.views = ScreenView()
        self.attract = attract or self._new_attract(start)
        self._pending_packs: list[Pack] | None = None
        self._outcome: tuple[tuple[object, ...], Outcome] | None = None
        self.finished: tuple[str, tuple[Observation, ...]] | None = None  # the scenario just played: its debrief
        self._label = self.state_label()

    # -- the parts' state, as the tests, the pilot and the replays read it ----------------------
    @property
    def play(self) -> PlayState | None:
        return self.player.state

    @property
    def focus(self) -> int | None:
        return self.navigator.focus

    @property
    def look(self) -> Look:
        return self.looking.look

    @property
    def captions(self) -> CaptionLoader:
        return self.screen_media.captions

    @captions.setter
    def captions(self, loader: CaptionLoader) -> None:
        self.screen_media.captions = loader

    @property
    def words(self) -> Words:
        return self.catalogs.words(self.session.language)

    # -- attributes down -------------------------------------------------------------------------
    def offer_packs(self, packs: Sequence[Pack], now: float) -> None:
        """New content (a pack installed or rolled back): taken at once on the attract screen,
        otherwise when the current visit ends, so nobody's scenario changes under them."""
        self._pending_packs = list(packs)
        if self.session.page == Page.ATTRACT:
            self._take_packs(now)

    def _take_packs(self, now: float) -> None:
        if self._pending_packs:
            self.packs = {p.id: p for p in self._pending_packs}
            self.attract = self._new_attract(now)
            self.views.forget()
        self._pending_packs = None

    # -- what the screen shows ----------------------------------------------------------------
    def cards(self, language: str) -> list[TradeCard]:
        """Shortage trades first, then by title."""
        return self.screen_media.cards(self.packs.values(), language)

    def _new_attract(self, now: float) -> AttractScreen:
        return self.screen_media.attract(self.packs.values(), self.catalogs, self.default_language, now,
                                         reduced_motion=self.prefs.reduced_motion, frame=self.attract_frame())

    def state_label(self) -> str:
        """Everything that decides what is on screen, in one line (replays compare these)."""
        return state_label(self.session, self.play, self.prefs, self.focus, self.sector, self.scroll,
                           self.looking.look)

    def frame(self) -> Frame:
        """The shape, tokens and direction the visitor's screens are laid out for."""
        width, height = design_size(*self.settings.size)
        return Frame(width, height, tokens_for(large_text=self.prefs.large_text,
                                               high_contrast=self.prefs.high_contrast), self.words.rtl)

    def attract_frame(self) -> Frame:
        """The attract screen speaks the kiosk's language with the kiosk's default preferences."""
        defaults = self.settings.defaults
        return attract_frame(self.settings.size, large_text=defaults.large_text, high_contrast=defaults.high_contrast,
                             rtl=self.catalogs.words(self.default_language).rtl)

    def debrief_cards(self) -> tuple[DebriefCard, ...]:
        """The key moments of the scenario just played (its pack and observations in `finished`)."""
        pack_id, observations = self.finished or (self.session.trade, ())
        if pack_id not in self.packs:
            return ()
        return debrief.cards(self.packs[pack_id].scenario, observations, self.words, easy=self.prefs.easy_read,
                             limit=cards_shown(self.prefs))

    def outcome(self) -> Outcome:
        s = self.session
        key = (s.visit, s.played, s.language, s.consent, self.prefs.easy_read)
        if self._outcome is None or self._outcome[0] != key:
            self._outcome = (key, self.host.outcome(s.visit, self.words, s.consent, self.prefs.easy_read))
        return self._outcome[1]

    def _cues(self) -> Sequence[Cue]:
        """The captions of the clip being played, when the visitor wants captions."""
        pack = self.player.pack
        if pack is None or not self.prefs.captions:
            return ()
        return self.screen_media.cues(pack, self.player.step(), self.session.language)

    def _view_inputs(self, caption: str | None, idle_left: float | None, timer: float | None) -> ViewInputs:
        return ViewInputs(
            self.session, self.words, self.prefs, self.settings.retention_days, self.sector, self.scroll, self.focus,
            self.looking.look, self.screen_media.media, self.screen_media.live, self.player.pack, self.player.state,
            caption, idle_left, timer, self.cards, self.outcome, self.frame(), self.debrief_cards)

    def _built(self, now: float) -> tuple[Scene, list[Target]]:
        state = self.player.state
        caption = None if state is None else ScreenMedia.caption(self._cues(), state, now)
        left, timer = idle_seconds_left(self.session, now, self.settings.timing), self.player.seconds_left(now)
        key = view_key(self.session, state, self.prefs, self.focus, self.sector, self.scroll, self.looking.look,
                       caption, left, timer, None if self._outcome is None else id(self._outcome[1]))
        key = (*key, self._stage_key(now))  # a dialogue line taking the stage changes the view
        return self.views.build(key, lambda: self._view_inputs(caption, left, timer), now)

    def targets(self, now: float) -> list[Target]:
        return self._built(now)[1]

    # -- Screen protocol ------------------------------------------------------------------------
    def view(self, now: float) -> Scene:
        if self.session.page == Page.ATTRACT:
            return self.attract.view(now)
        return self._built(now)[0]

    def animating(self, now: float) -> bool:
        pack, state = self.player.pack, self.player.state
        if self.session.page == Page.PLAY and pack is not None and state is not None:  # the stage moves
            return not self.prefs.reduced_motion and stage_moving(pack.scenario, state, now, self.session.language,
                                                                  self.prefs.easy_read)
        return self.session.page == Page.ATTRACT and self.attract.animating(now)

    def _stage_key(self, now: float) -> object:
        pack, state = self.player.pack, self.player.state
        if self.session.page != Page.PLAY or pack is None or state is None:  # with less motion too: the speaker changes
            return None
        return stage_key(pack.scenario, state, now, self.session.language, self.prefs.easy_read)

    def next_change(self, now: float) -> float | None:
        s, timing = self.session, self.settings.timing
        if s.page == Page.ATTRACT:
            return self.attract.next_change(now)
        times = [s.last_input + timing.idle_after, s.last_input + timing.idle_after + timing.warn_for]
        left = idle_seconds_left(s, now, timing)
        if left is not None:
            times.append(now + (left % 1.0 or 1.0))  # the countdown shows whole seconds
        if self.prefs.scanning:
            times.append(self.navigator.since + self.settings.scan_every)
        times.extend(self.player.next_changes(now, self._cues()))
        pack, state = self.player.pack, self.player.state
        if pack is not None and state is not None:  # the next dialogue line takes the stage
            line = next_line_at(pack.scenario, state, now, s.language, self.prefs.easy_read)
            if line is not None:
                times.append(line)
        future = [t for t in times if t > now]
        return min(future) if future else None

    def update(self, dt: float, now: float) -> None:
        self._advance(now)
        self._log(now)

    def usage(self) -> Usage:
        return self.using.usage(self.session.language)

    def _report_usage(self) -> None:
        """Tell the host what the visitor uses whenever it changes, before any step it answers."""
        if self.session.page != Page.ATTRACT:
            changed = self.using.changed(self.session.visit, self.session.language, modes_on(self.prefs))
            if changed is not None:
                self.host.usage_changed(self.session.visit, changed)

    def handle(self, event: InputEvent, now: float) -> None:
        self._advance(now)
        self.using.saw(event, scanning=self.prefs.scanning, immersive=self.player.immersive())
        self._report_usage()
        if self._route(event, now):
            self._log(now, event)
        self._report_usage()  # a mode just turned on or off

    # -- time ------------------------------------------------------------------------------------
    def _advance(self, now: float) -> None:
        if self.session.page == Page.PLAY:
            self._after_play(self.player.tick(now), now)
        self._apply(Tick(), now)
        if self.prefs.scanning and self.session.page != Page.ATTRACT:
            self.navigator.scan(now, self.settings.scan_every, len(focusable(self.targets(now))))

    def _after_play(self, change: PlayChange, now: float) -> None:
        pack = self.player.pack
        if pack is None:
            return
        if change.observations:
            self.host.step_done(self.session.visit, pack, change.observations, now)
        if change.new_step or change.new_feedback:
            self.navigator.restart(now, scanning=self.prefs.scanning)
            if change.new_step:
                self.looking.reset()
        if change.finished:
            self.finished = (pack.id, tuple(self.player.state.observations) if self.player.state else ())
            self.host.scenario_done(self.session.visit, pack, now)
            self._apply(Intent("finish"), now)

    # -- the session machine -----------------------------------------------------------------------
    def _apply(self, event: Intent | Tick, now: float) -> None:
        if isinstance(event, Intent) and event.name == "touch":
            self.session = replace(self.session, last_input=now, warning=False)  # presence only
            return
        before = self.session
        self.session, effects = step(before, event, now, self.settings.timing, home_language=self.default_language)
        for effect in effects:
            self._carry_out(effect, now)
        if self.session.consent.decided and self.session.consent != before.consent:
            self.host.consent_given(self.session.visit, self.session.consent)  # before any scenario starts
        self._report_usage()
        if self.session.page != Page.PLAY:
            self.player.stop()  # a scenario left (finished, back, stop) is over; its answers are recorded
        if self.session.page != before.page or self.session.language != before.language:
            if self.session.page != before.page:
                self.navigator.restart(now, scanning=self.prefs.scanning)
                self.host.page_shown(self.session.visit, self.session.page, self.packs.get(self.session.trade), now)
            self._narrate(now)

    def _carry_out(self, effect: Effect, now: float) -> None:
        if isinstance(effect, StartVisit):
            self._forget_visit()
            self.host.visit_started(effect.visit, self.session.language, now)
        elif isinstance(effect, StartScenario):
            pack = self.packs[effect.pack]
            self.player.start(pack, now, seed=self.session.visit)
            self.host.scenario_started(self.session.visit, pack, now)
        elif isinstance(effect, EndVisit):
            self.host.visit_ended(effect.visit, effect.completed, now)
        elif isinstance(effect, ResetScreen):  # nothing of the visit stays in memory or on screen
            self._forget_visit()
            self.navigator.clear()
            self.looking.reset()
            self._outcome = None
            self.views.forget()
            self.attract = AttractScreen(self.attract.cards, now, self.attract.texts,
                                         reduced_motion=self.prefs.reduced_motion, frame=self.attract_frame(),
                                         scenes=self.attract.scenes)
            self._take_packs(now)

    def _forget_visit(self) -> None:
        self.prefs, self.sector, self.scroll = self.settings.defaults, "", 0
        self.finished = None
        self.player.stop()

    def _narrate(self, now: float) -> None:
        if not self.prefs.narration or self.session.page == Page.ATTRACT:
            return
        scene, _ = self._built(now)
        self.host.say(narration(scene.root), self.session.language)

    def _log(self, now: float, event: InputEvent | None = None) -> None:
        label = self.state_label()
        if event is None and label == self._label:
            return
        self._label = label
        if self.journal is not None:
            entry: dict[str, Any] = {"t": round(now, 6), "visit": self.session.visit, "state": label}
            if event is not None:
                entry["input"] = encode(event)
            self.journal(entry)
