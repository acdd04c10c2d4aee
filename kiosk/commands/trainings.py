"""`kiosk trainings`: import a trainings feed (CSV or JSON), list the imported trainings."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from kiosk.commands import arguments
from kiosk.config import Settings
from kiosk.errors import ContentError
from kiosk.matching.feed import ENCODINGS
from kiosk.matching.trainings import FUNDING, Training, load_trainings, scan_feed, write_trainings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="trainings_command", required=True, metavar="ACTION")
    feed = what.add_parser("import", help="validate a feed; bad rows are listed and skipped",
                           description="Columns: id, provider, title, town, postcode, lat, lon, rome (ROME codes, "
                                       "`;`-separated), skills (ESCO skill URIs, `;`-separated), days, cost_eur "
                                       "(0 = free), funding (" + ", ".join(FUNDING) + "), link (https, mailto: or "
                                       "tel:), expires (last day to enrol, YYYY-MM-DD).",
                           epilog="exit codes: 0 imported; 65 nothing usable (or any bad row with --strict)")
    feed.add_argument("feed", type=Path, metavar="FEED.csv|FEED.json")
    feed.add_argument("--strict", action="store_true", help="import nothing if any row is bad")
    feed.add_argument("--encoding", choices=ENCODINGS, default="auto",
                      help="the feed's text encoding (default auto: a BOM decides, else UTF-8 if it reads as "
                           "UTF-8, else cp1252 as Excel writes it in France)")
    listing = what.add_parser("list", help="the imported trainings")
    listing.add_argument("--rome", help="only trainings for this trade (ROME code)")


def import_trainings(settings: Settings, feed: Path, *, strict: bool, encoding: str = "auto",
                     out: TextIO | None = None) -> int:
    """Stream the feed into the trainings file; the kiosk keeps the previous one unless this one is usable."""
    from kiosk.commands.feeds import import_feed

    return import_feed(feed, settings.trainings.path, lambda: scan_feed(feed, encoding), write_trainings,
                       "trainings", strict=strict, out=out)


def current_trainings(settings: Settings) -> list[Training]:
    path = settings.trainings.path
    try:
        return load_trainings(path.read_text(encoding="utf-8"), str(path))
    except FileNotFoundError:
        raise ContentError(f"no trainings imported yet ({path})", "run `kiosk trainings import FEED.csv`") from None


def list_trainings(settings: Settings, rome: str | None, today: date, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    shown = [t for t in current_trainings(settings) if rome is None or rome.upper() in t.rome]
    for t in sorted(shown, key=lambda t: (t.rome, t.id)):
        state = "closed" if t.expires < today else f"until {t.expires}"
        trades = ",".join(t.rome) or "any trade"
        out.write(f"{t.id:<10} {trades:<12} {t.days:g} d  {t.cost_eur:g} EUR ({t.funding})  {t.title} — "
                  f"{t.provider}, {t.town} ({state})\n")
    out.write(f"{len(shown)} training(s)\n")
    return 0


def run(args: argparse.Namespace) -> int:
    settings = arguments.settings(args)
    if args.trainings_command == "import":
        return import_trainings(settings, args.feed, strict=args.strict, encoding=args.encoding)
    return list_trainings(settings, args.rome, date.today())
