"""The attract screen: shortage trades on a slow carousel and one call to touch, in front of the
trades' own scenes (each pack's `attract:` picture) taking turns behind the poster.

The view is a pure function of the time: cards hold still for `period` seconds and then
slide for `slide` seconds; the scene behind changes every `scene_period` seconds with a
`fade`-second dissolve (a cut under "less motion"). While both hold still the same Scene
object is returned, so the renderer draws nothing and an idle kiosk sleeps. The scenes do not
pan or zoom (Ken Burns): a picture that moves all the time would keep a software-rendered kiosk
filling full-screen frames for as long as it stands idle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.events import InputEvent, KeyPressed, PointerDown
from kiosk.i18n import N_, NATIVE_NAMES, Catalogs, Words, words_for
from kiosk.runtime.tween import Tween, ease_in_out_cubic
from kiosk.runtime.widgets import badge, text
from kiosk.view.check import contrast_ratio
from kiosk.view.layout import Box, Fill, Frame, Hit, Label, Style, design_size, lay_out
from kiosk.view.nodes import Color, Group, Image, Node, Panel, Rect, Scene
from kiosk.view.tokens import Palette, tokens_for

if TYPE_CHECKING:
    from kiosk.scenario.model import Pack

CARD_GAP = 40.0
SCENE_LAYER = -2  # under the poster (kiosk.runtime.stage_view.SCENE_LAYER): the renderer keeps it while still
SCENE_ASPECT = 16 / 9  # the packs' attract scenes (viewBox 1920×1080)
# Behind the poster a scene is dimmed and half covered: at half the pixels each way the 2-3 scenes of
# a dissolve hold a quarter of the memory (8.3 MB each at 1080p) in their own textures, filtered up.
SCENE_DETAIL = 0.5


def scene_shade(palette: Palette) -> float:
    """How much of a scene's brightness is kept behind the poster: the most that still leaves every
    poster text (text, muted, accent) at the palette's contrast over the scene's whitest pixel."""
    shade = 1.0
    while shade > 0.0 and min(contrast_ratio(colour, (shade, shade, shade, 1.0))
                              for colour in (palette.text, palette.text_muted, palette.accent)) < palette.min_contrast:
        shade = round(shade - 0.01, 2)
    return max(shade, 0.0)


def visible_cards(frame: Frame) -> int:
    """Cards side by side on the strip: three in landscape, one (wide) with larger text or in portrait."""
    return 1 if frame.portrait or frame.tokens.text_scale > 1 else 3


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


def _card_root(card: AttractCard, rome_code: str, frame: Frame, width: float, height: float) -> Box:
    """The picture above the words; beside them when the card is much wider than tall."""
    t = frame.tokens
    wide = width > height * 1.6

    def picture(rect: Rect) -> tuple[list[Node], list[Hit]]:
        w = min(rect.w, rect.h * 16 / 9)
        return [Image(Rect(rect.x + (rect.w - w) / 2, rect.y, w, w * 9 / 16), card.image, radius=18)], []

    words = (badge(frame, card.badge), text(frame, card.title, "lead", weight="bold"),
             text(frame, card.pitch, "caption", muted=True),
             text(frame, rome_code.format(code=card.code), "small", muted=True))
    shown = Fill(picture, Style(grow=1, shrink=1, basis=0 if wide else None, min_height=0, min_width=0))
    if wide:
        return Box((shown, Box(words, Style(grow=1.4, basis=0, shrink=1, gap=t.space.xs, min_width=0))),
                   Style(row=True, width=width, height=height, gap=t.space.l, pad=t.space.m),
                   fill=t.palette.surface, radius=t.radius.card, border=t.outline, border_color=t.palette.outline)
    # A tall card (portrait): the picture keeps its 16:9 and the words follow it, centred in the card,
    # instead of a band of empty card between the picture and its words.
    shown = Fill(picture, Style(height=(width - 2 * t.space.m) * 9 / 16, shrink=1, min_height=0, min_width=0))
    return Box((shown, *words), Style(width=width, height=height, gap=t.space.xs, pad=t.space.m, justify="center"),
               fill=t.palette.surface, radius=t.radius.card, border=t.outline, border_color=t.palette.outline)


def _card(card: AttractCard, rome_code: str, frame: Frame, width: float, height: float) -> Group:
    """One card laid out in its own box at the origin: the carousel only moves it."""
    return Group(tuple(lay_out(_card_root(card, rome_code, frame, width, height), width, height,
                               rtl=frame.rtl).nodes))


class AttractScreen:
    """Implements the loop's Screen protocol; `touched` is the message sent up."""

    def __init__(self, cards: Sequence[AttractCard], start: float, texts: AttractTexts | None = None,
                 period: float = 8.0, slide: float = 0.7, reduced_motion: bool = False,
                 frame: Frame | None = None, scenes: Sequence[str] = (), scene_period: float = 16.0,
                 fade: float = 1.5) -> None:
        """`scenes`: the trades' attract pictures (image names), shown in turn behind the poster."""
        self.cards = tuple(cards)
        self.scenes = tuple(scenes)
        self.scene_period = scene_period
        self.fade = 0.0 if reduced_motion else fade
        self.reduced_motion = reduced_motion
        self.frame = frame or Frame()
        self.visible = visible_cards(self.frame)
        self.start = start
        self.texts = texts or attract_texts(words_for("fr"), [words_for(language) for language in NATIVE_NAMES])
        self.period = period
        self.slide = 0.0 if reduced_motion else slide
        self.touched = False
        self._chrome, self._strip = self._build_chrome()
        self._cards: dict[int, Group] = {}
        self._still: dict[tuple[int, int], Scene] = {}
        self._shade = scene_shade(self.frame.tokens.palette)

    # -- Screen protocol --------------------------------------------------------------
    def handle(self, event: InputEvent, now: float) -> None:
        if isinstance(event, PointerDown | KeyPressed):
            self.touched = True

    def update(self, dt: float, now: float) -> None:
        """Nothing advances by steps here: the carousel is a function of the time."""

    def animating(self, now: float) -> bool:
        # From the very moment a slide or a dissolve starts (progress 0): a loop woken exactly at
        # `next_change` must draw it, not sleep until the change after
        return self._phase(now)[1] < 1.0 or self._scene_phase(now)[1] < 1.0

    def next_change(self, now: float) -> float | None:
        changes = []
        if len(self.cards) > self.visible:
            changes.append(self.start + (int((now - self.start) // self.period) + 1) * self.period)
        if len(self.scenes) > 1:
            changes.append(self.start + (int((now - self.start) // self.scene_period) + 1) * self.scene_period)
        return min(changes, default=None)

    def view(self, now: float) -> Scene:
        index, progress = self._phase(now)
        shown, fading = self._scene_phase(now)
        if progress >= 1.0 and fading >= 1.0:
            scene = self._still.get((index, shown))
            if scene is None:
                scene = self._still[(index, shown)] = self._scene(index, 1.0, self._backdrop(shown, 1.0))
            return scene
        return self._scene(index, progress, self._backdrop(shown, fading))

    # -- building -----------------------------------------------------------------------
    def _scene_phase(self, now: float) -> tuple[int, float]:
        """(index of the scene behind the poster, dissolve progress 0..1 from the one before)."""
        if len(self.scenes) <= 1:
            return 0, 1.0
        cycle = int(max(0.0, now - self.start) // self.scene_period)
        since = max(0.0, now - self.start) - cycle * self.scene_period
        progress = 1.0 if cycle == 0 or self.fade <= 0 or since >= self.fade else since / self.fade
        return cycle % len(self.scenes), progress

    def _backdrop(self, shown: int, progress: float) -> tuple[Node, ...]:
        """The scene (dissolving in over the one before), darkened by its tint so the poster reads on
        it; the next one asked for unseen (opacity 0), so it is rasterised before its turn."""
        if not self.scenes:
            return ()
        n = len(self.scenes)
        frame = self.frame
        width = max(frame.width, frame.height * SCENE_ASPECT)  # covers the screen: a portrait one shows the middle
        height = width / SCENE_ASPECT
        rect = Rect((frame.width - width) / 2, (frame.height - height) / 2, width, height)
        s = self._shade

        def picture(index: int, alpha: float) -> Image:
            tint: Color = (s, s, s, alpha)
            return Image(rect, self.scenes[index % n], tint, layer=SCENE_LAYER, detail=SCENE_DETAIL)

        if progress < 1.0:
            return picture(shown - 1, 1.0), picture(shown, ease_in_out_cubic(progress))
        return (picture(shown, 1.0), picture(shown + 1, 0.0)) if n > 1 else (picture(shown, 1.0),)
    def _phase(self, now: float) -> tuple[int, float]:
        """(index of the first card shown, slide progress 0..1 towards the next index)."""
        if len(self.cards) <= self.visible:
            return 0, 1.0
        elapsed = max(0.0, now - self.start)
        cycle = int(elapsed // self.period)
        tween = Tween(0.0, 1.0, cycle * self.period, self.slide, ease_in_out_cubic)
        progress = tween.value(elapsed) if cycle > 0 else 1.0
        return (cycle - (progress < 1.0)) % len(self.cards), progress

    def _build_chrome(self) -> tuple[Group, Rect]:
        """The poster around the strip, laid out once; and where the strip of cards goes."""
        t, frame = self.texts, self.frame
        tk = frame.tokens
        p = tk.palette
        strip: list[Rect] = []

        def mark(rect: Rect) -> tuple[list[Node], list[Hit]]:
            strip.append(rect)
            return [], []

        call = Box((Label(t.call, tk.type.heading, p.on_accent, "bold", "center"),),
                   Style(pad=tk.space.m, pad_x=tk.space.xl, self_align="center", min_height=tk.target),
                   fill=p.accent, radius=50)
        root = Box((
            Box((Label("NOVA", tk.type.heading, p.accent, "bold"), text(frame, t.tagline, "caption", muted=True)),
                Style(row=True, wrap=True, gap=tk.space.m, align="center")),
            text(frame, t.title, "display", weight="bold", align="center"),
            text(frame, t.subtitle, "body", muted=True, align="center"),
            Fill(mark, Style(grow=1, shrink=1, min_height=300)),
            Box(style=Style(height=30)),  # the dots
            call,
            text(frame, t.other_languages, "caption", muted=True, align="center"),
            text(frame, t.credit, "small", muted=True, align="end"),
        ), Style(width=frame.width, height=frame.height, pad=tk.space.l, pad_x=frame.margin, gap=tk.space.s))
        laid = lay_out(root, frame.width, frame.height, rtl=frame.rtl)
        return Group(tuple(laid.nodes)), strip[0]

    def _card_group(self, index: int) -> Group:
        group = self._cards.get(index)
        if group is None:
            w, h = self._card_size()
            group = self._cards[index] = _card(self.cards[index], self.texts.rome_code, self.frame, w, h)
        return group

    def _card_size(self) -> tuple[float, float]:
        strip = self._strip
        return (strip.w - CARD_GAP * (self.visible - 1)) / self.visible, strip.h

    def _scene(self, index: int, progress: float, backdrop: tuple[Node, ...] = ()) -> Scene:
        n = len(self.cards)
        width = self._card_size()[0]
        step = width + CARD_GAP
        shift = -step * progress if progress < 1.0 else 0.0
        cards: list[Node] = []
        shown = self.visible + (1 if progress < 1.0 else 0)
        for k in range(min(shown, n)):
            opacity = 1.0
            if progress < 1.0 and k == 0:
                opacity = 1.0 - progress
            elif progress < 1.0 and k == self.visible:
                opacity = progress
            group = self._card_group((index + k) % n)
            cards.append(Group(group.children, dx=self._strip.x + k * step + shift, dy=self._strip.y,
                               opacity=opacity))
        return Scene(Group((*backdrop, self._chrome, *cards, self._dots(index, progress))),
                     self.frame.tokens.palette.background,
                     self.frame.width, self.frame.height, labels=("attract", f"card:{index}"))

    def _dots(self, index: int, progress: float) -> Group:
        n = len(self.cards)
        spacing = 34.0
        p = self.frame.tokens.palette
        x0 = self.frame.width / 2 - spacing * (n - 1) / 2
        y = self._strip.y + self._strip.h + self.frame.tokens.space.s + 8
        current = (index + (progress if progress < 1.0 else 0.0)) % n
        dots: list[Node] = [Panel(Rect(x0 + i * spacing - 7, y, 14, 14), p.dot, radius=7) for i in range(n)]
        dots.append(Panel(Rect(x0 + current * spacing - 16, y - 4, 32, 22), p.accent, radius=11, layer=1))
        return Group(tuple(dots))


def shortage_badge(level: int, words: Words) -> str:
    _ = words.gettext
    return _("Very much in demand") if level >= 5 else _("In demand") if level >= 4 else _("Hiring")


def attract_frame(size: tuple[int, int], *, large_text: bool, high_contrast: bool, rtl: bool) -> Frame:
    """The frame the poster is laid out in: the display's shape (`size`, its pixels), the kiosk's default
    preferences and language direction (no visitor has chosen any yet)."""
    width, height = design_size(*size)
    return Frame(width, height, tokens_for(large_text=large_text, high_contrast=high_contrast), rtl)


def poster(packs: Iterable[Pack], catalogs: Catalogs, language: str, now: float, *, reduced_motion: bool,
           frame: Frame | None = None) -> AttractScreen:
    """The poster between visits, in the kiosk's own language, with the call in every other one: the
    shortage trades' cards first (then by title), their scenes in the same order (then by pack id).
    Built from this module alone, so `kiosk run` can draw its first frame before it imports the
    session's pages (kiosk/app/run.py)."""
    words = catalogs.words(language)
    texts = attract_texts(words, [catalogs.words(other) for other in catalogs.languages])
    shown = sorted(packs, key=lambda p: (-p.trade.shortage_level, p.trade.title.get(language)))
    cards = [AttractCard(p.trade.title.get(language), p.trade.pitch.get(language),
                         shortage_badge(p.trade.shortage_level, words), f"{p.id}/{p.trade.card_image}", p.trade.rome)
             for p in shown]
    scenes = [f"{p.id}/{p.trade.attract}" for p in sorted(shown, key=lambda p: (-p.trade.shortage_level, p.id))
              if p.trade.attract]
    return AttractScreen(cards, now, texts, reduced_motion=reduced_motion, frame=frame, scenes=scenes)


def cards_from_trades(trades: Sequence[tuple[str, str, str, str, int]], words: Words | None = None
                      ) -> list[AttractCard]:
    """(title, pitch, image, ROME code, shortage level) rows → cards with a plain badge (the render benchmark;
    French unless told)."""
    badge_words = words or words_for("fr")
    return [AttractCard(title, pitch, shortage_badge(level, badge_words), image, code)
            for title, pitch, image, code, level in trades]
