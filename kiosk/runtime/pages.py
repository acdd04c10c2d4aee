"""The session's screens, one pure builder each: (what to show, words, frame) → (Scene, targets).

Each screen is a tree of layout boxes (kiosk.view.layout) placed for the frame: its shape
(landscape or portrait, any size), the visitor's tokens (larger text, high contrast) and the
language's direction (Arabic mirrors the page as a whole). A target pairs a rectangle with the
action a tap there performs; keyboard, board buttons and switch scanning reach the same actions
through the focus. Actions: ("intent", name, arg) for the session machine, TogglePref(name) for the
accessibility toggles, ShowSector(name) and ("scroll", "+1"|"-1") for the catalogue; the
scenario's own actions come from play_view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.i18n import NATIVE_NAMES, Words
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.actions import NEXT, Action, Intent, IntentName, Scroll, ShowSector, Stay, TogglePref
from kiosk.runtime.attract import shortage_badge
from kiosk.runtime.outcome import Outcome
from kiosk.runtime.play_view import Target, targets_of
from kiosk.runtime.results_parts import qr_nodes, skill_row
from kiosk.runtime.widgets import badge, card, option, page, press, scene_of, text
from kiosk.view.layout import Box, Fill, Frame, Hit, Item, Label, Style, lay_out, row
from kiosk.view.nodes import Image, Node, Panel, Rect, Scene, Text, Video


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


def intent(name: IntentName, arg: str = "") -> Intent:
    return Intent(name, arg)


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


def _frame(frame: Frame | None) -> Frame:
    return frame or Frame()


def top_bar(words: Words, frame: Frame | None = None, *, quit_button: bool = True) -> Item:
    """NOVA, the language switch (each language in its own words) and "Stop", on every page."""
    frame = _frame(frame)
    t = frame.tokens
    items: list[Item] = [Label("NOVA", t.type.heading, t.palette.accent, "bold"), Box(style=Style(grow=1))]
    for code, name in NATIVE_NAMES.items():
        items.append(press(frame, name, intent("language", code), picked=code == words.language,
                           size=t.type.caption))
    if quit_button:
        items.append(press(frame, words.gettext("Stop"), intent("stop"), size=t.type.caption, min_width=140))
    return Box(tuple(items), Style(row=True, wrap=True, gap=t.space.s, align="center"))


def play_chrome(words: Words, frame: Frame | None = None) -> list[Item]:
    """Under a scenario step, at the start of the bottom row: the language switch and "Stop"."""
    frame = _frame(frame)
    size = frame.tokens.type.caption
    items: list[Item] = [press(frame, name, intent("language", code), picked=code == words.language, size=size)
                         for code, name in NATIVE_NAMES.items()]
    items.append(press(frame, words.gettext("Stop"), intent("stop"), size=size, min_width=140))
    return items


def footer(words: Words, frame: Frame | None = None, *, back: str | None = None, primary: str | None = None,
           primary_action: Action = NEXT) -> Item:
    frame = _frame(frame)
    items: list[Item] = []
    if back:
        items.append(press(frame, back, intent("back"), min_width=240))
    items.append(Box(style=Style(grow=1)))
    if primary:
        items.append(press(frame, primary, primary_action, primary=True, min_width=320))
    return Box(tuple(items), Style(row=True, wrap=True, gap=frame.tokens.space.s, align="end"))


def _title(frame: Frame, words: str, *, centred: bool = False) -> Label:
    return text(frame, words, "title", weight="bold", align="center" if centred else "start")


def _built(frame: Frame, root: Item, *labels: str) -> tuple[Scene, list[Target]]:
    laid = lay_out(root, frame.width, frame.height, rtl=frame.rtl)
    return scene_of(frame, laid, *labels), targets_of(laid)


def _grid(frame: Frame, items: Sequence[Item], columns: int, gap: float, *, fill: bool = False) -> Box:
    """Rows of `columns` equal cells (the last row keeps its cells the same width); `fill`: the rows
    share the height the grid is given."""
    rows: list[Item] = []
    for start in range(0, len(items), columns):
        cells = list(items[start:start + columns])
        cells += [Box(style=Style(grow=1, basis=0))] * (columns - len(cells))
        rows.append(Box(tuple(cells), Style(row=True, gap=gap, align="stretch", grow=1 if fill else 0,
                                            basis=0 if fill else None)))
    return Box(tuple(rows), Style(gap=gap, grow=1 if fill else 0, shrink=1))


def _cell(item: Box) -> Box:
    return Box(item.children, Style(grow=1, basis=0, shrink=1, min_width=0, row=item.style.row,
                                    align=item.style.align, gap=item.style.gap, pad=item.style.pad,
                                    pad_x=item.style.pad_x, min_height=item.style.min_height),
               item.fill, item.radius, item.border, item.border_color, item.action, item.layer)


def language_page(words: Words, prefs: Prefs, frame: Frame | None = None) -> tuple[Scene, list[Target]]:
    frame = _frame(frame)
    _ = words.gettext
    t = frame.tokens
    languages = [press(frame, name, intent("language", code), primary=code == words.language, grow=1,
                       size=t.type.heading) for code, name in NATIVE_NAMES.items()]
    toggles = [_cell(option(frame, _(label), TogglePref(name), checked=bool(getattr(prefs, name))))
               for name, label in PREF_LABELS.items()]
    columns = 1 if frame.portrait else 3
    body: list[Item] = [
        _title(frame, _("Choose your language"), centred=True),
        _grid(frame, languages, 2, t.space.m),
        text(frame, _("Make the kiosk easier to use"), "heading", weight="bold"),
        _grid(frame, toggles, columns, t.space.s),
    ]
    return _built(frame, page(frame, top_bar(words, frame), body, footer(words, frame, primary=_("Continue")),
                              centred=True), "language")


def cards_per_page(frame: Frame) -> tuple[int, int]:
    """(columns, rows) of trade cards the catalogue shows at once on this frame."""
    large = frame.tokens.text_scale > 1
    if frame.portrait:
        return (2, 2) if large else (2, 3)
    return (3, 1) if large else (3, 2)


def catalogue_page(cards: Sequence[TradeCard], words: Words, sector: str, scroll: int,
                   frame: Frame | None = None) -> tuple[Scene, list[Target]]:
    """Shortage trades first (the cards come sorted), a sector filter that wraps onto more rows, and
    the cards a page at a time with "Previous" / "More trades" and the page number."""
    frame = _frame(frame)
    _ = words.gettext
    t = frame.tokens
    sectors = sorted({c.sector for c in cards})
    chips = [press(frame, sector_name(name, words) if name else _("All trades"), ShowSector(name),
                   picked=name == sector, size=t.type.caption) for name in ("", *sectors)]
    shown = [c for c in cards if not sector or c.sector == sector]
    columns, rows = cards_per_page(frame)
    per_page = columns * rows
    first = max(0, min(scroll, max(0, len(shown) - 1) // per_page)) * per_page
    grid = _grid(frame, [_trade_card(card, words, frame) for card in shown[first:first + per_page]], columns,
                 t.space.m, fill=True)
    body: list[Item] = [_title(frame, _("Choose a trade to discover")),
                        Box(tuple(chips), Style(row=True, wrap=True, gap=t.space.s)), grid]
    pages = max(1, -(-len(shown) // per_page))
    bottom: Item | None = None
    if pages > 1:
        number = first // per_page
        items: list[Item] = [press(frame, _("Previous"), Scroll(-1), min_width=220)] if number > 0 else \
            [Box(style=Style(width=1))]
        items.append(text(frame, f"{number + 1} / {pages}", "body", muted=True, align="center", grow=1))
        if number < pages - 1:
            items.append(press(frame, _("More trades"), Scroll(1), min_width=220))
        bottom = row(*items, gap=t.space.s, align="center")
    return _built(frame, page(frame, top_bar(words, frame), body, bottom), "catalogue",
                  f"sector:{sector or 'all'}", f"cards:{len(shown)}")


def fitted(box: Rect, aspect: float) -> Rect:
    """The largest `aspect` (width / height) rectangle centred in `box`: pictures are never squashed."""
    w = min(box.w, box.h * aspect)
    h = w / aspect
    return Rect(box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h)


def _picture(source: str, radius: float) -> Fill:
    def draw(rect: Rect) -> tuple[list[Node], list[Hit]]:
        return [Image(fitted(rect, 16 / 9), source, radius=radius)], []

    return Fill(draw, Style(grow=1, shrink=1, min_height=90))


def _trade_card(card: TradeCard, words: Words, frame: Frame) -> Box:
    t = frame.tokens
    return Box((
        _picture(card.image, 14),
        badge(frame, shortage_badge(card.shortage_level, words)),
        text(frame, card.title, "body", weight="bold"),
        text(frame, sector_name(card.sector, words), "small", muted=True),
    ), Style(grow=1, basis=0, shrink=1, min_width=0, gap=t.space.xs, pad=t.space.s), fill=t.palette.surface,
        radius=t.radius.card, border=t.outline, border_color=t.palette.outline, action=intent("trade", card.pack_id))


def trade_page(card: TradeCard, words: Words, captions: bool, frame: Frame | None = None
               ) -> tuple[Scene, list[Target]]:
    """The trade's clip (its picture until the first frame) beside its words; in portrait, above them.
    Right to left, the clip moves to the right with the page."""
    frame = _frame(frame)
    _ = words.gettext
    t = frame.tokens
    label = _("Video: a day in this trade") + (" · CC" if captions else "")

    def media(box: Rect) -> tuple[list[Node], list[Hit]]:
        w = min(box.w, box.h * 16 / 9)
        area = Rect(box.x + (box.w - w) / 2, box.y, w, w * 9 / 16)
        nodes: list[Node] = [Image(area, card.image, radius=18)]
        if card.video:  # plays over the picture, which stays as the poster until the first frame
            nodes.append(Video(area, card.video, radius=18, loop=True))
        height = t.type.caption * 1.25 + 2 * t.space.s
        nodes.append(Panel(Rect(area.x, area.y + area.h - height, area.w, height), t.palette.scrim, layer=1))
        anchor = area.x + area.w - t.space.m if frame.rtl else area.x + t.space.m
        nodes.append(Text(anchor, area.y + area.h - height + t.space.s, label, t.type.caption, t.palette.text,
                          align="right" if frame.rtl else "left", max_width=area.w - 2 * t.space.m, layer=1))
        return nodes, []

    words_column = Box((
        text(frame, shortage_badge(card.shortage_level, words), "caption", colour=t.palette.accent, weight="bold"),
        _title(frame, card.title),
        text(frame, card.pitch, "body"),
        text(frame, _("Sector: {sector} · ROME code {code}").format(sector=sector_name(card.sector, words),
                                                                    code=card.rome), "caption", muted=True),
    ), Style(grow=1, shrink=1, basis=0, gap=t.space.s, min_width=0))
    clip = Fill(media, Style(grow=1.3, shrink=1, basis=0, min_height=200, min_width=0))
    body: list[Item] = [Box((clip, words_column), Style(row=not frame.portrait, gap=t.space.l, grow=1, shrink=1)),
                        text(frame, _("Try a real situation of this trade: about 5 minutes. There are no wrong "
                                      "answers, only ways of working."), "body")]
    return _built(frame, page(frame, top_bar(words, frame), body,
                              footer(words, frame, back=_("Other trades"), primary=_("Try it"))),
                  "trade", f"trade:{card.pack_id}")


def results_sections(outcome: Outcome, words: Words, frame: Frame) -> list[Item]:
    """The results' body, section by section (a screen may add its own after these)."""
    _ = words.gettext
    if not outcome.skills:
        return [text(frame, _("Not enough answers to say anything yet: try a scenario to the end."), "body")]
    placed = any(line.enough for line in outcome.skills)  # a range is drawn: say how to read it
    sections: list[Item] = [text(frame, _("The bar shows where you stand among visitors. The wider it is, the less "
                                          "sure we are.") if placed else
                                 _("Not enough moments yet to place a skill among visitors. Try another trade to "
                                   "learn more."), "caption", muted=True)]
    shown = 2 if frame.tokens.text_scale > 1 else 4  # what one screen holds in words; the phone page has them all
    rows = [skill_row(line, words, frame) for line in outcome.skills[:shown]]
    if rows:
        sections.append(_grid(frame, rows, 1 if frame.portrait else 2, frame.tokens.space.m))
    return sections


