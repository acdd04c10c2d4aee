"""What a visit should sound like, read from its play state: the ambient loop of the scene on
stage, whether a clip's own sound track plays (the ambient ducks under it), and the event sounds
a change of state calls for. Pure: two states and the times in, cues out."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.media.soundscape import SoundEvent
from kiosk.runtime.play import PlayState, current, seconds_left
from kiosk.scenario.model import OrderingStep, Scenario, VideoStep

TIMER_LOW_SECONDS = 5.0  # a timed choice sounds once when this much time is left


def ambient_of(scenario: Scenario, state: PlayState) -> str | None:
    """The ambient loop (a path in the pack) of the scene on stage; None: silence."""
    if state.stage is None or state.finished:
        return None
    place = scenario.scenes.get(state.stage.scene)
    return place.ambient if place is not None else None


def clip_playing(scenario: Scenario, state: PlayState) -> bool:
    return isinstance(current(scenario, state), VideoStep) and state.paused_at is None and not state.finished


def _best_total(scenario: Scenario, step_id: str) -> int:
    step = scenario.step(step_id)
    if isinstance(step, OrderingStep):
        return sum(rule.exact for rule in step.rules)
    return max((sum(c.credit for c in option.evidence) for option in step.options()), default=0)


def answer_event(scenario: Scenario, before: PlayState, after: PlayState) -> SoundEvent | None:
    """CORRECT when the answer just given earns the best credit the step offers, UNEXPECTED for any
    other answer (or the time running out); None when no answer was given."""
    new = after.observations[len(before.observations):]
    if len(after.observations) <= len(before.observations) or not new:
        return None
    best = _best_total(scenario, new[0].step_id)
    earned = sum(o.credit for o in new)
    return SoundEvent.CORRECT if best > 0 and earned >= best else SoundEvent.UNEXPECTED


def timer_event(scenario: Scenario, before: PlayState, after: PlayState, before_now: float,
                now: float) -> SoundEvent | None:
    """TIMER_LOW once, when a timed choice's time left crosses TIMER_LOW_SECONDS."""
    if before.step_id != after.step_id:
        return None
    was, left = seconds_left(scenario, before, before_now), seconds_left(scenario, after, now)
    if was is None or left is None:
        return None
    return SoundEvent.TIMER_LOW if was > TIMER_LOW_SECONDS >= left > 0 else None


@dataclass(frozen=True, slots=True)
class SoundCues:
    ambient: str | None  # a path in the pack
    clip: bool  # a clip plays its own sound: the ambient ducks
    events: tuple[SoundEvent, ...]


def cues(scenario: Scenario, before: PlayState | None, after: PlayState, before_now: float, now: float) -> SoundCues:
    events: list[SoundEvent] = []
    if before is not None:
        for event in (answer_event(scenario, before, after), timer_event(scenario, before, after, before_now, now)):
            if event is not None:
                events.append(event)
    return SoundCues(ambient_of(scenario, after), clip_playing(scenario, after), tuple(events))
