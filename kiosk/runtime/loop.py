"""The frame loop: fixed-step updates on an injected clock, drawing only when the view
changed, and pacing that sleeps instead of spinning.

Input is never left waiting behind a frame: what arrived while the view was built is handled
before that frame is drawn (and the view built again, so the frame shows it); what arrived while
it was drawn is handled before the renderer waits for the frame, and the next wait does not sleep
until it is drawn. A device event therefore waits for at most one step of a frame, not a whole one.

The loop owns no device: the clock, the input source, the sleeper and the renderer are
passed in. Tests run it on a ManualClock whose sleeper advances time, so no test waits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kiosk.clock import Clock
from kiosk.events import InputEvent, QuitRequested
from kiosk.histogram import Histogram
from kiosk.view.nodes import Scene, paused_streams, streams


class Renderer(Protocol):
    def draw(self, scene: Scene) -> None: ...
    def present(self) -> None: ...


class Media(Protocol):
    """Streams that change on their own schedule (video): the loop asks them when to wake and
    whether a new frame arrived, and redraws even when the Scene did not change."""

    def show(self, wanted: dict[str, bool], now: float, paused: frozenset[str] = frozenset()) -> None: ...
    def present(self, now: float) -> bool: ...
    def next_due(self, now: float) -> float | None: ...


class Screen(Protocol):
    """What the loop drives: one of the runtime's screens or the whole session."""

    def handle(self, event: InputEvent, now: float) -> None: ...
    def update(self, dt: float, now: float) -> None: ...
    def view(self, now: float) -> Scene: ...
    def animating(self, now: float) -> bool:
        """True while the view changes by itself (tweens running)."""
        ...
    def next_change(self, now: float) -> float | None:
        """When the view will start changing by itself next, or None if only input can."""
        ...


@dataclass
class FixedStep:
    """Turns elapsed wall time into a whole number of fixed `dt` updates.

    At most `max_steps` run per frame: after a stall the runtime catches up a little and
    drops the rest instead of freezing in a spiral of updates.
    """

    dt: float = 1 / 60
    max_steps: int = 5
    _accumulator: float = 0.0
    _last: float | None = None

    def advance(self, now: float) -> int:
        if self._last is None:
            self._last = now
            return 0
        self._accumulator += max(0.0, now - self._last)
        self._last = now
        steps = int(self._accumulator / self.dt)
        self._accumulator -= steps * self.dt
        if steps > self.max_steps:
            self._accumulator = 0.0
            steps = self.max_steps
        return steps


@dataclass
class FramePacer:
    """Decides when the next frame is due: `max_fps` while animating, `idle_fps` when the
    only motion is ambient, and not at all while nothing changes."""

    max_fps: int = 60
    idle_fps: int = 30

    def next_wake(self, now: float, last_frame: float, animating: bool, ambient: bool,
                  next_change: float | None) -> float | None:
        if animating:
            return last_frame + 1.0 / (self.idle_fps if ambient else self.max_fps)
        return next_change


@dataclass
class LoopStats:
    frames_drawn: int = 0
    updates: int = 0
    dropped_frames: int = 0  # frames that took longer than a frame period at max_fps to draw
    draw_seconds: Histogram = field(default_factory=Histogram)


InputSource = Callable[[float | None], Sequence[InputEvent]]
"""Returns pending events, waiting at most the given seconds (None: until one comes)."""


@dataclass
class _Periodic:
    every: float
    callback: Callable[[float], None]
    due: float


