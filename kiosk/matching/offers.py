"""Job offer feeds (CSV or JSON) read into validated offers, with an error per bad row.

Fields: id, rome (ROME 4.0 code), title, employer, town, postcode, lat, lon, contract
(CDI, CDD, interim, apprentissage, professionnalisation), skills (ESCO skill URIs, `;`-separated
in CSV), apply (https URL, mailto: or tel:), expires (YYYY-MM-DD). A bad row is reported as
`file:line: field: problem (hint)` and skipped; the good rows are kept.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

ESCO_SKILL = re.compile(r"^http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}$")
ROME = re.compile(r"^[A-N]\d{4}$")
CONTRACTS = ("CDI", "CDD", "interim", "apprentissage", "professionnalisation")
FIELDS = ("id", "rome", "title", "employer", "town", "postcode", "lat", "lon", "contract", "skills", "apply",
          "expires")


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
        data = asdict(self)
        data["skills"] = list(self.skills)
        data["expires"] = self.expires.isoformat()
        return data


@dataclass(frozen=True, slots=True)
class RowError:
    source: str
    line: int
    field: str
    problem: str
    hint: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.field}: {self.problem} (hint: {self.hint})"


class _FieldError(Exception):
    def __init__(self, field: str, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.field, self.problem, self.hint = field, problem, hint


def _offer(raw: dict[str, Any]) -> Offer:
    def text(field: str) -> str:
        value = raw.get(field)
        if value is None or not str(value).strip():
            raise _FieldError(field, "missing", f"every offer needs `{field}`")
        return str(value).strip()

    rome = text("rome").upper()
    if not ROME.match(rome):
        raise _FieldError("rome", f"`{rome}` is not a ROME 4.0 code", "a letter and four digits, e.g. G1602")
    contract = text("contract")
    if contract not in CONTRACTS:
        raise _FieldError("contract", f"`{contract}` is not a known contract", "one of " + ", ".join(CONTRACTS))
    postcode = text("postcode")
    if not re.fullmatch(r"\d{5}", postcode):
        raise _FieldError("postcode", f"`{postcode}` is not a French postcode", "five digits, e.g. 69003")
    coordinates = []
    for field, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        try:
            value = float(text(field))
        except ValueError:
            raise _FieldError(field, f"`{raw.get(field)}` is not a number", "decimal degrees, e.g. 45.7578") from None
        if not low <= value <= high:
            raise _FieldError(field, f"{value} is out of range", f"between {low} and {high}")
        coordinates.append(value)
    skills_raw = raw.get("skills") or []
    skills = tuple(s.strip() for s in (skills_raw.split(";") if isinstance(skills_raw, str) else skills_raw)
                   if str(s).strip())
    for skill in skills:
        if not ESCO_SKILL.match(skill):
            raise _FieldError("skills", f"`{skill}` is not an ESCO skill URI",
                       "http://data.europa.eu/esco/skill/<uuid>, several separated by `;`")
    apply = text("apply")
    if not apply.startswith(("https://", "mailto:", "tel:")):
        raise _FieldError("apply", f"`{apply}` is neither a web link nor a contact",
                          "https://..., mailto:... or tel:...")
    try:
        expires = date.fromisoformat(text("expires"))
    except ValueError:
        raise _FieldError("expires", f"`{raw.get('expires')}` is not a date", "YYYY-MM-DD") from None
    return Offer(text("id"), rome, text("title"), text("employer"), text("town"), postcode, coordinates[0],
                 coordinates[1], contract, skills, apply, expires)


def parse_rows(rows: list[tuple[int, dict[str, Any]]], source: str) -> tuple[list[Offer], list[RowError]]:
    offers: list[Offer] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for line, raw in rows:
        try:
            offer = _offer(raw)
        except _FieldError as bad:
            errors.append(RowError(source, line, bad.field, bad.problem, bad.hint))
            continue
        if offer.id in seen:
            errors.append(RowError(source, line, "id", f"`{offer.id}` appears twice", "give each offer its own id"))
            continue
        seen.add(offer.id)
        offers.append(offer)
    return offers, errors


def parse_feed(text: str, source: str) -> tuple[list[Offer], list[RowError]]:
    """CSV or JSON (a list of objects, or {"offers": [...]}) — chosen by the content, not the name."""
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return [], [RowError(source, exc.lineno, "json", exc.msg, "check commas and quotes")]
        items = data.get("offers", []) if isinstance(data, dict) else data
        if not isinstance(items, list):
            return [], [RowError(source, 1, "json", "expected a list of offers", 'write [ {...}, ... ]')]
        return parse_rows([(i + 1, item if isinstance(item, dict) else {}) for i, item in enumerate(items)], source)
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        return [], [RowError(source, 1, "header", f"missing column(s): {', '.join(missing)}",
                             "the header must name: " + ",".join(FIELDS))]
    return parse_rows([(i + 2, row) for i, row in enumerate(reader)], source)


def dump_offers(offers: list[Offer]) -> str:
    return json.dumps({"format": "nova-offers/1", "offers": [o.as_json() for o in offers]}, ensure_ascii=False,
                      indent=1)


def load_offers(text: str, source: str) -> list[Offer]:
    offers, _ = parse_feed(text, source)
    return offers
