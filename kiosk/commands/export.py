"""`kiosk export`: the agency's CSV (one row per visit and skill), or every answer for the psychometrics."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.commands import arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("output", type=Path, metavar="FILE.csv")
    parser.add_argument("--responses", action="store_true",
                        help="instead: every answer, for `kiosk scoring calibrate` and `kiosk report`")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.sync import export

    return export(arguments.settings(args), args.output, responses=args.responses)
