"""The visitor's session state machine: every path, idle resets, language switches, and the
bookkeeping invariants (each visit started is ended once; a reset leaves nothing behind)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.consent import Consent
from kiosk.runtime.actions import Intent
from kiosk.runtime.session import (
    EndVisit,
    Page,
    ResetScreen,
    Session,
    ShowHandoff,
    StartScenario,
    StartVisit,
    Tick,
    Timing,
    idle_seconds_left,
    step,
)

WALK = [Intent("touch"), Intent("language", "en"), Intent("toggle", "phone"), Intent("next"),
        Intent("trade", "commis-de-cuisine"), Intent("next"), Intent("finish"), Intent("next"), Intent("next"),
        Intent("next"), Intent("next"), Intent("next")]


def _run(events: list[Intent | Tick], dt: float = 1.0) -> tuple[Session, list]:
    session, effects, now = Session(), [], 0.0
    for event in events:
        now += dt
        session, out = step(session, event, now)
        effects += out
    return session, effects


def test_a_complete_visit_goes_through_every_screen_and_ends_completed() -> None:
    session, pages = Session(), []
    for i, event in enumerate(WALK):
        session, _ = step(session, event, float(i))
        pages.append(session.page)
    assert pages == [Page.LANGUAGE, Page.CONSENT, Page.CONSENT, Page.CATALOGUE, Page.TRADE, Page.PLAY,
                     Page.DEBRIEF, Page.RESULTS, Page.OFFERS, Page.HANDOFF, Page.THANKS, Page.ATTRACT]
    _, effects = _run(WALK)
    assert effects == [StartVisit(1), StartScenario("commis-de-cuisine"), ShowHandoff(1),
                       EndVisit(1, completed=True, played=("commis-de-cuisine",)), ResetScreen()]


def test_without_consent_to_take_results_there_is_no_qr_screen() -> None:
    walk = [e for e in WALK if e != Intent("toggle", "phone")]
    session, effects = _run(walk[:-2])
    assert session.page == Page.THANKS and not any(isinstance(e, ShowHandoff) for e in effects)


def test_idle_warns_then_resets_mid_scenario_as_incomplete() -> None:
    session, _ = _run(WALK[:6])  # playing
    assert session.page == Page.PLAY
    timing = Timing(idle_after=60, warn_for=15)
    last = session.last_input
    session, out = step(session, Tick(), last + 59, timing)
    assert not session.warning and out == []
    session, out = step(session, Tick(), last + 60, timing)
    assert session.warning and idle_seconds_left(session, last + 64, timing) == 11
    touched, _ = step(session, Intent("select", "a"), last + 65, timing)  # a touch cancels the countdown
    assert not touched.warning and touched.page == Page.PLAY
    session, out = step(session, Tick(), last + 75, timing)
    assert session == Session(visit=1)  # nothing of the visit left: language, consent, trade all reset
    assert out == [EndVisit(1, completed=False, played=()), ResetScreen()]


def test_language_switches_anywhere_and_keeps_the_place() -> None:
    session, _ = _run(WALK[:6])
    switched, effects = step(session, Intent("language", "ar"), 100.0)
    assert switched.language == "ar" and switched.page == Page.PLAY and effects == []
    unknown, _ = step(session, Intent("language", "xx"), 100.0)
    assert unknown.language == session.language


def test_the_key_moments_come_between_the_scenario_and_the_results() -> None:
    played, _ = _run(WALK[:7])
    assert played.page == Page.DEBRIEF and played.played == ("commis-de-cuisine",)
    assert step(played, Intent("back"), 100.0)[0].page == Page.DEBRIEF  # the results are only ever ahead
    assert step(played, Intent("next"), 100.0)[0].page == Page.RESULTS


def test_two_scenarios_in_one_visit_are_both_recorded() -> None:
    more = [*WALK[:8], Intent("back"), Intent("trade", "aide-a-domicile"), Intent("next"), Intent("finish")]
    session, effects = _run(more)
    assert session.played == ("commis-de-cuisine", "aide-a-domicile")
    assert [e.pack for e in effects if isinstance(e, StartScenario)] == ["commis-de-cuisine", "aide-a-domicile"]


events = st.one_of(st.just(Tick()), st.builds(Intent, st.sampled_from(
    ["touch", "next", "back", "finish", "stop", "toggle", "language", "trade", "select"]),
    st.sampled_from(["", "phone", "employers", "en", "ar", "commis-de-cuisine"])))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(events, st.floats(0.1, 40.0)), max_size=60))
def test_any_sequence_keeps_the_books_straight(sequence: list[tuple[Intent | Tick, float]]) -> None:
    session, now, open_visit = Session(), 0.0, None
    for event, dt in sequence:
        now += dt
        session, effects = step(session, event, now)
        for effect in effects:
            if isinstance(effect, StartVisit):
                assert open_visit is None  # never two visits at once
                open_visit = effect.visit
            elif isinstance(effect, EndVisit):
                assert effect.visit == open_visit  # each visit ended once, the right one
                open_visit = None
        if session.page == Page.ATTRACT:
            assert open_visit is None
            assert (session.trade, session.played, session.consent, session.language) == ("", (), Consent(),
                                                                                          "fr")
        else:
            assert open_visit == session.visit
