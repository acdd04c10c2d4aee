"""The debrief screen, between a scenario and the results: two or three key moments as cards —
the situation, what the visitor did, what a professional would do and why. Never "wrong": a
moment done differently reads "Here is another way to do it"; one done well says why it works.

A pure builder like those of `pages`: (cards, words, prefs) → (Scene, targets).
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.i18n import Words
from kiosk.runtime import pages
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.debrief import MAX_CARDS, DebriefCard
from kiosk.runtime.play_view import MARGIN, WIDTH, Target
from kiosk.view import theme
from kiosk.view.nodes import Column, Group, Node, Panel, Rect, Scene, Text

CARDS_TOP, CARDS_BOTTOM, CARD_GAP, PADDING = 270.0, 910.0, 30.0, 28.0
LARGE_TEXT_CARDS = 2  # text 25 % larger: two wider cards instead of three


def cards_shown(prefs: Prefs) -> int:
    """How many moments fit the screen with these preferences."""
    return LARGE_TEXT_CARDS if prefs.large_text else MAX_CARDS


def debrief_page(cards: Sequence[DebriefCard], words: Words, prefs: Prefs) -> tuple[Scene, list[Target]]:
    _ = words.gettext
    nodes, targets = pages.titled(words, _("Key moments of your scenario"))
    shown = list(cards)[:cards_shown(prefs)]
    if shown:
        nodes.append(Text(MARGIN, 196, _("What a professional would do, and why. There is often more than one good "
                                         "way."), 28, theme.TEXT_MUTED, max_width=WIDTH))
    else:
        nodes.append(Text(MARGIN, 300, _("Well played to the end. Your results are ready."), 34, theme.TEXT,
                          max_width=WIDTH))
    width = (WIDTH - CARD_GAP * (len(shown) - 1)) / max(1, len(shown))
    for index, card in enumerate(shown):
        nodes.append(_card(card, words, MARGIN + index * (width + CARD_GAP), width))
    nodes.extend(pages.footer(words, targets, primary=_("See my results")))
    return pages.scene(nodes, "debrief", f"cards:{len(shown)}",
                       *(f"card:{'well' if c.done_well else 'another-way'}" for c in shown)), targets


def _card(card: DebriefCard, words: Words, x: float, width: float) -> Group:
    _ = words.gettext
    inner = width - 2 * PADDING
    heading = _("Why it works") if card.done_well else _("Why it matters")
    if card.done_well:
        advice = [Text(0, 0, _("You did what a professional would do."), 24, theme.ACCENT, "bold", max_width=inner)]
    else:
        advice = [Text(0, 8, _("Here is another way to do it"), 22, theme.ACCENT, "bold", max_width=inner),
                  Text(0, 0, card.professional, 24, theme.TEXT, max_width=inner)]
    texts = (
        Text(0, 0, card.moment, 26, theme.TEXT, "bold", max_width=inner),
        Text(0, 8, _("What you did"), 22, theme.TEXT_MUTED, "bold", max_width=inner),
        Text(0, 0, card.did, 24, theme.TEXT, max_width=inner),
        *advice,
        Text(0, 8, heading, 22, theme.TEXT_MUTED, "bold", max_width=inner),
        Text(0, 0, card.why, 24, theme.TEXT, max_width=inner),
    )
    nodes: list[Node] = [Panel(Rect(0, 0, width, CARDS_BOTTOM - CARDS_TOP), theme.SURFACE, radius=24),
                         Column(PADDING, PADDING, texts, gap=10)]
    return Group(tuple(nodes), dx=x, dy=CARDS_TOP)
