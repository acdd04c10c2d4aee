"""Input events as drivers report them, before they are mapped to intents.

Coordinates are in logical screen pixels (the view model's space), origin top-left.
"""

from __future__ import annotations

from dataclasses import dataclass


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


InputEvent = PointerDown | PointerUp | KeyPressed | QuitRequested | HeadsetWorn
