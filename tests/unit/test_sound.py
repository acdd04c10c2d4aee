"""Sound: the mixing and ducking decisions (pure, no real time), the cues a visit gives, the
`[sound]` config, the generated sample sounds, and the player on SDL's dummy audio driver."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from kiosk.config import SoundSettings, parse_settings
from kiosk.errors import ConfigError
from kiosk.media.audio import decode_audio
from kiosk.media.soundscape import DUCK_SECONDS, Ducking, SoundEvent, ambient_gain, event_gain
from kiosk.runtime import play
from kiosk.runtime.actions import Choose, Proceed
from kiosk.runtime.sound_cues import ambient_of, answer_event, clip_playing, cues, timer_event
from kiosk.scenario.load import inspect_pack
from kiosk.scenario.model import ChoiceStep, Scenario
from tests.stage_kit import write_staged_pack

REPO = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample_sounds", REPO / "scripts" / "make_sample_sounds.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    draft = inspect_pack(write_staged_pack(tmp_path_factory.mktemp("staged")), check_manifest=False).draft
    assert draft is not None
    return draft.scenario


def test_the_ambient_ducks_under_a_voice_with_a_ramp_and_comes_back() -> None:
    settings = SoundSettings(volume=1.0, ambient=0.5, duck=0.2)
    ducking = Ducking().update(True, 10.0)
    assert ambient_gain(settings, ducking, 10.0) == pytest.approx(0.5)  # the ramp starts where it was
    assert ambient_gain(settings, ducking, 10.0 + DUCK_SECONDS / 2) == pytest.approx(0.5 * 0.6)
    assert ambient_gain(settings, ducking, 10.0 + DUCK_SECONDS) == pytest.approx(0.1)
    assert ducking.update(True, 11.0) is ducking  # still ducked: the ramp does not restart
    back = ducking.update(False, 12.0)
    assert ambient_gain(settings, back, 12.0) == pytest.approx(0.1)
    assert ambient_gain(settings, back, 13.0) == pytest.approx(0.5)
    assert ambient_gain(SoundSettings(mute=True), back, 13.0) == 0.0


def test_event_sounds_have_their_own_volumes_and_mute_silences_them() -> None:
    settings = SoundSettings(volume=0.5, events=1.0)
    assert event_gain(settings, SoundEvent.PRESS) < event_gain(settings, SoundEvent.CORRECT) <= 0.5
    assert all(event_gain(SoundSettings(mute=True), event) == 0.0 for event in SoundEvent)


def test_the_sound_section_is_read_and_checked() -> None:
    settings = parse_settings("[sound]\nmute = true\nambient = 0.1\n").sound
    assert settings.mute and settings.ambient == 0.1 and settings.events == SoundSettings().events
    with pytest.raises(ConfigError, match=r"sound.volume: expected a number between 0.0 and 1.0"):
        parse_settings("[sound]\nvolume = 1.5\n")


def test_a_visit_gives_the_scene_ambient_and_answer_sounds(scenario: Scenario) -> None:
    state = play.start(scenario, 0.0)
    assert ambient_of(scenario, state) == "media/sounds/cuisine.ogg" and not clip_playing(scenario, state)
    asked = play.proceed(scenario, state, 1.0)
    assert ambient_of(scenario, asked) == "media/sounds/cuisine.ogg"  # the stage, so its ambient, persists
    best = play.choose(scenario, asked, "a", 2.0)
    other = play.choose(scenario, asked, "c", 2.0)
    assert answer_event(scenario, asked, best) == SoundEvent.CORRECT
    assert answer_event(scenario, asked, other) == SoundEvent.UNEXPECTED
    assert answer_event(scenario, state, asked) is None  # leaving a dialogue is no answer
    assert cues(scenario, asked, best, 1.0, 2.0).events == (SoundEvent.CORRECT,)
    hall = other  # no feedback nor reaction on `c`: straight on to the next step
    assert hall.step_id == "salle" and ambient_of(scenario, hall) is None  # a scene without an ambient


def test_a_timed_choice_sounds_once_when_time_runs_low(scenario: Scenario) -> None:
    from dataclasses import replace

    question = scenario.step("question")
    assert isinstance(question, ChoiceStep)
    timed_question = replace(question, seconds=20.0, timeout_next="fin")
    timed = replace(scenario, steps=tuple(timed_question if s.id == "question" else s for s in scenario.steps))
    state = play.jump(timed, play.start(timed, 0.0), "question", 100.0)
    assert timer_event(timed, state, state, 114.0, 115.5) == SoundEvent.TIMER_LOW
    assert timer_event(timed, state, state, 115.5, 116.0) is None
    assert timer_event(timed, state, state, 110.0, 114.0) is None


def test_sample_sounds_decode_with_an_independent_decoder(tmp_path: Path) -> None:
    script = _script()
    ambient = script.make_ambient(tmp_path / "cuisine.ogg")
    press = script.write_ogg(tmp_path / "press.ogg", script.EVENTS["press"]())
    pcm = decode_audio(ambient)  # PyAV (FFmpeg's decoder)
    assert pcm is not None and pcm.shape[1] == 2
    assert abs(pcm.shape[0] / 48_000 - script.AMBIENT_SECONDS) < 0.1
    assert np.sqrt(np.mean(pcm.astype(np.float64) ** 2)) > 500  # audible, not silence
    short = decode_audio(press)
    assert short is not None and short.shape[0] < 48_000 // 5
    assert script.make_ambient(tmp_path / "cuisine.ogg") is None  # already there: kept


def test_the_player_follows_the_decisions_on_the_dummy_audio_driver(tmp_path: Path) -> None:
    from kiosk.media.sound_player import SoundPlayer

    script = _script()
    ambient = script.make_ambient(tmp_path / "entrepot.ogg")
    script.write_ogg(tmp_path / "correct.ogg", script.EVENTS["correct"]())
    player = SoundPlayer(SoundSettings(volume=1.0, ambient=0.5, duck=0.2, events=1.0), tmp_path)
    try:
        player.play_ambient(ambient)
        assert player.channel.get_busy()
        assert player.update(False, 0.0) == pytest.approx(0.5)
        assert player.channel.get_volume() == pytest.approx(0.5, abs=0.01)
        player.update(True, 1.0)
        assert player.update(True, 1.0 + DUCK_SECONDS) == pytest.approx(0.1)
        assert player.channel.get_volume() == pytest.approx(0.1, abs=0.01)
        assert player.event(SoundEvent.CORRECT) == pytest.approx(0.8)
        assert player.event(SoundEvent.PRESS) > 0  # no press.ogg here: logged once, silent, no crash
        player.play_ambient(None)
        assert player.ambient is None
    finally:
        player.close()


def test_the_kiosk_wiring_plays_the_scene_ambient_and_the_answer_sounds(tmp_path: Path) -> None:
    from collections.abc import Callable
    from dataclasses import replace

    from kiosk.app.sound import attach_sound
    from kiosk.config import ContentSettings, Settings
    from tests.visit_kit import make_kit, start_scenario

    script = _script()
    pack = write_staged_pack(tmp_path / "scenarios")
    script.make_ambient(pack / "media" / "sounds" / "cuisine.ogg", force=True)
    for name, synth in script.EVENTS.items():
        script.write_ogg(tmp_path / "assets" / "sounds" / f"{name}.ogg", synth())
    draft = inspect_pack(pack, check_manifest=False).draft
    assert draft is not None
    kit = make_kit(tmp_path / "scenarios", tmp_path / "kiosk.db", packs=[draft])
    ticks: list[Callable[[float], None]] = []

    class Loop:
        def every(self, seconds: float, callback: Callable[[float], None]) -> None:
            ticks.append(callback)

    content = ContentSettings(scenarios=tmp_path / "scenarios", assets=tmp_path / "assets")
    settings = replace(Settings(), content=content)
    player = attach_sound(Loop(), kit.screen, settings)  # type: ignore[arg-type]
    assert player is not None and len(ticks) == 1
    heard: list[SoundEvent] = []
    played = player.event

    def hear(event: SoundEvent) -> float:
        heard.append(event)
        return played(event)

    player.event = hear  # type: ignore[method-assign]
    try:
        start_scenario(kit.pilot, "fr", "staged")
        ticks[0](kit.pilot.now)
        assert player.ambient == tmp_path / "scenarios" / "staged" / "media" / "sounds" / "cuisine.ogg"
        assert player.channel.get_busy()
        kit.pilot.tap(Proceed())
        ticks[0](kit.pilot.now)
        kit.pilot.tap(Choose("a"))
        ticks[0](kit.pilot.now)
        assert SoundEvent.CORRECT in heard and SoundEvent.PRESS in heard
        kit.pilot.tap(Proceed())  # on to the hall: a scene without an ambient
        ticks[0](kit.pilot.now)
        assert player.ambient is None
    finally:
        player.close()
    muted = replace(settings, sound=SoundSettings(mute=True))
    assert attach_sound(Loop(), kit.screen, muted) is None  # type: ignore[arg-type,unused-ignore]
