"""What every feed an agency imports shares (offers, trainings): reading CSV or JSON as spreadsheets
and job boards write them, an error per bad row located as `file:line: field: problem (hint)`, and
the field checks both kinds of rows need.

Feeds are read as they come: UTF-8 with or without Excel's BOM, UTF-16 (with its BOM), or
Windows-1252 / Latin-1 (the usual French "CSV" export), detected from the first 64 KiB or given
with `--encoding`. CSV is read row by row (a million rows never sit in memory); a field is at most
`MAX_FIELD_CHARS`, a JSON feed at most `MAX_JSON_BYTES`.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

ESCO_SKILL = re.compile(r"^http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}$")
ROME = re.compile(r"^[A-N]\d{4}$")
MAX_FIELD_CHARS = 4000  # the longest field of a real row is its list of skill URIs (~60 characters each)
MAX_JSON_BYTES = 64 * 1024**2  # JSON is parsed whole; CSV streams and has no size limit
ENCODINGS = ("auto", "utf-8", "utf-16", "cp1252", "latin-1")
_SNIFF_BYTES = 64 * 1024


class Row(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Row)


@dataclass(frozen=True)
class FeedKind:
    """One kind of feed: its columns, what a row is called, and how a raw row becomes one."""

    noun: str  # "offer", "training": in hints, and the JSON list's key is its plural
    fields: tuple[str, ...]  # the CSV header must name them all (optional ones may be empty)


# Everything str.splitlines() breaks a line at, written as an escape: a report stays one line a row.
_LINE_BREAKS = str.maketrans({c: c.encode("unicode_escape").decode("ascii")
                              for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


@dataclass(frozen=True, slots=True)
class RowError:
    source: str
    line: int
    field: str
    problem: str
    hint: str

    def __str__(self) -> str:  # one line, whatever the feed put in the value quoted in `problem`
        problem = self.problem.translate(_LINE_BREAKS)
        problem = problem if len(problem) <= 300 else problem[:300] + "…"
        return f"{self.source}:{self.line}: {self.field}: {problem} (hint: {self.hint})"


class FieldError(Exception):
    """One field of one row is wrong; the row is skipped and reported."""

    def __init__(self, field: str, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.field, self.problem, self.hint = field, problem, hint


class FeedError(Exception):
    """The feed cannot be read on from here (encoding, broken CSV, JSON); `error` says where and why."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


# -- field checks ------------------------------------------------------------------------------------
def text(raw: dict[str, Any], field: str, noun: str = "row") -> str:
    value = raw.get(field)
    if not isinstance(value, str):  # JSON feeds: numbers are fine, objects and lists are not
        if isinstance(value, dict | list):
            raise FieldError(field, "expected a text, got a JSON " + type(value).__name__, "write it as text")
        value = "" if value is None else str(value)
    value = value.strip()
    if not value:
        raise FieldError(field, "missing", f"every {noun} needs `{field}`")
    return value


def check_lengths(raw: dict[str, Any], fields: Iterable[str]) -> None:
    for field in fields:  # the longest field first: it says the most about what went wrong
        value = raw.get(field)
        if isinstance(value, str | list) and len(value) > MAX_FIELD_CHARS:
            raise FieldError(field, f"longer than {MAX_FIELD_CHARS} characters", "check the separators and quotes")


def postcode(raw: dict[str, Any], noun: str) -> str:
    value = text(raw, "postcode", noun)
    if not re.fullmatch(r"\d{5}", value):
        raise FieldError("postcode", f"`{value}` is not a French postcode", "five digits, e.g. 69003")
    return value


def degrees(raw: dict[str, Any], field: str, low: float, high: float, noun: str = "row") -> float:
    try:
        value = float(text(raw, field, noun))
    except ValueError:
        raise FieldError(field, f"`{raw.get(field)}` is not a number", "decimal degrees, e.g. 45.7578") from None
    if not low <= value <= high:
        raise FieldError(field, f"{value} is out of range", f"between {low} and {high}")
    return value


def position(raw: dict[str, Any], noun: str) -> tuple[float, float]:
    return (degrees(raw, "lat", -90.0, 90.0, noun), degrees(raw, "lon", -180.0, 180.0, noun))


def listed(raw: dict[str, Any], field: str) -> tuple[str, ...]:
    """A JSON list, or one text separated by `;` (CSV)."""
    value = raw.get(field) or []
    if not isinstance(value, str | list) or len(value) > MAX_FIELD_CHARS:
        raise FieldError(field, "not a list", "several values separated by `;`")
    return tuple(str(s).strip() for s in (value.split(";") if isinstance(value, str) else value) if str(s).strip())


def skills(raw: dict[str, Any], field: str = "skills") -> tuple[str, ...]:
    """ESCO skill URIs."""
    found = listed(raw, field)
    for skill in found:
        if not ESCO_SKILL.match(skill):
            raise FieldError(field, f"`{skill}` is not an ESCO skill URI",
                             "http://data.europa.eu/esco/skill/<uuid>, several separated by `;`")
    return found


def rome_codes(raw: dict[str, Any], field: str) -> tuple[str, ...]:
    codes = tuple(code.upper() for code in listed(raw, field))
    for code in codes:
        if not ROME.match(code):
            raise FieldError(field, f"`{code}` is not a ROME 4.0 code", "a letter and four digits, e.g. G1602")
    return codes


