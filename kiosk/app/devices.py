"""The devices the config names — the button board, a serial touch controller, the headset — each
started with its events going into the device hub through its mapping (`input_map.py`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from hardware.board.guard import QUEUE_FULL
from hardware.errors import HardwareError
from kiosk.app.hub import DeviceHub
from kiosk.app.input_map import ButtonMap, ToDesign, TouchMap
from kiosk.config import Settings
from kiosk.events import InputEvent

if TYPE_CHECKING:  # the drivers (pyserial, the protocol) and the headset (numpy, OpenXR) are imported when
    # the config names them: a kiosk with a touch screen only starts without them (docs/performance.md)
    from hardware.board.driver import BoardDriver
    from hardware.touch.driver import TouchDriver
    from kiosk.app.headset import HeadsetLink

log = logging.getLogger("kiosk")


Report = TypeVar("Report")


def feed(mapping: Callable[[Report], InputEvent | None], put: Callable[[InputEvent], None]) -> Callable[[Report], None]:
    """A driver's sink: its report mapped, and what means something handed on (on the driver's thread)."""

    def sink(report: Report) -> None:
        event = mapping(report)
        if event is not None:
            put(event)

    return sink


@dataclass
class Devices:
    """The hardware the config names: their states for health, their input in the hub."""

    hub: DeviceHub = field(default_factory=DeviceHub)
    board: BoardDriver | None = None
    touch: TouchDriver | None = None
    headset: HeadsetLink | None = None
    headset_problem: str = ""  # a headset the config names but that could not start

    def states(self) -> dict[str, str]:
        states = {"board": str(self.board.state)} if self.board is not None else {}
        if self.touch is not None:
            states["touch"] = str(self.touch.state)
        if self.headset is not None:
            states["headset"] = self.headset.health
        elif self.headset_problem:
            states["headset"] = self.headset_problem
        return states

    def problems(self) -> tuple[str, ...]:
        """Chattering or stuck buttons, by device (for /healthz)."""
        return tuple(f"board: {p}" for p in self.board.input_problems()) if self.board is not None else ()

    def dropped(self) -> dict[str, int]:
        """Input lost before the screen, by reason (`device/reason` for devices other than the board):
        the board's press guard, and what the full hub refused (`queue_full`)."""
        dropped = dict(self.board.dropped) if self.board is not None else {}
        for source, count in self.hub.dropped_by_source.items():
            key = QUEUE_FULL if source == "board" else f"{source}/{QUEUE_FULL}"
            dropped[key] = dropped.get(key, 0) + count
        return dropped

    def stop(self) -> None:
        for driver in (self.board, self.touch):
            if driver is not None:
                driver.stop()


def start_board(url: str, profile_id: str, hub: DeviceHub) -> BoardDriver | None:
    from hardware.board.driver import BoardDriver
    from hardware.profiles.load import load_profiles

    profile = load_profiles().get(profile_id)
    if profile is None:
        log.error("board profile %r not found in hardware/profiles: its buttons do nothing", profile_id)
    buttons = ButtonMap(profile.button_intents if profile is not None else ())
    try:
        return BoardDriver(url, debounce_ms=profile.debounce_ms if profile else 0,
                           sink=feed(buttons, hub.sink("board"))).start()
    except HardwareError as exc:  # a bad URL must not keep the kiosk from serving visitors
        log.error("board not started: %s", exc)
        return None


def start_touch(url: str, protocol: str, to_design: ToDesign, hub: DeviceHub) -> TouchDriver | None:
    from hardware.touch.driver import TouchDriver

    try:
        return TouchDriver(url, protocol, sink=feed(TouchMap(to_design), hub.sink("touch"))).start()
    except HardwareError as exc:
        log.error("touch controller not started: %s", exc)
        return None


def start_devices(settings: Settings, hub: DeviceHub, to_design: ToDesign) -> Devices:
    """The configured board and serial touch controller, their input going to `hub`; a touch panel
    covers the whole display, mapped to the view model's space by `to_design`."""
    devices = Devices(hub=hub)
    if settings.devices.board:
        devices.board = start_board(settings.devices.board, settings.devices.board_profile, hub)
    if settings.devices.touch:
        devices.touch = start_touch(settings.devices.touch, settings.devices.touch_protocol, to_design, hub)
    return devices
