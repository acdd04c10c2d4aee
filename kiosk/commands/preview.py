"""`kiosk preview PACK`: composition root of the trainer's preview.

Loads the pack, makes flat thumbnails of its media (video posters, 360° pictures),
watches its files and reloads on save. In a window the trainer plays with touch, mouse
or keys; headless, a walker answers each step (`--answers`) and saves one screenshot
per step.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2

from kiosk.clock import MonotonicClock
from kiosk.commands import arguments
from kiosk.config import Settings
from kiosk.errors import ContentError
from kiosk.render.capture import write_png
from kiosk.render.context import create_offscreen_context, create_window, display_available
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime import play
from kiosk.runtime.actions import Choose, Confirm, Move, Proceed, Toggle
from kiosk.runtime.loop import FixedStep, FrameLoop, FramePacer
from kiosk.runtime.preview import PreviewOptions, PreviewScreen
from kiosk.runtime.stage_view import settle_seconds
from kiosk.scenario.load import Inspection, PackError, inspect_pack
from kiosk.scenario.model import ChoiceStep, HotspotStep, OrderingStep, Pack, Step, VideoStep

log = logging.getLogger(__name__)
# Findings that leave a draft playable: the trainer can still walk through it.
PLAYABLE_DESPITE = {"media", "evidence", "timer", "translation", "skill", "manifest", "unreachable"}
THUMB_MAX = (1440, 720)

PREVIEW_DESIGN = (1920.0, 1080.0)  # the trainer's preview lays steps out at 16:9 (play_view's default frame)


@dataclass(frozen=True)
class PreviewRun:
    headless: bool = False
    window: bool = False
    size: tuple[int, int] | None = None
    out_dir: Path = Path("out/preview")
    answers: tuple[str, ...] = ()
    language: str = "fr"
    easy: bool = False
    duration: float | None = None
    max_steps: int = 60
    watch: bool = False  # headless: walk again after every save, until `duration`


@dataclass
class PreviewSummary:
    mode: str
    screenshots: list[Path] = field(default_factory=list)
    path: tuple[str, ...] = ()
    reloads: int = 0


def playable(inspection: Inspection) -> Pack:
    """The draft when its errors do not stop play, else PackError."""
    blocking = [d for d in inspection.errors if d.check not in PLAYABLE_DESPITE]
    if inspection.draft is None or blocking:
        raise PackError(blocking or inspection.diagnostics)
    return inspection.draft


STAGE = "__stage__"  # image names of the pack's own stage pictures: a folder under the cache that links to the pack


def stage_pictures(pack: Pack) -> list[str]:
    scenario = pack.scenario
    pictures = [p for c in scenario.cast.values() for p in c.expressions.values()]
    pictures += [s.picture for s in scenario.scenes.values() if not s.picture.lower().endswith(".mp4")]
    return pictures


def link_stage(pack: Pack, cache: Path) -> None:
    """The cache's `__stage__` folder points at the pack, so the renderer finds its pictures by name."""
    link = cache / STAGE
    cache.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() and link.resolve() != pack.root.resolve():
        link.unlink()
    if not link.exists():
        link.symlink_to(pack.root.resolve(), target_is_directory=True)


def make_thumbnails(pack: Pack, cache: Path) -> dict[str, str]:
    """Flat pictures for the preview: a poster frame per clip, a scaled 360° picture.
    Returns pack media path → image name under `cache`."""
    names: dict[str, str] = {}
    for media in stage_pictures(pack):  # drawn by the renderer itself (SVG rasterised at the screen's size)
        names[media] = f"{STAGE}/{media}"
    for media, is_clip in _flat_media(pack):
        source = pack.root / media
        name = f"{pack.id}/{media}.png"
        if source.is_file() and _thumbnail(source, is_clip, cache / name):
            names[media] = name
    return names


def _flat_media(pack: Pack) -> list[tuple[str, bool]]:
    """The pack's clips and pictures the preview shows flat: (media path, is a clip)."""
    steps = pack.scenario.steps
    wanted = [(s.clip, True) for s in steps if isinstance(s, VideoStep)]
    wanted += [(s.image, False) for s in steps if isinstance(s, HotspotStep)]
    wanted += [(img, False) for s in steps if (img := getattr(s, "image", None)) and not isinstance(s, HotspotStep)]
    wanted += [(p.picture, True) for p in pack.scenario.scenes.values() if p.picture.lower().endswith(".mp4")]
    return wanted


def _thumbnail(source: Path, is_clip: bool, target: Path) -> bool:
    """Writes `target` unless it is newer than `source`; False when the source cannot be decoded."""
    if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
        return True
    frame = _poster(source) if is_clip else cv2.imread(str(source), cv2.IMREAD_COLOR)
    if frame is None:
        log.warning("preview: cannot decode %s", source)
        return False
    scale = min(1.0, THUMB_MAX[0] / frame.shape[1], THUMB_MAX[1] / frame.shape[0])
    frame = cv2.resize(frame, (int(frame.shape[1] * scale), int(frame.shape[0] * scale)),
                       interpolation=cv2.INTER_AREA)
    target.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(target), frame)
    return True


