"""What a target on screen does when it is tapped, focused and selected, or reached by a key: one
small frozen value per kind of action, so that a misspelt action is a type error and not a
button that silently does nothing.

`Intent` goes to the session machine (kiosk.runtime.session); `PlayAction`s go to the scenario
player (kiosk.runtime.play); the rest stay on the screen (preferences, catalogue filter and
pages, presence, the 360° drag area). Device input never carries actions: a journal records
taps, keys and buttons, which reach the same actions again when replayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

IntentName = Literal["start", "touch", "next", "back", "select", "toggle", "language", "trade", "finish", "stop"]
"""start: the first input on the attract screen; touch: presence only (any input, no page change)."""


@dataclass(frozen=True, slots=True)
class Intent:
    """What the visitor did, whatever the device: touch, keys, board buttons, switch scanning."""

    name: IntentName
    arg: str = ""  # the language code, the trade's pack id, the consent choice toggled


@dataclass(frozen=True, slots=True)
class TogglePref:
    """One of the accessibility preferences (kiosk.runtime.accessibility.Prefs field name)."""

    name: str


@dataclass(frozen=True, slots=True)
class ShowSector:
    """The catalogue's sector filter; "" shows every trade."""

    sector: str


@dataclass(frozen=True, slots=True)
class Scroll:
    """The catalogue's pages of cards: +1 the next, -1 the previous."""

    by: int


@dataclass(frozen=True, slots=True)
class Stay:
    """ "I'm still here": cancels the idle countdown."""


@dataclass(frozen=True, slots=True)
class LookAround:
    """The drag area of a 360° view: dragged, never focused."""


@dataclass(frozen=True, slots=True)
class Choose:
    """Pick one answer (a single choice or a hotspot): recorded, and the scenario moves on."""

    option_id: str


@dataclass(frozen=True, slots=True)
class Toggle:
    """Pick or unpick one answer of a multiple choice, or one consent choice (`phone`, `employers`)."""

    option_id: str


@dataclass(frozen=True, slots=True)
class Move:
    """Ordering steps: put `item_id` at position `index`."""

    item_id: str
    index: int


@dataclass(frozen=True, slots=True)
class Confirm:
    """Validate a multiple pick or an ordering."""


@dataclass(frozen=True, slots=True)
class Proceed:
    """Continue: past a video, a dialogue, an answer's feedback, or the consent screen."""


@dataclass(frozen=True, slots=True)
class Restart:
    """The trainer's preview: play the scenario again from its start."""


LOOK = LookAround()
NEXT = Intent("next")  # the usual main action of a page
PROCEED = Proceed()
PlayAction = Choose | Toggle | Move | Confirm | Proceed
Action = Intent | TogglePref | ShowSector | Scroll | Stay | LookAround | PlayAction | Restart
PRIMARY = (NEXT, PROCEED, Confirm(), Stay())  # what "select" does with nothing focused