def link(raw: dict[str, Any], field: str, noun: str) -> str:
    value = text(raw, field, noun)
    if not value.startswith(("https://", "mailto:", "tel:")):
        raise FieldError(field, f"`{value}` is neither a web link nor a contact", "https://..., mailto:... or tel:...")
    return value


# -- rows ----------------------------------------------------------------------------------------------
def check_rows(rows: Iterable[tuple[int, dict[str, Any]]], source: str, kind: FeedKind,
               parse: Callable[[dict[str, Any]], T]) -> Iterator[T | RowError]:
    """Each row parsed, or a RowError, in order; an id seen before is an error."""
    seen: set[str] = set()
    for line, raw in rows:
        try:
            check_lengths(raw, kind.fields)
            item = parse(raw)
        except FieldError as bad:
            yield RowError(source, line, bad.field, bad.problem, bad.hint)
            continue
        if item.id in seen:
            yield RowError(source, line, "id", f"`{item.id}` appears twice", f"give each {kind.noun} its own id")
            continue
        seen.add(item.id)
        yield item


def split(items: Iterable[T | RowError]) -> tuple[list[T], list[RowError]]:
    good: list[T] = []
    errors: list[RowError] = []
    for item in items:
        if isinstance(item, RowError):
            errors.append(item)
        else:
            good.append(item)
    return good, errors


def parse_text(text_: str, source: str, kind: FeedKind, parse: Callable[[dict[str, Any]], T]
               ) -> tuple[list[T], list[RowError]]:
    """CSV or JSON (a list of objects, or {"<nouns>": [...]}) — chosen by the content, not the name."""
    found: list[T | RowError] = []
    try:
        found.extend(check_rows(_rows(iter(io.StringIO(text_, newline="")), source, kind), source, kind, parse))
    except FeedError as exc:
        found.append(exc.error)
    return split(found)


def scan(path: Path, encoding: str, kind: FeedKind, parse: Callable[[dict[str, Any]], T]
         ) -> Iterator[T | RowError]:
    """Stream a feed file: each row parsed or a RowError. FeedError when it cannot be read on."""
    source = str(path)
    with path.open("rb") as raw:
        chosen = detect_encoding(raw.read(_SNIFF_BYTES), encoding)
        raw.seek(0)
        yield from check_rows(_rows(_decoded_lines(raw, chosen, source), source, kind), source, kind, parse)


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


def _rows(lines: Iterator[str], source: str, kind: FeedKind) -> Iterator[tuple[int, dict[str, Any]]]:
    first = next((line for line in lines if line.strip()), "")  # blank lines before the content are skipped
    if first.lstrip().startswith(("[", "{")):
        yield from _json_rows(first, lines, source, kind)
        return
    reader = csv.DictReader(itertools.chain([first], lines))
    try:
        fieldnames = reader.fieldnames or []
        missing = [f for f in kind.fields if f not in fieldnames]
        if missing:
            raise FeedError(RowError(source, 1, "header", f"missing column(s): {', '.join(missing)}",
                                     "the header must name: " + ",".join(kind.fields)
                                     + (" (separated by commas, not semicolons)" if ";" in "".join(fieldnames)
                                        else "")))
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise FeedError(RowError(source, reader.line_num + 1, "csv", str(exc),  # the line it was reading
                                 f"a field holds at most {MAX_FIELD_CHARS} characters; check the quotes")) from None


def _json_rows(first: str, lines: Iterator[str], source: str, kind: FeedKind) -> Iterator[tuple[int, dict[str, Any]]]:
    parts, size = [first], len(first)
    for line in lines:
        if size > MAX_JSON_BYTES:
            break
        parts.append(line)
        size += len(line)
    if size > MAX_JSON_BYTES:
        raise FeedError(RowError(source, 1, "json", f"a JSON feed is limited to {MAX_JSON_BYTES} characters",
                                 "split it, or export CSV (read row by row, no size limit)"))
    try:
        data = json.loads("".join(parts))
    except json.JSONDecodeError as exc:
        raise FeedError(RowError(source, exc.lineno, "json", exc.msg, "check commas and quotes")) from None
    except RecursionError:
        raise FeedError(RowError(source, 1, "json", "nested too deeply",
                                 f"a feed is a list of flat {kind.noun}s")) from None
    except ValueError:  # a number of more than 4,300 digits (CPython's limit on int parsing)
        raise FeedError(RowError(source, 1, "json", "a number has more than 4300 digits",
                                 "write ids and codes as text, in quotes")) from None
    items = data.get(kind.noun + "s", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FeedError(RowError(source, 1, "json", f"expected a list of {kind.noun}s", 'write [ {...}, ... ]'))
    yield from ((i + 1, item if isinstance(item, dict) else {}) for i, item in enumerate(items))


def write_json(rows: Iterable[Any], out: IO[str], kind: FeedKind, as_json: Callable[[Any], dict[str, Any]]) -> int:
    """The imported rows as the kiosk reads them back (`{"format": "nova-<noun>s/1", "<noun>s": [...]}`),
    written as they come; returns how many."""
    out.write(f'{{"format": "nova-{kind.noun}s/1", "{kind.noun}s": [')
    count = 0
    for row in rows:
        out.write(("," if count else "") + "\n" + json.dumps(as_json(row), ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count
