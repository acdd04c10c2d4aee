"""The session's screens, one pure builder each: (what to show, words) → (Scene, targets).

A target pairs a rectangle with the action a tap there performs; keyboard, board buttons and
switch scanning reach the same actions through the focus. Actions: ("intent", name, arg) for the
session machine, ("pref", name) for the accessibility toggles, ("sector", name) and
("scroll", "+1"|"-1") for the catalogue; the scenario's own actions come from play_view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from kiosk.i18n import NATIVE_NAMES, Words
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.outcome import Outcome, QrMatrix
from kiosk.runtime.play_view import MARGIN, WIDTH, Target, button, checkbox
from kiosk.view import theme
from kiosk.view.nodes import Column, Group, Image, Node, Panel, Rect, Scene, Text, Video

CARDS_PER_ROW, CARD_ROWS = 3, 2
CARD_W, CARD_H, CARD_GAP = 540.0, 330.0, 30.0
GRID_X, GRID_Y = (1920 - (CARDS_PER_ROW * CARD_W + (CARDS_PER_ROW - 1) * CARD_GAP)) / 2, 300.0


@dataclass(frozen=True, slots=True)
class TradeCard:
    pack_id: str
    title: str
    pitch: str
    sector: str
    shortage_level: int
    image: str
    rome: str
    video: str | None = None  # stream name of the trade's presentation clip


def shortage_badge(level: int, words: Words) -> str:
    _ = words.gettext
    return _("Very much in demand") if level >= 5 else _("In demand") if level >= 4 else _("Hiring")


def intent(name: str, arg: str = "") -> tuple[str, ...]:
    return ("intent", name, arg) if arg else ("intent", name)


def top_bar(words: Words, targets: list[Target], *, quit_button: bool = True) -> list[Node]:
    """NOVA, the language switch (each language in its own words) and "Stop", on every page."""
    nodes: list[Node] = [Text(MARGIN, 34, "NOVA", 40, theme.ACCENT, "bold")]
    x = 560.0
    for code, name in NATIVE_NAMES.items():
        nodes.append(button(Rect(x, 20, 220, 64), name, intent("language", code), targets,
                            picked=code == words.language))
        x += 236
    if quit_button:
        nodes.append(button(Rect(1920 - MARGIN - 220, 20, 220, 64), words.gettext("Stop"), intent("stop"), targets))
    return nodes


def play_chrome(words: Words, targets: list[Target]) -> list[Node]:
    """Under a scenario step, bottom left: the language switch and "Stop" (the step keeps the rest)."""
    nodes: list[Node] = []
    for index, (code, name) in enumerate(NATIVE_NAMES.items()):
        nodes.append(replace(button(Rect(MARGIN + index * 196, 950, 180, 80), name, intent("language", code), targets,
                                    picked=code == words.language), size=24))
    nodes.append(button(Rect(MARGIN + 4 * 196 + 20, 950, 220, 80), words.gettext("Stop"), intent("stop"), targets))
    return nodes


def titled(words: Words, title: str) -> tuple[list[Node], list[Target]]:
    """A page's start: the top bar, then its title."""
    targets: list[Target] = []
    nodes = top_bar(words, targets)
    nodes.append(Text(MARGIN, 120, title, 52, theme.TEXT, "bold"))
    return nodes, targets


def footer(words: Words, targets: list[Target], *, back: str | None = None, primary: str | None = None,
           primary_action: tuple[str, ...] = ("intent", "next")) -> list[Node]:
    nodes: list[Node] = []
    if back:
        nodes.append(button(Rect(MARGIN, 940, 420, 100), back, intent("back"), targets))
    if primary:
        nodes.append(button(Rect(1920 - MARGIN - 520, 940, 520, 100), primary, primary_action, targets,
                            primary=True))
    return nodes