def results_page(outcome: Outcome, words: Words, frame: Frame | None = None,
                 extra: Sequence[Item] = ()) -> tuple[Scene, list[Target]]:
    """Each skill as a range among visitors (never a single number), with one sentence of evidence;
    `extra`: more sections after the skills."""
    frame = _frame(frame)
    _ = words.gettext
    body: list[Item] = [_title(frame, _("What you showed")), *results_sections(outcome, words, frame), *extra]
    return _built(frame, page(frame, top_bar(words, frame), body,
                              footer(words, frame, back=_("Try another trade"), primary=_("See job offers"))),
                  "results", f"skills:{len(outcome.skills)}", *(f"band:{line.band}" for line in outcome.skills[:4]))


def offers_page(outcome: Outcome, words: Words, frame: Frame | None = None) -> tuple[Scene, list[Target]]:
    frame = _frame(frame)
    _ = words.gettext
    t = frame.tokens
    body: list[Item] = [_title(frame, _("Jobs near you"))]
    if not outcome.offers:
        body.append(text(frame, _("No open offer matches right now. An adviser can help you look further."), "body"))
    large = frame.tokens.text_scale > 1
    shown = (4 if large else 6) if frame.portrait else (3 if large else 4)  # what one screen holds
    trainings = outcome.trainings[:1 if shown < 4 else 2]  # the way forward shares the screen with the jobs
    for offer in outcome.offers[:shown - (len(trainings) + 1 if trainings else 0)]:
        body.append(card(frame, (text(frame, f"{offer.title} · {offer.employer} · {offer.town}", "body", weight="bold"),
                                 text(frame, offer.reason, "caption", muted=True)),
                         style=Style(gap=t.space.xs, pad=t.space.m, shrink=0)))
    if trainings:
        body.append(text(frame, _("Trainings to go further"), "body", colour=t.palette.accent, weight="bold"))
    for training in trainings:
        body.append(card(frame, (text(frame, f"{training.title} · {training.provider} · {training.town}", "body",
                                      weight="bold"),
                                 text(frame, training.reason, "caption", muted=True)),
                         style=Style(gap=t.space.xs, pad=t.space.m, shrink=0)))
    return _built(frame, page(frame, top_bar(words, frame), body, footer(words, frame, primary=_("Continue"))),
                  "offers", f"offers:{len(outcome.offers)}", f"trainings:{len(trainings)}")


