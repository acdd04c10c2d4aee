"""Playing a scenario: evidence rules, the pure player, and the preview screen's reload."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.events import KeyPressed, PointerDown
from kiosk.runtime import play
from kiosk.runtime.preview import PreviewOptions, PreviewScreen
from kiosk.scenario.evidence import observe, swap_distance
from kiosk.scenario.load import load_pack
from kiosk.scenario.model import ChoiceStep, HotspotStep, OrderingStep, Pack


@pytest.fixture(scope="module")
def commis(published_scenarios: Path) -> Pack:
    return load_pack(published_scenarios / "commis-de-cuisine")


def test_swap_distance_counts_neighbour_swaps() -> None:
    assert swap_distance("abcd", "abcd") == 0
    assert swap_distance("bacd", "abcd") == 1
    assert swap_distance("dcba", "abcd") == 6


def test_ordering_credits_exact_near_and_wrong(commis: Pack) -> None:
    step = commis.scenario.step("mise-en-place")
    assert isinstance(step, OrderingStep)
    right = step.correct
    near = (right[1], right[0], *right[2:])
    far = tuple(reversed(right))
    credits = [observe(commis.scenario, step, order)[0].credit for order in (right, near, far)]
    assert credits == [2, 1, 0]
    assert observe(commis.scenario, step, right, timed_out=True)[0].credit == 0


def test_multiple_picks_add_up_and_are_capped(commis: Pack) -> None:
    step = commis.scenario.step("hygiene")
    assert isinstance(step, HotspotStep)
    risks = tuple(s.id for s in step.spots if s.evidence)
    (obs,) = observe(commis.scenario, step, risks)
    assert (obs.observable, obs.credit, obs.max_credit) == ("repere-risque-hygiene", 3, 3)
    (obs,) = observe(commis.scenario, step, tuple(s.id for s in step.spots))
    assert obs.credit == 2  # right minus wrong: touching the clean sink too costs a credit (issue 26)
    (obs,) = observe(commis.scenario, step, ("evier",))
    assert obs.credit == 0  # the decoy earns nothing, but the observation exists


def test_a_choice_observes_every_observable_it_mentions(commis: Pack) -> None:
    step = commis.scenario.step("livraison")
    got = {o.observable: o.credit for o in observe(commis.scenario, step, ("accepter",))}
    assert got == {"controle-temperature": 0, "signale-probleme": 0}
    got = {o.observable: o.credit for o in observe(commis.scenario, step, ("refuser",))}
    assert got == {"controle-temperature": 2, "signale-probleme": 2}


def test_walking_a_branch_records_path_feedback_and_evidence(commis: Pack) -> None:
    s = commis.scenario
    state = play.start(s, now=0.0)
    assert state.step_id == "arrivee" and state.path == ("arrivee",)
    state = play.proceed(s, play.proceed(s, state, 1.0), 2.0)  # video, dialogue
    assert state.step_id == "hygiene"
    assert play.proceed(s, state, 3.0) is state  # a question needs an answer
    state = play.confirm(s, play.toggle(s, play.toggle(s, state, "viande"), "poubelle"), 4.0)
    state = play.confirm(s, state, 5.0)  # ordering as shuffled
    assert state.step_id == "livraison"
    state = play.choose(s, state, "accepter", 6.0)
    assert state.feedback == "accepter" and state.step_id == "livraison"  # feedback first
    state = play.proceed(s, state, 7.0)
    assert state.step_id == "chaine-du-froid"  # the branch
    assert [o.credit for o in state.observations if o.step_id == "hygiene"] == [2]


def test_ordering_is_never_shown_solved_and_replays_identically(commis: Pack) -> None:
    s = commis.scenario
    step = s.step("mise-en-place")
    assert isinstance(step, OrderingStep)
    for seed in range(30):
        state = play.jump(s, play.start(s, 0.0, seed=seed), "mise-en-place", 0.0)
        assert state.order != step.correct and sorted(state.order) == sorted(step.correct)
        assert play.jump(s, play.start(s, 0.0, seed=seed), "mise-en-place", 0.0).order == state.order
    moved = play.move(s, state, state.order[-1], 0)
    assert moved.order[0] == state.order[-1]


def test_timed_choice_runs_out_to_its_timeout_with_zero_credit(commis: Pack) -> None:
    s = commis.scenario
    step = s.step("coup-de-feu")
    assert isinstance(step, ChoiceStep) and step.seconds is not None
    state = play.jump(s, play.start(s, 0.0), "coup-de-feu", 100.0)
    assert play.seconds_left(s, state, 110.0) == pytest.approx(step.seconds - 10)
    assert play.tick(s, state, 100.0 + step.seconds - 0.01) is state
    state = play.tick(s, state, 100.0 + step.seconds)
    assert state.step_id == step.timeout_next
    assert {o.credit for o in state.observations} == {0}
    assert all(o.answer == () for o in state.observations)


def test_preview_taps_keys_and_reload_keep_the_step(commis: Pack) -> None:
    screen = PreviewScreen(commis, 0.0, lambda media: None)
    screen.handle(KeyPressed("return", 1.0), 1.0)
    assert screen.state.step_id == "brief"
    (target,) = screen.targets(2.0)  # the Continue button
    rect = target.rect
    screen.handle(PointerDown(rect.x + rect.w / 2, rect.y + rect.h / 2, 2.0), 2.0)
    assert screen.state.step_id == "hygiene"
    screen.handle(KeyPressed("2", 3.0), 3.0)
    assert screen.state.picked == ("viande",)
    edited = replace(commis, scenario=replace(commis.scenario, title=replace(commis.scenario.title)))
    screen.reload(edited, 4.0)
    assert screen.state.step_id == "hygiene" and screen.pack is edited
    screen.show_error("scenario.yaml:3:1: bad")
    assert "scenario.yaml:3:1: bad" in str(screen.view(5.0))
    screen.handle(KeyPressed("r", 6.0), 6.0)
    assert screen.state.step_id == "arrivee"


def test_preview_countdown_redraws_each_second(commis: Pack) -> None:
    screen = PreviewScreen(commis, 0.0, lambda media: None)
    screen.state = play.jump(commis.scenario, screen.state, "coup-de-feu", 10.0)
    first = screen.view(10.2)
    assert screen.view(10.4) is first  # same whole second: nothing to draw
    assert screen.view(11.2) is not first
    assert screen.next_change(10.2) == pytest.approx(11.0)


def test_a_paused_step_keeps_its_time_and_ignores_input(commis: Pack) -> None:
    s = commis.scenario
    step = s.step("coup-de-feu")
    assert isinstance(step, ChoiceStep) and step.seconds is not None
    state = play.jump(s, play.start(s, 0.0), "coup-de-feu", 100.0)
    paused = play.pause(state, 102.0)  # the headset comes off two seconds in
    assert play.seconds_left(s, paused, 600.0) == pytest.approx(step.seconds - 2)
    assert play.tick(s, paused, 600.0) is paused  # the timer does not run out while nobody looks
    assert play.choose(s, paused, step.options()[0].id, 600.0) is paused
    back = play.resume(paused, 600.0)
    assert play.seconds_left(s, back, 600.0) == pytest.approx(step.seconds - 2)
    assert play.tick(s, back, 600.0 + step.seconds - 2).step_id == step.timeout_next  # runs again once back on
    assert play.resume(back, 700.0) is back and play.pause(paused, 700.0) is paused


def test_taking_the_headset_off_pauses_the_scenario_on_screen(commis: Pack) -> None:
    from hardware.headset.base import WearMonitor
    from hardware.headset.simulated import Keyframe, SimulatedHeadset
    from kiosk.events import HeadsetWorn

    screen = PreviewScreen(commis, 0.0, lambda media: None, PreviewOptions(language="en"))
    screen.state = play.jump(commis.scenario, screen.state, "coup-de-feu", 100.0)
    headset = SimulatedHeadset([Keyframe(0), Keyframe(103, worn=False), Keyframe(400, worn=True)])
    headset.start(0.0)
    monitor = WearMonitor()
    for t in (100.0, 103.0, 300.0, 400.0):  # the composition root's job: samples → events → screen
        moment = monitor.update(headset.poll(t))
        if moment is not None:
            screen.handle(HeadsetWorn(moment == "put on", t), t)
        if t == 300.0:
            assert screen.state.paused_at == 103.0 and screen.state.step_id == "coup-de-feu"
            assert "put the headset back on" in repr(screen.view(t))
            assert screen.next_change(t) is None  # nothing moves while paused
    step = commis.scenario.step("coup-de-feu")
    assert isinstance(step, ChoiceStep) and step.seconds is not None
    assert screen.state.paused_at is None
    assert play.seconds_left(commis.scenario, screen.state, 400.0) == pytest.approx(step.seconds - 3)


def test_a_scripted_visitor_plays_to_the_end_and_says_when_each_step_was_left(commis: Pack) -> None:
    s = commis.scenario
    state, left = play.play_through(s, lambda step, _: [o.id for o in step.options()[:1]], step_seconds=2.0)
    assert state.finished and state.path[0] == s.start and s.step(state.path[-1]).kind == "end"
    assert left == sorted(left) and all(t % 2.0 == 0 for t in left)
    assert len(left) == len({o.step_id for o in state.observations})  # one time per step that produced evidence
    assert play.answer(s, state, ["x"], 99.0) is state  # finished: nothing more happens
