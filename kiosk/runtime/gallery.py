"""Every screen of a visit, as the kiosk would show it, for one language, mode and screen shape.

The layout check (tests) and `kiosk screens` (docs/screens/) walk the same gallery: the real
session screen is put on each page and step by setting its state (no taps, no clock), so what is
checked is what a visitor sees, chrome, focus ring and idle countdown included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from kiosk.consent import Consent
from kiosk.i18n import Catalogs, Words
from kiosk.runtime import play
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.actions import LOOK
from kiosk.runtime.attract import AttractCard, AttractScreen, attract_texts, shortage_badge
from kiosk.runtime.out_of_order import out_of_order_scene
from kiosk.runtime.outcome import Outcome
from kiosk.runtime.play_view import Target
from kiosk.runtime.session import Page
from kiosk.runtime.session_screen import ScreenSettings, SessionScreen
from kiosk.runtime.usage import Usage
from kiosk.scenario.evidence import Observation
from kiosk.scenario.model import Pack, Step
from kiosk.view.layout import Frame, design_size
from kiosk.view.nodes import Scene
from kiosk.view.tokens import tokens_for

MODES = ("normal", "large-text", "high-contrast", "easy-read", "one-switch")
SHAPES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720), "1080x1920": (1080, 1920), "1920x1200": (1920, 1200)}
LANGUAGES = ("fr", "en", "ar", "uk")
Outcomes = Callable[[Words, bool], Outcome]  # (words, easy-read) → what the results pages show


def prefs_for(mode: str) -> Prefs:
    """A mode as the visitor's preferences; "large-text+high-contrast" combines two."""
    names = {"large-text": "large_text", "high-contrast": "high_contrast", "easy-read": "easy_read",
             "one-switch": "scanning"}
    chosen = {names[part]: True for part in mode.split("+") if part in names}
    return Prefs(**chosen)


@dataclass(frozen=True, slots=True)
class Shot:
    name: str  # e.g. "07-results" or "06-play-cuisine-tri"
    scene: Scene
    targets: list[Target]


class _Host:
    """A visit host that records nothing and hands down fixed results."""

    def __init__(self, outcomes: Outcomes) -> None:
        self.outcomes = outcomes

    def visit_started(self, visit: int, language: str, now: float) -> None: ...
    def usage_changed(self, visit: int, usage: Usage) -> None: ...
    def consent_given(self, visit: int, consent: Consent) -> None: ...
    def page_shown(self, visit: int, page: str, pack: Pack | None, now: float) -> None: ...
    def scenario_started(self, visit: int, pack: Pack, now: float) -> None: ...
    def step_done(self, visit: int, pack: Pack, observations: Sequence[Observation], now: float) -> None: ...
    def scenario_done(self, visit: int, pack: Pack, now: float) -> None: ...
    def visit_ended(self, visit: int, completed: bool, now: float) -> None: ...
    def say(self, text: str, language: str) -> None: ...

    def outcome(self, visit: int, words: Words, consent: Consent, easy: bool) -> Outcome:
        return self.outcomes(words, easy)


Show = Callable[[str, Page, str, play.PlayState], Shot]  # (name, page, pack id, play state) → the shot


def _attract_shot(screen: SessionScreen, catalogs: Catalogs, language: str, frame: Frame, now: float) -> Shot:
    words = catalogs.words(language)
    attract = AttractScreen([AttractCard(c.title, c.pitch, shortage_badge(c.shortage_level, words), c.image, c.rome)
                             for c in screen.cards(language)], now,
                            attract_texts(words, [catalogs.words(other) for other in catalogs.languages]), frame=frame,
                            scenes=screen.attract.scenes)
    return Shot("01-attract", attract.view(now), [])


def _play_shots(packs: Sequence[Pack], show: Show, now: float, every_step: bool) -> Iterator[Shot]:
    """Every step of every pack and one answer's feedback per step (or the first step of each kind
    and the first feedback, with `every_step` False)."""
    kinds: set[str] = set()
    for pack in sorted(packs, key=lambda p: p.id):
        scenario = pack.scenario
        start = play.start(scenario, now, seed=1)
        for step in scenario.steps:
            state = play.jump(scenario, start, step.id, now)
            state = replace(state, stage_since=now - 60.0)  # the stage stands still, as a visitor reads it
            name = f"06-play-{pack.id}-{step.id}" if every_step else f"06-play-{step.kind.replace('_', '-')}"
            if every_step or step.kind not in kinds:
                yield show(name, Page.PLAY, pack.id, state)
            yield from _answered_shots(step, state, name, pack.id, show, kinds, every_step)
            kinds.add(step.kind)