def handoff_page(outcome: Outcome, words: Words, frame: Frame | None = None) -> tuple[Scene, list[Target]]:
    frame = _frame(frame)
    _ = words.gettext
    t = frame.tokens
    said: list[Item] = [_title(frame, _("Take your results with you")),
                        text(frame, _("Scan this code with your phone's camera."), "body")]
    if outcome.qr_note:
        said.append(text(frame, outcome.qr_note, "caption", muted=True))
    # Portrait: the words take their height and the code sits right under them (not half a screen lower).
    said_style = Style(shrink=0, gap=t.space.m) if frame.portrait else \
        Style(grow=1, basis=0, shrink=1, gap=t.space.m, min_width=0)
    parts: list[Item] = [Box(tuple(said), said_style)]
    qr = outcome.qr.matrix() if outcome.qr is not None else None  # encoded off the frame thread; waits if not done
    if qr:
        def code(box: Rect) -> tuple[list[Node], list[Hit]]:
            size = min(box.w, box.h, 700.0)
            top = box.y if frame.portrait else box.y + (box.h - size) / 2
            return qr_nodes(qr, box.x + (box.w - size) / 2, top, size), []

        parts.append(Fill(code, Style(grow=1, basis=0, shrink=1, min_height=300, min_width=300)))
    body: list[Item] = [Box(tuple(parts), Style(row=not frame.portrait, gap=t.space.l, grow=1, shrink=1))]
    return _built(frame, page(frame, top_bar(words, frame), body, footer(words, frame, primary=_("Done"))),
                  "handoff", f"qr:{len(qr) if qr else 0}")


