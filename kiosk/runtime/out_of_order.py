"""The screen a kiosk shows itself when it cannot serve (no valid scenario, a broken install):
a kind word for visitors, and the reason in small print for the operator."""

from __future__ import annotations

from kiosk.events import InputEvent
from kiosk.i18n import words_for
from kiosk.runtime.widgets import scene_of, text
from kiosk.view.layout import Box, Frame, Style, lay_out
from kiosk.view.nodes import Scene


def out_of_order_scene(reason: str, language: str, frame: Frame) -> Scene:
    words = words_for(language)
    _ = words.gettext
    t = frame.tokens
    root = Box((
        Box((text(frame, _("This kiosk is out of order for now"), "display", weight="bold", align="center"),
             text(frame, _("An adviser at the front desk can help you."), "heading", muted=True, align="center")),
            Style(grow=1, justify="center", gap=t.space.l)),
        text(frame, _("operator: {reason}").format(reason=reason), "small", muted=True, align="center"),
    ), Style(width=frame.width, height=frame.height, pad=t.space.xl, pad_x=frame.margin))
    laid = lay_out(root, frame.width, frame.height, rtl=words.rtl)
    return scene_of(frame, laid, "out-of-order")


class OutOfOrderScreen:
    def __init__(self, reason: str, language: str = "fr", frame: Frame | None = None) -> None:
        self.reason = reason
        self._scene = out_of_order_scene(reason, language, frame or Frame())

    def handle(self, event: InputEvent, now: float) -> None:
        pass  # nothing to do: touching it changes nothing

    def update(self, dt: float, now: float) -> None:
        pass

    def view(self, now: float) -> Scene:
        return self._scene  # the same object every time: the loop draws it once and sleeps

    def animating(self, now: float) -> bool:
        return False

    def next_change(self, now: float) -> float | None:
        return None
