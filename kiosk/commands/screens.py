"""`kiosk screens`: every screen of a visit as PNG files (docs/screens/), and the layout check over
every screen, language, mode and shape.

The results, offers and hand-off pages show a real outcome (kiosk.visit.sample).
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import Settings

if TYPE_CHECKING:
    from kiosk.render.renderer import GLRenderer
from kiosk.errors import ConfigError
from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.runtime.gallery import LANGUAGES, MODES, SHAPES, Shot, prefs_for, shots
from kiosk.scenario.load import load_packs
from kiosk.scenario.model import DialogueStep, Pack
from kiosk.view.check import Problem, check
from kiosk.visit.sample import sample_outcomes

# What docs/screens/ shows of each screen: French as most visitors see it, Arabic with larger text and
# high contrast (right to left, the most demanding), Ukrainian on a portrait kiosk.
DOC_SETS = (("fr", "normal", "1920x1080"), ("ar", "large-text+high-contrast", "1920x1080"),
            ("uk", "normal", "1080x1920"))
STAGED_SETS = (("fr", "normal", "1280x720"), ("ar", "normal", "1280x720"))  # every pack's stage and reactions


@dataclass(frozen=True, slots=True)
class Finding:
    language: str
    mode: str
    shape: str
    screen: str
    problem: Problem

    def __str__(self) -> str:
        return f"{self.screen} [{self.language}, {self.mode}, {self.shape}] {self.problem}"


def _feeds(settings: Settings) -> tuple[Path, Path]:
    """The kiosk's offers and trainings feeds, or the bundled samples where none was imported."""
    assets = settings.content.assets
    offers = settings.offers.path if settings.offers.path.exists() else assets / "offers" / "sample-offers.csv"
    trainings = settings.trainings.path if settings.trainings.path.exists() \
        else assets / "trainings" / "sample-trainings.csv"
    return offers, trainings


def _packs(settings: Settings) -> list[Pack]:
    packs, _errors = load_packs(settings.content.scenarios)
    if not packs:
        raise ConfigError(f"no valid scenario pack in {settings.content.scenarios}",
                          hint="kiosk lint says what is wrong with them")
    return packs


def check_all(settings: Settings, languages: Sequence[str] = LANGUAGES, modes: Sequence[str] = MODES,
              shapes: Sequence[str] = ("1920x1080", "1280x720", "1080x1920"), *,
              every_step: bool = True) -> Iterator[Finding]:
    """The layout check over every screen × language × mode × shape."""
    packs = _packs(settings)
    catalogs = Catalogs.load(NATIVE_NAMES)
    with tempfile.TemporaryDirectory(prefix="kiosk-screens-") as folder:
        offers, trainings = _feeds(settings)
        outcomes = sample_outcomes(offers, packs, Path(folder), trainings)
        for language, mode, shape in itertools.product(languages, modes, shapes):
            contrast = 7.0 if prefs_for(mode).high_contrast else 4.5
            for shot in shots(packs, catalogs, language, mode, SHAPES[shape], outcomes, every_step=every_step):
                for problem in check(shot.scene, [(t.rect, t.action) for t in shot.targets], min_contrast=contrast):
                    yield Finding(language, mode, shape, shot.name, problem)


def _staged(packs: Sequence[Pack]) -> set[str]:
    """The screenshots of the staged packs: each pack's first dialogue on stage (the reactions are added
    by name: `...-reaction`)."""
    return {f"06-play-{pack.id}-{step.id}" for pack in packs
            for step in [next((s for s in pack.scenario.steps if isinstance(s, DialogueStep)), None)] if step}


def _draw(renderer: GLRenderer, shot: Shot, scenarios: Path) -> None:
    """The shot as a visitor sees it: clips at their first frame, pictures rasterised off the frame
    thread waited for."""
    from kiosk.commands.posters import show_first_frames

    show_first_frames(renderer, shot.scene, scenarios)
    renderer.draw(shot.scene)
    for _ in range(3):
        if not renderer.waiting():
            break
        renderer.images.vectors.wait()
        renderer.draw(shot.scene)


def write_screens(settings: Settings, out: Path, scale: float = 0.4,
                  sets: Sequence[tuple[str, str, str]] = (*DOC_SETS, *STAGED_SETS),
                  progress: Callable[[Path], None] | None = None) -> list[Path]:
    """PNG files `{language}-{mode}-{shape}-{screen}.png` in `out`, at `scale` of each shape's pixels."""
    from kiosk.render.capture import write_png
    from kiosk.render.context import create_offscreen_context
    from kiosk.render.renderer import GLRenderer
    from kiosk.render.text import FontFiles

    packs = _packs(settings)
    staged = _staged(packs)
    catalogs = Catalogs.load(NATIVE_NAMES)
    roots = [settings.content.assets / "images", settings.content.scenarios]
    ctx = create_offscreen_context()
    written: list[Path] = []
    renderers: dict[str, GLRenderer] = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-screens-") as folder:
        offers, trainings = _feeds(settings)
        outcomes = sample_outcomes(offers, packs, Path(folder), trainings)
        for language, mode, shape in sets:
            width, height = SHAPES[shape]
            renderer = renderers.get(shape)
            if renderer is None:
                renderer = renderers[shape] = GLRenderer(ctx, (round(width * scale), round(height * scale)), roots,
                                                         FontFiles.bundled(settings.content.assets))
            every_step = (language, mode, shape) in STAGED_SETS  # each pack's staged dialogue and a reaction
            shot: Shot
            for shot in shots(packs, catalogs, language, mode, (width, height), outcomes, every_step=every_step):
                if every_step and shot.name not in staged and not shot.name.endswith("-reaction"):
                    continue
                _draw(renderer, shot, settings.content.scenarios)
                path = write_png(out / f"{language}-{mode}-{shape}-{shot.name}.png", renderer.read_pixels())
                written.append(path)
                if progress is not None:
                    progress(path)
    for renderer in renderers.values():
        renderer.release()
    return written


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Without --check: writes, for each screen, French (normal), Arabic (larger text + high contrast) and "
        "Ukrainian on a portrait screen, as PNG files into --out. With --check: lays out every screen and every "
        "step of every pack in fr/en/ar/uk × normal, larger text, high contrast, easy-read, one-button × "
        "1920x1080, 1280x720, 1080x1920 and reports text that overflows, overlapping or too small targets, what "
        "leaves the screen and low contrast (exit status 1 if anything is found).")
    parser.add_argument("--out", type=Path, default=Path("docs/screens"), help="folder of the PNG files")
    parser.add_argument("--check", action="store_true", help="run the layout check instead of drawing")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands import arguments

    settings = arguments.settings(args)
    if args.check:
        found = 0
        for finding in check_all(settings):
            found += 1
            print(finding)
        print(f"layout check: {found} problem{'s' if found != 1 else ''}")
        return 1 if found else 0
    written = write_screens(settings, args.out)
    print(f"screens: {len(written)} PNG files in {args.out}/")
    return 0
