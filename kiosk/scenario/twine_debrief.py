"""A step's debrief in a Twine passage: `debrief moment/professional/why[ falc][ language]: ...` lines and
`debrief best: answer-id` (docs/authoring.md, "Writing in Twine")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kiosk.scenario.twee import Passage
from kiosk.scenario.twine_grammar import DEBRIEF_TEXTS, Body, TextParts, read_key

TextCheck = Callable[[str, TextParts, str, str], None]  # (passage, text, what, key) → problems reported


def read_debrief_line(line: str, languages: Sequence[str], body: Body) -> bool:
    """A `debrief moment|professional|why` line goes to the body's debrief; True when it was one."""
    key = read_key(line, tuple(languages), {f"debrief {name}" for name in DEBRIEF_TEXTS})
    if key is None:
        return False
    body.debrief.setdefault(key.field.split()[1], TextParts()).add(key.language, key.value, falc=key.falc)
    return True


def add_debrief(passage: Passage, body: Body, step: dict[str, Any], languages: Sequence[str],
                check_text: TextCheck) -> None:
    """The step's `debrief:` from what its passage said, if it said anything."""
    if not body.debrief and "debrief best" not in body.keys:
        return
    debrief: dict[str, Any] = {}
    for name in DEBRIEF_TEXTS:
        if name in body.debrief:
            check_text(passage.name, body.debrief[name], f"the debrief's {name}", f"debrief {name}")
            debrief[name] = body.debrief[name].document(tuple(languages))
    if "debrief best" in body.keys:
        debrief["best"] = body.keys["debrief best"]
    step["debrief"] = debrief
