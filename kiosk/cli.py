"""The `kiosk` command. Errors become one-line messages and exit codes here, and only here."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.config import Settings, load_settings
from kiosk.errors import KioskError


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x720, got {text!r}") from None
    if not (160 <= w <= 7680 and 120 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"size {w}x{h} is out of range (160x120 .. 7680x4320)")
    return w, h


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("expected a positive number")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Nova Kiosk: job-discovery kiosk engine.")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", type=Path, help="TOML settings file (default: built-in settings)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the kiosk (a window if there is a display, else headless)")
    run.add_argument("--headless", action="store_true", help="render offscreen through EGL even with a display")
    run.add_argument("--window", action="store_true",
                     help="open a window even when no display is detected (e.g. SDL_VIDEODRIVER=offscreen)")
    run.add_argument("--fullscreen", action="store_true", help="fill the screen (production kiosks)")
    run.add_argument("--size", type=_size, help="window or offscreen size, e.g. 1280x720")
    run.add_argument("--duration", type=_positive, help="stop after this many seconds (default: run until stopped)")
    run.add_argument("--screenshot-every", type=_positive, metavar="SECONDS",
                     help="write a PNG of the frame every SECONDS into --out")
    run.add_argument("--record", type=Path, metavar="FILE.mp4", help="record the frames to an MP4 file")
    run.add_argument("--record-fps", type=_positive, default=10.0, help="recording frame rate (default 10)")
    run.add_argument("--out", type=Path, default=Path("out"), help="folder for screenshots (default ./out)")
    run.add_argument("--reduced-motion", action="store_true", help="no sliding or fading animations")

    bench = commands.add_parser("bench", help="print performance benchmarks")
    bench_what = bench.add_subparsers(dest="bench", required=True, metavar="WHAT")
    render = bench_what.add_parser("render", help="GL render loop vs bare quad vs pygame software blits")
    render.add_argument("--size", type=_size, default=(1920, 1080), help="target size (default 1920x1080)")
    render.add_argument("--frames", type=int, default=60, help="frames measured per scene (default 60)")
    render.add_argument("--idle-seconds", type=float, default=16.0,
                        help="how long to measure the idle attract screen (0 to skip; default 16)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def _cmd_run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from kiosk.app import RunOptions, run_kiosk

    settings = _settings(args)
    if args.fullscreen:
        settings = replace(settings, display=replace(settings.display, fullscreen=True))
    summary = run_kiosk(settings, RunOptions(
        headless=args.headless, window=args.window, size=args.size, duration=args.duration,
        screenshot_every=args.screenshot_every,
        out_dir=args.out, record=args.record, record_fps=args.record_fps, reduced_motion=args.reduced_motion))
    print(f"kiosk stopped: {summary.mode}, {summary.frames_drawn} frames drawn")
    if summary.screenshots:
        print(f"screenshots: {len(summary.screenshots)} in {summary.screenshots[-1].parent}/ "
              f"(last: {summary.screenshots[-1]})")
    if summary.recording:
        print(f"recording: {summary.recording}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from kiosk.bench.render import run_render_bench
    from kiosk.runtime.attract import cards_from_trades
    from kiosk.scenario.catalog import discover_trades

    settings = _settings(args)
    trades, _ = discover_trades(settings.content.scenarios)
    cards = cards_from_trades([(t.text("title", "fr"), t.text("pitch", "fr"), t.card_image, t.rome,
                                t.shortage_level) for t in trades])
    if not cards:
        raise KioskError(f"no trades found under {settings.content.scenarios}",
                         hint="run from the repository root, or set content.scenarios in the config")
    run_render_bench(settings.content.assets, settings.content.scenarios, cards, args.size, args.frames,
                     args.idle_seconds)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    handlers = {"run": _cmd_run, "bench": _cmd_bench}
    try:
        return handlers[args.command](args)
    except KioskError as exc:
        print(f"kiosk: error: {exc}", file=sys.stderr)  # one line: what went wrong, then (hint: what to do)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