def _answered_shots(step: Step, state: play.PlayState, name: str, pack_id: str, show: Show, kinds: set[str],
                    every_step: bool) -> Iterator[Shot]:
    """An answer's feedback, and an answer's reaction on stage where the step has one."""
    for kind, options in (("feedback", [o for o in step.options() if o.feedback is not None]),
                          ("reaction", [o for o in step.options() if o.reaction is not None and o.feedback is None])):
        if options and (every_step or kind not in kinds):
            shown = replace(state, feedback=options[0].id, picked=(options[0].id,))
            yield show(f"{name}-{kind}" if every_step else f"06-play-{kind}", Page.PLAY, pack_id, shown)
            kinds.add(kind)


def _last_answers(step: Step, state: play.PlayState) -> Sequence[str]:
    """A visitor who takes the last answer shown each time (an ordering stays as shown)."""
    return [o.id for o in play.shown_options(step, state)][-1:]


def shots(packs: Sequence[Pack], catalogs: Catalogs, language: str, mode: str, size: tuple[int, int],
          outcomes: Outcomes, *, every_step: bool = True) -> Iterator[Shot]:
    """The screens in visit order: attract, language, consent, catalogue, trade, every step of every
    pack (or with `every_step` False the first step of each kind, and one answer's feedback), results,
    offers, hand-off, thanks, the idle warning, out of order."""
    prefs = prefs_for(mode)
    now = 1000.0
    screen = SessionScreen(packs, catalogs, _Host(outcomes), now, media=lambda path: None,
                           settings=ScreenSettings(defaults=prefs, size=size), default_language=language)
    width, height = design_size(*size)
    frame = Frame(width, height, tokens_for(large_text=prefs.large_text, high_contrast=prefs.high_contrast),
                  catalogs.words(language).rtl)
    yield _attract_shot(screen, catalogs, language, frame, now)
    first = sorted(packs, key=lambda p: p.id)[0] if packs else None
    consent = Consent(results_to_phone=True)

    def show(name: str, page: Page, trade: str = "", state: play.PlayState | None = None) -> Shot:
        screen.session = replace(screen.session, page=page, language=language, visit=1, trade=trade,
                                 consent=consent, last_input=now, warning=False)
        screen.prefs = prefs
        screen.player.pack, screen.player.state = (screen.packs.get(trade), state) if state else (None, None)
        screen.views.forget()
        screen.navigator.focus = 0 if prefs.scanning else None
        # the 360° view's drag area lies under its hotspots on purpose: the check looks at what is tapped
        return Shot(name, screen.view(now), [t for t in screen.targets(now) if t.action != LOOK])

    yield show("02-language", Page.LANGUAGE)
    yield show("03-consent", Page.CONSENT)
    yield show("04-catalogue", Page.CATALOGUE)
    if first is not None:
        yield show("05-trade", Page.TRADE, first.id)
    yield from _play_shots(packs, show, now, every_step)
    if first is not None:  # the key moments of a scenario played to its end
        screen.finished = (first.id, tuple(play.play_through(first.scenario, _last_answers)[0].observations))
        yield show("06b-debrief", Page.DEBRIEF)
    yield show("07-results", Page.RESULTS)
    yield show("08-offers", Page.OFFERS)
    yield show("09-handoff", Page.HANDOFF)
    yield show("10-thanks", Page.THANKS)
    screen.session = replace(screen.session, page=Page.CATALOGUE, last_input=now - screen.settings.timing.idle_after
                             - 5, warning=True)
    screen.views.forget()
    later = now
    yield Shot("11-idle-warning", screen.view(later), screen.targets(later))
    yield Shot("12-out-of-order", out_of_order_scene("no valid scenario pack in scenarios/", language, frame), [])
