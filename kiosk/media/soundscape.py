"""What the kiosk's sound should be at an instant: the scene's ambient loop and its volume, short
event sounds and theirs. Pure decisions (times and flags in, gains out) so they are tested without
a sound card; `SoundPlayer` (media/sound_player.py) carries them out through pygame's mixer.

Volumes multiply: the agency's master volume × the kind's volume (ambient or events) × the sound's
own volume. The ambient is ducked (lowered, not stopped) while narration speaks or a clip plays its
own sound track, with a short ramp so it never jumps; mute silences everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.config import SoundSettings

DUCK_SECONDS = 0.4  # the ramp down under a voice or a clip, and back up after


class SoundEvent(StrEnum):
    CORRECT = "correct"  # the visitor picked the best-credited answer
    UNEXPECTED = "unexpected"  # another answer: a gentle sound, never a buzzer
    TIMER_LOW = "timer-low"  # a timed choice has a few seconds left
    PRESS = "press"  # a button was pressed


EVENT_VOLUMES = {SoundEvent.CORRECT: 0.8, SoundEvent.UNEXPECTED: 0.6, SoundEvent.TIMER_LOW: 0.7,
                 SoundEvent.PRESS: 0.35}  # each sound's own level: a press is heard often, so it is soft


@dataclass(frozen=True, slots=True)
class Ducking:
    """Whether the ambient is ducked, and since when (seconds on the kiosk clock)."""

    ducked: bool = False
    since: float = float("-inf")

    def update(self, ducked: bool, now: float) -> Ducking:
        return self if ducked == self.ducked else Ducking(ducked, now)

    def level(self, settings: SoundSettings, now: float) -> float:
        """1.0 when not ducked, `settings.duck` when ducked, eased in between over DUCK_SECONDS."""
        ramp = min(1.0, max(0.0, (now - self.since) / DUCK_SECONDS))
        low = settings.duck
        return 1.0 - (1.0 - low) * ramp if self.ducked else low + (1.0 - low) * ramp


def ambient_gain(settings: SoundSettings, ducking: Ducking, now: float) -> float:
    if settings.mute:
        return 0.0
    return settings.volume * settings.ambient * ducking.level(settings, now)


def event_gain(settings: SoundSettings, event: SoundEvent) -> float:
    if settings.mute:
        return 0.0
    return settings.volume * settings.events * EVENT_VOLUMES[event]
