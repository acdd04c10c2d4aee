"""Schema validation with messages a trainer understands, placed where the mistake is."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from kiosk.scenario.diagnostics import Reporter
from kiosk.scenario.schema import PACK_FORMAT, STEP_TYPES, Schema, pack_schema, scenario_schema
from kiosk.scenario.source import Mark, YNode

if TYPE_CHECKING:  # imported on first validation: ~1 s of a kiosk's start when its packs are cached
    import jsonschema

# What a missing pack.yaml key looks like when written: the hint shows it, ready to copy.
PACK_EXAMPLES = {"format": f"format: {PACK_FORMAT}", "id": "id: <the folder name>", "version": 'version: "1.0.0"',
                 "scenario": "scenario: scenario.yaml", "rome": "rome: G1602", "title": "title: {fr: ..., en: ...}",
                 "pitch": "pitch: {fr: ..., en: ...}", "sector": "sector: hotellerie-restauration",
                 "shortage": 'shortage: {level: 3, source: "DARES / France Travail, tensions 2024"}',
                 "level": "level: 3", "source": 'source: "DARES / France Travail, tensions 2024"',
                 "card_image": "card_image: media/card.png"}
TYPE_WORDS = {"string": "text", "object": "a block of `key: value` lines", "array": "a list (`- ...` lines)",
              "integer": "a whole number", "number": "a number", "boolean": "true or false"}


@cache
def _validator(which: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = pack_schema() if which == "pack" else scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _leaves(errors: Iterable[jsonschema.ValidationError]) -> Iterator[jsonschema.ValidationError]:
    """The innermost errors: an if/then or allOf failure is reported by what failed inside."""
    for error in errors:
        if error.context:
            yield from _leaves(error.context)
        else:
            yield error


def _path(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _suggest(word: str, choices: Iterable[str]) -> str:
    """`did you mean ...?` for a misspelt word, a shortened key (`card` → `card_image`) or another
    spelling of it (`card-image`, `cardImage`)."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        def squash(text: str) -> str:
            return re.sub(r"[^a-z0-9]", "", text.lower())
        close = [c for c in options if squash(c) == squash(word)] or \
            [c for c in options if len(word) >= 3 and (c.startswith(word) or word.startswith(c))]
    return f"did you mean `{close[0]}`?" if close else ""


def _misplaced(key: str, schema: Schema) -> str:
    """`source` written beside `shortage` instead of inside it: name the block it belongs to."""
    for name, sub in schema.get("properties", {}).items():
        if isinstance(sub, dict) and key in sub.get("properties", {}):
            return f"`{key}` goes inside `{name}:` (indent it under `{name}:`)"
    return ""


def _allowed_keys(schema: Schema) -> list[str]:
    return [k for k in schema.get("properties", {})]


def _explain(error: jsonschema.ValidationError, root: YNode, which: str) -> tuple[Mark, str, str]:
    """(where, message, hint) for one schema error."""
    path = list(error.absolute_path)
    node = root.at(path)
    where = _path(path)
    kind = error.validator
    schema = cast(Schema, error.schema)
    value: Any = error.validator_value
    if kind == "additionalProperties" and isinstance(node.value, dict):
        return _unknown_key(node, node.value, schema, where)
    if kind == "required":
        return _missing_key(error, node, where, which)
    if kind == "type":
        return _wrong_type(node, value, where)
    if kind in ("enum", "const"):
        return _not_allowed(node, path, kind, value, where)
    if kind == "pattern":
        return node.mark, f"{where}: `{node.value}` is not a valid value here", _pattern_hint(path, str(value))
    if kind in ("minItems", "minProperties", "minLength"):
        return node.mark, f"{where}: needs at least {value} {_unit(kind)}", \
            "add the missing entries"
    if kind in ("minimum", "maximum", "exclusiveMinimum"):
        return _out_of_range(error, node, path, kind, value, where)
    if kind == "uniqueItems":
        return node.mark, f"{where}: the list repeats an entry", "list each entry once"
    return node.mark, f"{where}: {error.message}", "see docs/authoring.md and docs/schema/"


