"""Wiring the kiosk's sound: every few frames the visit's play state is read into sound cues
(runtime/sound_cues.py) and the player carries them out; a button press sounds at once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.config import Settings
from kiosk.media.sound_player import SoundPlayer
from kiosk.media.soundscape import SoundEvent
from kiosk.runtime.loop import FrameLoop
from kiosk.runtime.play import PlayState
from kiosk.runtime.session import Page
from kiosk.runtime.session_screen import SessionScreen
from kiosk.runtime.sound_cues import cues

log = logging.getLogger(__name__)
EVERY = 0.05  # seconds: a press is heard within a frame or three


def attach_sound(loop: FrameLoop, screen: SessionScreen, settings: Settings,
                 speaking: Callable[[], bool] = lambda: False) -> SoundPlayer | None:
    if settings.sound.mute:
        return None
    try:
        player = SoundPlayer(settings.sound, settings.content.assets / "sounds")
    except Exception as exc:  # no sound card: the kiosk works silently
        log.error("no ambient or event sounds (%s)", exc)
        return None
    last = _Last(None, 0.0, screen.session.last_input, screen.state_label())

    def tick(now: float) -> None:
        session, state = screen.session, screen.play
        label = screen.state_label()
        if session.last_input != last.input and label != last.label:  # an input that changed something
            player.event(SoundEvent.PRESS)
        last.input, last.label = session.last_input, label
        if session.page != Page.PLAY or state is None or session.trade not in screen.packs:
            player.play_ambient(None)
            player.update(speaking(), now)
            last.play = None
            return
        pack = screen.packs[session.trade]
        found = cues(pack.scenario, last.play, state, last.now, now)
        player.play_ambient(settings.content.scenarios / pack.id / found.ambient if found.ambient else None)
        player.update(found.clip or speaking(), now)
        for event in found.events:
            player.event(event)
        last.play, last.now = state, now

    loop.every(EVERY, tick)
    return player


@dataclass
class _Last:
    play: PlayState | None
    now: float
    input: float
    label: str
