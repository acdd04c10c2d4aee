"""The session screen's picture: the page the session is on, with the idle countdown over it, the
focus ring, the visitor's preferences applied and the layout mirrored for right-to-left
languages. Pure: a `ViewInputs` value in, (Scene, targets) out; the last one is kept while
nothing that decides it changes, so an idle kiosk rebuilds nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from kiosk.i18n import Words
from kiosk.media.sphere import Look
from kiosk.runtime import pages
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.consent import build_view as consent_view
from kiosk.runtime.debrief import DebriefCard
from kiosk.runtime.debrief_view import debrief_page
from kiosk.runtime.outcome import Outcome
from kiosk.runtime.pages import TradeCard
from kiosk.runtime.play import PlayState
from kiosk.runtime.play_view import LiveMedia, MediaImage, Target, focusable
from kiosk.runtime.play_view import build_view as play_view
from kiosk.runtime.session import Page, Session
from kiosk.runtime.widgets import press
from kiosk.scenario.model import Pack
from kiosk.view.layout import Frame
from kiosk.view.nodes import Group, Node, Panel, Rect, Scene


@dataclass(frozen=True)
class ViewInputs:
    session: Session
    words: Words
    prefs: Prefs
    retention_days: int
    sector: str  # the catalogue's filter and page
    scroll: int
    focus: int | None
    look: Look
    media: MediaImage
    live: bool  # clips play and 360° views are looked around (False: posters)
    pack: Pack | None  # the scenario being played, and where it is
    play: PlayState | None
    caption: str | None
    idle_left: float | None  # seconds before the reset while the countdown shows
    timer: float | None  # seconds left to answer a timed choice
    cards: Callable[[str], list[TradeCard]]
    outcome: Callable[[], Outcome]
    frame: Frame  # the shape, tokens and direction the screens are laid out for
    debrief: Callable[[], Sequence[DebriefCard]] = tuple  # the key moments of the scenario just played

    def key(self, outcome_id: int | None) -> tuple[object, ...]:
        return view_key(self.session, self.play, self.prefs, self.focus, self.sector, self.scroll, self.look,
                        self.caption, self.idle_left, self.timer, outcome_id)


def view_key(session: Session, play: PlayState | None, prefs: Prefs, focus: int | None, sector: str, scroll: int,
             look: Look, caption: str | None, idle_left: float | None, timer: float | None,
             outcome_id: int | None) -> tuple[object, ...]:
    """What decides the picture, cheap to compare on every frame: countdowns count in whole seconds."""
    return (session, play, prefs, focus, sector, scroll, look, caption,
            None if idle_left is None else int(idle_left + 0.999), None if timer is None else int(timer + 0.999),
            outcome_id)


def state_label(s: Session, p: PlayState | None, prefs: Prefs, focus: int | None, sector: str, scroll: int,
                look: Look) -> str:
    """Everything that decides what is on screen, in one line (journals record it; replays compare it).
    Changing it changes the journal format (kiosk.runtime.replay.FORMAT)."""
    played = "" if p is None else f"{p.step_id}:{','.join(p.picked)}:{','.join(p.order)}:{p.feedback or ''}"
    wanted = "".join("1" if getattr(prefs, name) else "0" for name in pages.PREF_LABELS)
    consent = f"{int(s.consent.results_to_phone)}{int(s.consent.share_with_employers)}"
    return (f"{s.page}|visit {s.visit}|{s.language}|{s.trade}|{played}|warn {int(s.warning)}|"
            f"focus {focus}|prefs {wanted}|consent {consent}|{sector}|{scroll}|look {look.yaw:.0f},{look.pitch:.0f}")


class ScreenView:
    def __init__(self) -> None:
        self._cache: tuple[tuple[object, ...], Scene, list[Target]] | None = None

    def forget(self) -> None:
        """The next build starts afresh (new content, or a visit wiped)."""
        self._cache = None

    def build(self, key: tuple[object, ...], make: Callable[[], ViewInputs], now: float) -> tuple[Scene, list[Target]]:
        """The picture for `key` (view_key): kept from the last build when the key is the same, else made
        from `make()`'s inputs."""
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1], self._cache[2]
        inputs = make()
        built, targets = page_view(inputs, now)
        nodes: list[Node] = [built.root]
        if inputs.idle_left is not None:
            targets = []  # while the countdown shows, the only target is "I'm still here"
            nodes.extend(pages.idle_overlay(inputs.words, inputs.idle_left, targets, inputs.frame))
        reachable = focusable(targets)
        if inputs.focus is not None and inputs.focus < len(reachable):
            r = reachable[inputs.focus].rect
            ring = 6.0  # drawn just outside the target, inside the screen's edge
            nodes.append(Panel(Rect(max(0.0, r.x - ring), max(0.0, r.y - ring), r.w + 2 * ring, r.h + 2 * ring),
                               (0.0, 0.0, 0.0, 0.0), radius=min(r.h / 2 + ring, 34.0), border=ring,
                               border_color=inputs.frame.tokens.palette.focus, layer=6))
        scene = replace(built, root=Group(tuple(nodes)))  # laid out for the frame: tokens and direction applied
        self._cache = (key, scene, targets)
        return scene, targets


def page_view(inputs: ViewInputs, now: float) -> tuple[Scene, list[Target]]:
    """The page the session is on, as its builder in kiosk.runtime.pages (or consent, play_view) draws it."""
    s, words, frame = inputs.session, inputs.words, inputs.frame
    page = s.page
    if page == Page.LANGUAGE:
        return pages.language_page(words, inputs.prefs, frame)
    if page == Page.CONSENT:
        return consent_view(s.consent, words, inputs.retention_days, frame=frame, top=pages.top_bar(words, frame),
                            back=[press(frame, words.gettext("Back"), pages.intent("back"), min_width=240)])
    if page == Page.CATALOGUE:
        return pages.catalogue_page(inputs.cards(s.language), words, inputs.sector, inputs.scroll, frame)
    if page == Page.TRADE:
        card = next(c for c in inputs.cards(s.language) if c.pack_id == s.trade)
        return pages.trade_page(card, words, inputs.prefs.captions, frame)
    if page == Page.PLAY and inputs.play is not None and inputs.pack is not None:
        return _play_page(inputs, inputs.pack, inputs.play, now)
    if page == Page.DEBRIEF:
        return debrief_page(inputs.debrief(), words, inputs.prefs, frame)
    if page == Page.RESULTS:
        return pages.results_page(inputs.outcome(), words, frame)
    if page == Page.OFFERS:
        return pages.offers_page(inputs.outcome(), words, frame)
    if page == Page.HANDOFF:
        return pages.handoff_page(inputs.outcome(), words, frame)
    return pages.thanks_page(words, frame)


def _play_page(inputs: ViewInputs, pack: Pack, state: PlayState, now: float) -> tuple[Scene, list[Target]]:
    words = inputs.words
    paused = state.paused_at is not None
    banner = words.gettext("Paused: put the headset back on to carry on.") if paused else None
    live = LiveMedia(pack.id, inputs.look, inputs.caption, paused) if inputs.live else None
    title = pack.trade.title.get(inputs.session.language)
    return play_view(pack.scenario, state, words=words, trade_title=title, now=now, media=inputs.media,
                     easy=inputs.prefs.easy_read, banner=banner, live=live, frame=inputs.frame,
                     chrome=pages.play_chrome(words, inputs.frame), reduced_motion=inputs.prefs.reduced_motion)