def _poster(clip: Path) -> Any:
    capture = cv2.VideoCapture(str(clip))
    try:
        capture.set(cv2.CAP_PROP_POS_MSEC, 1500)  # past the fade-in of most clips
        ok, frame = capture.read()
        return frame if ok else None
    finally:
        capture.release()


class PackWatcher:
    """Polls the pack's files; reports a new Pack or an error message when they change."""

    def __init__(self, pack_dir: Path) -> None:
        self.pack_dir = pack_dir
        self._stamp = self.stamp()

    def stamp(self) -> tuple[tuple[str, float, int], ...]:
        files = sorted(p for p in self.pack_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
        return tuple((str(p), p.stat().st_mtime, p.stat().st_size) for p in files)

    def poll(self) -> Pack | ContentError | None:
        stamp = self.stamp()
        if stamp == self._stamp:
            return None
        self._stamp = stamp
        try:
            return playable(inspect_pack(self.pack_dir, check_manifest=False))
        except ContentError as exc:
            return exc


def answer_step(screen: PreviewScreen, answers: list[str], now: float) -> None:
    """The headless walker: one action for the current step, from `answers` when it fits."""
    state, scenario = screen.state, screen.pack.scenario
    step = play.current(scenario, state)
    if state.feedback is not None or not (step.options() or isinstance(step, OrderingStep)):
        screen.act(Proceed(), now)
        return
    wanted = answers.pop(0) if answers else ""
    if isinstance(step, OrderingStep):
        _answer_ordering(screen, step, wanted, now)
    else:
        _answer_options(screen, step, wanted, now)


def _answer_ordering(screen: PreviewScreen, step: OrderingStep, wanted: str, now: float) -> None:
    if wanted not in ("", "correct", "shown"):
        raise ContentError(f"--answers: `{wanted}` is not an answer to the ordering `{step.id}`",
                           "write `correct` (the right order) or `shown` (the order on screen)")
    if wanted == "correct":
        for index, item in enumerate(step.correct):
            screen.act(Move(item, index), now)
    screen.act(Confirm(), now)


def _answer_options(screen: PreviewScreen, step: Step, wanted: str, now: float) -> None:
    """`a` chooses an option; `a+b` picks several where the step allows it; nothing takes the first."""
    ids = [o.id for o in step.options()]
    multiple = isinstance(step, ChoiceStep | HotspotStep) and step.multiple
    unknown = [p for p in wanted.split("+") if p and p not in ids]
    if unknown:
        raise ContentError(f"--answers: `{unknown[0]}` is not an answer of step `{step.id}`",
                           f"its answers are: {', '.join(ids)}" + (" (several picks: a+b)" if multiple else ""))
    picks = [p for p in wanted.split("+") if p] or ids[:1]
    if multiple:
        for pick in picks:
            screen.act(Toggle(pick), now)
        screen.act(Confirm(), now)
    else:
        screen.act(Choose(picks[0]), now)


def run_preview(settings: Settings, pack_dir: Path, run: PreviewRun) -> PreviewSummary:
    pack = playable(inspect_pack(pack_dir, check_manifest=False))
    cache = run.out_dir / ".thumbnails"
    link_stage(pack, cache)
    thumbs = make_thumbnails(pack, cache)
    clock = MonotonicClock()
    screen = PreviewScreen(pack, clock.now(), thumbs.get,
                           PreviewOptions(run.language, run.easy))
    headless = run.headless or not (run.window or display_available())
    size = run.size or (settings.display.width, settings.display.height)
    fonts = FontFiles.bundled(settings.content.assets)
    roots = [cache, settings.content.assets / "images"]
    if headless:
        renderer = GLRenderer(create_offscreen_context(), size, roots, fonts, design=PREVIEW_DESIGN)
        try:
            summary = _walk(screen, renderer, run)
            if run.watch:
                _watch_headless(screen, renderer, run, pack_dir, thumbs, cache, summary, clock)
        finally:
            renderer.release()
        return summary
    return _window(screen, size, roots, fonts, settings, run, pack_dir, thumbs, cache)


def _walk(screen: PreviewScreen, renderer: GLRenderer, run: PreviewRun) -> PreviewSummary:
    """Headless: answer every step and keep a screenshot of each, on a simulated clock."""
    summary = PreviewSummary("headless (EGL offscreen)")
    answers = list(run.answers)
    now = 0.0
    screen.state = play.start(screen.pack.scenario, now)
    for index in range(run.max_steps):
        shot = now + settle_seconds(screen.state, now)  # as the visitor sees it once the stage stands still
        renderer.draw(screen.view(shot))
        for _ in range(3):  # pictures rasterised off the frame thread: wait for them, then draw again
            if not renderer.waiting():
                break
            renderer.images.vectors.wait()
            renderer.draw(screen.view(shot))
        state = screen.state
        name = f"{index:02d}-{state.step_id}{'-feedback' if state.feedback else ''}.png"
        summary.screenshots.append(write_png(run.out_dir / screen.pack.id / name, renderer.read_pixels()))
        if state.finished:
            break
        now += 2.0  # reading time on the simulated clock; timers never expire here
        answer_step(screen, answers, now)
    summary.path = screen.state.path
    return summary


def _watch_headless(screen: PreviewScreen, renderer: GLRenderer, run: PreviewRun, pack_dir: Path,
                    thumbs: dict[str, str], cache: Path, summary: PreviewSummary, clock: MonotonicClock) -> None:
    """Headless live reload: walk the scenario again after each save, until `duration`."""
    import time

    watcher = PackWatcher(pack_dir)
    reload = reloader(screen, watcher, thumbs, cache, summary)
    deadline = None if run.duration is None else clock.now() + run.duration
    while deadline is None or clock.now() < deadline:
        time.sleep(0.5)
        before = summary.reloads
        reload(clock.now())
        if summary.reloads != before:
            walked = _walk(screen, renderer, run)
            summary.screenshots += walked.screenshots
            summary.path = walked.path
            log.info("preview: walked again, %d screenshots", len(walked.screenshots))


def _window(screen: PreviewScreen, size: tuple[int, int], roots: list[Path], fonts: FontFiles, settings: Settings,
            run: PreviewRun, pack_dir: Path, thumbs: dict[str, str], cache: Path) -> PreviewSummary:
    from kiosk.render.window_input import make_event_translator, make_pygame_input

    clock = MonotonicClock()
    window = create_window(size, settings.display.fullscreen)
    ctx, size = window.ctx, window.size

    def present(fbo: object) -> None:
        ctx.copy_framebuffer(ctx.screen, fbo)  # type: ignore[arg-type]
        window.flip()

    renderer = GLRenderer(ctx, size, roots, fonts, present, design=PREVIEW_DESIGN)
    wait_input = make_pygame_input(make_event_translator(renderer.viewport, size, clock.now))
    loop = FrameLoop(screen, renderer, clock, wait_input, FramePacer(settings.display.max_fps, 10), FixedStep(),
                     ambient=False)
    watcher = PackWatcher(pack_dir)
    summary = PreviewSummary("window")
    loop.every(0.5, reloader(screen, watcher, thumbs, cache, summary))
    try:
        loop.run(until=None if run.duration is None else clock.now() + run.duration)
    finally:
        summary.path = screen.state.path
        renderer.release()
    return summary


def reloader(screen: PreviewScreen, watcher: PackWatcher, thumbs: dict[str, str], cache: Path,
              summary: PreviewSummary) -> Callable[[float], None]:
    def check(now: float) -> None:
        result = watcher.poll()
        if isinstance(result, ContentError):
            log.warning("preview: %s", result)
            screen.show_error(str(result))
        elif result is not None:
            thumbs.clear()
            thumbs.update(make_thumbnails(result, cache))
            screen.reload(result, now)
            summary.reloads += 1
            log.info("preview: reloaded %s", result.id)
    return check


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Play a pack as a job seeker would (touch, mouse, keys 1-9, Enter, R to restart). It "
                          "reloads on every save and stays on the current step; an error in the saved file is "
                          "shown in a banner while the last good version keeps playing. Headless, it answers "
                          "each step and saves one screenshot per step.")
    parser.add_argument("pack", type=Path, metavar="PACK")
    parser.add_argument("--headless", action="store_true", help="offscreen: walk the scenario, save screenshots")
    parser.add_argument("--window", action="store_true", help="open a window even when no display is detected")
    parser.add_argument("--size", type=arguments.size, help="window or offscreen size, e.g. 1280x720")
    parser.add_argument("--out", type=Path, default=Path("out/preview"), help="screenshot folder")
    parser.add_argument("--answers", default="", metavar="A,B,...",
                        help="headless answers in order: option ids, `a+b` for several picks, `correct` or `shown` "
                             "for an ordering; an empty or missing answer takes the first option; an unknown id "
                             "is an error naming the step's answers")
    parser.add_argument("--lang", default="fr", help="language (default fr)")
    parser.add_argument("--easy", action="store_true", help="easy-read (FALC) texts where the pack has them")
    parser.add_argument("--watch", action="store_true", help="headless: walk again after every save")
    parser.add_argument("--duration", type=arguments.positive, help="stop after this many seconds")


def run(args: argparse.Namespace) -> int:
    options = PreviewRun(headless=args.headless, window=args.window, size=args.size, out_dir=args.out,
                         answers=tuple(a for a in args.answers.split(",") if a), language=args.lang, easy=args.easy,
                         duration=args.duration, watch=args.watch)
    summary = run_preview(arguments.settings(args), args.pack, options)
    print(f"preview: {summary.mode}, path {' → '.join(summary.path)}")
    if summary.screenshots:
        print(f"screenshots: {len(summary.screenshots)} in {summary.screenshots[-1].parent}/")
    return 0
