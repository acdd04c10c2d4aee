"""Job offer feeds (CSV or JSON) read into validated offers, with an error per bad row.

Fields: id, rome (ROME 4.0 code), title, employer, town, postcode, lat, lon, contract
(CDI, CDD, interim, apprentissage, professionnalisation), skills (ESCO skill URIs, `;`-separated
in CSV), apply (https URL, mailto: or tel:), expires (YYYY-MM-DD). A bad row is reported as
`file:line: field: problem (hint)` and skipped; the good rows are kept.

Feeds come from spreadsheets and job boards, so they are read as they come: UTF-8 with or without
Excel's BOM, UTF-16 (with its BOM), or Windows-1252 / Latin-1 (the usual French "CSV" export),
detected from the first 64 KiB or given with `--encoding`. CSV is read row by row (a million rows
never sit in memory); a field is at most `MAX_FIELD_CHARS`, a JSON feed at most `MAX_JSON_BYTES`.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

ESCO_SKILL = re.compile(r"^http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}$")
ROME = re.compile(r"^[A-N]\d{4}$")
CONTRACTS = ("CDI", "CDD", "interim", "apprentissage", "professionnalisation")
FIELDS = ("id", "rome", "title", "employer", "town", "postcode", "lat", "lon", "contract", "skills", "apply",
          "expires")
MAX_FIELD_CHARS = 4000  # the longest field of a real offer is its list of skill URIs (~60 characters each)
MAX_JSON_BYTES = 64 * 1024**2  # JSON is parsed whole; CSV streams and has no size limit
ENCODINGS = ("auto", "utf-8", "utf-16", "cp1252", "latin-1")
_SNIFF_BYTES = 64 * 1024


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


@dataclass(frozen=True, slots=True)
class RowError:
    source: str
    line: int
    field: str
    problem: str
    hint: str

    def __str__(self) -> str:  # one line, whatever the feed put in the value quoted in `problem`
        problem = self.problem.replace("\r", "\\r").replace("\n", "\\n")
        problem = problem if len(problem) <= 300 else problem[:300] + "…"
        return f"{self.source}:{self.line}: {self.field}: {problem} (hint: {self.hint})"


class _FieldError(Exception):
    def __init__(self, field: str, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.field, self.problem, self.hint = field, problem, hint


def _text(raw: dict[str, Any], field: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str):  # JSON feeds: numbers are fine, objects and lists are not
        if isinstance(value, dict | list):
            raise _FieldError(field, "expected a text, got a JSON " + type(value).__name__, "write it as text")
        value = "" if value is None else str(value)
    value = value.strip()
    if not value:
        raise _FieldError(field, "missing", f"every offer needs `{field}`")
    return value


def _offer(raw: dict[str, Any]) -> Offer:
    for field in FIELDS:  # the longest field first: it says the most about what went wrong
        value = raw.get(field)
        if isinstance(value, str | list) and len(value) > MAX_FIELD_CHARS:
            raise _FieldError(field, f"longer than {MAX_FIELD_CHARS} characters", "check the separators and quotes")
    rome = _text(raw, "rome").upper()
    if not ROME.match(rome):
        raise _FieldError("rome", f"`{rome}` is not a ROME 4.0 code", "a letter and four digits, e.g. G1602")
    contract = _text(raw, "contract")
    if contract not in CONTRACTS:
        raise _FieldError("contract", f"`{contract}` is not a known contract", "one of " + ", ".join(CONTRACTS))
    postcode = _text(raw, "postcode")
    if not re.fullmatch(r"\d{5}", postcode):
        raise _FieldError("postcode", f"`{postcode}` is not a French postcode", "five digits, e.g. 69003")
    lat, lon = (_degrees(raw, field, low, high) for field, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)))
    skills = _skills(raw)
    apply = _text(raw, "apply")
    if not apply.startswith(("https://", "mailto:", "tel:")):
        raise _FieldError("apply", f"`{apply}` is neither a web link nor a contact",
                          "https://..., mailto:... or tel:...")
    try:
        expires = date.fromisoformat(_text(raw, "expires"))
    except ValueError:
        raise _FieldError("expires", f"`{raw.get('expires')}` is not a date", "YYYY-MM-DD") from None
    return Offer(_text(raw, "id"), rome, _text(raw, "title"), _text(raw, "employer"), _text(raw, "town"), postcode,
                 lat, lon, contract, skills, apply, expires)


def _degrees(raw: dict[str, Any], field: str, low: float, high: float) -> float:
    try:
        value = float(_text(raw, field))
    except ValueError:
        raise _FieldError(field, f"`{raw.get(field)}` is not a number", "decimal degrees, e.g. 45.7578") from None
    if not low <= value <= high:
        raise _FieldError(field, f"{value} is out of range", f"between {low} and {high}")
    return value


def _skills(raw: dict[str, Any]) -> tuple[str, ...]:
    """ESCO skill URIs: a JSON list, or one text separated by `;` (CSV)."""
    skills_raw = raw.get("skills") or []
    if not isinstance(skills_raw, str | list) or len(skills_raw) > MAX_FIELD_CHARS:
        raise _FieldError("skills", "not a list of ESCO skill URIs", "several URIs separated by `;`")
    skills = tuple(s.strip() for s in (skills_raw.split(";") if isinstance(skills_raw, str) else skills_raw)
                   if str(s).strip())
    for skill in skills:
        if not ESCO_SKILL.match(skill):
            raise _FieldError("skills", f"`{skill}` is not an ESCO skill URI",
                              "http://data.europa.eu/esco/skill/<uuid>, several separated by `;`")
    return skills


class FeedError(Exception):
    """The feed cannot be read on from here (encoding, broken CSV, JSON); `error` says where and why."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def check_rows(rows: Iterable[tuple[int, dict[str, Any]]], source: str) -> Iterator[Offer | RowError]:
    """Each row as an Offer or a RowError, in order; an id seen before is an error."""
    seen: set[str] = set()
    for line, raw in rows:
        try:
            offer = _offer(raw)
        except _FieldError as bad:
            yield RowError(source, line, bad.field, bad.problem, bad.hint)
            continue
        if offer.id in seen:
            yield RowError(source, line, "id", f"`{offer.id}` appears twice", "give each offer its own id")
            continue
        seen.add(offer.id)
        yield offer