class FrameLoop:
    def __init__(self, screen: Screen, renderer: Renderer, clock: Clock, wait_input: InputSource,
                 pacer: FramePacer, step: FixedStep | None = None, ambient: bool = True) -> None:
        self.screen = screen
        self.renderer = renderer
        self.clock = clock
        self.wait_input = wait_input
        self.pacer = pacer
        self.step = step or FixedStep()
        self.ambient = ambient  # attract-style animation: paced at idle_fps
        self.stats = LoopStats()
        self.quit = False
        self._last_scene: Scene | None = None
        self._last_frame = float("-inf")
        self._periodic: list[_Periodic] = []
        self._deadline: float | None = None
        self.media: Media | None = None
        self.when_still: Callable[[float], None] | None = None  # after a frame that leaves the screen still
        self._streams_of: Scene | None = None
        self._undrawn_input = False  # handled after a frame was drawn: the next wait must not sleep

    def every(self, seconds: float, callback: Callable[[float], None]) -> None:
        """Call `callback(now)` every `seconds` of clock time, after frames are drawn
        (screenshots, watchdog pings). The first call comes after one period."""
        if seconds <= 0:
            raise ValueError("a period must be positive")
        self._periodic.append(_Periodic(seconds, callback, self.clock.now() + seconds))

    def _pictures_coming(self) -> bool:
        """The renderer waits for pictures drawn off the frame thread (SVG): redraw until they show."""
        waiting = getattr(self.renderer, "waiting", None)
        return bool(waiting()) if callable(waiting) else False

    def _next_wake(self, now: float) -> float | None:
        wake = self.pacer.next_wake(now, self._last_frame, self.screen.animating(now) or self._pictures_coming(),
                                    self.ambient, self.screen.next_change(now))
        due = self.media.next_due(now) if self.media is not None else None
        candidates = [w for w in (wake, due, self._deadline, *(p.due for p in self._periodic)) if w is not None]
        return min(candidates) if candidates else None

    def tick(self) -> bool:
        """One iteration: wait for input or the next due time, update, maybe draw.
        Returns True if a frame was drawn."""
        now = self.clock.now()
        wake = now if self._undrawn_input else self._next_wake(now)
        self._undrawn_input = False
        self._handle(self.wait_input(None if wake is None else max(0.0, wake - now)))
        now = self.clock.now()
        for _ in range(self.step.advance(now)):
            self.screen.update(self.step.dt, now)
            self.stats.updates += 1
        drew = self._draw_if_changed(now)
        for periodic in self._periodic:
            if now >= periodic.due:
                periodic.callback(now)
                while periodic.due <= now:  # after a long wait, skip the missed periods
                    periodic.due += periodic.every
        return drew

    def deliver(self) -> None:
        """Hand the screen what input is waiting, without waiting: for a device polled on the frame
        thread (the headset), whose events must reach the screen before it draws for them."""
        self._handle(self.wait_input(0.0))

    def _take_waiting(self) -> bool:
        """Handle what input is waiting, without waiting; True if there was some."""
        events = self.wait_input(0.0)
        self._handle(events)
        return bool(events)

    def _handle(self, events: Sequence[InputEvent]) -> None:
        for event in events:
            self.screen.handle(event, self.clock.now())
            if isinstance(event, QuitRequested):
                self.quit = True
                break  # what came after a quit request is not acted on: stopping is prompt

    def _draw_if_changed(self, now: float) -> bool:
        scene = self.screen.view(now)
        # Pace from this look at the view, drawn or not: an animation whose view did not
        # change this time must still wait a frame period, not spin.
        self._last_frame = now
        fresh = False
        if self.media is not None:
            if scene is not self._streams_of:  # the scene changed: maybe other streams to play
                self.media.show(streams(scene), now, paused_streams(scene))
                self._streams_of = scene
            fresh = self.media.present(now)
        if not fresh and not self._pictures_coming() and (scene is self._last_scene or scene == self._last_scene):
            return False
        if self._take_waiting():  # came while the view was built (a screen change can take a while)
            if self.quit:
                return False
            now = self.clock.now()
            scene = self.screen.view(now)  # once: a flood of input must not keep the frame from being drawn
        started = self.clock.now()
        self.renderer.draw(scene)
        if self._take_waiting():  # came while the frame was batched and submitted: handled before it is
            self._undrawn_input = True  # waited for, and drawn in the next tick without sleeping
        self.renderer.present()
        took = self.clock.now() - started
        self.stats.draw_seconds.observe(took)
        self.stats.frames_drawn += 1
        if took > 1.0 / self.pacer.max_fps:
            self.stats.dropped_frames += 1
        self._last_scene = scene
        if not fresh and not self.screen.animating(now):
            still = getattr(self.renderer, "still", None)  # a renderer that keeps memory for animations frees it
            if callable(still):
                still()
            if self.when_still is not None:
                self.when_still(now)
        return True

    def run(self, until: float | None = None) -> None:
        """Loop until quit, or until the clock reaches `until`."""
        self._deadline = until
        while not self.quit and (until is None or self.clock.now() < until):
            self.tick()
