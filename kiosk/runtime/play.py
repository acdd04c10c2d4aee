"""Playing one scenario: a pure state machine. `PlayState` is a value; every transition
returns a new one. Time comes in as an argument (`now`), never from a clock here.

Intents: `choose(id)` (single choice, hotspot), `toggle(id)` + `confirm()` (multiple
picks), `move(item, index)` + `confirm()` (ordering), `proceed()` (video, dialogue,
feedback), `tick(now)` (timers); `act` takes the same as typed actions (kiosk.runtime.actions).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from kiosk.runtime.actions import Choose, Confirm, Move, PlayAction, Proceed, Toggle
from kiosk.scenario.evidence import Observation, observe
from kiosk.scenario.model import ChoiceStep, EndStep, HotspotStep, Option, OrderingStep, Scenario, Stage, Step


@dataclass(frozen=True, slots=True)
class PlayState:
    step_id: str
    entered_at: float  # when the current step began: timed choices count from here
    picked: tuple[str, ...] = ()  # option ids selected in the current step
    order: tuple[str, ...] = ()  # ordering steps: the items as arranged; choices: the answers as shown
    feedback: str | None = None  # an option whose feedback is shown before moving on
    pending_next: str | None = None  # where to go once the feedback is read
    observations: tuple[Observation, ...] = ()
    path: tuple[str, ...] = ()  # steps visited, in order
    finished: bool = False
    seed: int = 0  # shuffles ordering items the same way in a replay
    paused_at: float | None = None  # e.g. the headset was taken off: timers stand still, input waits
    stage: Stage | None = None  # the stage in force: set by the last step that set one on the visitor's path
    stage_since: float = 0.0  # when it was set: transitions and entrances run from here
    previous_stage: Stage | None = None  # what the transition leaves
    answered_at: float = 0.0  # when the answer whose reaction/feedback shows was given


def _arrange(step: Step, seed: int) -> tuple[str, ...]:
    """Ordering items shuffled away from the right order; choice answers shuffled so the best one is
    not always in the same place (unless `order: fixed`). The visit's seed makes it replayable: the
    same visit number (journaled) gives the same order, and the state label records it."""
    rng = random.Random(f"{seed}:{step.id}")
    if isinstance(step, ChoiceStep):
        answers = [o.id for o in step.choices]
        if not step.fixed_order:
            rng.shuffle(answers)
        return tuple(answers)
    if not isinstance(step, OrderingStep):
        return ()
    items = [i.id for i in step.items]
    for _ in range(10):  # never show the right order to begin with
        rng.shuffle(items)
        if tuple(items) != step.correct:
            break
    return tuple(items)


def shown_options(step: Step, state: PlayState) -> tuple[Option, ...]:
    """The step's answers in the order the visitor sees them (shuffled per visit for choices)."""
    options = step.options()
    if not isinstance(step, ChoiceStep) or sorted(state.order) != sorted(o.id for o in options):
        return options
    by_id = {o.id: o for o in options}
    return tuple(by_id[i] for i in state.order)


def start(scenario: Scenario, now: float, seed: int = 0) -> PlayState:
    return _enter(scenario, PlayState(scenario.start, now, seed=seed), scenario.start, now)


def _enter(scenario: Scenario, state: PlayState, step_id: str, now: float) -> PlayState:
    step = scenario.step(step_id)
    staged = step.stage is not None and (state.stage is None or step.stage.looks() != state.stage.looks())
    if staged:
        state = replace(state, previous_stage=state.stage, stage=step.stage, stage_since=now)
    return replace(state, step_id=step_id, entered_at=now, picked=(), order=_arrange(step, state.seed), feedback=None,
                   pending_next=None, path=(*state.path, step_id), finished=isinstance(step, EndStep))


def jump(scenario: Scenario, state: PlayState, step_id: str, now: float) -> PlayState:
    """Go straight to a step (previews: stay on the step being edited after a reload)."""
    return _enter(scenario, state, step_id, now)


def current(scenario: Scenario, state: PlayState) -> Step:
    return scenario.step(state.step_id)


def _leave(scenario: Scenario, state: PlayState, answer: tuple[str, ...], target: str | None, now: float,
           *, timed_out: bool = False, feedback: Option | None = None) -> PlayState:
    step = current(scenario, state)
    observed = (*state.observations, *observe(scenario, step, answer, timed_out=timed_out))
    state = replace(state, observations=observed, picked=answer)
    if target is None:
        return replace(state, finished=True)  # lint forbids this; a preview of a broken draft must not crash
    if feedback is not None and (feedback.feedback is not None or feedback.reaction is not None):
        return replace(state, feedback=feedback.id, pending_next=target, answered_at=now)
    return _enter(scenario, state, target, now)


def proceed(scenario: Scenario, state: PlayState, now: float) -> PlayState:
    """Continue: past a video or dialogue, or past the feedback of an answer."""
    if state.paused_at is not None:
        return state
    if state.finished:
        return state
    if state.feedback is not None and state.pending_next is not None:
        return _enter(scenario, state, state.pending_next, now)
    step = current(scenario, state)
    if step.options() or isinstance(step, OrderingStep):
        return state  # a question needs an answer, not "continue"
    return _leave(scenario, state, (), step.default_next(), now)