def _unknown_key(node: YNode, present: dict[str, Any], schema: Schema, where: str) -> tuple[Mark, str, str]:
    allowed = _allowed_keys(schema)
    unknown = [k for k in present if k not in allowed and not _matches_pattern(k, schema)]
    key = unknown[0] if unknown else ""
    if " " in key:
        hint = "a comma inside `{ ... }` cuts the text in two: put the whole text in quotes, or write it " \
            "on its own line (`fr: ...`)"
    elif "patternProperties" in schema and not allowed:
        hint = "ids use lowercase letters, digits, '-' and '_'; languages are codes like `fr`, `en`"
    else:
        hint = _suggest(key, allowed) or _misplaced(key, schema) or f"allowed here: {', '.join(allowed)}"
    return node.key_mark(key), f"{where}: unknown key `{key}`", hint


def _missing_key(error: jsonschema.ValidationError, node: YNode, where: str, which: str) -> tuple[Mark, str, str]:
    missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
    example = PACK_EXAMPLES.get(missing) if which == "pack" else None
    if example:
        return node.mark, f"{where}: missing `{missing}`", \
            f"add `{example}` to this block (every key: docs/authoring.md, pack.yaml)"
    return node.mark, f"{where}: missing `{missing}`", f"add `{missing}:` to this block (see docs/authoring.md)"


def _wrong_type(node: YNode, value: Any, where: str) -> tuple[Mark, str, str]:
    expected = value if isinstance(value, str) else value[0]
    got = node.value
    hint = f"write {TYPE_WORDS.get(expected, expected)} here"
    if isinstance(got, bool) and expected == "string":
        hint = "YAML reads yes/no/on/off/true/false as a boolean: put the text in quotes"
    elif expected == "string" and got is None:
        hint = "the value is empty: write the text after the colon"
    return node.mark, f"{where}: expected {TYPE_WORDS.get(expected, expected)}, got {_describe(got)}", hint


def _not_allowed(node: YNode, path: list[Any], kind: str, value: Any, where: str) -> tuple[Mark, str, str]:
    allowed_values = value if kind == "enum" else [value]
    hint = _suggest(str(node.value), [str(v) for v in allowed_values]) or \
        f"use one of: {', '.join(str(v) for v in allowed_values)}"
    if path and path[-1] == "type":
        hint += f" (step types: {', '.join(STEP_TYPES)})"
    return node.mark, f"{where}: `{node.value}` is not allowed here", hint


def _out_of_range(error: jsonschema.ValidationError, node: YNode, path: list[Any], kind: str, value: Any,
                  where: str) -> tuple[Mark, str, str]:
    if kind in ("minimum", "maximum") and "evidence" in path and isinstance(node.value, int):
        if kind == "minimum":
            return node.mark, f"{where}: credit {node.value}: credits start at {value}", \
                "an answer that shows nothing has no `evidence` for that observable: when it is picked, every " \
                "observable the step mentions gets 0 by itself (a weak answer is evidence too)"
        return node.mark, f"{where}: credit {node.value} is above {value}, the highest credit", \
            f"credits go from 1 to the observable's `max` (at most {value})"
    return node.mark, f"{where}: {node.value} is out of range ({error.message})", \
        "check the allowed range in docs/authoring.md"


def _matches_pattern(key: str, schema: Schema) -> bool:
    return any(re.search(p, key) for p in schema.get("patternProperties", {}))


def _pattern_hint(path: list[Any], pattern: str) -> str:
    last = path[-1] if path else ""
    if last == "rome":
        return "a ROME 4.0 code is a letter and four digits, e.g. G1602"
    if last == "version":
        return "write three numbers, e.g. 1.0.0"
    if "skills" in path:
        return "use an ESCO transversal skill code such as T4.3 (see assets/esco/transversal_skills.csv)"
    if pattern.startswith("^(?!/)"):
        return "write a path inside the pack, relative to it, with '/' (e.g. media/clip.mp4)"
    return "ids use lowercase letters, digits, '-' and '_' (e.g. ask-colleague)"


def _unit(kind: str) -> str:
    return {"minItems": "entries", "minProperties": "entries", "minLength": "character"}[kind]


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a block of keys"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value[:30]!r}"
    return f"{type(value).__name__} {value!r}"


def validate(root: YNode, which: str, report: Reporter) -> bool:
    """Check `root` against the pack or scenario schema; True when it conforms."""
    before = len(report.errors)
    seen: set[tuple[str, str]] = set()
    errors = sorted(_leaves(_validator(which).iter_errors(root.plain())), key=lambda e: list(map(str, e.path)))
    for error in errors:
        mark, message, hint = _explain(error, root, which)
        if (str(mark), message) in seen:
            continue
        seen.add((str(mark), message))
        report.error(mark, message, hint, "schema")
    return len(report.errors) == before