def parse_rows(rows: list[tuple[int, dict[str, Any]]], source: str) -> tuple[list[Offer], list[RowError]]:
    return _split(check_rows(rows, source))


def _split(items: Iterable[Offer | RowError]) -> tuple[list[Offer], list[RowError]]:
    offers: list[Offer] = []
    errors: list[RowError] = []
    for item in items:
        if isinstance(item, Offer):
            offers.append(item)
        else:
            errors.append(item)
    return offers, errors


def parse_feed(text: str, source: str) -> tuple[list[Offer], list[RowError]]:
    """CSV or JSON (a list of objects, or {"offers": [...]}) — chosen by the content, not the name."""
    found: list[Offer | RowError] = []
    try:
        found.extend(check_rows(_rows(iter(io.StringIO(text, newline="")), source), source))
    except FeedError as exc:
        found.append(exc.error)
    return _split(found)


def scan_feed(path: Path, encoding: str = "auto") -> Iterator[Offer | RowError]:
    """Stream a feed file: each row as an Offer or a RowError. FeedError when it cannot be read on."""
    source = str(path)
    with path.open("rb") as raw:
        chosen = detect_encoding(raw.read(_SNIFF_BYTES), encoding)
        raw.seek(0)
        yield from check_rows(_rows(_decoded_lines(raw, chosen, source), source), source)


def detect_encoding(head: bytes, requested: str = "auto") -> str:
    """The codec to read a feed with: a BOM decides; else UTF-8 if the first 64 KiB are UTF-8, else cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if requested != "auto":
        return "utf-8-sig" if requested == "utf-8" else requested
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut character at the end is fine
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined: Latin-1 reads every byte
        return "latin-1"


def _decoded_lines(raw: IO[bytes], encoding: str, source: str) -> Iterator[str]:
    """The file's lines as text. Byte by line, so that a bad byte is reported on its own line."""
    number = 0
    try:
        if encoding == "utf-16":  # its newlines are two bytes: let the codec split lines
            for number, line in enumerate(io.TextIOWrapper(raw, encoding=encoding, newline=""), start=1):  # noqa: B007
                yield line
            return
        for number, data in enumerate(raw, start=1):  # noqa: B007
            yield data.decode(encoding)
    except UnicodeDecodeError as exc:
        shown = {"utf-8-sig": "UTF-8"}.get(encoding, encoding)
        raise FeedError(RowError(source, number + (encoding == "utf-16"), "encoding",
                                 f"not {shown} text ({exc.reason} at byte {exc.start})",
                                 "save the feed as UTF-8, or give --encoding cp1252 (or latin-1, utf-16)")) from None


def _rows(lines: Iterator[str], source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    first = next((line for line in lines if line.strip()), "")  # blank lines before the content are skipped
    if first.lstrip().startswith(("[", "{")):
        yield from _json_rows(first, lines, source)
        return
    reader = csv.DictReader(itertools.chain([first], lines))
    try:
        fieldnames = reader.fieldnames or []
        missing = [f for f in FIELDS if f not in fieldnames]
        if missing:
            raise FeedError(RowError(source, 1, "header", f"missing column(s): {', '.join(missing)}",
                                     "the header must name: " + ",".join(FIELDS)
                                     + (" (separated by commas, not semicolons)" if ";" in "".join(fieldnames)
                                        else "")))
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise FeedError(RowError(source, reader.line_num + 1, "csv", str(exc),  # the line it was reading
                                 f"a field holds at most {MAX_FIELD_CHARS} characters; check the quotes")) from None


def _json_rows(first: str, lines: Iterator[str], source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    parts, size = [first], len(first)
    for line in lines:
        if size > MAX_JSON_BYTES:
            break
        parts.append(line)
        size += len(line)
    if size > MAX_JSON_BYTES:
        raise FeedError(RowError(source, 1, "json", f"a JSON feed is limited to {MAX_JSON_BYTES} characters",
                                 "split it, or export CSV (read row by row, no size limit)"))
    text = "".join(parts)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(RowError(source, exc.lineno, "json", exc.msg, "check commas and quotes")) from None
    except RecursionError:
        raise FeedError(RowError(source, 1, "json", "nested too deeply", "a feed is a list of flat offers")) from None
    items = data.get("offers", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FeedError(RowError(source, 1, "json", "expected a list of offers", 'write [ {...}, ... ]'))
    yield from ((i + 1, item if isinstance(item, dict) else {}) for i, item in enumerate(items))


def dump_offers(offers: list[Offer]) -> str:
    out = io.StringIO()
    write_offers(offers, out)
    return out.getvalue()


def write_offers(offers: Iterable[Offer], out: IO[str]) -> int:
    """The imported offers as the kiosk reads them, written as they come; returns how many."""
    out.write('{"format": "nova-offers/1", "offers": [')
    count = 0
    for offer in offers:
        out.write(("," if count else "") + "\n" + json.dumps(offer.as_json(), ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


def load_offers(text: str, source: str) -> list[Offer]:
    offers, _ = parse_feed(text, source)
    return offers
