"""The consent screen, before anything leaves the kiosk: plain words on what is kept and for how
long, then two separate choices, both off until the visitor turns them on. Pure: the choice is a
value; the composition root turns it into the hand-off's Consent (kiosk.credentials.handoff)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from kiosk.runtime import theme
from kiosk.runtime.play_view import MARGIN, WIDTH, Target, button, checkbox, continue_button
from kiosk.runtime.view import Column, Group, Node, Rect, Scene, Text

TEXTS = {
    "fr": {"title": "Avant de continuer",
           "body": ("Vous restez anonyme : nous ne demandons ni votre nom ni vos papiers. La borne garde vos "
                    "réponses au jeu 30 jours, puis les efface. Vous pouvez tout faire effacer par un conseiller."),
           "phone": "Emporter mes résultats sur mon téléphone (QR code)",
           "employers": "Montrer mes résultats aux employeurs des offres (vous pourrez l'annuler)",
           "continue": "Continuer"},
    "en": {"title": "Before you go on",
           "body": ("You stay anonymous: we never ask for your name or papers. The kiosk keeps your answers to the "
                    "game for 30 days, then deletes them. An adviser can delete everything at any time."),
           "phone": "Take my results on my phone (QR code)",
           "employers": "Show my results to the employers of the offers (you can take this back)",
           "continue": "Continue"},
}


@dataclass(frozen=True, slots=True)
class ConsentChoice:
    results_to_phone: bool = False
    share_with_employers: bool = False
    decided: bool = False


def act(choice: ConsentChoice, action: tuple[str, ...]) -> ConsentChoice:
    if choice.decided:
        return choice
    if action == ("toggle", "phone"):
        return replace(choice, results_to_phone=not choice.results_to_phone)
    if action == ("toggle", "employers"):
        return replace(choice, share_with_employers=not choice.share_with_employers)
    if action == ("proceed",):
        return replace(choice, decided=True)
    return choice


def build_view(choice: ConsentChoice, language: str) -> tuple[Scene, list[Target]]:
    words = TEXTS.get(language, TEXTS["en"])
    targets: list[Target] = []
    nodes: list[Node] = [Column(MARGIN, 120, (Text(0, 0, words["title"], 56, theme.TEXT, "bold"),
                                              Text(0, 0, words["body"], 38, theme.TEXT, max_width=WIDTH)), gap=32)]
    for index, (key, on) in enumerate((("phone", choice.results_to_phone),
                                       ("employers", choice.share_with_employers))):
        rect = Rect(MARGIN, 560 + index * 140, WIDTH, 110)
        nodes.append(button(rect, f"      {words[key]}", ("toggle", key), targets, picked=on))
        nodes.extend(checkbox(rect.x + 28, rect.y + rect.h / 2 - 22, on))
    nodes.append(continue_button(language, targets))
    return Scene(Group(tuple(nodes)), theme.BACKGROUND, labels=("consent",)), targets
