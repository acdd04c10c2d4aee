"""Input events as drivers report them, before they are mapped to intents.

Coordinates are in logical screen pixels (the view model's space), origin top-left.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PointerDown:
    x: float
    y: float
    t: float


@dataclass(frozen=True, slots=True)
class PointerUp:
    x: float
    y: float
    t: float


@dataclass(frozen=True, slots=True)
class PointerMoved:
    """A finger or a pressed mouse button moved (dragging a 360° view)."""

    x: float
    y: float
    t: float


@dataclass(frozen=True, slots=True)
class KeyPressed:
    key: str  # a key name such as "return", "escape", "left", "a"
    t: float


@dataclass(frozen=True, slots=True)
class QuitRequested:
    t: float


@dataclass(frozen=True, slots=True)
class HeadsetWorn:
    """The headset's wear sensor changed: the scenario pauses while nobody wears it."""

    worn: bool
    t: float


@dataclass(frozen=True, slots=True)
class HeadsetLook:
    """Where the headset wearer looks (degrees, yaw + right, pitch + up): turns 360° views."""

    yaw: float
    pitch: float
    t: float


@dataclass(frozen=True, slots=True)
class BoardIntent:
    """A button of the board, already named by the device profile: back, previous, next or select."""

    name: str
    t: float


InputEvent = (PointerDown | PointerUp | PointerMoved | KeyPressed | QuitRequested | HeadsetWorn | HeadsetLook
              | BoardIntent)


_KINDS: dict[str, type[InputEvent]] = {cls.__name__: cls for cls in
                                       (PointerDown, PointerUp, PointerMoved, KeyPressed, QuitRequested,
                                        HeadsetWorn, HeadsetLook, BoardIntent)}


def encode(event: InputEvent) -> dict[str, Any]:
    """An event as JSON-ready data (session journals and replays)."""
    return {"type": type(event).__name__, **asdict(event)}


def decode(data: dict[str, Any]) -> InputEvent:
    fields = dict(data)
    kind = _KINDS.get(str(fields.pop("type", "")))
    if kind is None:
        raise ValueError(f"unknown input event {data.get('type')!r}; known: {', '.join(_KINDS)}")
    return kind(**fields)
