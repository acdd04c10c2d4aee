from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.clock import ManualClock
from kiosk.events import InputEvent, PointerDown, QuitRequested
from kiosk.runtime.loop import FixedStep, FrameLoop, FramePacer
from kiosk.runtime.tween import Tween, ease_in_out_cubic, ease_out_back, ease_out_cubic, linear
from kiosk.view.nodes import Group, Panel, Rect, Scene
from tests.frame_kit import RecordingRenderer


@pytest.mark.parametrize("easing", [linear, ease_in_out_cubic, ease_out_cubic, ease_out_back])
def test_easings_start_at_0_and_end_at_1(easing: object) -> None:
    assert easing(0.0) == pytest.approx(0.0)  # type: ignore[operator]
    assert easing(1.0) == pytest.approx(1.0)  # type: ignore[operator]


@given(st.floats(-10, 10), st.floats(-10, 10), st.floats(0, 5), st.floats(-1, 10))
def test_tween_stays_between_its_ends(a: float, b: float, duration: float, t: float) -> None:
    tw = Tween(a, b, 1.0, duration, ease_in_out_cubic)
    v = tw.value(t)
    assert min(a, b) - 1e-9 <= v <= max(a, b) + 1e-9
    if t >= 1.0 + duration:
        assert v == pytest.approx(b)


def test_zero_duration_tween_jumps_to_the_end() -> None:
    assert Tween(0, 10, 5.0, 0.0).value(0.0) == 10
    assert not Tween(0, 10, 5.0, 0.0).running(5.0)


def test_fixed_step_counts_whole_steps_and_caps_after_a_stall() -> None:
    step = FixedStep(dt=0.01, max_steps=5)
    assert step.advance(0.0) == 0
    assert step.advance(0.035) == 3
    assert step.advance(0.04) == 1  # 0.005 carried over + 0.005
    assert step.advance(10.0) == 5  # a 10 s stall does not replay 1000 updates


def test_pacer_sleeps_until_next_change_when_still() -> None:
    pacer = FramePacer(max_fps=60, idle_fps=30)
    assert pacer.next_wake(1.0, 0.9, animating=False, ambient=True, next_change=8.0) == 8.0
    assert pacer.next_wake(1.0, 0.99, animating=True, ambient=True, next_change=None) == pytest.approx(0.99 + 1 / 30)
    assert pacer.next_wake(1.0, 0.99, animating=True, ambient=False, next_change=None) == pytest.approx(0.99 + 1 / 60)


class _Screen:
    """A screen that changes once at t=5 and then animates for 1 s."""

    def __init__(self) -> None:
        self.events: list[InputEvent] = []
        self.updates = 0
        self._scenes: dict[int, Scene] = {}

    def handle(self, event: InputEvent, now: float) -> None:
        self.events.append(event)

    def update(self, dt: float, now: float) -> None:
        self.updates += 1

    def animating(self, now: float) -> bool:
        return 5.0 <= now < 6.0

    def next_change(self, now: float) -> float | None:
        return 5.0 if now < 5.0 else None

    def view(self, now: float) -> Scene:
        key = 0 if now < 5.0 else (int((now - 5.0) * 1000) if now < 6.0 else 10_000)
        if key not in self._scenes:
            self._scenes[key] = Scene(Group((Panel(Rect(key, 0, 10, 10), (1, 1, 1, 1)),)))
        return self._scenes[key]


def _sleeper(clock: ManualClock, script: dict[float, InputEvent]) -> object:
    """An input source that 'sleeps' by advancing the manual clock; delivers scripted events."""
    waits: list[float | None] = []

    def wait(timeout: float | None) -> Sequence[InputEvent]:
        waits.append(timeout)
        due = sorted(t for t in script if t <= clock.now() + (timeout if timeout is not None else 1e9))
        if due:
            clock.advance(max(0.0, due[0] - clock.now()))
            return [script.pop(due[0])]
        assert timeout is not None, "the loop would sleep forever"
        clock.advance(timeout)
        return []

    wait.waits = waits  # type: ignore[attr-defined]
    return wait


def test_loop_draws_only_when_the_view_changes_and_sleeps_in_between() -> None:
    clock = ManualClock()
    screen, renderer = _Screen(), RecordingRenderer()
    wait = _sleeper(clock, {})
    loop = FrameLoop(screen, renderer, clock, wait, FramePacer(60, 30), FixedStep())  # type: ignore[arg-type]
    loop.run(until=4.9)
    assert loop.stats.frames_drawn == 1  # the first frame, then nothing changed
    assert max(w for w in wait.waits if w is not None) > 4.0  # type: ignore[attr-defined]
    loop.run(until=8.0)
    # One second of animation paced at the idle rate (30 fps), plus the final still frame.
    assert 29 <= loop.stats.frames_drawn - 1 <= 33
    assert renderer.drawn[-1] is screen.view(7.0)


def test_loop_delivers_input_and_stops_on_quit() -> None:
    clock = ManualClock()
    screen = _Screen()
    wait = _sleeper(clock, {1.0: PointerDown(10, 20, 1.0), 2.0: QuitRequested(2.0)})
    loop = FrameLoop(screen, RecordingRenderer(), clock, wait, FramePacer(), FixedStep())  # type: ignore[arg-type]
    loop.run(until=100.0)
    assert loop.quit
    assert clock.now() == pytest.approx(2.0)
    assert screen.events == [PointerDown(10, 20, 1.0), QuitRequested(2.0)]
    assert screen.updates > 0


def test_periodic_callbacks_fire_on_schedule_without_catching_up() -> None:
    clock = ManualClock()
    calls: list[float] = []
    loop = FrameLoop(_Screen(), RecordingRenderer(), clock, _sleeper(clock, {}), FramePacer(),  # type: ignore[arg-type]
                     FixedStep())
    loop.every(2.0, calls.append)
    loop.run(until=4.5)
    assert calls == pytest.approx([2.0, 4.0])
    with pytest.raises(ValueError, match="positive"):
        loop.every(0, calls.append)


class _StillAwareRenderer(RecordingRenderer):
    """Records when the loop tells it the screen holds still (the GL renderer frees its kept stage)."""

    def __init__(self) -> None:
        super().__init__()
        self.still_after: list[int] = []  # frames drawn when told

    def still(self) -> None:
        self.still_after.append(len(self.drawn))


def test_the_renderer_hears_when_the_screen_holds_still_not_while_it_animates() -> None:
    clock = ManualClock()
    screen, renderer = _Screen(), _StillAwareRenderer()
    loop = FrameLoop(screen, renderer, clock, _sleeper(clock, {}), FramePacer(60, 30), FixedStep())  # type: ignore[arg-type]
    told: list[float] = []
    loop.when_still = told.append
    loop.run(until=4.9)
    assert renderer.still_after == [1] and len(told) == 1  # the first frame, then nothing moves
    loop.run(until=8.0)
    assert renderer.still_after == [1, len(renderer.drawn)]  # once more: after the animation's last frame
    assert len(told) == 2 and 6.0 <= told[1] < 6.1  # with the clock of that last frame
