"""Carries out the soundscape's decisions through pygame's mixer: the ambient loop on a channel of
its own (clips and event sounds never take it), event sounds on any free channel. Sounds are
decoded once; a missing or broken file is logged once and stays silent (the visit goes on)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from kiosk.config import SoundSettings
from kiosk.media.soundscape import Ducking, SoundEvent, ambient_gain, event_gain

log = logging.getLogger(__name__)
AMBIENT_CHANNEL = 0
FADE_MS = 600  # one ambient gives way to the next


class SoundPlayer:
    def __init__(self, settings: SoundSettings, events_dir: Path) -> None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame

        if pygame.mixer.get_init() is None:
            pygame.mixer.init(frequency=48_000, size=-16, channels=2, buffer=512)
        pygame.mixer.set_reserved(AMBIENT_CHANNEL + 1)
        self._mixer = pygame.mixer
        self.settings = settings
        self.events_dir = events_dir
        self.ducking = Ducking()
        self.ambient: Path | None = None
        self._sounds: dict[Path, Any] = {}
        self._broken: set[Path] = set()
        self.channel = pygame.mixer.Channel(AMBIENT_CHANNEL)

    def _sound(self, path: Path) -> Any:
        if path in self._broken:
            return None
        if path not in self._sounds:
            try:
                self._sounds[path] = self._mixer.Sound(str(path))
            except (OSError, RuntimeError, Exception) as exc:  # pygame.error is an Exception subclass
                log.error("sound %s not played: %s", path, exc)
                self._broken.add(path)
                return None
        return self._sounds[path]

    def play_ambient(self, path: Path | None) -> None:
        """Loop `path` (None: silence); the current loop fades out first."""
        if path == self.ambient:
            return
        self.ambient = path
        self.channel.fadeout(FADE_MS)
        sound = self._sound(path) if path is not None and not self.settings.mute else None
        if sound is not None:
            self.channel.play(sound, loops=-1, fade_ms=FADE_MS)

    def update(self, ducked: bool, now: float) -> float:
        """Follow the duck and the settings; returns the ambient's gain now."""
        self.ducking = self.ducking.update(ducked, now)
        gain = ambient_gain(self.settings, self.ducking, now)
        self.channel.set_volume(gain)
        return gain

    def event(self, event: SoundEvent) -> float:
        gain = event_gain(self.settings, event)
        sound = self._sound(self.events_dir / f"{event.value}.ogg") if gain > 0 else None
        if sound is not None:
            channel = sound.play()
            if channel is not None:
                channel.set_volume(gain)
        return gain

    def close(self) -> None:
        self.channel.stop()
