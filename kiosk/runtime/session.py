"""The visitor's session as a pure state machine: `step(session, event, now) -> (session, effects)`.

attract → language → consent → catalogue → trade → play → debrief → results → offers → hand-off → thanks
→ attract. Any screen but the attract one resets after `idle_after` seconds without input plus
a visible `warn_for`-second countdown; a session that ends that way (or by "stop") is recorded
as *incomplete* — the effects say so — and is never scored as low. Effects are values the
composition root carries out (start/record/end the visit in the store, show a QR code, …); the
machine itself touches nothing. (`session_screen.SessionScreen` drives it.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from kiosk.consent import Consent
from kiosk.languages import codes
from kiosk.runtime.actions import Intent, Proceed, Toggle
from kiosk.runtime.consent import act as consent_act

LANGUAGES = codes()  # the offered languages (kiosk.languages)


class Page(StrEnum):
    ATTRACT = "attract"
    LANGUAGE = "language"
    CONSENT = "consent"
    CATALOGUE = "catalogue"
    TRADE = "trade"
    PLAY = "play"
    DEBRIEF = "debrief"  # key moments of the scenario just played, before the results
    RESULTS = "results"
    OFFERS = "offers"
    HANDOFF = "handoff"
    THANKS = "thanks"


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passed (idle warning and reset)."""


Event = Intent | Tick


@dataclass(frozen=True, slots=True)
class StartVisit:
    visit: int


@dataclass(frozen=True, slots=True)
class StartScenario:
    pack: str  # the pack id


@dataclass(frozen=True, slots=True)
class ShowHandoff:
    visit: int


@dataclass(frozen=True, slots=True)
class EndVisit:
    visit: int
    completed: bool  # False: left by "stop" or by walking away; recorded, never scored as low
    played: tuple[str, ...]  # pack ids finished in the visit


@dataclass(frozen=True, slots=True)
class ResetScreen:
    """Nothing of the visit stays in memory or on screen."""


Effect = StartVisit | StartScenario | ShowHandoff | EndVisit | ResetScreen


@dataclass(frozen=True, slots=True)
class Session:
    page: Page = Page.ATTRACT
    language: str = "fr"
    visit: int = 0  # visits started since the kiosk started: the composition root maps it to a UUID
    consent: Consent = field(default_factory=Consent)
    trade: str = ""  # pack id being discovered or played
    played: tuple[str, ...] = ()  # packs finished in this visit
    last_input: float = 0.0
    warning: bool = False  # the idle countdown is on screen


@dataclass(frozen=True)
class Timing:
    idle_after: float = 60.0
    warn_for: float = 15.0


Moved = tuple[Session, list[Effect]]


def step(session: Session, event: Event, now: float, timing: Timing = Timing(), *,
         home_language: str = "fr") -> Moved:
    """`home_language`: the kiosk's content language (`[content] language`), which every reset returns to."""
    if isinstance(event, Tick):
        return _tick(session, now, timing, home_language)
    session = replace(session, last_input=now, warning=False)  # any input cancels the idle countdown
    if session.page == Page.ATTRACT:  # whatever the visitor does first starts a visit
        visit = session.visit + 1
        language = event.arg if event.name == "language" and event.arg in LANGUAGES else session.language
        return Session(Page.LANGUAGE, language, visit, last_input=now), [StartVisit(visit)]
    if event.name == "stop":
        return _reset(session, home_language, finished=False)
    if event.name == "language" and event.arg in LANGUAGES:  # switching language is possible on every screen
        moved = replace(session, language=event.arg)
        return (replace(moved, page=Page.CONSENT), []) if session.page == Page.LANGUAGE else (moved, [])
    if session.page == Page.THANKS and event.name == "next":
        return _reset(session, home_language, finished=True)
    return _PAGES.get(session.page, _stay)(session, event)


def _stay(session: Session, event: Intent) -> Moved:
    return session, []


def _language(session: Session, event: Intent) -> Moved:
    return (replace(session, page=Page.CONSENT), []) if event.name == "next" else (session, [])


def _consent(session: Session, event: Intent) -> Moved:
    if event.name == "back":
        return replace(session, page=Page.LANGUAGE), []
    action = Proceed() if event.name == "next" else Toggle(event.arg) if event.name == "toggle" else None
    consent = session.consent if action is None else consent_act(session.consent, action)
    return replace(session, page=Page.CATALOGUE if consent.decided else session.page, consent=consent), []


def _catalogue(session: Session, event: Intent) -> Moved:
    if event.name == "trade" and event.arg:
        return replace(session, page=Page.TRADE, trade=event.arg), []
    return session, []


def _trade(session: Session, event: Intent) -> Moved:
    if event.name == "next":
        return replace(session, page=Page.PLAY), [StartScenario(session.trade)]
    if event.name == "back":
        return replace(session, page=Page.CATALOGUE, trade=""), []
    return session, []


def _play(session: Session, event: Intent) -> Moved:
    if event.name == "finish":
        return replace(session, page=Page.DEBRIEF, played=(*session.played, session.trade)), []
    return session, []


def _debrief(session: Session, event: Intent) -> Moved:
    """The key moments of the scenario just played, then the results."""
    return (replace(session, page=Page.RESULTS), []) if event.name == "next" else (session, [])


def _results(session: Session, event: Intent) -> Moved:
    if event.name == "next":
        return replace(session, page=Page.OFFERS), []
    if event.name == "back":  # another trade in the same visit: evidence pools across scenarios
        return replace(session, page=Page.CATALOGUE, trade=""), []
    return session, []


def _offers(session: Session, event: Intent) -> Moved:
    if event.name != "next":
        return session, []
    if session.consent.results_to_phone:
        return replace(session, page=Page.HANDOFF), [ShowHandoff(session.visit)]
    return replace(session, page=Page.THANKS), []


def _handoff(session: Session, event: Intent) -> Moved:
    return (replace(session, page=Page.THANKS), []) if event.name == "next" else (session, [])


_PAGES: dict[Page, Callable[[Session, Intent], Moved]] = {
    Page.LANGUAGE: _language, Page.CONSENT: _consent, Page.CATALOGUE: _catalogue, Page.TRADE: _trade,
    Page.PLAY: _play, Page.DEBRIEF: _debrief, Page.RESULTS: _results, Page.OFFERS: _offers, Page.HANDOFF: _handoff,
}


def idle_seconds_left(session: Session, now: float, timing: Timing = Timing()) -> float | None:
    """Seconds before the reset while the warning shows; None when no countdown runs."""
    if not session.warning:
        return None
    return max(0.0, session.last_input + timing.idle_after + timing.warn_for - now)


def _tick(session: Session, now: float, timing: Timing, home_language: str) -> Moved:
    if session.page == Page.ATTRACT:
        return session, []
    quiet = now - session.last_input
    if quiet >= timing.idle_after + timing.warn_for:
        return _reset(session, home_language, finished=session.page == Page.THANKS)
    if quiet >= timing.idle_after and not session.warning:
        return replace(session, warning=True), []
    return session, []


def _reset(session: Session, home_language: str, *, finished: bool) -> Moved:
    """Back to the attract screen, in the kiosk's own language, with nothing of the visit left on screen
    or in memory."""
    completed = finished or session.page in (Page.HANDOFF, Page.THANKS)
    return (Session(Page.ATTRACT, home_language, session.visit),
            [EndVisit(session.visit, completed, session.played), ResetScreen()])
