"""Narration through the real espeak-ng (installed by scripts/setup.sh): speech in each interface language."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from kiosk.runtime.actions import Intent, Proceed, TogglePref
from kiosk.visit.narration import EspeakNarrator


@pytest.mark.parametrize(("language", "text"), [("fr", "Choisissez votre langue"), ("en", "Choose your language"),
                                                ("ar", "اختر لغتك"), ("uk", "Оберіть мову")])
def test_each_language_is_spoken(language: str, text: str, tmp_path: Path) -> None:
    narrator = EspeakNarrator()
    assert narrator.program, "espeak-ng is missing: run scripts/setup.sh"
    out = tmp_path / f"{language}.wav"
    narrator.to_wav(text, language, str(out))
    with wave.open(str(out)) as speech:
        seconds = speech.getnframes() / speech.getframerate()
    assert 0.5 < seconds < 5  # a short phrase, actually spoken


def test_a_new_screen_cuts_the_last_one_short_and_a_missing_program_only_warns(
        caplog: pytest.LogCaptureFixture) -> None:
    narrator = EspeakNarrator()
    narrator("Une phrase assez longue pour être encore en cours quand la suivante arrive.", "fr")
    first = narrator._speaking
    narrator("Suivante.", "fr")
    assert first is not None and first.wait(timeout=5) != 0  # terminated, not finished
    narrator.stop()
    silent = EspeakNarrator(program=None)
    silent.program = None
    silent("Bonjour", "fr")
    silent("Encore", "fr")
    assert sum("espeak-ng is not installed" in r.message for r in caplog.records) == 1


@pytest.mark.parametrize("language", ["ar", "uk"])
def test_read_aloud_speaks_the_scenario_in_the_visitors_language(language: str, published_scenarios: Path,
                                                                 tmp_path: Path) -> None:
    """With read-aloud on, the first step of a scenario is narrated from the pack's own `ar`/`uk` text, and the
    real espeak-ng speaks it with that language's voice (a WAV of a plausible length)."""
    from kiosk.scenario.load import load_packs
    from tests.visit_kit import make_kit

    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    p = kit.pilot
    p.tap_at(960, 540)
    p.tap(TogglePref("narration"))
    p.tap(Intent("language", language))
    p.tap(Proceed())
    p.tap(Intent("trade", "commis-de-cuisine"))
    p.tap(Intent("next"))
    assert p.page() == "play"
    packs, _ = load_packs(published_scenarios)
    first = next(pack for pack in packs if pack.id == "commis-de-cuisine").scenario.steps[0]
    expected = first.text.get(language) if first.text else ""
    said, spoken_in = kit.said[-1]
    assert spoken_in == language and expected and expected in said
    assert first.text is not None and first.text.get("fr") not in said  # not the French source
    wav = tmp_path / "step.wav"
    EspeakNarrator().to_wav(said, language, str(wav))
    with wave.open(str(wav)) as speech:
        seconds = speech.getnframes() / speech.getframerate()
    assert seconds > len(expected.split()) * 0.15  # every word spoken, not a skipped or unknown-voice blip
