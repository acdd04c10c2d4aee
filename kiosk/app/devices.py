"""The devices the config names: the button board (its presses as input) and the headset."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass

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
from kiosk.runtime.visit_screen import SessionScreen
from kiosk.visit.headset_link import HeadsetLink

log = logging.getLogger("kiosk")



@dataclass
class Devices:
    """The hardware the config names: their states for health, their buttons as input."""

    board: BoardDriver | None = None
    button_intents: tuple[str, ...] = ()
    headset: HeadsetLink | None = None
    headset_problem: str = ""  # a headset the config names but that could not start

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

    def poll(self) -> list[InputEvent]:
        """Board presses since the last call, named by the device profile (back, previous, next, select).
        At most the driver's bounded queue: presses beyond what a hand can do never got there."""
        if self.board is None:
            return []
        events: list[InputEvent] = []
        while True:
            try:
                event = self.board.events.get_nowait()
            except queue.Empty:
                return events
            if isinstance(event, ButtonEvent) and event.pressed and event.button < len(self.button_intents):
                events.append(BoardIntent(self.button_intents[event.button], time.monotonic()))

    def stop(self) -> None:
        if self.board is not None:
            self.board.stop()


def start_devices(settings: Settings) -> Devices:
    devices = Devices()
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
    return devices


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
    """The screen's input, with the board's presses when one is configured."""
    return with_devices(wait, devices.poll) if devices.board is not None else wait


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
