"""`kiosk schema`: write the JSON Schemas that editors use to check pack.yaml and scenario.yaml."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("docs/schema"), help="folder (default docs/schema)")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.content import write_schemas

    for path in write_schemas(args.out):
        print(f"schema: {path}")
    return 0
