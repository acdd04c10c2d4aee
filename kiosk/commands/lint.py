"""`kiosk lint`: check scenario packs, as a compiler does (file:line:col)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Check scenario packs: schema, references, graph (unreachable steps, dead ends, loops "
                          "without exit), translations, media, evidence (each claimed skill needs 3 independent "
                          "observations), timers (readable at a slow reading speed), manifest.")
    parser.epilog = "exit codes: 0 no errors; 1 warnings with --strict; 65 errors"
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a pack folder, or a folder of packs")
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="json: one finding per line")
    parser.add_argument("--require-sealed", action="store_true", help="a pack without manifest.json is an error")
    parser.add_argument("--credits", action="store_true",
                        help="print each step's credit table: what each answer earns per skill (docs/scoring.md)")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.content import lint

    return lint(args.paths, strict=args.strict, output=args.format, require_sealed=args.require_sealed,
                credits=args.credits)
