"""The screen a kiosk shows itself when it cannot serve (no valid scenario, a broken install):
a kind word for visitors, and the reason in small print for the operator."""

from __future__ import annotations

from kiosk.events import InputEvent
from kiosk.i18n import words_for
from kiosk.view import theme
from kiosk.view.nodes import Group, Scene, Text


class OutOfOrderScreen:
    def __init__(self, reason: str, language: str = "fr") -> None:
        _ = words_for(language).gettext
        title = _("This kiosk is out of order for now")
        help_line = _("An adviser at the front desk can help you.")
        self.reason = reason
        self._scene = Scene(Group((
            Text(960, 380, title, 72, theme.TEXT, "bold", align="center", max_width=1600),
            Text(960, 520, help_line, 44, theme.TEXT_MUTED, align="center", max_width=1600),
            Text(960, 980, _("operator: {reason}").format(reason=reason), 24, theme.TEXT_MUTED, align="center",
                 max_width=1800),
        )), theme.BACKGROUND, labels=("out-of-order",))

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