def choose(scenario: Scenario, state: PlayState, option_id: str, now: float) -> PlayState:
    """Pick one answer of a single choice (or a hotspot): record it and branch."""
    if state.paused_at is not None:
        return state
    step = current(scenario, state)
    option = next((o for o in step.options() if o.id == option_id), None)
    if option is None or state.feedback is not None or state.finished:
        return state
    if isinstance(step, ChoiceStep | HotspotStep) and step.multiple:
        return toggle(scenario, state, option_id)
    return _leave(scenario, state, (option_id,), option.next or step.default_next(), now, feedback=option)


def toggle(scenario: Scenario, state: PlayState, option_id: str) -> PlayState:
    if state.paused_at is not None:
        return state
    step = current(scenario, state)
    if option_id not in {o.id for o in step.options()} or state.feedback is not None:
        return state
    picked = tuple(p for p in state.picked if p != option_id) if option_id in state.picked else \
        (*state.picked, option_id)
    return replace(state, picked=picked)


def move(scenario: Scenario, state: PlayState, item_id: str, index: int) -> PlayState:
    """Ordering: put `item_id` at position `index`."""
    if state.paused_at is not None:
        return state
    if item_id not in state.order or not isinstance(current(scenario, state), OrderingStep):
        return state
    items = [i for i in state.order if i != item_id]
    items.insert(max(0, min(index, len(items))), item_id)
    return replace(state, order=tuple(items))


def confirm(scenario: Scenario, state: PlayState, now: float) -> PlayState:
    """Validate a multiple pick or an ordering."""
    if state.paused_at is not None:
        return state
    step = current(scenario, state)
    if state.feedback is not None or state.finished:
        return state
    if isinstance(step, OrderingStep):
        return _leave(scenario, state, state.order, step.default_next(), now)
    if isinstance(step, ChoiceStep | HotspotStep) and step.multiple:
        return _leave(scenario, state, state.picked, step.default_next(), now)
    return state


def act(scenario: Scenario, state: PlayState, action: PlayAction, now: float) -> PlayState:
    """A step view's target action applied to the state."""
    match action:
        case Choose(option_id):
            return choose(scenario, state, option_id, now)
        case Toggle(option_id):
            return toggle(scenario, state, option_id)
        case Move(item_id, index):
            return move(scenario, state, item_id, index)
        case Confirm():
            return confirm(scenario, state, now)
        case Proceed():
            return proceed(scenario, state, now)


def pause(state: PlayState, now: float) -> PlayState:
    """Stop the clock of the current step (the visitor took the headset off, or walked away)."""
    return state if state.paused_at is not None else replace(state, paused_at=now)


def resume(state: PlayState, now: float) -> PlayState:
    """Carry on where the visitor left: a timed choice gets back exactly the time it had."""
    if state.paused_at is None:
        return state
    return replace(state, entered_at=state.entered_at + (now - state.paused_at), paused_at=None)


def seconds_left(scenario: Scenario, state: PlayState, now: float) -> float | None:
    if state.paused_at is not None:
        now = state.paused_at
    step = current(scenario, state)
    if not isinstance(step, ChoiceStep) or step.seconds is None or state.feedback is not None or state.finished:
        return None
    return max(0.0, state.entered_at + step.seconds - now)


def tick(scenario: Scenario, state: PlayState, now: float) -> PlayState:
    """Time passes: a timed choice whose time is up moves on with no credit."""
    if state.paused_at is not None:
        return state
    left = seconds_left(scenario, state, now)
    if left is not None and left <= 0.0:
        step = current(scenario, state)
        assert isinstance(step, ChoiceStep)
        assert step.seconds is not None
        deadline = state.entered_at + step.seconds  # the next step starts at the deadline however late the tick
        return _leave(scenario, state, (), step.timeout_next or step.default_next(), deadline, timed_out=True)
    return state


Picker = Callable[[Step, PlayState], Sequence[str]]
"""Chooses an answer for a question step: option ids (several for a multiple pick), or the items in
order for an ordering; () keeps an ordering as shown."""


def answer(scenario: Scenario, state: PlayState, picks: Sequence[str], now: float) -> PlayState:
    """One scripted action on the current step: continue past a video, dialogue or feedback; else
    give `picks` as the answer (the first pick for a single choice)."""
    step = current(scenario, state)
    if state.feedback is not None or not (step.options() or isinstance(step, OrderingStep)):
        return proceed(scenario, state, now)
    if isinstance(step, OrderingStep):
        for index, item in enumerate(picks):
            state = move(scenario, state, item, index)
        return confirm(scenario, state, now)
    if isinstance(step, ChoiceStep | HotspotStep) and step.multiple:
        for pick in picks:
            state = toggle(scenario, state, pick)
        return confirm(scenario, state, now)
    return choose(scenario, state, picks[0], now) if picks else state


def play_through(scenario: Scenario, pick: Picker, *, step_seconds: float = 4.0,
                 max_actions: int = 500) -> tuple[PlayState, list[float]]:
    """A scripted visitor plays to the end (scripted sessions, demos, tests): the final state, and the
    time each step that produced observations was left."""
    state, now, left = start(scenario, 0.0), 0.0, []
    for _ in range(max_actions):
        if state.finished:
            break
        now += step_seconds
        step, before = current(scenario, state), len(state.observations)
        needs_answer = state.feedback is None and (step.options() or isinstance(step, OrderingStep))
        state = answer(scenario, state, pick(step, state) if needs_answer else (), now)
        if len(state.observations) > before:
            left.append(now)
    return state, left
