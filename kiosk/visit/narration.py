"""Reading screens aloud with espeak-ng (offline text to speech), one utterance at a time."""

from __future__ import annotations

import logging
import shutil
import subprocess

from kiosk.languages import REGISTRY

log = logging.getLogger(__name__)
VOICES = {entry.code: entry.voice or entry.code for entry in REGISTRY}  # espeak-ng voices (kiosk.languages)


class EspeakNarrator:
    """`narrator(text, language)` starts speaking and returns at once; a new screen cuts the last one short."""

    def __init__(self, program: str | None = None) -> None:
        self.program = program or shutil.which("espeak-ng")
        self._speaking: subprocess.Popen[bytes] | None = None
        self._warned = False

    @property
    def speaking(self) -> bool:
        """A screen is being read aloud now (the ambient ducks under it)."""
        return self._speaking is not None and self._speaking.poll() is None

    def __call__(self, text: str, language: str) -> None:
        if self.program is None:
            if not self._warned:  # said once, where the operator looks: the visitor's screen still works
                log.warning("a visitor turned narration on but espeak-ng is not installed: screens are not read "
                            "aloud (apt install espeak-ng)")
                self._warned = True
            return
        if not text:
            return
        self.stop()
        self._speaking = subprocess.Popen([self.program, "-v", VOICES.get(language, "en"), "-s", "150", "--", text],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def to_wav(self, text: str, language: str, path: str) -> None:
        """Write the speech to a WAV file instead (tests, pre-recorded narration)."""
        if self.program is None:
            raise FileNotFoundError("espeak-ng")
        subprocess.run([self.program, "-v", VOICES.get(language, "en"), "-w", path, "--", text], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)

    def stop(self) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()
        self._speaking = None
