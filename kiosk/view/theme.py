"""Colours and sizes shared by the screens. Contrast pairs meet WCAG 2.2 AA (≥ 4.5:1)."""

from __future__ import annotations

from kiosk.view.nodes import rgba

BACKGROUND = rgba("#0b1d33")
SURFACE = rgba("#13294b")
TEXT = rgba("#ffffff")
TEXT_MUTED = rgba("#b8cbe0")
ACCENT = rgba("#ffd166")
ON_ACCENT = rgba("#0b1d33")
ALERT = rgba("#c8102e")
DOT = rgba("#4a6a92")
MIN_TARGET_PX = 44  # WCAG 2.2 target size; buttons here are far larger
PICKED = rgba("#1b6f65")  # a chosen answer: white text on it is 5.8:1
