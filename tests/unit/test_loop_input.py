"""Input is never left waiting behind a frame, and a still screen is not drawn again.

On a manual clock: a "device" hands the loop a press at a chosen step of a frame (while the view is
built, while the frame is drawn), as the board's thread does through the device hub, and the test
looks at what the screen had handled when the renderer drew and presented."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kiosk.clock import ManualClock
from kiosk.events import BoardIntent, InputEvent
from kiosk.runtime.attract import AttractScreen
from kiosk.runtime.loop import FixedStep, FrameLoop, FramePacer
from kiosk.view.nodes import Group, Panel, Rect, Scene
from tests.frame_kit import RecordingRenderer


class _Device:
    """The loop's input source: what arrived is handed over at once; a wait with nothing waiting
    sleeps by advancing the manual clock (a wait for ever would be a bug: it fails)."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.waiting: list[InputEvent] = []
        self.slept: list[float] = []

    def press(self) -> None:
        self.waiting.append(BoardIntent("select", self.clock.now()))

    def __call__(self, timeout: float | None) -> Sequence[InputEvent]:
        if not self.waiting:
            assert timeout is not None, "the loop would sleep for ever"
            if timeout > 0:
                self.clock.advance(timeout)
                self.slept.append(timeout)
        events, self.waiting = self.waiting, []
        return events


class _PressCounter:
    """Shows how many presses it has handled; still otherwise (nothing animates)."""

    def __init__(self) -> None:
        self.presses = 0
        self.while_viewing: Callable[[], None] | None = None  # a press arriving while the view is built
        self._scenes: dict[int, Scene] = {}

    def handle(self, event: InputEvent, now: float) -> None:
        self.presses += 1

    def update(self, dt: float, now: float) -> None:
        pass

    def animating(self, now: float) -> bool:
        return False

    def next_change(self, now: float) -> float | None:
        return None

    def view(self, now: float) -> Scene:
        arriving, self.while_viewing = self.while_viewing, None
        if arriving is not None:
            arriving()
        if self.presses not in self._scenes:
            self._scenes[self.presses] = Scene(Group((Panel(Rect(10 * self.presses, 0, 10, 10), (1, 1, 1, 1)),)))
        return self._scenes[self.presses]


class _Renderer:
    """Records, for each frame, the presses the screen had handled when it was drawn and presented."""

    def __init__(self, screen: _PressCounter) -> None:
        self.screen = screen
        self.drawn: list[Scene] = []
        self.handled_at_present: list[int] = []
        self.while_drawing: Callable[[], None] | None = None  # a press arriving while the frame is drawn

    def draw(self, scene: Scene) -> None:
        self.drawn.append(scene)
        arriving, self.while_drawing = self.while_drawing, None
        if arriving is not None:
            arriving()

    def present(self) -> None:
        self.handled_at_present.append(self.screen.presses)


def _loop() -> tuple[FrameLoop, _PressCounter, _Renderer, _Device, ManualClock]:
    clock = ManualClock(100.0)
    screen = _PressCounter()
    renderer = _Renderer(screen)
    device = _Device(clock)
    loop = FrameLoop(screen, renderer, clock, device, FramePacer(60, 30), FixedStep())
    loop.every(30.0, lambda now: None)  # something due: a still loop sleeps until then, not for ever
    loop.tick()  # the first frame
    return loop, screen, renderer, device, clock


def test_a_press_arriving_while_a_frame_is_drawn_is_handled_before_that_frame_is_waited_for() -> None:
    loop, screen, renderer, device, clock = _loop()
    device.press()
    renderer.while_drawing = device.press  # the second press comes while the first one's frame is drawn
    loop.tick()
    assert renderer.handled_at_present[-1] == 2  # handled before present (the wait for the frame)
    assert renderer.drawn[-1] is screen._scenes[1] and screen.presses == 2  # the frame drawn showed one
    before, slept = clock.now(), len(device.slept)
    assert loop.tick()  # drawn next, without sleeping first: an input handled is never left undrawn
    assert clock.now() == before and len(device.slept) == slept
    assert renderer.drawn[-1] is screen.view(clock.now())
    assert not loop.tick() and device.slept[-1] > 20.0  # then still: it sleeps until the next thing due


def test_a_press_arriving_while_the_view_is_built_is_in_the_frame_drawn() -> None:
    loop, screen, renderer, device, _clock = _loop()
    device.press()
    screen.while_viewing = device.press  # arrives during the first press's (long) screen change
    loop.tick()
    assert screen.presses == 2
    assert len(renderer.drawn) == 2 and renderer.drawn[-1] is screen._scenes[2]  # the frame shows both


def test_a_still_attract_screen_is_not_drawn_again(sample_cards: list) -> None:  # type: ignore[type-arg]
    """Between its slides and dissolves the attract screen asks for no frame at all; while they run,
    frames come at the idle rate, and stop when they end."""
    clock = ManualClock()
    screen = AttractScreen(sample_cards, start=0.0, period=8.0, slide=0.7,
                           scenes=("a/attract.svg", "b/attract.svg"), scene_period=16.0, fade=1.5)
    counting = RecordingRenderer()
    drawn = counting.drawn

    device = _Device(clock)
    loop = FrameLoop(screen, counting, clock, device, FramePacer(60, 30), FixedStep())
    loop.run(until=7.9)
    assert len(drawn) == 1 and sum(device.slept) > 7.5  # one frame, then asleep until the slide
    loop.run(until=8.8)
    slide = len(drawn) - 1
    assert 0.7 * 30 - 2 <= slide <= 0.7 * 30 + 2  # the slide at the idle rate (30 fps)
    loop.run(until=15.9)
    assert len(drawn) == 1 + slide and drawn[-1] is screen.view(15.0)  # then nothing until the next change
    loop.run(until=31.9)
    moving = len(drawn) - 1 - slide
    assert moving <= (1.5 + 0.7 + 0.7) * 30 + 6  # at 16 s a slide and a dissolve, at 24 s a slide: no more
    still = len(drawn)
    loop.run(until=31.95)
    assert len(drawn) == still