def scene(nodes: Sequence[Node], *labels: str) -> Scene:
    return Scene(Group(tuple(nodes)), theme.BACKGROUND, labels=labels)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks a message for extraction where it is translated later (`_(label)`)."""
    return message


PREF_LABELS = {
    "large_text": N_("Larger text"),
    "high_contrast": N_("High contrast"),
    "reduced_motion": N_("Less motion"),
    "easy_read": N_("Easy-to-read texts"),
    "narration": N_("Read aloud"),
    "scanning": N_("One-button mode"),
}


SECTORS = {  # the sector ids packs use, as visitors read them; another id shows as written
    "batiment": N_("Construction"),
    "hotellerie-restauration": N_("Hotels and restaurants"),
    "services-a-la-personne": N_("Care and home help"),
    "transport-logistique": N_("Transport and logistics"),
    "industrie": N_("Industry"),
    "sante": N_("Health"),
    "commerce": N_("Retail"),
    "agriculture": N_("Farming"),
}


def sector_name(sector: str, words: Words) -> str:
    label = SECTORS.get(sector)
    return words.gettext(label) if label else sector.replace("-", " ").capitalize()


def language_page(words: Words, prefs: Prefs) -> tuple[Scene, list[Target]]:
    _ = words.gettext
    targets: list[Target] = []
    nodes = top_bar(words, targets)
    nodes.append(Text(960, 130, _("Choose your language"), 60, theme.TEXT, "bold", "center"))
    for index, (code, name) in enumerate(NATIVE_NAMES.items()):
        col, row = index % 2, index // 2
        nodes.append(button(Rect(360 + col * 620, 240 + row * 150, 580, 120), name, intent("language", code),
                            targets, primary=code == words.language))
    nodes.append(Text(MARGIN, 560, _("Make the kiosk easier to use"), 36, theme.TEXT, "bold"))
    for index, (name, label) in enumerate(PREF_LABELS.items()):
        col, row = index % 3, index // 3
        rect = Rect(MARGIN + col * 570, 630 + row * 130, 540, 110)
        on = bool(getattr(prefs, name))
        nodes.append(button(rect, f"      {_(label)}", ("pref", name), targets, picked=on))
        nodes.extend(checkbox(rect.x + 28, rect.y + rect.h / 2 - 22, on))
    nodes.extend(footer(words, targets, primary=_("Continue")))
    return scene(nodes, "language"), targets


def catalogue_page(cards: Sequence[TradeCard], words: Words, sector: str, scroll: int) -> tuple[Scene, list[Target]]:
    """Shortage trades first (the cards come sorted), a sector filter, two rows of three per page."""
    _ = words.gettext
    nodes, targets = titled(words, _("Choose a trade to discover"))
    sectors = sorted({c.sector for c in cards})
    x = MARGIN
    for name in ("", *sectors):
        label = sector_name(name, words) if name else _("All trades")
        width = 60 + 17 * len(label)
        nodes.append(button(Rect(x, 200, width, 72), label, ("sector", name), targets, picked=name == sector))
        x += width + 16
    shown = [c for c in cards if not sector or c.sector == sector]
    per_page = CARDS_PER_ROW * CARD_ROWS
    first = max(0, min(scroll, max(0, len(shown) - 1) // per_page)) * per_page
    for index, card in enumerate(shown[first:first + per_page]):
        row, col = divmod(index, CARDS_PER_ROW)
        nodes.append(_trade_card(card, words, GRID_X + col * (CARD_W + CARD_GAP), GRID_Y + row * (CARD_H + CARD_GAP),
                                 targets))
    pages = max(1, -(-len(shown) // per_page))
    if pages > 1:
        page = first // per_page
        nodes.append(Text(960, 985, f"{page + 1} / {pages}", 30, theme.TEXT_MUTED, align="center"))
        if page > 0:
            nodes.append(button(Rect(MARGIN, 940, 300, 100), _("Previous"), ("scroll", "-1"), targets))
        if page < pages - 1:
            nodes.append(button(Rect(1920 - MARGIN - 300, 940, 300, 100), _("More trades"), ("scroll", "+1"),
                                targets))
    return scene(nodes, "catalogue", f"sector:{sector or 'all'}", f"cards:{len(shown)}"), targets


def _trade_card(card: TradeCard, words: Words, x: float, y: float, targets: list[Target]) -> Group:
    targets.append(Target(Rect(x, y, CARD_W, CARD_H), intent("trade", card.pack_id)))
    badge = shortage_badge(card.shortage_level, words)
    return Group((
        Panel(Rect(0, 0, CARD_W, CARD_H), theme.SURFACE, radius=24),
        Image(Rect(16, 16, CARD_W - 32, 170), card.image, radius=14),
        Panel(Rect(30, 30, 30 + 12.5 * len(badge), 42), theme.ALERT, radius=21, layer=1),
        Text(45, 36, badge, 22, theme.TEXT, "bold", layer=1),
        Column(22, 198, (Text(0, 0, card.title, 34, theme.TEXT, "bold", max_width=CARD_W - 44),
                         Text(0, 0, sector_name(card.sector, words), 22, theme.TEXT_MUTED)), gap=6),
    ), dx=x, dy=y)


def trade_page(card: TradeCard, words: Words, captions: bool) -> tuple[Scene, list[Target]]:
    _ = words.gettext
    targets: list[Target] = []
    nodes = top_bar(words, targets)
    nodes.append(Image(Rect(MARGIN, 130, 900, 506), card.image, radius=18))
    if card.video:  # plays over the picture, which stays as the poster until the first frame
        nodes.append(Video(Rect(MARGIN, 130, 900, 506), card.video, radius=18, loop=True))
    nodes.append(Panel(Rect(MARGIN, 580, 900, 56), (0.0, 0.0, 0.0, 0.6), layer=1))
    nodes.append(Text(MARGIN + 24, 590, _("Video: a day in this trade") + (" · CC" if captions else ""), 26,
                      theme.TEXT, layer=1))
    badge = shortage_badge(card.shortage_level, words)
    nodes.append(Column(1100, 140, (
        Text(0, 0, badge, 28, theme.ACCENT, "bold"),
        Text(0, 0, card.title, 56, theme.TEXT, "bold", max_width=700),
        Text(0, 0, card.pitch, 34, theme.TEXT, max_width=700),
        Text(0, 12, _("Sector: {sector} · ROME code {code}").format(sector=sector_name(card.sector, words),
                                                                     code=card.rome), 24,
             theme.TEXT_MUTED, max_width=700),
    ), gap=20))
    nodes.append(Text(MARGIN, 680, _("Try a real situation of this trade: about 5 minutes. There are no wrong "
                                     "answers, only ways of working."), 32, theme.TEXT, max_width=WIDTH))
    nodes.extend(footer(words, targets, back=_("Other trades"), primary=_("Try it")))
    return scene(nodes, "trade", f"trade:{card.pack_id}"), targets


def results_page(outcome: Outcome, words: Words) -> tuple[Scene, list[Target]]:
    """Each skill in words (its band, what the visitor did, one tip), with its range among visitors drawn
    for those who want it, both ends labelled."""
    _ = words.gettext
    nodes, targets = titled(words, _("What you showed"))
    nodes.append(Text(MARGIN, 196, _("The bar shows how often you did it compared with other visitors. The wider "
                                     "it is, the less sure we are."), 26, theme.TEXT_MUTED, max_width=WIDTH))
    if not outcome.skills:
        nodes.append(Text(MARGIN, 300, _("Not enough answers to say anything yet: try a scenario to the end."), 34,
                          theme.TEXT, max_width=WIDTH))
    for index, line in enumerate(outcome.skills[:4]):
        y = 262 + index * 168
        track = Rect(MARGIN + 800, y + 6, 880, 28)
        nodes.append(Panel(track, theme.DOT, radius=14))
        if line.enough:
            left = track.x + track.w * line.low / 100
            nodes.append(Panel(Rect(left, track.y, max(28.0, track.w * (line.high - line.low) / 100), 28),
                               theme.ACCENT, radius=14, layer=1))
        nodes.append(Text(track.x, y + 40, line.range_ends[0], 20, theme.TEXT_MUTED))
        nodes.append(Text(track.x + track.w, y + 40, line.range_ends[1], 20, theme.TEXT_MUTED, align="right"))
        nodes.append(Text(track.x, y + 72, _("Tip: {tip}").format(tip=line.tip), 22, theme.TEXT, max_width=track.w))
        nodes.append(Column(MARGIN, y, (Text(0, 0, f"{line.name} · {line.band_words}", 28, theme.TEXT, "bold",
                                             max_width=760),
                                        Text(0, 0, " ".join(line.evidence), 22, theme.TEXT_MUTED, max_width=760)),
                            gap=4))
    nodes.extend(footer(words, targets, back=_("Try another trade"), primary=_("See job offers")))
    return scene(nodes, "results", f"skills:{len(outcome.skills)}",
                 *(f"band:{line.band}" for line in outcome.skills[:4])), targets


def offers_page(outcome: Outcome, words: Words) -> tuple[Scene, list[Target]]:
    _ = words.gettext
    nodes, targets = titled(words, _("Jobs near you"))
    if not outcome.offers:
        nodes.append(Text(MARGIN, 220, _("No open offer matches right now. An adviser can help you look further."),
                          34, theme.TEXT, max_width=WIDTH))
    for index, offer in enumerate(outcome.offers[:4]):
        y = 210 + index * 180
        nodes.append(Panel(Rect(MARGIN, y, WIDTH, 160), theme.SURFACE, radius=20))
        nodes.append(Column(MARGIN + 32, y + 18, (
            Text(0, 0, f"{offer.title} · {offer.employer} · {offer.town}", 32, theme.TEXT, "bold",
                 max_width=WIDTH - 64),
            Text(0, 0, offer.reason, 24, theme.TEXT_MUTED, max_width=WIDTH - 64)), gap=10))
    nodes.extend(footer(words, targets, primary=_("Continue")))
    return scene(nodes, "offers", f"offers:{len(outcome.offers)}"), targets


def qr_nodes(matrix: QrMatrix, x: float, y: float, size: float) -> list[Node]:
    """A QR code as rectangles, one per run of dark modules, on a white quiet zone: sharp at any
    scale and nothing to upload or evict from the image atlas."""
    n = len(matrix)
    module = size / (n + 8)
    nodes: list[Node] = [Panel(Rect(x, y, size, size), (1.0, 1.0, 1.0, 1.0), radius=12)]
    for row, cells in enumerate(matrix):
        start = None
        for col, dark in enumerate((*cells, False)):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                nodes.append(Panel(Rect(x + (start + 4) * module, y + (row + 4) * module, (col - start) * module,
                                        module), (0.0, 0.0, 0.0, 1.0), layer=1))
                start = None
    return nodes


def handoff_page(outcome: Outcome, words: Words) -> tuple[Scene, list[Target]]:
    _ = words.gettext
    nodes, targets = titled(words, _("Take your results with you"))
    nodes.append(Text(MARGIN, 220, _("Scan this code with your phone's camera. Your results are signed by the "
                                     "kiosk: an employer can check them."), 32, theme.TEXT, max_width=900))
    if outcome.qr_note:
        nodes.append(Text(MARGIN, 420, outcome.qr_note, 26, theme.TEXT_MUTED, max_width=900))
    if outcome.qr:
        nodes.extend(qr_nodes(outcome.qr, 1140, 150, 660))
    nodes.extend(footer(words, targets, primary=_("Done")))
    return scene(nodes, "handoff", f"qr:{len(outcome.qr) if outcome.qr else 0}"), targets


def thanks_page(words: Words) -> tuple[Scene, list[Target]]:
    _ = words.gettext
    targets: list[Target] = []
    nodes = top_bar(words, targets, quit_button=False)
    nodes.append(Text(960, 330, _("Thank you for your visit!"), 72, theme.TEXT, "bold", "center"))
    nodes.append(Text(960, 460, _("An adviser of the agency can tell you more about these trades and their "
                                  "training."), 36, theme.TEXT_MUTED, "regular", "center", max_width=1300))
    nodes.append(button(Rect(710, 700, 500, 110), _("Finish"), intent("next"), targets, primary=True))
    return scene(nodes, "thanks"), targets


def idle_overlay(words: Words, seconds_left: float, targets: list[Target]) -> list[Node]:
    """Over any page: a countdown before the screen is wiped for the next visitor."""
    _ = words.gettext
    layer = 5
    return [
        Panel(Rect(0, 0, 1920, 1080), (0.0, 0.0, 0.0, 0.7), layer=layer),
        Panel(Rect(460, 300, 1000, 440), theme.SURFACE, radius=28, layer=layer),
        Text(960, 350, _("Are you still there?"), 52, theme.TEXT, "bold", "center", layer=layer),
        Text(960, 450, _("The screen starts again in {seconds} seconds.").format(seconds=f"{seconds_left:.0f}"), 34,
             theme.TEXT, "regular", "center", max_width=900, layer=layer),
        replace(button(Rect(710, 580, 500, 110), _("I'm still here"), ("stay",), targets, primary=True), layer=layer),
    ]
