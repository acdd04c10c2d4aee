"""What the board driver reports upward. Plain values: the kiosk maps them to intents."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DeviceState(StrEnum):
    CONNECTED = "connected"  # handshake done, heartbeats arriving
    DEGRADED = "degraded"  # port open but the board is silent, errs, or did not answer the handshake
    ABSENT = "absent"  # no port: unplugged, or never there


@dataclass(frozen=True, slots=True)
class BoardInfo:
    protocol: tuple[int, int]
    firmware: tuple[int, int, int]
    buttons: int
    leds: int
    board_id: str  # hex

    @property
    def firmware_version(self) -> str:
        return ".".join(map(str, self.firmware))


@dataclass(frozen=True, slots=True)
class ButtonEvent:
    button: int
    pressed: bool
    board_ms: int  # when the board saw it (its own clock)
    received: float  # when the host parsed it (the driver's clock)


@dataclass(frozen=True, slots=True)
class StateChanged:
    state: DeviceState
    reason: str
    at: float


BoardEvent = ButtonEvent | StateChanged
