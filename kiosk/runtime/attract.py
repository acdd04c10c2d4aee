"""The attract screen: shortage trades on a slow carousel and one call to touch.

The view is a pure function of the time: cards hold still for `period` seconds and then
slide for `slide` seconds. While they hold still the same Scene object is returned, so the
renderer draws nothing and an idle kiosk sleeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.events import InputEvent, KeyPressed, PointerDown
from kiosk.i18n import N_, NATIVE_NAMES, Words, words_for
from kiosk.runtime.tween import Tween, ease_in_out_cubic
from kiosk.view import theme
from kiosk.view.nodes import Column, Group, Image, Node, Panel, Rect, Scene, Text

CARD_W, CARD_H, CARD_GAP = 500.0, 520.0, 40.0
VISIBLE = 3
STRIP_X = (1920 - (VISIBLE * CARD_W + (VISIBLE - 1) * CARD_GAP)) / 2
STRIP_Y = 330.0


@dataclass(frozen=True, slots=True)
class AttractCard:
    title: str
    pitch: str
    badge: str
    image: str
    code: str


@dataclass(frozen=True, slots=True)
class AttractTexts:
    """The poster's words, in the kiosk's default language (no visitor has chosen one yet)."""

    title: str
    subtitle: str
    call: str
    other_languages: str  # the call in every other language the kiosk offers
    credit: str
    tagline: str
    rome_code: str  # "ROME code {code}"


def attract_texts(words: Words, others: Sequence[Words] = ()) -> AttractTexts:
    _ = words.gettext
    call = N_("Touch the screen to start")
    minutes = 10
    return AttractTexts(
        _("Trades that are hiring near you"),
        words.ngettext("Videos, 360° immersion and work scenarios · {minutes} minute · anonymous and free",
                       "Videos, 360° immersion and work scenarios · {minutes} minutes · anonymous and free",
                       minutes).format(minutes=minutes),
        _(call), " · ".join(other.gettext(call) for other in others if other.language != words.language),
        _("Skills: ESCO v1.1.1 © European Union"), _("Discover · Try · Show what you can do"), _("ROME code {code}"))


def _card(card: AttractCard, x: float, opacity: float, rome_code: str) -> Group:
    children: tuple[Node, ...] = (
        Panel(Rect(0, 0, CARD_W, CARD_H), theme.SURFACE, radius=28),
        Image(Rect(20, 20, CARD_W - 40, 230), card.image, radius=18),
        Panel(Rect(36, 36, 24 + 13.5 * len(card.badge), 44), theme.ALERT, radius=22, layer=1),
        Text(48, 40, card.badge, 24, theme.TEXT, "bold", layer=1),
        Column(24, 262, (Text(0, 0, card.title, 38, theme.TEXT, "bold", max_width=CARD_W - 48),
                         Text(0, 0, card.pitch, 25, theme.TEXT_MUTED, max_width=CARD_W - 48),
                         Text(0, 4, rome_code.format(code=card.code), 20, theme.TEXT_MUTED)), gap=6),
    )
    return Group(children, dx=x, dy=STRIP_Y, opacity=opacity)


class AttractScreen:
    """Implements the loop's Screen protocol; `touched` is the message sent up."""

    def __init__(self, cards: Sequence[AttractCard], start: float, texts: AttractTexts | None = None,
                 period: float = 8.0, slide: float = 0.7, reduced_motion: bool = False) -> None:
        self.cards = tuple(cards)
        self.start = start
        self.texts = texts or attract_texts(words_for("fr"), [words_for(language) for language in NATIVE_NAMES])
        self.period = period
        self.slide = 0.0 if reduced_motion else slide
        self.touched = False
        self._chrome = self._build_chrome()
        self._still: dict[int, Scene] = {}

    # -- Screen protocol --------------------------------------------------------------
    def handle(self, event: InputEvent, now: float) -> None:
        if isinstance(event, PointerDown | KeyPressed):
            self.touched = True

    def update(self, dt: float, now: float) -> None:
        """Nothing advances by steps here: the carousel is a function of the time."""

    def animating(self, now: float) -> bool:
        return 0.0 < self._phase(now)[1] < 1.0

    def next_change(self, now: float) -> float | None:
        if len(self.cards) <= VISIBLE:
            return None
        cycles = int((now - self.start) // self.period) + 1
        return self.start + cycles * self.period

    def view(self, now: float) -> Scene:
        index, progress = self._phase(now)
        if progress >= 1.0:
            scene = self._still.get(index)
            if scene is None:
                scene = self._still[index] = self._scene(index, 1.0)
            return scene
        return self._scene(index, progress)

    # -- building -----------------------------------------------------------------------
    def _phase(self, now: float) -> tuple[int, float]:
        """(index of the first card shown, slide progress 0..1 towards the next index)."""
        if len(self.cards) <= VISIBLE:
            return 0, 1.0
        elapsed = max(0.0, now - self.start)
        cycle = int(elapsed // self.period)
        tween = Tween(0.0, 1.0, cycle * self.period, self.slide, ease_in_out_cubic)
        progress = tween.value(elapsed) if cycle > 0 else 1.0
        return (cycle - (progress < 1.0)) % len(self.cards), progress

    def _build_chrome(self) -> Group:
        t = self.texts
        return Group((
            Text(80, 48, "NOVA", 44, theme.ACCENT, "bold"),
            Text(235, 60, t.tagline, 26, theme.TEXT_MUTED),
            Text(960, 130, t.title, 66, theme.TEXT, "bold", "center"),
            Text(960, 232, t.subtitle, 30, theme.TEXT_MUTED, align="center"),
            Panel(Rect(560, 912, 800, 100), theme.ACCENT, radius=50),
            Text(960, 932, t.call, 44, theme.ON_ACCENT, "bold", "center"),
            Text(960, 1018, t.other_languages, 24, theme.TEXT_MUTED, align="center"),
            Text(1840, 1052, t.credit, 18, theme.TEXT_MUTED, align="right"),
        ))

    def _scene(self, index: int, progress: float) -> Scene:
        n = len(self.cards)
        step = CARD_W + CARD_GAP
        shift = -step * progress if progress < 1.0 else 0.0
        cards: list[Node] = []
        shown = VISIBLE + (1 if progress < 1.0 else 0)
        for k in range(min(shown, n)):
            opacity = 1.0
            if progress < 1.0 and k == 0:
                opacity = 1.0 - progress
            elif progress < 1.0 and k == VISIBLE:
                opacity = progress
            cards.append(_card(self.cards[(index + k) % n], STRIP_X + k * step + shift, opacity,
                               self.texts.rome_code))
        return Scene(Group((self._chrome, *cards, self._dots(index, progress))), theme.BACKGROUND,
                     labels=("attract", f"card:{index}"))

    def _dots(self, index: int, progress: float) -> Group:
        n = len(self.cards)
        spacing = 34.0
        x0 = 960 - spacing * (n - 1) / 2
        current = (index + (progress if progress < 1.0 else 0.0)) % n
        dots: list[Node] = [Panel(Rect(x0 + i * spacing - 7, 876, 14, 14), theme.DOT, radius=7) for i in range(n)]
        dots.append(Panel(Rect(x0 + current * spacing - 16, 872, 32, 22), theme.ACCENT, radius=11, layer=1))
        return Group(tuple(dots))


def cards_from_trades(trades: Sequence[tuple[str, str, str, str, int]], words: Words | None = None
                      ) -> list[AttractCard]:
    """(title, pitch, image, ROME code, shortage level) rows → cards with a plain badge (the render benchmark;
    French unless told)."""
    from kiosk.runtime.pages import shortage_badge

    badge_words = words or words_for("fr")
    return [AttractCard(title, pitch, shortage_badge(level, badge_words), image, code)
            for title, pitch, image, code, level in trades]
