"""Synthesise the kiosk's sample sounds (numpy, encoded to Ogg Vorbis by ffmpeg): the event sounds
under assets/sounds/ and an ambient loop per sample scene under scenarios/<pack>/media/sounds/.
They stay out of git (setup draws them); real recordings with the same names replace them.

    .venv/bin/python scripts/make_sample_sounds.py [--force]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
RATE = 48_000
AMBIENT_SECONDS = 8.0
PACK_AMBIENTS = {"commis-de-cuisine": "cuisine", "agent-logistique": "entrepot", "conducteur-routier": "route",
                 "electricien-batiment": "chantier", "aide-a-domicile": "domicile"}
Wave = npt.NDArray[np.float64]


def _t(seconds: float) -> Wave:
    return np.arange(int(seconds * RATE)) / RATE


def _noise(seconds: float, seed: int) -> Wave:
    return np.random.default_rng(seed).standard_normal(int(seconds * RATE))


def _lowpass(wave: Wave, cutoff: float) -> Wave:
    """One-pole low-pass, done in the frequency domain so it is fast and wraps (loops stay seamless)."""
    spectrum = np.fft.rfft(wave)
    freqs = np.fft.rfftfreq(len(wave), 1 / RATE)
    return np.fft.irfft(spectrum / np.sqrt(1 + (freqs / cutoff) ** 2), len(wave))


def _tone(freq: float, seconds: float, decay: float = 8.0) -> Wave:
    t = _t(seconds)
    attack = np.minimum(1.0, t / 0.01)
    return np.sin(2 * np.pi * freq * t) * attack * np.exp(-decay * t)


def _place(base: Wave, sound: Wave, at: float) -> None:
    start = int(at * RATE) % len(base)
    end = min(len(base), start + len(sound))
    base[start:end] += sound[:end - start]


def _normal(wave: Wave, peak: float) -> Wave:
    return wave * (peak / max(1e-9, float(np.max(np.abs(wave)))))


def ambient(name: str, seconds: float = AMBIENT_SECONDS) -> Wave:
    """A seamless loop that suggests the place: built from filtered noise and short sounds."""
    t = _t(seconds)
    if name == "cuisine":  # sizzling pans, a clink of plates now and then
        wave = _lowpass(_noise(seconds, 1), 6000) * (0.6 + 0.4 * np.sin(2 * np.pi * t / seconds) ** 2)
        for at in (1.1, 3.7, 6.2):
            _place(wave, 3 * _tone(2400, 0.4, 14) + 2 * _tone(3100, 0.4, 18), at)
    elif name == "entrepot":  # a large hall's hum, a forklift's reversing beeps
        wave = _lowpass(_noise(seconds, 2), 300) + 0.3 * np.sin(2 * np.pi * 100 * t)
        for at in np.arange(2.0, 4.0, 0.5):
            _place(wave, 0.8 * _tone(1200, 0.25, 3), at)
    elif name == "route":  # traffic passing by: swelling rumble
        swell = 0.5 + 0.5 * np.sin(2 * np.pi * 2 * t / seconds) ** 2
        wave = _lowpass(_noise(seconds, 3), 400) * swell
    elif name == "chantier":  # hammering and a distant machine
        wave = 0.5 * _lowpass(_noise(seconds, 4), 800)
        for at in np.arange(0.5, seconds, 1.3):
            _place(wave, 4 * _lowpass(_noise(0.12, int(at * 10)), 1500) * np.exp(-30 * _t(0.12)), float(at))
    else:  # domicile and any other place: a quiet room, a clock ticking
        wave = 0.3 * _lowpass(_noise(seconds, 5), 200)
        for at in np.arange(0.0, seconds, 1.0):
            _place(wave, 1.5 * _tone(3500, 0.03, 120), float(at))
    return _normal(wave, 0.5)


def _sequence(*notes: tuple[float, float]) -> Wave:
    return np.concatenate([_tone(freq, length, 6) for freq, length in notes])


EVENTS: dict[str, Callable[[], Wave]] = {
    "correct": lambda: _normal(_sequence((660, 0.12), (880, 0.3)), 0.7),  # a rising fifth: warm, short
    "unexpected": lambda: _normal(_sequence((440, 0.14), (370, 0.3)), 0.5),  # gently down: never a buzzer
    "timer-low": lambda: _normal(np.concatenate([_tone(1000, 0.08, 30), np.zeros(int(0.12 * RATE)),
                                                 _tone(1000, 0.08, 30)]), 0.6),
    "press": lambda: _normal(_tone(1800, 0.04, 90), 0.4),
}


def write_ogg(path: Path, wave: Wave) -> Path:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        sys.exit("make_sample_sounds: ffmpeg is missing (apt install ffmpeg, or run scripts/setup.sh)")
    pcm = (np.clip(wave, -1, 1) * 32767).astype("<i2")
    stereo = np.repeat(pcm[:, None], 2, axis=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([ffmpeg, "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(RATE), "-ac", "2", "-i", "-",
                    "-c:a", "libvorbis", "-q:a", "3", str(path)], input=stereo.tobytes(), check=True)
    return path


def make_ambient(path: Path, force: bool = False) -> Path | None:
    """The ambient named by the file (cuisine.ogg → a kitchen); None when it is there already."""
    if path.exists() and not force:
        return None
    return write_ogg(path, ambient(path.stem))


def make_all(force: bool = False) -> list[Path]:
    made: list[Path] = []
    for name, synth in EVENTS.items():
        target = REPO / "assets" / "sounds" / f"{name}.ogg"
        if force or not target.exists():
            made.append(write_ogg(target, synth()))
    for pack, place in PACK_AMBIENTS.items():
        if (REPO / "scenarios" / pack).is_dir():
            found = make_ambient(REPO / "scenarios" / pack / "media" / "sounds" / f"{place}.ogg", force)
            made += [found] if found else []
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="make the sounds again even if they exist")
    args = parser.parse_args(argv)
    made = make_all(args.force)
    print(f"make_sample_sounds: {len(made)} sound(s) made")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