def thanks_page(words: Words, frame: Frame | None = None) -> tuple[Scene, list[Target]]:
    frame = _frame(frame)
    _ = words.gettext
    t = frame.tokens
    body: list[Item] = [Box((
        text(frame, _("Thank you for your visit!"), "display", weight="bold", align="center"),
        text(frame, _("An adviser of the agency can tell you more about these trades and their training."), "lead",
             muted=True, align="center"),
        Box((press(frame, _("Finish"), intent("next"), primary=True, min_width=360),), Style(align="center")),
    ), Style(grow=1, justify="center", gap=t.space.l, max_width=1400, self_align="center"))]
    return _built(frame, page(frame, top_bar(words, frame, quit_button=False), body), "thanks")


def idle_overlay(words: Words, seconds_left: float, targets: list[Target], frame: Frame | None = None) -> list[Node]:
    """Over any page: a countdown before the screen is wiped for the next visitor."""
    frame = _frame(frame)
    _ = words.gettext
    t = frame.tokens
    dialog = card(frame, (
        text(frame, _("Are you still there?"), "title", weight="bold", align="center"),
        text(frame, _("The screen starts again in {seconds} seconds.").format(seconds=f"{seconds_left:.0f}"),
             "lead", align="center"),
        Box((press(frame, _("I'm still here"), Stay(), primary=True, min_width=360),), Style(align="center")),
    ), style=Style(gap=t.space.l, pad=t.space.xl, max_width=1100))
    root = Box((dialog,), Style(width=frame.width, height=frame.height, align="center", justify="center",
                                pad=frame.margin), fill=t.palette.scrim)
    laid = lay_out(root, frame.width, frame.height, rtl=frame.rtl, layer=5)
    targets.extend(targets_of(laid))
    return laid.nodes
