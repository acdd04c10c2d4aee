"""The whole visit on one screen object: the session machine, the scenario being played, the
focus, and the accessibility preferences, driven by any input device.

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
from pathlib import Path
from typing import Any, Protocol

from kiosk.events import (
    BoardIntent,
    HeadsetLook,
    HeadsetWorn,
    InputEvent,
    KeyPressed,
    PointerDown,
    PointerMoved,
    PointerUp,
    encode,
)
from kiosk.i18n import Catalogs, Words
from kiosk.media.captions import Cue, cue_at
from kiosk.media.captions import next_change as next_caption
from kiosk.media.sphere import Look, drag, look_from
from kiosk.runtime import debrief, pages, play
from kiosk.runtime.accessibility import Prefs, adapt, mirror_rect
from kiosk.runtime.attract import AttractCard, AttractScreen, AttractTexts, attract_texts
from kiosk.runtime.consent import ConsentChoice
from kiosk.runtime.consent import build_view as consent_view
from kiosk.runtime.debrief_view import cards_shown, debrief_page
from kiosk.runtime.outcome import Outcome
from kiosk.runtime.pages import TradeCard
from kiosk.runtime.play import PlayState
from kiosk.runtime.play_view import LOOK, LiveMedia, MediaImage, Target, focusable
from kiosk.runtime.play_view import build_view as play_view
from kiosk.runtime.session import Effect, Intent, Page, Session, Tick, Timing, idle_seconds_left, step
from kiosk.runtime.usage import Usage, device_in_use, input_kind
from kiosk.scenario.evidence import Observation
from kiosk.scenario.model import HotspotStep, Pack, VideoStep
from kiosk.view import theme
from kiosk.view.nodes import Column, Group, Node, Panel, Rect, Scene, Text

Journal = Callable[[dict[str, Any]], None]
CaptionLoader = Callable[[Path], Sequence[Cue]]
FOCUS_RING = (1.0, 0.84, 0.0, 1.0)


class VisitHost(Protocol):
    """What the screen reports up; implemented by the composition root (kiosk.visit)."""

    def visit_started(self, visit: int, language: str, now: float) -> None: ...
    def usage_changed(self, visit: int, usage: Usage) -> None: ...
    def scenario_started(self, visit: int, pack: Pack, now: float) -> None: ...
    def step_done(self, visit: int, pack: Pack, observations: Sequence[Observation], now: float) -> None: ...
    def scenario_done(self, visit: int, pack: Pack, now: float) -> None: ...
    def outcome(self, visit: int, words: Words, consent: ConsentChoice, easy: bool) -> Outcome: ...
    def visit_ended(self, visit: int, completed: bool, now: float) -> None: ...
    def say(self, text: str, language: str) -> None: ...


@dataclass(frozen=True)
class ScreenSettings:
    timing: Timing = field(default_factory=Timing)
    defaults: Prefs = field(default_factory=Prefs)  # what every visit starts with (the kiosk's config)
    scan_every: float = 1.5  # seconds the focus stays on a target in one-button mode
    retention_days: int = 30


KEY_ACTIONS = {"tab": "next", "right": "next", "down": "next", "left": "previous", "up": "previous",
               "return": "select", "space": "select", "escape": "back", "backspace": "back"}


class SessionScreen:
    def __init__(self, packs: Sequence[Pack], catalogs: Catalogs, host: VisitHost, start: float, *,
                 media: MediaImage, settings: ScreenSettings | None = None, journal: Journal | None = None,
                 first_visit: int = 0, default_language: str = "fr", captions: CaptionLoader | None = None,
                 live_media: bool = True, display: str = "flat-screen") -> None:
        self.packs = {p.id: p for p in packs}
        self.catalogs = catalogs
        self.host = host
        self.media = media
        self.settings = settings or ScreenSettings()
        self.journal = journal
        self.captions = captions or (lambda path: ())
        self.live_media = live_media  # False: posters instead of clips (no media deck behind the renderer)
        self.look = Look()
        self._drag: tuple[float, float, Look, float] | None = None  # where a drag began, the look then, px height
        self.session = Session(language=default_language, visit=first_visit, last_input=start)
        self.default_language = default_language
        self.display = display  # flat-screen | monitor-headset: what the visitor sees without a worn headset
        self.headset_worn = False
        self.input = "touch"  # the kind of input that acted last (kiosk.runtime.usage)
        self._reported: tuple[int, Usage] | None = None
        self.prefs = self.settings.defaults
        self.play: PlayState | None = None
        self.focus: int | None = None
        self.focus_since = start
        self.sector = ""
        self.scroll = 0
        self.attract = AttractScreen(self._attract_cards(), start, self._attract_texts(),
                                     reduced_motion=self.prefs.reduced_motion)
        self._pending_packs: list[Pack] | None = None
        self._outcome: tuple[tuple[object, ...], Outcome] | None = None
        self._finished: tuple[str, tuple[Observation, ...]] | None = None  # the scenario just played, for its debrief
        self._cache: tuple[tuple[object, ...], Scene, list[Target]] | None = None
        self._label = self.state_label()

    # -- attributes down -------------------------------------------------------------------------
    def offer_packs(self, packs: Sequence[Pack], now: float) -> None:
        """New content (a pack installed or rolled back): taken at once on the attract screen,
        otherwise when the current visit ends, so nobody's scenario changes under them."""
        self._pending_packs = list(packs)
        if self.session.page == Page.ATTRACT:
            self._take_packs(now)

    def _take_packs(self, now: float) -> None:
        if self._pending_packs is None or not self._pending_packs:
            self._pending_packs = None
            return
        self.packs = {p.id: p for p in self._pending_packs}
        self._pending_packs = None
        self.attract = AttractScreen(self._attract_cards(), now, self._attract_texts(),
                                     reduced_motion=self.prefs.reduced_motion)
        self._cache = None

    # -- what the screen shows ----------------------------------------------------------------
    @property
    def words(self) -> Words:
        return self.catalogs.words(self.session.language)

    def cards(self, language: str) -> list[TradeCard]:
        """Shortage trades first, then by title."""
        cards = [TradeCard(p.id, p.trade.title.get(language), p.trade.pitch.get(language), p.trade.sector,
                           p.trade.shortage_level, f"{p.id}/{p.trade.card_image}", p.trade.rome,
                           _presentation_clip(p) if self.live_media else None)
                 for p in self.packs.values()]
        return sorted(cards, key=lambda c: (-c.shortage_level, c.title))

    def _attract_texts(self) -> AttractTexts:
        return attract_texts(self.catalogs.words(self.default_language),
                             [self.catalogs.words(language) for language in self.catalogs.languages])

    def _attract_cards(self) -> list[AttractCard]:
        words = self.catalogs.words(self.default_language)
        return [AttractCard(c.title, c.pitch, pages.shortage_badge(c.shortage_level, words), c.image, c.rome)
                for c in self.cards(self.default_language)]

    def state_label(self) -> str:
        """Everything that decides what is on screen, in one line (replays compare these)."""
        s, p = self.session, self.play
        played = "" if p is None else f"{p.step_id}:{','.join(p.picked)}:{','.join(p.order)}:{p.feedback or ''}"
        prefs = "".join("1" if getattr(self.prefs, name) else "0" for name in pages.PREF_LABELS)
        consent = f"{int(s.consent.results_to_phone)}{int(s.consent.share_with_employers)}"
        return (f"{s.page}|visit {s.visit}|{s.language}|{s.trade}|{played}|warn {int(s.warning)}|"
                f"focus {self.focus}|prefs {prefs}|consent {consent}|{self.sector}|{self.scroll}|"
                f"look {self.look.yaw:.0f},{self.look.pitch:.0f}")

    def outcome(self) -> Outcome:
        s = self.session
        key = (s.visit, s.played, s.language, s.consent, self.prefs.easy_read)
        if self._outcome is None or self._outcome[0] != key:
            self._outcome = (key, self.host.outcome(s.visit, self.words, s.consent, self.prefs.easy_read))
        return self._outcome[1]

    def _page(self, now: float) -> tuple[Scene, list[Target]]:
        s, words = self.session, self.words
        page = s.page
        if page == Page.LANGUAGE:
            return pages.language_page(words, self.prefs)
        if page == Page.CONSENT:
            built, targets = consent_view(s.consent, words, self.settings.retention_days)
            bar: list[Target] = []
            nodes = [*pages.top_bar(words, bar), *pages.footer(words, bar, back=words.gettext("Back"))]
            return replace(built, root=Group((*nodes, built.root))), [*bar, *targets]
        if page == Page.CATALOGUE:
            return pages.catalogue_page(self.cards(s.language), words, self.sector, self.scroll)
        if page == Page.TRADE:
            card = next(c for c in self.cards(s.language) if c.pack_id == s.trade)
            return pages.trade_page(card, words, self.prefs.captions)
        if page == Page.PLAY and self.play is not None:
            pack = self.packs[s.trade]
            built, targets = play_view(pack.scenario, self.play, words=words, trade_title=pack.trade.title.get(
                s.language), now=now, media=self.media, easy=self.prefs.easy_read, banner=self._paused_banner(),
                live=LiveMedia(pack.id, self.look, self._caption(now), self.play.paused_at is not None)
                if self.live_media else None)
            return replace(built, root=Group((built.root, *pages.play_chrome(words, targets)))), targets
        if page == Page.DEBRIEF:
            pack_id, observations = self._finished or (s.trade, ())
            cards = debrief.cards(self.packs[pack_id].scenario, observations, words, easy=self.prefs.easy_read,
                                  limit=cards_shown(self.prefs)) if pack_id in self.packs else ()
            return debrief_page(cards, words, self.prefs)
        if page == Page.RESULTS:
            return pages.results_page(self.outcome(), words)
        if page == Page.OFFERS:
            return pages.offers_page(self.outcome(), words)
        if page == Page.HANDOFF:
            return pages.handoff_page(self.outcome(), words)
        return pages.thanks_page(words)

    def _cues(self) -> Sequence[Cue]:
        if self.play is None or not self.prefs.captions:
            return ()
        pack = self.packs[self.session.trade]
        step = pack.scenario.step(self.play.step_id)
        if not isinstance(step, VideoStep) or not step.captions:
            return ()
        relative = step.captions.get(self.session.language) or step.captions.get("fr") or \
            next(iter(step.captions.values()))
        return self.captions(pack.root / relative)

    def _caption(self, now: float) -> str | None:
        """The cue of the clip on screen, by the time since the step began (the clip started with it)."""
        cues = self._cues()
        if not cues or self.play is None:
            return None
        at = self.play.paused_at if self.play.paused_at is not None else now  # captions stand still too
        return cue_at(cues, at - self.play.entered_at)

    def _paused_banner(self) -> str | None:
        if self.play is None or self.play.paused_at is None:
            return None
        return self.words.gettext("Paused: put the headset back on to carry on.")

    def _built(self, now: float) -> tuple[Scene, list[Target]]:
        left = idle_seconds_left(self.session, now, self.settings.timing)
        timer = None if self.play is None else play.seconds_left(self.packs[self.session.trade].scenario,
                                                                 self.play, now)
        key = (self.session, self.play, self.prefs, self.focus, self.sector, self.scroll, self.look, self._caption(now),
               None if left is None else int(left + 0.999), None if timer is None else int(timer + 0.999),
               None if self._outcome is None else id(self._outcome[1]))
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1], self._cache[2]
        built, targets = self._page(now)
        nodes: list[Node] = [built.root]
        if left is not None:
            targets = []  # while the countdown shows, the only target is "I'm still here"
            nodes.extend(pages.idle_overlay(self.words, left, targets))
        reachable = focusable(targets)
        if self.focus is not None and self.focus < len(reachable):
            r = reachable[self.focus].rect
            nodes.append(Panel(Rect(r.x - 10, r.y - 10, r.w + 20, r.h + 20), (0.0, 0.0, 0.0, 0.0),
                               radius=min(r.h / 2 + 10, 38.0), border=8.0, border_color=FOCUS_RING, layer=6))
        rtl = self.words.rtl
        scene = adapt(replace(built, root=Group(tuple(nodes)), background=theme.BACKGROUND), self.prefs, rtl)
        if rtl:
            targets = [Target(mirror_rect(t.rect), t.action) for t in targets]
        self._cache = (key, scene, targets)
        return scene, targets

    def targets(self, now: float) -> list[Target]:
        return self._built(now)[1]

    # -- Screen protocol ------------------------------------------------------------------------
    def view(self, now: float) -> Scene:
        if self.session.page == Page.ATTRACT:
            return self.attract.view(now)
        return self._built(now)[0]

    def animating(self, now: float) -> bool:
        return self.session.page == Page.ATTRACT and self.attract.animating(now)

    def next_change(self, now: float) -> float | None:
        s, timing = self.session, self.settings.timing
        if s.page == Page.ATTRACT:
            return self.attract.next_change(now)
        times = [s.last_input + timing.idle_after, s.last_input + timing.idle_after + timing.warn_for]
        left = idle_seconds_left(s, now, timing)
        if left is not None:
            times.append(now + (left % 1.0 or 1.0))  # the countdown shows whole seconds
        if self.play is not None:
            timer = play.seconds_left(self.packs[s.trade].scenario, self.play, now)
            if timer is not None and self.play.paused_at is None:
                times.append(now + (timer % 1.0 or min(1.0, timer) or 1.0))
        if self.prefs.scanning:
            times.append(self.focus_since + self.settings.scan_every)
        if self.play is not None:
            change = next_caption(self._cues(), now - self.play.entered_at)
            if change is not None:
                times.append(self.play.entered_at + change)
        future = [t for t in times if t > now]
        return min(future) if future else None

    def update(self, dt: float, now: float) -> None:
        self._advance(now)
        self._log(now)

    def usage(self) -> Usage:
        return Usage(self.session.language, self.input, device_in_use(self.display, self.headset_worn))

    def _report_usage(self) -> None:
        """Tell the host what the visitor uses whenever it changes, before any step it answers."""
        if self.session.page == Page.ATTRACT:
            return
        now_used = (self.session.visit, self.usage())
        if now_used != self._reported:
            self._reported = now_used
            self.host.usage_changed(*now_used)

    def handle(self, event: InputEvent, now: float) -> None:
        self._advance(now)
        kind = input_kind(event, scanning=self.prefs.scanning)
        if kind is not None and not (isinstance(event, HeadsetLook) and not self._immersive()):
            self.input = kind
        if isinstance(event, HeadsetWorn):
            self.headset_worn = event.worn
        self._report_usage()
        if isinstance(event, HeadsetWorn):
            if self.play is not None:
                self.play = play.resume(self.play, now) if event.worn else play.pause(self.play, now)
        elif isinstance(event, PointerDown):
            self._tap(event.x, event.y, now)
        elif isinstance(event, PointerMoved):
            if self._drag is None:
                return  # a hover, not a drag: nothing to record
            x0, y0, start, height = self._drag
            self.look = drag(start, event.x - x0, event.y - y0, height)
            self._apply(Intent("touch"), now)
        elif isinstance(event, PointerUp):
            if self._drag is None:
                return
            self._drag = None
        elif isinstance(event, HeadsetLook):
            if not self._immersive():
                return  # the head turns only 360° views; elsewhere it is not an input worth recording
            self.look = look_from(event.yaw, event.pitch, self.look.fov)
        elif isinstance(event, KeyPressed):
            self._key(event.key, now)
        elif isinstance(event, BoardIntent):
            self._command(event.name, now)
        else:
            return
        self._log(now, event)

    # -- time ------------------------------------------------------------------------------------
    def _advance(self, now: float) -> None:
        if self.play is not None and self.session.page == Page.PLAY:
            before = self.play
            self.play = play.tick(self.packs[self.session.trade].scenario, self.play, now)
            self._after_play(before, now)
        self._apply(Tick(), now, touch=False)
        if self.prefs.scanning and self.session.page != Page.ATTRACT:
            while now - self.focus_since >= self.settings.scan_every:
                self.focus_since += self.settings.scan_every
                count = len(focusable(self.targets(now)))
                if count:
                    self.focus = 0 if self.focus is None else (self.focus + 1) % count

    # -- input -----------------------------------------------------------------------------------
    def _tap(self, x: float, y: float, now: float) -> None:
        if self.session.page == Page.ATTRACT:
            self._apply(Intent("start"), now)
            return
        for target in reversed(self.targets(now)):
            if target.rect.contains(x, y):
                if target.action == LOOK:  # the 360° view: a drag begins
                    self._drag = (x, y, self.look, target.rect.h)
                    self._apply(Intent("touch"), now)
                else:
                    self._act(target.action, now)
                return
        self._apply(Intent("touch"), now)  # a tap anywhere still counts as presence

    def _key(self, key: str, now: float) -> None:
        if self.session.page != Page.ATTRACT and key.isdigit() and key != "0":
            picks = [t for t in self.targets(now) if t.action[0] in ("choose", "toggle", "pref")]
            if int(key) <= len(picks):
                self._act(picks[int(key) - 1].action, now)
            return
        command = KEY_ACTIONS.get(key)
        if command is not None:
            self._command(command, now)

    def _command(self, name: str, now: float) -> None:
        """The board's and the keyboard's vocabulary: back, previous, next, select."""
        if self.session.page == Page.ATTRACT:
            self._apply(Intent("start"), now)
            return
        targets = focusable(self.targets(now))
        self.focus_since = now
        if name in ("next", "previous") and targets:
            step_by = 1 if name == "next" else -1
            self.focus = (0 if step_by > 0 else len(targets) - 1) if self.focus is None else \
                (self.focus + step_by) % len(targets)
            self._face(targets[self.focus].action)
            self._apply(Intent("touch"), now)
        elif name == "select":
            if self.focus is not None and self.focus < len(targets):
                self._act(targets[self.focus].action, now)
            elif targets:
                primary = [t for t in targets if t.action in (("intent", "next"), ("proceed",), ("confirm",),
                                                              ("stay",))]
                if primary:
                    self._act(primary[0].action, now)
                else:
                    self.focus = 0
                    self._apply(Intent("touch"), now)
        elif name == "back":
            self._act(("intent", "back"), now)

    def _immersive(self) -> bool:
        if self.play is None or self.session.page != Page.PLAY:
            return False
        step = self.packs[self.session.trade].scenario.step(self.play.step_id)
        return isinstance(step, HotspotStep) or (isinstance(step, VideoStep) and step.immersive)

    def _face(self, action: tuple[str, ...]) -> None:
        """Focusing a hotspot by keys, buttons or scanning turns the 360° view towards it."""
        if self.play is None or action[0] not in ("choose", "toggle"):
            return
        step = self.packs[self.session.trade].scenario.step(self.play.step_id)
        if isinstance(step, HotspotStep):
            spot = next((s for s in step.spots if s.id == action[1]), None)
            if spot is not None:
                self.look = Look(spot.yaw, max(-60.0, min(60.0, spot.pitch)), self.look.fov)

    def _act(self, action: tuple[str, ...], now: float) -> None:
        kind = action[0]
        if self.session.page == Page.CONSENT and kind in ("toggle", "proceed"):
            self._apply(Intent("next") if kind == "proceed" else Intent("toggle", action[1]), now)
        elif kind == "intent":
            self._apply(Intent(action[1], action[2] if len(action) > 2 else ""), now)
        elif kind == "stay":
            self._apply(Intent("touch"), now)
        elif kind == "pref":
            self.prefs = self.prefs.toggled(action[1])
            self._apply(Intent("touch"), now)
        elif kind == "sector":
            self.sector, self.scroll = action[1], 0
            self._apply(Intent("touch"), now)
        elif kind == "scroll":
            self.scroll = max(0, self.scroll + int(action[1]))
            self._apply(Intent("touch"), now)
        elif self.play is not None and self.session.page == Page.PLAY:
            self._play_action(action, now)

    def _play_action(self, action: tuple[str, ...], now: float) -> None:
        assert self.play is not None
        before = self.play
        self.play = play.act(self.packs[self.session.trade].scenario, self.play, action, now)
        self._apply(Intent("touch"), now)
        self._after_play(before, now)

    def _after_play(self, before: PlayState, now: float) -> None:
        assert self.play is not None
        pack = self.packs[self.session.trade]
        fresh = self.play.observations[len(before.observations):]
        if fresh:
            self.host.step_done(self.session.visit, pack, fresh, now)
        if self.play.step_id != before.step_id or self.play.feedback != before.feedback:
            self.focus = 0 if self.prefs.scanning else None
            self.focus_since = now
            if self.play.step_id != before.step_id:
                self.look, self._drag = Look(), None
        if self.play.finished and not before.finished:
            self._finished = (pack.id, self.play.observations)
            self.host.scenario_done(self.session.visit, pack, now)
            self._apply(Intent("finish"), now)

    # -- the session machine -----------------------------------------------------------------------
    def _apply(self, event: Intent | Tick, now: float, touch: bool = True) -> None:
        if isinstance(event, Intent) and event.name == "touch":
            self.session = replace(self.session, last_input=now, warning=False)  # presence only
            return
        before = self.session
        self.session, effects = step(before, event, now, self.settings.timing, home_language=self.default_language)
        for effect in effects:
            self._carry_out(effect, now)
        self._report_usage()
        if self.session.page != Page.PLAY:
            self.play = None  # a scenario left (finished, back, stop) is over; its answers are recorded
        if self.session.page != before.page or self.session.language != before.language:
            if self.session.page != before.page:
                self.focus = 0 if self.prefs.scanning else None
                self.focus_since = now
            self._narrate(now)

    def _carry_out(self, effect: Effect, now: float) -> None:
        visit = int(effect.get("visit") or self.session.visit)
        if effect.kind == "start_visit":
            self.prefs, self.sector, self.scroll, self.play = self.settings.defaults, "", 0, None
            self.host.visit_started(visit, self.session.language, now)
        elif effect.kind == "start_scenario":
            pack = self.packs[effect.get("pack")]
            self.play = play.start(pack.scenario, now, seed=self.session.visit)
            self.host.scenario_started(visit, pack, now)
        elif effect.kind == "end_visit":
            self.host.visit_ended(visit, effect.get("completed") == "yes", now)
        elif effect.kind == "reset_screen":  # nothing of the visit stays in memory or on screen
            self.prefs, self.sector, self.scroll, self.play = self.settings.defaults, "", 0, None
            self.focus, self._outcome, self._cache, self.look, self._drag = None, None, None, Look(), None
            self._finished = None
            self.attract = AttractScreen(self.attract.cards, now, self.attract.texts,
                                         reduced_motion=self.prefs.reduced_motion)
            self._take_packs(now)

    def _narrate(self, now: float) -> None:
        if not self.prefs.narration or self.session.page == Page.ATTRACT:
            return
        scene, _ = self._built(now)
        self.host.say(" ".join(_texts(scene.root))[:600], self.session.language)

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


def _presentation_clip(pack: Pack) -> str | None:
    """The trade's own clip, else the scenario's first flat clip: what the trade page plays. Its stream
    is named `…#trade` so that a step playing the same clip starts it afresh (captions count from the
    step's start) instead of carrying on the trade page's loop."""
    if pack.trade.video:
        return f"{pack.id}/{pack.trade.video}#trade"
    clip = next((s.clip for s in pack.scenario.steps if isinstance(s, VideoStep) and not s.immersive), None)
    return f"{pack.id}/{clip}#trade" if clip else None


def _texts(node: Node) -> list[str]:
    """What narration reads: the titles and body texts, not the small print or the button labels."""
    if isinstance(node, Text):
        return [node.text] if node.size >= 30 and node.text != "NOVA" else []
    if isinstance(node, Group | Column):
        return [t for child in node.children for t in _texts(child)]
    return []
