"""`kiosk graph`: draw a scenario as a picture of its steps and branches."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pack", type=Path, metavar="PACK")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help="FILE.svg, FILE.png, FILE.pdf or FILE.dot")
    parser.add_argument("--lang", default="fr", help="language of the texts (default fr)")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.content import graph

    print(f"graph: {graph(args.pack, args.output, args.lang)}")
    return 0
