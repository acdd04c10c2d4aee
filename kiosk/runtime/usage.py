"""What the visitor is using right now: the language in force, the kind of input that acts, and the
device they look at. Recorded with every step (store, xAPI, exports), since the scoring report's
fairness screen (DIF) compares groups by exactly these three.

Input kinds: `touch` (the screen), `keys` (a keyboard), `board` (the button board), `switch` (one
button while scanning is on: the focus moves by itself), `headset` (turning the head in a 360° view).
Devices: `flat-screen`, `monitor-headset` (a headset plugged in as the display), `openxr-headset`
(an OpenXR headset, or its simulated twin, while it is worn).
Accessibility modes (`MODES`): the preferences the visitor turned on, for the agencies' insights.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.events import BoardIntent, HeadsetLook, HeadsetWorn, InputEvent, KeyPressed, PointerDown, PointerMoved
from kiosk.runtime.accessibility import Prefs

INPUTS = ("touch", "keys", "board", "switch", "headset")
DEVICES = ("flat-screen", "monitor-headset", "openxr-headset")
# statement name -> preference: what the visitor turned on (captions are on by default: not a mode)
MODES = {"large-text": "large_text", "high-contrast": "high_contrast", "easy-read": "easy_read",
         "narration": "narration", "one-switch": "scanning", "less-motion": "reduced_motion"}


@dataclass(frozen=True, slots=True)
class Usage:
    language: str
    input: str = "touch"
    device: str = "flat-screen"
    modes: tuple[str, ...] = ()  # accessibility modes on (MODES' names, in MODES' order)


def modes_on(prefs: Prefs) -> tuple[str, ...]:
    return tuple(name for name, pref in MODES.items() if getattr(prefs, pref))


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


class UsageWatch:
    """Follows what the visitor uses as inputs arrive, and says when it changed since it was last told."""

    def __init__(self, display: str = "flat-screen") -> None:
        self.display = display  # flat-screen | monitor-headset: what the visitor sees without a worn headset
        self.headset_worn = False
        self.input = "touch"  # the kind of input that acted last
        self._told: tuple[int, Usage] | None = None

    def saw(self, event: InputEvent, *, scanning: bool, immersive: bool) -> None:
        """`immersive`: a 360° view is on screen (elsewhere turning the head is not the visitor acting)."""
        kind = input_kind(event, scanning=scanning)
        if kind is not None and (immersive or not isinstance(event, HeadsetLook)):
            self.input = kind
        if isinstance(event, HeadsetWorn):
            self.headset_worn = event.worn

    def usage(self, language: str, modes: tuple[str, ...] = ()) -> Usage:
        return Usage(language, self.input, device_in_use(self.display, self.headset_worn), modes)

    def changed(self, visit: int, language: str, modes: tuple[str, ...] = ()) -> Usage | None:
        """The usage to tell for `visit` when it differs from what was last told, else None."""
        now_used = (visit, self.usage(language, modes))
        if now_used == self._told:
            return None
        self._told = now_used
        return now_used[1]
