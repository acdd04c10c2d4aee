"""`kiosk config check`: read and validate a settings file; every error names the key and the file."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "exit codes: 0 valid; 78 an error (printed with its key and file)"
    what = parser.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = what.add_parser("check", help="read and validate the file; print the settings in effect")
    check.add_argument("file", type=Path, metavar="FILE.toml")


def run(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from kiosk.config import load_settings

    settings = load_settings(args.file)
    for section, values in asdict(settings).items():
        for key, value in values.items():
            shown = "***" if key in ("password", "token") and value else value
            print(f"{section}.{key} = {shown}")
    print(f"config: {args.file} is valid")
    return 0
