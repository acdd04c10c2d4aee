"""The consent screen, before anything leaves the kiosk: plain words on what is kept and for how
long, then two separate choices, both off until the visitor turns them on. Pure: the choice is a
`kiosk.consent.Consent`, the same value the host records and the hand-off reads."""

from __future__ import annotations

from dataclasses import replace

from kiosk.consent import Consent
from kiosk.i18n import Words
from kiosk.runtime.actions import Proceed, Toggle
from kiosk.runtime.play_view import MARGIN, WIDTH, Target, button, checkbox, continue_button
from kiosk.view import theme
from kiosk.view.nodes import Column, Group, Node, Rect, Scene, Text


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


def build_view(choice: Consent, words: Words, retention_days: int = 30) -> tuple[Scene, list[Target]]:
    _ = words.gettext
    targets: list[Target] = []
    body = _("You stay anonymous: we never ask for your name or papers. The kiosk keeps your answers to the game "
             "for {days} days, then deletes them. An adviser can delete everything at any time.").format(
        days=retention_days)
    nodes: list[Node] = [Column(MARGIN, 120, (Text(0, 0, _("Before you go on"), 56, theme.TEXT, "bold"),
                                              Text(0, 0, body, 38, theme.TEXT, max_width=WIDTH)), gap=32)]
    choices = ((_("Take my results on my phone (QR code)"), "phone", choice.results_to_phone),
               (_("Show my results to the employers of the offers (you can take this back)"), "employers",
                choice.share_with_employers))
    for index, (label, key, on) in enumerate(choices):
        rect = Rect(MARGIN, 560 + index * 140, WIDTH, 110)
        nodes.append(button(rect, f"      {label}", Toggle(key), targets, picked=on))
        nodes.extend(checkbox(rect.x + 28, rect.y + rect.h / 2 - 22, on))
    nodes.append(continue_button(words, targets))
    return Scene(Group(tuple(nodes)), theme.BACKGROUND, labels=("consent",)), targets
