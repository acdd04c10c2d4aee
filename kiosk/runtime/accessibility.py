"""Accessibility preferences: what a visitor can turn on for their visit.

They do not transform finished screens: larger text and high contrast choose the design tokens
the screens are laid out with (kiosk.view.tokens.tokens_for), and a right-to-left language
mirrors the layout itself (kiosk.view.layout), so boxes grow to the larger words and nothing
collides. The layout check (kiosk.view.check) verifies every screen in every mode.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class Prefs:
    large_text: bool = False
    high_contrast: bool = False
    reduced_motion: bool = False
    easy_read: bool = False  # the author's easy-read (FALC) texts where the scenario has them
    narration: bool = False  # each screen's text read aloud
    scanning: bool = False  # one switch: the focus moves by itself, the switch selects
    captions: bool = True  # on unless the kiosk has headphones and the visitor turns them off

    def toggled(self, name: str) -> Prefs:
        if name not in TOGGLES:
            return self
        return replace(self, **{name: not getattr(self, name)})


TOGGLES = tuple(f.name for f in fields(Prefs) if f.name != "captions")
