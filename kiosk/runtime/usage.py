"""What the visitor is using right now: the language in force, the kind of input that acts, and the
device they look at. Recorded with every step (store, xAPI, exports), since the scoring report's
fairness screen (DIF) compares groups by exactly these three.

Input kinds: `touch` (the screen), `keys` (a keyboard), `board` (the button board), `switch` (one
button while scanning is on: the focus moves by itself), `headset` (turning the head in a 360° view).
Devices: `flat-screen`, `monitor-headset` (a headset plugged in as the display), `openxr-headset`
(an OpenXR headset, or its simulated twin, while it is worn).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.events import BoardIntent, HeadsetLook, InputEvent, KeyPressed, PointerDown, PointerMoved

INPUTS = ("touch", "keys", "board", "switch", "headset")
DEVICES = ("flat-screen", "monitor-headset", "openxr-headset")


@dataclass(frozen=True, slots=True)
class Usage:
    language: str
    input: str = "touch"
    device: str = "flat-screen"


def input_kind(event: InputEvent, *, scanning: bool) -> str | None:
    """The kind of input an event comes from; None for events that are not the visitor acting
    (a finger lifted, the headset put on or off)."""
    if isinstance(event, PointerDown | PointerMoved):
        return "touch"
    if isinstance(event, KeyPressed):
        return "keys"
    if isinstance(event, BoardIntent):
        return "switch" if scanning else "board"
    if isinstance(event, HeadsetLook):
        return "headset"
    return None


def device_in_use(display: str, headset_worn: bool) -> str:
    """`display` is the kiosk's own (flat screen or monitor headset); a worn OpenXR headset takes over."""
    return "openxr-headset" if headset_worn and display == "flat-screen" else display
