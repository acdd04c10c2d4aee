"""Job offer feeds (CSV or JSON) read into validated offers, with an error per bad row.

Fields: id, rome (ROME 4.0 code), title, employer, town, postcode, lat, lon, contract
(CDI, CDD, interim, apprentissage, professionnalisation), skills (ESCO skill URIs, `;`-separated
in CSV), apply (https URL, mailto: or tel:), expires (YYYY-MM-DD). A bad row is reported as
`file:line: field: problem (hint)` and skipped; the good rows are kept. Reading, encodings and
limits are the feeds' shared machinery (kiosk/matching/feed.py).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from kiosk.matching import feed
from kiosk.matching.feed import (
    ENCODINGS,
    ESCO_SKILL,
    MAX_FIELD_CHARS,
    MAX_JSON_BYTES,
    ROME,
    FeedError,
    RowError,
    detect_encoding,
)

__all__ = ["CONTRACTS", "ENCODINGS", "ESCO_SKILL", "FIELDS", "MAX_FIELD_CHARS", "MAX_JSON_BYTES", "ROME", "FeedError",
           "Offer", "RowError", "check_rows", "detect_encoding", "dump_offers", "load_offers", "parse_feed",
           "parse_rows", "scan_feed", "write_offers"]  # the offers' API, as before the feeds shared their machinery

CONTRACTS = ("CDI", "CDD", "interim", "apprentissage", "professionnalisation")
FIELDS = ("id", "rome", "title", "employer", "town", "postcode", "lat", "lon", "contract", "skills", "apply",
          "expires")
KIND = feed.FeedKind("offer", FIELDS)


@dataclass(frozen=True, slots=True)
class Offer:
    id: str
    rome: str
    title: str
    employer: str
    town: str
    postcode: str
    lat: float
    lon: float
    contract: str
    skills: tuple[str, ...]
    apply: str
    expires: date

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "rome": self.rome, "title": self.title, "employer": self.employer, "town": self.town,
                "postcode": self.postcode, "lat": self.lat, "lon": self.lon, "contract": self.contract,
                "skills": list(self.skills), "apply": self.apply, "expires": self.expires.isoformat()}


def _offer(raw: dict[str, Any]) -> Offer:
    rome = feed.text(raw, "rome", "offer").upper()
    if not feed.ROME.match(rome):
        raise feed.FieldError("rome", f"`{rome}` is not a ROME 4.0 code", "a letter and four digits, e.g. G1602")
    contract = feed.text(raw, "contract", "offer")
    if contract not in CONTRACTS:
        raise feed.FieldError("contract", f"`{contract}` is not a known contract", "one of " + ", ".join(CONTRACTS))
    postcode = feed.postcode(raw, "offer")
    lat, lon = feed.position(raw, "offer")
    skills = feed.skills(raw)
    apply = feed.link(raw, "apply", "offer")
    try:
        expires = date.fromisoformat(feed.text(raw, "expires", "offer"))
    except ValueError:
        raise feed.FieldError("expires", f"`{raw.get('expires')}` is not a date", "YYYY-MM-DD") from None
    return Offer(feed.text(raw, "id", "offer"), rome, feed.text(raw, "title", "offer"),
                 feed.text(raw, "employer", "offer"), feed.text(raw, "town", "offer"), postcode, lat, lon, contract,
                 skills, apply, expires)


def check_rows(rows: Iterable[tuple[int, dict[str, Any]]], source: str) -> Iterator[Offer | RowError]:
    """Each row as an Offer or a RowError, in order; an id seen before is an error."""
    return feed.check_rows(rows, source, KIND, _offer)


def parse_rows(rows: list[tuple[int, dict[str, Any]]], source: str) -> tuple[list[Offer], list[RowError]]:
    return feed.split(check_rows(rows, source))


def parse_feed(text: str, source: str) -> tuple[list[Offer], list[RowError]]:
    """CSV or JSON (a list of objects, or {"offers": [...]}) — chosen by the content, not the name."""
    return feed.parse_text(text, source, KIND, _offer)


def scan_feed(path: Path, encoding: str = "auto") -> Iterator[Offer | RowError]:
    """Stream a feed file: each row as an Offer or a RowError. FeedError when it cannot be read on."""
    return feed.scan(path, encoding, KIND, _offer)


def dump_offers(offers: list[Offer]) -> str:
    out = io.StringIO()
    write_offers(offers, out)
    return out.getvalue()


def write_offers(offers: Iterable[Offer], out: IO[str]) -> int:
    """The imported offers as the kiosk reads them, written as they come; returns how many."""
    return feed.write_json(offers, out, KIND, Offer.as_json)


def load_offers(text: str, source: str) -> list[Offer]:
    offers, _ = parse_feed(text, source)
    return offers
