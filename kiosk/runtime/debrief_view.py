"""The debrief after a scenario, before the results: two or three key moments as cards — the
situation, what the visitor did, what a professional would do and why — laid out for the screen's
shape, text size and direction like every other page. Pure: (cards, words, prefs, frame) → (Scene,
targets). Never shaming: a moment done differently reads "Here is another way to do it"."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.i18n import Words
from kiosk.runtime import pages
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.debrief import MAX_CARDS, DebriefCard
from kiosk.runtime.play_view import Target, targets_of
from kiosk.runtime.widgets import card, page, scene_of, text
from kiosk.view.layout import Box, Frame, Item, Style, lay_out
from kiosk.view.nodes import Scene

LARGE_TEXT_CARDS = 2  # larger text: two wider cards instead of three


def cards_shown(prefs: Prefs) -> int:
    """How many moments fit the screen with these preferences."""
    return LARGE_TEXT_CARDS if prefs.large_text else MAX_CARDS


def debrief_page(cards: Sequence[DebriefCard], words: Words, prefs: Prefs,
                 frame: Frame | None = None) -> tuple[Scene, list[Target]]:
    frame = frame or Frame()
    _ = words.gettext
    t = frame.tokens
    shown = list(cards)[:cards_shown(prefs)]
    body: list[Item] = [text(frame, _("Key moments of your scenario"), "title", weight="bold")]
    if shown:
        body.append(text(frame, _("What a professional would do, and why. There is often more than one good way."),
                         "caption", muted=True))
        body.append(Box(tuple(_card(c, words, frame) for c in shown),
                        Style(row=not frame.portrait, gap=t.space.m, grow=1, shrink=1)))
    else:
        body.append(text(frame, _("Well played to the end. Your results are ready."), "lead"))
    laid = lay_out(page(frame, pages.top_bar(words, frame), body, pages.footer(words, frame,
                                                                               primary=_("See my results"))),
                   frame.width, frame.height, rtl=frame.rtl)
    labels = ("debrief", f"cards:{len(shown)}", *(f"card:{'well' if c.done_well else 'another-way'}" for c in shown))
    return scene_of(frame, laid, *labels), targets_of(laid)


def _card(moment: DebriefCard, words: Words, frame: Frame) -> Item:
    _ = words.gettext
    t, p = frame.tokens, frame.tokens.palette
    parts: list[Item] = [text(frame, moment.moment, "body", weight="bold"),
                         text(frame, _("What you did"), "small", muted=True, weight="bold"),
                         text(frame, moment.did, "small")]
    if moment.done_well:
        parts.append(text(frame, _("You did what a professional would do."), "small", colour=p.accent, weight="bold"))
    else:
        parts.append(text(frame, _("Here is another way to do it"), "small", colour=p.accent, weight="bold"))
        parts.append(text(frame, moment.professional, "small"))
    parts.append(text(frame, _("Why it works") if moment.done_well else _("Why it matters"), "small", muted=True,
                      weight="bold"))
    parts.append(text(frame, moment.why, "small"))
    return card(frame, parts, style=Style(grow=1, shrink=1, basis=0, gap=t.space.xs, pad=t.space.m, min_width=0))
