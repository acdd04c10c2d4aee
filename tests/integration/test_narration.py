"""Narration through the real espeak-ng (installed by scripts/setup.sh): speech in each interface language."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

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
