"""The visitor's session as a pure state machine: `step(session, event, now) -> (session, effects)`.

attract → language → consent → catalogue → trade → play → debrief → results → offers → hand-off → thanks
→ attract. Any screen but the attract one resets after `idle_after` seconds without input plus
a visible `warn_for`-second countdown; a session that ends that way (or by "stop") is recorded
as *incomplete* — the effects say so — and is never scored as low. Effects are values the
composition root carries out (start/record/end the visit in the store, show a QR code, …); the
machine itself touches nothing. (`visit_screen.SessionScreen` drives it.)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from kiosk.runtime.consent import ConsentChoice
from kiosk.runtime.consent import act as consent_act

LANGUAGES = ("fr", "en", "ar", "uk")


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
class Intent:
    """What the visitor did, whatever the device: touch, keys, board buttons, switch scanning."""

    name: str  # next | back | select | toggle | language | trade | finish | stop
    arg: str = ""


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passed (idle warning and reset)."""


Event = Intent | Tick


@dataclass(frozen=True, slots=True)
class Effect:
    kind: str  # start_visit | end_visit | start_scenario | show_handoff | reset_screen
    detail: tuple[tuple[str, str], ...] = ()

    def get(self, key: str) -> str:
        return dict(self.detail).get(key, "")


@dataclass(frozen=True, slots=True)
class Session:
    page: Page = Page.ATTRACT
    language: str = "fr"
    visit: int = 0  # visits started since the kiosk started: the composition root maps it to a UUID
    consent: ConsentChoice = field(default_factory=ConsentChoice)
    trade: str = ""  # pack id being discovered or played
    played: tuple[str, ...] = ()  # packs finished in this visit
    last_input: float = 0.0
    warning: bool = False  # the idle countdown is on screen


@dataclass(frozen=True)
class Timing:
    idle_after: float = 60.0
    warn_for: float = 15.0


def step(session: Session, event: Event, now: float, timing: Timing = Timing(), *,
         home_language: str = "fr") -> tuple[Session, list[Effect]]:
    """`home_language`: the kiosk's content language (`[content] language`), which every reset returns to."""
    if isinstance(event, Tick):
        return _tick(session, now, timing, home_language)
    session = replace(session, last_input=now, warning=False)  # any input cancels the idle countdown
    page, name = session.page, event.name
    if page == Page.ATTRACT:  # whatever the visitor does first starts a visit
        visit = session.visit + 1
        language = event.arg if name == "language" and event.arg in LANGUAGES else session.language
        return (Session(Page.LANGUAGE, language, visit, last_input=now),
                [Effect("start_visit", (("visit", str(visit)),))])
    if name == "stop":
        return _reset(session, home_language, finished=False)
    if name == "language" and event.arg in LANGUAGES:  # switching language is possible on every screen
        moved = replace(session, language=event.arg)
        return (replace(moved, page=Page.CONSENT), []) if page == Page.LANGUAGE else (moved, [])
    if page == Page.LANGUAGE and name == "next":
        return replace(session, page=Page.CONSENT), []
    if page == Page.CONSENT and name == "back":
        return replace(session, page=Page.LANGUAGE), []
    if page == Page.CONSENT:
        consent = consent_act(session.consent, ("proceed",) if name == "next" else (name, event.arg))
        if consent.decided:
            return replace(session, page=Page.CATALOGUE, consent=consent), []
        return replace(session, consent=consent), []
    if page == Page.CATALOGUE and name == "trade" and event.arg:
        return replace(session, page=Page.TRADE, trade=event.arg), []
    if page == Page.TRADE:
        if name == "next":
            return replace(session, page=Page.PLAY), [Effect("start_scenario", (("pack", session.trade),))]
        if name == "back":
            return replace(session, page=Page.CATALOGUE, trade=""), []
    if page == Page.PLAY and name == "finish":
        return replace(session, page=Page.DEBRIEF, played=(*session.played, session.trade)), []
    if page == Page.DEBRIEF and name == "next":
        return replace(session, page=Page.RESULTS), []
    if page == Page.RESULTS:
        if name == "next":
            return replace(session, page=Page.OFFERS), []
        if name == "back":  # another trade in the same visit: evidence pools across scenarios
            return replace(session, page=Page.CATALOGUE, trade=""), []
    if page == Page.OFFERS and name == "next":
        if session.consent.results_to_phone:
            return replace(session, page=Page.HANDOFF), [Effect("show_handoff", (("visit", str(session.visit)),))]
        return replace(session, page=Page.THANKS), []
    if page == Page.HANDOFF and name == "next":
        return replace(session, page=Page.THANKS), []
    if page == Page.THANKS and name == "next":
        return _reset(session, home_language, finished=True)
    return session, []


def idle_seconds_left(session: Session, now: float, timing: Timing = Timing()) -> float | None:
    """Seconds before the reset while the warning shows; None when no countdown runs."""
    if not session.warning:
        return None
    return max(0.0, session.last_input + timing.idle_after + timing.warn_for - now)


def _tick(session: Session, now: float, timing: Timing, home_language: str) -> tuple[Session, list[Effect]]:
    if session.page == Page.ATTRACT:
        return session, []
    quiet = now - session.last_input
    if quiet >= timing.idle_after + timing.warn_for:
        return _reset(session, home_language, finished=session.page == Page.THANKS)
    if quiet >= timing.idle_after and not session.warning:
        return replace(session, warning=True), []
    return session, []


def _reset(session: Session, home_language: str, *, finished: bool) -> tuple[Session, list[Effect]]:
    """Back to the attract screen, in the kiosk's own language, with nothing of the visit left on screen
    or in memory."""
    completed = finished or session.page in (Page.HANDOFF, Page.THANKS)
    return (Session(Page.ATTRACT, home_language, session.visit),
            [Effect("end_visit", (("visit", str(session.visit)), ("completed", "yes" if completed else "no"),
                                  ("played", ",".join(session.played)))),
             Effect("reset_screen")])
