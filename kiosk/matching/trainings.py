"""Training feeds (CSV or JSON) read into validated trainings, with an error per bad row — the same
machinery, errors and limits as the offers feed (kiosk/matching/feed.py).

Fields: id, provider, title, town, postcode, lat, lon (where it takes place), rome (the ROME 4.0
codes of the trades it prepares for, `;`-separated in CSV), skills (ESCO skill URIs it builds),
days (its length in days, 0.5 to 730), cost_eur (what the trainee pays, 0 when free), funding
(who pays: one of FUNDING, or empty), link (https URL, mailto: or tel: to enrol or ask), expires
(YYYY-MM-DD, the last day to enrol). Town and provider stay as the provider wrote them; funding is
a code so the phone page can say it in the visitor's language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from kiosk.matching import feed
from kiosk.matching.feed import RowError

FIELDS = ("id", "provider", "title", "town", "postcode", "lat", "lon", "rome", "skills", "days", "cost_eur",
          "funding", "link", "expires")
# Who pays, as French job seekers meet it: France Travail (AIF, POEI...), the personal training account,
# the region, the employer's skills operator, or nobody else (the trainee: cost_eur says how much).
FUNDING = ("france-travail", "cpf", "region", "opco", "none")
KIND = feed.FeedKind("training", FIELDS)
NOUN = "training"


@dataclass(frozen=True, slots=True)
class Training:
    id: str
    provider: str
    title: str
    town: str
    postcode: str
    lat: float
    lon: float
    rome: tuple[str, ...]
    skills: tuple[str, ...]
    days: float
    cost_eur: float
    funding: str
    link: str
    expires: date

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "provider": self.provider, "title": self.title, "town": self.town,
                "postcode": self.postcode, "lat": self.lat, "lon": self.lon, "rome": list(self.rome),
                "skills": list(self.skills), "days": self.days, "cost_eur": self.cost_eur, "funding": self.funding,
                "link": self.link, "expires": self.expires.isoformat()}


def _number(raw: dict[str, Any], field: str, low: float, high: float, hint: str) -> float:
    try:
        value = float(feed.text(raw, field, NOUN).replace(",", "."))  # French spreadsheets write 1,5
    except ValueError:
        raise feed.FieldError(field, f"`{raw.get(field)}` is not a number", hint) from None
    if not (math.isfinite(value) and low <= value <= high):
        raise feed.FieldError(field, f"{value:g} is out of range", f"between {low:g} and {high:g}")
    return value


def _training(raw: dict[str, Any]) -> Training:
    rome = feed.rome_codes(raw, "rome")
    skills = feed.skills(raw)
    if not rome and not skills:
        raise feed.FieldError("skills", "neither a trade nor a skill",
                              "give the ROME codes it prepares for, or the ESCO skills it builds (or both)")
    postcode = feed.postcode(raw, NOUN)
    lat, lon = feed.position(raw, NOUN)
    days = _number(raw, "days", 0.5, 730, "its length in days, e.g. 3 or 0.5")
    cost = _number(raw, "cost_eur", 0, 100_000, "what the trainee pays in euros, 0 when free")
    funding = str(raw.get("funding") or "none").strip() or "none"
    if funding not in FUNDING:
        raise feed.FieldError("funding", f"`{funding}` is not a known funding", "one of " + ", ".join(FUNDING))
    link = feed.link(raw, "link", NOUN)
    try:
        expires = date.fromisoformat(feed.text(raw, "expires", NOUN))
    except ValueError:
        raise feed.FieldError("expires", f"`{raw.get('expires')}` is not a date", "YYYY-MM-DD") from None
    return Training(feed.text(raw, "id", NOUN), feed.text(raw, "provider", NOUN), feed.text(raw, "title", NOUN),
                    feed.text(raw, "town", NOUN), postcode, lat, lon, rome, skills, days, cost, funding, link, expires)


def parse_feed(text: str, source: str) -> tuple[list[Training], list[RowError]]:
    """CSV or JSON (a list of objects, or {"trainings": [...]}) — chosen by the content, not the name."""
    return feed.parse_text(text, source, KIND, _training)


def scan_feed(path: Path, encoding: str = "auto") -> Iterator[Training | RowError]:
    """Stream a feed file: each row as a Training or a RowError. FeedError when it cannot be read on."""
    return feed.scan(path, encoding, KIND, _training)


def write_trainings(trainings: Iterable[Training], out: IO[str]) -> int:
    return feed.write_json(trainings, out, KIND, Training.as_json)


def load_trainings(text: str, source: str) -> list[Training]:
    trainings, _ = parse_feed(text, source)
    return trainings
