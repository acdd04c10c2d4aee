"""`kiosk run`: the kiosk itself, in a window when there is a display, else headless."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path

from kiosk.commands import arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--headless", action="store_true", help="render offscreen through EGL even with a display")
    parser.add_argument("--window", action="store_true",
                        help="open a window even when no display is detected (e.g. SDL_VIDEODRIVER=offscreen)")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (production kiosks)")
    parser.add_argument("--size", type=arguments.size, help="window or offscreen size, e.g. 1280x720")
    parser.add_argument("--duration", type=arguments.positive,
                        help="stop after this many seconds (default: run until stopped)")
    parser.add_argument("--screenshot-every", type=arguments.positive, metavar="SECONDS",
                        help="write a PNG of the frame every SECONDS into --out")
    parser.add_argument("--record", type=Path, metavar="FILE.mp4", help="record the frames to an MP4 file")
    parser.add_argument("--record-fps", type=arguments.positive, default=10.0, help="recording frame rate (default 10)")
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for screenshots (default ./out)")
    parser.add_argument("--reduced-motion", action="store_true", help="no sliding or fading animations")


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from kiosk.app import RunOptions, run_kiosk

    chosen = arguments.settings(args)
    if args.fullscreen:
        chosen = replace(chosen, display=replace(chosen.display, fullscreen=True))
    summary = run_kiosk(chosen, RunOptions(
        headless=args.headless, window=args.window, size=args.size, duration=args.duration,
        screenshot_every=args.screenshot_every,
        out_dir=args.out, record=args.record, record_fps=args.record_fps, reduced_motion=args.reduced_motion))
    # With JSON logs stdout is the journal's: the summary is one more JSON line there, not plain text.
    say: Callable[[str], None] = print if args.log_format != "json" else logging.getLogger("kiosk").info
    say(f"kiosk stopped: {summary.mode}, {summary.frames_drawn} frames drawn")
    if summary.screenshots:
        say(f"screenshots: {len(summary.screenshots)} in {summary.screenshots[-1].parent}/ "
            f"(last: {summary.screenshots[-1]})")
    if summary.recording:
        say(f"recording: {summary.recording}")
    return 0
