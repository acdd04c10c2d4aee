"""The devices the config names: the button board (its presses as input) and the headset."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hardware.board.driver import BoardDriver
from hardware.board.events import ButtonEvent
from hardware.errors import HardwareError
from hardware.headset.base import Headset, HeadsetStatus
from hardware.headset.openxr import OpenXRHeadset
from hardware.headset.simulated import Keyframe, SimulatedHeadset
from hardware.profiles.load import load_profiles
from kiosk.config import Settings
from kiosk.events import BoardIntent, InputEvent
from kiosk.render.renderer import GLRenderer
from kiosk.render.stereo import StereoRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.loop import FrameLoop, InputSource
from kiosk.runtime.session_screen import SessionScreen
from kiosk.visit.headset_link import HeadsetLink

log = logging.getLogger("kiosk")


class InputHub:
    """Events from any thread (board presses, SIGTERM) in one queue the frame loop waits on: a
    press wakes the loop at once, instead of being found by polling in 20 ms slices (p50 10 ms of
    latency and CPU spent waking 50 times a second). `put` is reentrant (a SimpleQueue), so a
    signal handler may call it. Bounded: beyond `capacity` waiting events, new ones are dropped
    and counted (the driver's press guard keeps a hand far below that)."""

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self.dropped = 0
        self._queue: queue.SimpleQueue[InputEvent] = queue.SimpleQueue()

    def put(self, event: InputEvent) -> None:
        if self._queue.qsize() >= self.capacity:
            self.dropped += 1
            return
        self._queue.put(event)

    def wait(self, timeout: float | None) -> list[InputEvent]:
        """Waiting events, waiting at most `timeout` seconds for the first (None: until one comes)."""
        try:
            first = self._queue.get(timeout=timeout) if timeout is None or timeout > 0 else self._queue.get_nowait()
        except queue.Empty:
            return []
        return [first, *self.drain()]

    def drain(self) -> list[InputEvent]:
        events: list[InputEvent] = []
        while True:
            try:
                events.append(self._queue.get_nowait())
            except queue.Empty:
                return events



@dataclass
class Devices:
    """The hardware the config names: their states for health, their buttons as input."""

    board: BoardDriver | None = None
    button_intents: tuple[str, ...] = ()
    headset: HeadsetLink | None = None
    headset_problem: str = ""  # a headset the config names but that could not start
    hub: InputHub = field(default_factory=InputHub)  # where the board's presses go, named by the profile
    _forwarder: threading.Thread | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)

    def states(self) -> dict[str, str]:
        states = {"board": str(self.board.state)} if self.board is not None else {}
        if self.headset is not None:
            states["headset"] = self.headset.health
        elif self.headset_problem:
            states["headset"] = self.headset_problem
        return states

    def problems(self) -> tuple[str, ...]:
        """Chattering or stuck buttons, by device (for /healthz)."""
        return tuple(f"board: {p}" for p in self.board.input_problems()) if self.board is not None else ()

    def dropped(self) -> dict[str, int]:
        return self.board.dropped if self.board is not None else {}

    def forward(self) -> Devices:
        """Start handing the board's presses to the hub as they come (back, previous, next, select).
        At most the driver's bounded queue: presses beyond what a hand can do never got there."""
        if self.board is not None and self._forwarder is None:
            self._forwarder = threading.Thread(target=self._forward, args=(self.board,), name="board-input",
                                               daemon=True)
            self._forwarder.start()
        return self

    def _forward(self, board: BoardDriver) -> None:
        while not self._stopping.is_set():
            try:
                event = board.events.get(timeout=0.5)  # the timeout only to notice stop()
            except queue.Empty:
                continue
            if isinstance(event, ButtonEvent) and event.pressed and event.button < len(self.button_intents):
                self.hub.put(BoardIntent(self.button_intents[event.button], time.monotonic()))

    def stop(self) -> None:
        self._stopping.set()
        if self._forwarder is not None:
            self._forwarder.join(timeout=2)
        if self.board is not None:
            self.board.stop()


def start_devices(settings: Settings, hub: InputHub) -> Devices:
    """The configured devices, their input going to `hub`."""
    devices = Devices(hub=hub)
    if settings.devices.board:
        profile = load_profiles().get(settings.devices.board_profile)
        if profile is None:
            log.error("board profile %r not found in hardware/profiles: its buttons do nothing",
                      settings.devices.board_profile)
        devices.button_intents = profile.button_intents if profile is not None else ()
        try:
            devices.board = BoardDriver(settings.devices.board, debounce_ms=profile.debounce_ms if profile else 0
                                        ).start()
        except HardwareError as exc:  # a bad URL must not keep the kiosk from serving visitors
            log.error("board not started: %s", exc)
    return devices.forward()


def with_devices(wait: InputSource, poll: Callable[[], list[InputEvent]], slice_s: float = 0.02) -> InputSource:
    """Screen input and board buttons in one source: waits in short slices so a press is seen within
    `slice_s` even while the screen has nothing to draw."""

    def merged(timeout: float | None) -> list[InputEvent]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = slice_s if deadline is None else max(0.0, min(slice_s, deadline - time.monotonic()))
            events = [*wait(remaining), *poll()]
            if events or (deadline is not None and time.monotonic() >= deadline):
                return events

    return merged


def device_input(wait: InputSource, devices: Devices) -> InputSource:
    """A window's input (SDL's wait, which a Python thread cannot wake), with the board's presses
    when one is configured: looked at in slices. Headless, the loop waits on the hub itself."""
    return with_devices(wait, devices.hub.drain) if devices.board is not None else wait


SIMULATED_LOOK = tuple(Keyframe(float(t), yaw=yaw, pitch=pitch) for t, yaw, pitch in
                       ((0, 0, 0), (6, 60, 5), (12, 120, -5), (18, 180, 0), (24, -120, 10), (30, -60, 0), (36, 0, 0)))


def attach_headset(kind: str, loop: FrameLoop, screen: SessionScreen, renderer: GLRenderer, settings: Settings,
                   clock: Callable[[], float]) -> tuple[HeadsetLink, Callable[[], None]] | str:
    """The link and how to stop it, or why there is no headset (for /healthz)."""
    # `[devices] headset`: a real OpenXR headset, or the simulated one looking slowly around (demos).
    headset: Headset = OpenXRHeadset() if kind == "openxr" else SimulatedHeadset(SIMULATED_LOOK)
    status = headset.start(clock())
    if status in (HeadsetStatus.NO_RUNTIME, HeadsetStatus.NO_DEVICE):
        log.error("headset: %s; the kiosk runs without it", status)
        return str(status)
    eye = (960, 1080) if kind == "openxr" else (480, 540)
    stereo = StereoRenderer(renderer.ctx, eye, [settings.content.assets / "images", settings.content.scenarios],
                            FontFiles.bundled(settings.content.assets), lens=None, frames=renderer.frames)
    link = HeadsetLink(headset, screen.handle, screen.view, stereo)
    loop.every(1 / 30, link.tick)

    def stop() -> None:
        headset.stop()
        stereo.release()

    return link, stop
