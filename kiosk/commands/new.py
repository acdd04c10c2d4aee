"""`kiosk new pack`: start new content from a template that lints clean."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="new_command", required=True, metavar="WHAT")
    pack = what.add_parser("pack", help="a pack with one step of each kind, commented, and placeholder media",
                           epilog="exit codes: 0 created and lints clean; 65 refused (folder exists, bad id or code)")
    pack.add_argument("pack_id", metavar="ID", help="the pack id (lowercase letters, digits, '-')")
    pack.add_argument("--trade", required=True, metavar="ROME", help="the trade's ROME 4.0 code, e.g. J1501")
    pack.add_argument("--scenarios", type=Path, default=Path("scenarios"),
                      help="folder of packs to create it in (default ./scenarios)")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.twine import new_pack

    return new_pack(args.scenarios / args.pack_id, args.trade)
