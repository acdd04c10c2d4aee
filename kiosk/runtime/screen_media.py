"""What the session screen plays and says besides its layout: the attract poster, the trades' cards
and presentation clips, the captions of the clip on screen, and the text narration reads aloud."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kiosk.i18n import Catalogs
from kiosk.media.captions import Cue, cue_at
from kiosk.runtime.attract import AttractScreen, poster
from kiosk.runtime.pages import TradeCard
from kiosk.runtime.play import PlayState
from kiosk.runtime.play_view import MediaImage
from kiosk.scenario.model import Pack, Step, VideoStep
from kiosk.view.layout import Frame
from kiosk.view.nodes import Column, Group, Node, Text

CaptionLoader = Callable[[Path], Sequence[Cue]]
NARRATION_LIMIT = 600  # characters read aloud per screen: the titles and the main text, not a whole page


class ScreenMedia:
    def __init__(self, media: MediaImage, captions: CaptionLoader | None = None, *, live: bool = True) -> None:
        self.media = media  # pack media path → image the renderer finds (posters, pictures)
        self.captions: CaptionLoader = captions or (lambda path: ())
        self.live = live  # False: posters instead of clips (no media deck behind the renderer)

    def cards(self, packs: Iterable[Pack], language: str) -> list[TradeCard]:
        """Shortage trades first, then by title."""
        cards = [TradeCard(p.id, p.trade.title.get(language), p.trade.pitch.get(language), p.trade.sector,
                           p.trade.shortage_level, f"{p.id}/{p.trade.card_image}", p.trade.rome,
                           presentation_clip(p) if self.live else None)
                 for p in packs]
        return sorted(cards, key=lambda c: (-c.shortage_level, c.title))

    def attract(self, packs: Iterable[Pack], catalogs: Catalogs, language: str, now: float, *,
                reduced_motion: bool, frame: Frame | None = None) -> AttractScreen:
        """The poster between visits (kiosk/runtime/attract.py)."""
        return poster(packs, catalogs, language, now, reduced_motion=reduced_motion, frame=frame)

    def cues(self, pack: Pack, step: Step | None, language: str) -> Sequence[Cue]:
        """The captions of the step's clip in the visitor's language (else French, else the first written)."""
        if not isinstance(step, VideoStep) or not step.captions:
            return ()
        relative = step.captions.get(language) or step.captions.get("fr") or next(iter(step.captions.values()))
        return self.captions(pack.root / relative)

    @staticmethod
    def caption(cues: Sequence[Cue], state: PlayState, now: float) -> str | None:
        """The cue of the clip on screen, by the time since the step began (the clip started with it)."""
        if not cues:
            return None
        at = state.paused_at if state.paused_at is not None else now  # captions stand still too
        return cue_at(cues, at - state.entered_at)


def presentation_clip(pack: Pack) -> str | None:
    """The trade's own clip, else the scenario's first flat clip: what the trade page plays. Its stream
    is named `…#trade` so that a step playing the same clip starts it afresh (captions count from the
    step's start) instead of carrying on the trade page's loop."""
    if pack.trade.video:
        return f"{pack.id}/{pack.trade.video}#trade"
    clip = next((s.clip for s in pack.scenario.steps if isinstance(s, VideoStep) and not s.immersive), None)
    return f"{pack.id}/{clip}#trade" if clip else None


def narration(root: Node) -> str:
    """What narration reads of a screen."""
    return " ".join(_texts(root))[:NARRATION_LIMIT]


def _texts(node: Node) -> list[str]:
    """The titles and body texts, not the small print or the button labels."""
    if isinstance(node, Text):
        return [node.text] if node.size >= 30 and node.text != "NOVA" else []
    if isinstance(node, Group | Column):
        return [t for child in node.children for t in _texts(child)]
    return []
