"""`kiosk replay FILE`: play a visit's input journal back on the packs installed here, print its
timeline, check it reaches the same states, and optionally save a screenshot of every state and
keep the SQLite store the replayed visit recorded (`--store`: its results and xAPI statements)."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import moderngl

from kiosk.commands import arguments
from kiosk.commands.posters import show_first_frames
from kiosk.config import Settings
from kiosk.errors import ConfigError, KioskError
from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.render.capture import write_png
from kiosk.render.context import create_offscreen_context, create_window
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.replay import parse_journal, replay, screen_settings
from kiosk.runtime.session_screen import SessionScreen
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import load_packs
from kiosk.store.db import open_store
from kiosk.view.layout import design_size
from kiosk.visit.host import RecordingHost


class ReplayDivergedError(KioskError):
    exit_code = 1


@dataclass
class ReplaySummary:
    states: int
    screenshots: list[Path] = field(default_factory=list)


def _describe(entry: dict[str, Any]) -> str:
    event = entry.get("input")
    if event is None:
        return "(time)"
    kind = str(event["type"])
    if kind == "PointerDown":
        return f"tap ({event['x']:.0f}, {event['y']:.0f})"
    if kind == "KeyPressed":
        return f"key {event['key']}"
    if kind == "BoardIntent":
        return f"button {event['name']}"
    return kind


@contextlib.contextmanager
def _replay_store(settings: Settings, keep: Path | None) -> Iterator[Path]:
    """Where the replayed visit records: `keep`, or a scratch file removed afterwards. Never the
    kiosk's own store (a replay is not a visit)."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="kiosk-replay-") as scratch:
            yield Path(scratch) / "replay.db"
        return
    if keep.resolve() == settings.store.path.resolve():
        raise ConfigError(f"--store {keep} is the kiosk's own store", hint="give a new file, e.g. --store replay.db")
    keep.parent.mkdir(parents=True, exist_ok=True)
    yield keep


def run_replay(settings: Settings, path: Path, screenshots: Path | None, size: tuple[int, int],
               out: TextIO | None = None, *, watch: bool = False, speed: float = 1.0,
               store: Path | None = None) -> ReplaySummary:
    """`watch`: show the visit in a window at `speed` × real time, as the visitor saw it (trainers).
    `store`: the SQLite file to keep what the replayed visit recorded (kiosk export / sync read it)."""
    out = out or sys.stdout
    journal = parse_journal(path.read_text(encoding="utf-8").splitlines(), str(path))
    packs, _ = load_packs(settings.content.scenarios)
    installed = {p.id: p.version for p in packs}
    for pack_id, version in journal.header.get("packs", {}).items():
        if installed.get(pack_id) != version:
            out.write(f"warning: the visit used {pack_id} {version}, here it is {installed.get(pack_id, 'absent')}: "
                      "states may differ\n")
    catalogs = Catalogs.load(NATIVE_NAMES)
    skills = read_skills()
    options = screen_settings(journal.header)
    renderer = None
    roots = [settings.content.assets / "images", settings.content.scenarios]
    flip: Callable[[], None] = lambda: None  # noqa: E731
    if watch:
        window = create_window(size, fullscreen=False, title=f"Nova Kiosk replay · {path.name}")
        size = window.size

        def present(fbo: moderngl.Framebuffer) -> None:
            window.ctx.copy_framebuffer(window.ctx.screen, fbo)

        renderer = GLRenderer(window.ctx, size, roots, FontFiles.bundled(settings.content.assets), present,
                              design=design_size(*options.size))  # the visit's screen shape, fitted to the window
        flip = window.flip
    elif screenshots is not None:
        renderer = GLRenderer(create_offscreen_context(), size, roots, FontFiles.bundled(settings.content.assets),
                              design=design_size(*options.size))
    started = time.monotonic()
    summary = ReplaySummary(0)
    with _replay_store(settings, store) as db_path:
        db = open_store(db_path)

        def make(start: float, first_visit: int) -> SessionScreen:
            host = RecordingHost(db, skills, lambda: datetime.now(UTC))
            screen = SessionScreen(packs, catalogs, host, start, media=lambda media: None, settings=options,
                                   default_language=str(journal.header.get("language", "fr")),
                                   display=str(journal.header.get("display", "flat-screen")))
            screen.session = type(screen.session)(language=screen.default_language, visit=first_visit,
                                                  last_input=start)
            return screen

        t0 = float(journal.entries[0]["t"]) if journal.entries else 0.0

        def on_state(t: float, screen: SessionScreen, entry: dict[str, Any]) -> None:
            summary.states += 1
            label = screen.state_label()
            page, _, language, trade, played = label.split("|")[:5]
            step = played.split(":")[0]
            out.write(f"{t - t0:8.1f} s  {_describe(entry):<22} → {page} ({language}){' ' + trade if trade else ''}"
                      f"{' · ' + step if step else ''}\n")
            if watch:  # wait until this entry's moment, at the chosen speed
                time.sleep(max(0.0, (t - t0) / speed - (time.monotonic() - started)))
            if renderer is not None:
                scene = screen.view(t)
                show_first_frames(renderer, scene, settings.content.scenarios)  # no media deck plays here
                renderer.draw(scene)
                for _ in range(3):  # pictures rasterised off the frame thread: screenshots wait for them
                    if not renderer.waiting():
                        break
                    renderer.images.vectors.wait()
                    renderer.draw(scene)
                renderer.present()
                flip()
            if renderer is not None and screenshots is not None:
                name = f"{summary.states:04d}-{page}.png"
                summary.screenshots.append(write_png(screenshots / name, renderer.read_pixels()))

        try:
            result = replay(journal, make, on_state)
        finally:
            if renderer is not None:
                renderer.release()
            db.close()
    if result.divergence is not None:
        d = result.divergence
        raise ReplayDivergedError(f"{path}: entry {d.entry} at {d.t - t0:.1f} s reached `{d.got}` where the visit "
                                  f"reached `{d.expected}`",
                                  hint="the packs or the kiosk version differ from the visit's, or this is a bug: "
                                       "keep the journal and report it")
    out.write(f"replayed {summary.states} states: identical to the visit\n")
    return summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("journal", type=Path, help="a visit-*.jsonl file from the [session] replays folder")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="save a PNG of every state into DIR")
    parser.add_argument("--size", type=arguments.size, default=(960, 540), help="screenshot or window size (960x540)")
    parser.add_argument("--watch", action="store_true", help="show the visit in a window, in real time")
    parser.add_argument("--speed", type=float, default=1.0, help="with --watch: 2 plays twice as fast")
    parser.add_argument("--store", type=Path, metavar="FILE.db",
                        help="keep what the replayed visit recorded (results, xAPI statements) in this SQLite "
                             "file (default: a scratch file, removed); never the kiosk's own store")


def run(args: argparse.Namespace) -> int:
    if args.speed <= 0:
        raise ConfigError(f"--speed must be positive, got {args.speed}", hint="e.g. --speed 2")
    summary = run_replay(arguments.settings(args), args.journal, args.screenshots, args.size, watch=args.watch,
                         speed=args.speed, store=args.store)
    if summary.screenshots:
        print(f"screenshots: {len(summary.screenshots)} in {args.screenshots}/")
    if args.store is not None:
        print(f"store: {args.store} (kiosk --config … export --responses, or sqlite3, read it)")
    return 0
