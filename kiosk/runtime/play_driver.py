"""The scenario being played on the session screen: its player state, its timers and captions'
timing, its pause while the headset is off. Each change comes back as a `PlayChange` — the answers
just recorded, whether a new step or feedback is on screen, whether the scenario just ended — so the
session screen reports them up and moves the focus and the view, in that order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.media.captions import Cue
from kiosk.media.captions import next_change as next_caption
from kiosk.runtime import play
from kiosk.runtime.actions import PlayAction
from kiosk.runtime.play import PlayState
from kiosk.scenario.evidence import Observation
from kiosk.scenario.model import HotspotStep, Pack, Step, VideoStep


@dataclass(frozen=True, slots=True)
class PlayChange:
    observations: tuple[Observation, ...] = ()  # the answers recorded by this change
    new_step: bool = False
    new_feedback: bool = False  # an answer's feedback came on screen or went
    finished: bool = False  # the scenario reached its end with this change


def _change(before: PlayState, after: PlayState) -> PlayChange:
    return PlayChange(after.observations[len(before.observations):], after.step_id != before.step_id,
                      after.feedback != before.feedback, after.finished and not before.finished)


class PlayDriver:
    def __init__(self) -> None:
        self.pack: Pack | None = None
        self.state: PlayState | None = None

    def start(self, pack: Pack, now: float, seed: int) -> None:
        """`seed`: the visit number, so that ordering items are shuffled the same way in a replay."""
        self.pack, self.state = pack, play.start(pack.scenario, now, seed=seed)

    def stop(self) -> None:
        """The scenario is left (finished, back, stop, reset); its answers are already recorded."""
        self.pack, self.state = None, None

    def tick(self, now: float) -> PlayChange:
        """Time passes: a timed choice whose time is up moves on."""
        if self.pack is None or self.state is None:
            return PlayChange()
        before, self.state = self.state, play.tick(self.pack.scenario, self.state, now)
        return _change(before, self.state)

    def act(self, action: PlayAction, now: float) -> PlayChange:
        if self.pack is None or self.state is None:
            return PlayChange()
        before, self.state = self.state, play.act(self.pack.scenario, self.state, action, now)
        return _change(before, self.state)

    def headset(self, worn: bool, now: float) -> None:
        """Taking the headset off pauses the scenario (timers and clips stand still); putting it on resumes."""
        if self.state is not None:
            self.state = play.resume(self.state, now) if worn else play.pause(self.state, now)

    @property
    def paused(self) -> bool:
        return self.state is not None and self.state.paused_at is not None

    def step(self) -> Step | None:
        if self.pack is None or self.state is None:
            return None
        return self.pack.scenario.step(self.state.step_id)

    def immersive(self) -> bool:
        """A 360° step is on: the head and a drag turn the view."""
        step = self.step()
        return isinstance(step, HotspotStep) or (isinstance(step, VideoStep) and step.immersive)

    def seconds_left(self, now: float) -> float | None:
        """On a timed choice, the time left to answer."""
        if self.pack is None or self.state is None:
            return None
        return play.seconds_left(self.pack.scenario, self.state, now)

    def next_changes(self, now: float, cues: Sequence[Cue]) -> list[float]:
        """When the step on screen changes by itself: the countdown's next whole second, the next caption."""
        if self.state is None:
            return []
        times = []
        timer = self.seconds_left(now)
        if timer is not None and not self.paused:
            times.append(now + (timer % 1.0 or min(1.0, timer) or 1.0))
        caption = next_caption(cues, now - self.state.entered_at)
        if caption is not None:
            times.append(self.state.entered_at + caption)
        return times
