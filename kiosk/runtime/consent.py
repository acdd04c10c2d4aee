"""The consent screen, before anything leaves the kiosk: plain words on what is kept and for how
long, then two separate choices, both off until the visitor turns them on. Pure: the choice is a
`kiosk.consent.Consent`, the same value the host records and the hand-off reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kiosk.consent import Consent
from kiosk.i18n import Words
from kiosk.runtime.actions import Proceed, Toggle
from kiosk.runtime.play_view import Target, continue_button, targets_of
from kiosk.runtime.widgets import option, page, scene_of, text
from kiosk.view.layout import Box, Frame, Item, Style, lay_out
from kiosk.view.nodes import Scene


def act(choice: Consent, action: Toggle | Proceed) -> Consent:
    if choice.decided:
        return choice
    if action == Toggle("phone"):
        return replace(choice, results_to_phone=not choice.results_to_phone)
    if action == Toggle("employers"):
        return replace(choice, share_with_employers=not choice.share_with_employers)
    if isinstance(action, Proceed):
        return replace(choice, decided=True)
    return choice


def build_view(choice: Consent, words: Words, retention_days: int = 30, *, frame: Frame | None = None,
               top: Item | None = None, back: Sequence[Item] = ()) -> tuple[Scene, list[Target]]:
    """`top`: the caller's top bar; `back`: its buttons at the start of the bottom row."""
    frame = frame or Frame()
    _ = words.gettext
    t = frame.tokens
    body = _("You stay anonymous: we never ask for your name or papers. The kiosk keeps your answers to the game "
             "for {days} days, then deletes them. An adviser can delete everything at any time.").format(
        days=retention_days)
    choices = ((_("Take my results on my phone (QR code)"), "phone", choice.results_to_phone),
               (_("Show my results to the employers of the offers (you can take this back)"), "employers",
                choice.share_with_employers))
    items: list[Item] = [text(frame, _("Before you go on"), "title", weight="bold"), text(frame, body, "lead")]
    items.extend(option(frame, label, Toggle(key), checked=on) for label, key, on in choices)
    bottom = Box((*back, Box(style=Style(grow=1)), continue_button(words, frame)),
                 Style(row=True, wrap=True, gap=t.space.s, align="end"))
    laid = lay_out(page(frame, top, items, bottom), frame.width, frame.height, rtl=frame.rtl)
    return scene_of(frame, laid, "consent"), targets_of(laid)
