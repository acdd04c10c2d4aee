"""Design tokens: every colour, text size, space and radius the screens use, in one place.

A screen reads its sizes and colours from a `Tokens` value and never tests a preference:
larger text and high contrast are other token sets (`tokens_for`), so a new screen gets both
modes for free and the layout engine makes room for the larger words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kiosk.view import theme
from kiosk.view.nodes import Color, rgba

LARGE_TEXT = 1.25  # the large-text factor on every type size


@dataclass(frozen=True, slots=True)
class Palette:
    background: Color
    surface: Color  # cards, unpicked buttons
    text: Color
    text_muted: Color
    accent: Color  # primary buttons, highlights
    on_accent: Color
    alert: Color  # shortage badges, countdowns
    dot: Color  # tracks, inactive dots
    picked: Color  # a chosen answer
    on_picked: Color
    outline: Color  # drawn round surfaces (transparent: none)
    scrim: Color  # over a page under a dialog, and behind captions
    focus: Color
    min_contrast: float  # what every text pair meets (WCAG 2.2: AA 4.5, AAA 7)


NORMAL_PALETTE = Palette(theme.BACKGROUND, theme.SURFACE, theme.TEXT, theme.TEXT_MUTED, theme.ACCENT,
                         theme.ON_ACCENT, theme.ALERT, theme.DOT, theme.PICKED, theme.TEXT, (0.0, 0.0, 0.0, 0.0),
                         (0.0, 0.0, 0.0, 0.75), rgba("#ffd600"), 4.5)
# Black and white with one yellow accent; every text pair is ≥ 7:1 (WCAG AAA).
HIGH_CONTRAST_PALETTE = Palette(rgba("#000000"), rgba("#000000"), rgba("#ffffff"), rgba("#ffffff"), rgba("#ffff00"),
                                rgba("#000000"), rgba("#000000"), rgba("#ffffff"), rgba("#ffff00"), rgba("#000000"),
                                rgba("#ffffff"), (0.0, 0.0, 0.0, 0.85), rgba("#ffff00"), 7.0)


@dataclass(frozen=True, slots=True)
class TypeScale:
    """Text sizes in design units (1920×1080 logical pixels)."""

    small: float = 22.0  # credits, small print
    caption: float = 26.0  # secondary lines, progress
    body: float = 32.0
    lead: float = 38.0  # dialogue lines, longer prompts
    button: float = 32.0
    heading: float = 44.0
    title: float = 56.0
    display: float = 68.0

    def scaled(self, factor: float) -> TypeScale:
        return TypeScale(*(getattr(self, name) * factor for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class Spacing:
    xs: float = 8.0
    s: float = 16.0
    m: float = 24.0
    l: float = 40.0  # noqa: E741 (the token scale's own name)
    xl: float = 64.0
    margin: float = 80.0  # the page's edge on a 1920-wide landscape screen


@dataclass(frozen=True, slots=True)
class Radii:
    chip: float = 18.0
    card: float = 24.0
    button: float = 28.0


@dataclass(frozen=True, slots=True)
class Tokens:
    palette: Palette = NORMAL_PALETTE
    type: TypeScale = TypeScale()
    space: Spacing = Spacing()
    radius: Radii = Radii()
    target: float = 72.0  # the smallest touch target drawn (WCAG 2.2 asks 44; a kiosk finger wants more)
    outline: float = 0.0  # the width of the outline round surfaces
    text_scale: float = 1.0


NORMAL = Tokens()


def tokens_for(*, large_text: bool = False, high_contrast: bool = False, compact: bool = False) -> Tokens:
    """The token set of a visitor's preferences; `compact` for a narrow (portrait) or small screen."""
    tokens = NORMAL
    if compact:
        tokens = replace(tokens, type=tokens.type.scaled(0.9), space=Spacing(margin=40.0))
    if large_text:
        tokens = replace(tokens, type=tokens.type.scaled(LARGE_TEXT), text_scale=LARGE_TEXT)
    if high_contrast:
        tokens = replace(tokens, palette=HIGH_CONTRAST_PALETTE, outline=3.0)
    return tokens
