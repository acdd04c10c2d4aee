"""`kiosk offers`: import a job offers feed (CSV or JSON), list the imported offers."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.commands import arguments
from kiosk.matching.offers import ENCODINGS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="offers_command", required=True, metavar="ACTION")
    feed = what.add_parser("import", help="validate a feed; bad rows are listed and skipped",
                           epilog="exit codes: 0 imported; 65 nothing usable (or any bad row with --strict)")
    feed.add_argument("feed", type=Path, metavar="FEED.csv|FEED.json")
    feed.add_argument("--strict", action="store_true", help="import nothing if any row is bad")
    feed.add_argument("--encoding", choices=ENCODINGS, default="auto",
                      help="the feed's text encoding (default auto: a BOM decides, else UTF-8 if it reads as "
                           "UTF-8, else cp1252 as Excel writes it in France)")
    listing = what.add_parser("list", help="the imported offers")
    listing.add_argument("--rome", help="only this trade (ROME code)")


def run(args: argparse.Namespace) -> int:
    from datetime import date

    from kiosk.commands import results

    if args.offers_command == "import":
        return results.import_offers(arguments.settings(args), args.feed, strict=args.strict, encoding=args.encoding)
    return results.list_offers(arguments.settings(args), args.rome, date.today())
