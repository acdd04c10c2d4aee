"""YAML with positions: every value keeps the file, line and column it came from, so an
error in authored content reads like a compiler's — `file:line:col: message`, the line
itself with a caret under the spot, and a hint saying how to fix it.

Authored files are hostile input too (a pack can come from anywhere): `Limits` bounds the file
size, the nesting depth, the aliases and the values they expand to, and the length of a text,
so that no file can make `kiosk lint` or the kiosk run for minutes or fill the memory. Each
limit, once passed, is a located error that names it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kiosk.errors import ContentError


@dataclass(frozen=True, slots=True)
class Limits:
    """What one authored YAML file may hold. The sample packs are 27-40 KB in four languages with
    easy-read texts and debriefs, 8 levels deep, with texts under 600 characters: these leave room
    for 9 times more. PyYAML's pure-Python reader (kept for its line:column marks) reads about
    50-150 KB/s on a busy core, so the file size bounds the time too."""

    file_bytes: int = 384 * 1024
    depth: int = 40  # nested mappings and lists
    aliases: int = 1000  # `*name` uses
    values: int = 50_000  # every value counted once per use, aliases expanded (billion laughs)
    text_chars: int = 10_000  # one text value
    integer_digits: int = 18  # beyond that it is no count, version or duration anyone writes


LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Mark:
    file: str
    line: int  # 1-based
    col: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class YNode:
    """A YAML value and where it was written. Mappings hold YNodes keyed by plain strings."""

    value: Any  # dict[str, YNode] | list[YNode] | str | int | float | bool | None
    mark: Mark
    key_marks: dict[str, Mark] | None = None  # mappings only: where each key was written

    def get(self, key: str) -> YNode | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    def key_mark(self, key: str) -> Mark:
        return (self.key_marks or {}).get(key, self.mark)

    def plain(self) -> Any:
        """The value as plain Python (dicts, lists, scalars), positions dropped."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value

    def at(self, path: Sequence[str | int]) -> YNode:
        """The node at a path of keys and indices; as deep as the path exists."""
        node = self
        for part in path:
            in_mapping = isinstance(node.value, dict) and isinstance(part, str) and part in node.value
            in_list = isinstance(node.value, list) and isinstance(part, int) and 0 <= part < len(node.value)
            if in_mapping or in_list:
                node = node.value[part]
            else:
                break
        return node


class LocatedError(ContentError):
    """A content error at a known place in a file."""

    def __init__(self, mark: Mark, message: str, hint: str, source: str = "") -> None:
        super().__init__(f"{mark}: {message}", hint)
        self.mark = mark
        self.snippet = snippet(source, mark) if source else ""

    def report(self) -> str:
        """The full, multi-line report: location, message, the line with a caret, the hint."""
        return compiler_report(self.message, self.snippet, self.hint)


def compiler_report(headline: str, snippet_text: str, hint: str) -> str:
    """`file:line:col: ...`, then the line with a caret under the spot, then `hint: ...`."""
    parts = [headline]
    if snippet_text:
        parts.append(snippet_text)
    if hint:
        parts.append(f"  hint: {hint}")
    return "\n".join(parts)


_SNIPPET_CHARS = 120


def snippet(source: str, mark: Mark) -> str:
    lines = source.splitlines()
    if not 1 <= mark.line <= len(lines):
        return ""
    gutter = f"{mark.line:4d} | "
    line, col = lines[mark.line - 1], mark.col
    if len(line) > _SNIPPET_CHARS:  # a megabyte on one line: show the part around the spot
        start = max(0, min(col - 1 - _SNIPPET_CHARS // 2, len(line) - _SNIPPET_CHARS))
        line, col = line[start:start + _SNIPPET_CHARS], col - start
    return f"{gutter}{line}\n{' ' * (len(gutter) - 2)}| {' ' * (col - 1)}^"


def _mark(file: str, node: yaml.Node) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


def read_text(path: Path, limits: Limits = LIMITS) -> str:
    """An authored file's text, read no further than the size limit (`/dev/zero` included)."""
    with path.open("rb") as f:
        data = f.read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:
        raise LocatedError(Mark(str(path), 1, 1), f"the file is larger than the limit of {limits.file_bytes} bytes",
                           "split the content into several packs, or move long texts out (limit: file size)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LocatedError(Mark(str(path), line, col), f"byte {data[exc.start]:#04x} is not UTF-8 text",
                           "save the file as UTF-8 (an editor's \"Save as\" offers it)") from None


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting depth and aliases while it composes (it recurses per level)."""

    def __init__(self, source: str, file: str, limits: Limits) -> None:
        super().__init__(source)
        self.file, self.limits = file, limits
        self.depth = self.alias_uses = self.nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            self.alias_uses += 1
            if self.alias_uses > self.limits.aliases:
                raise _LimitError(event.start_mark, f"more than {self.limits.aliases} aliases (`*name`)",
                                "write the values out, or use fewer anchors (limit: aliases)")
        else:
            self.nodes += 1  # stops a flat file of tiny values before it is all read, too
            if self.nodes > self.limits.values:
                raise _LimitError(event.start_mark, f"more than {self.limits.values} values",
                                  "split the content into several packs (limit: values)")
        self.depth += 1
        if self.depth > self.limits.depth:
            raise _LimitError(event.start_mark, f"nested deeper than {self.limits.depth} levels",
                            "flatten the structure (limit: nesting depth)")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _TrustedLoader(yaml.CSafeLoader):
    """libyaml's composer (~15× faster), for bytes that already passed the bounded loader: a sealed
    pack whose files still match a manifest that was validated before (kiosk/scenario/validated.py).
    It checks no depth or alias limits while it composes, so it never reads untrusted text."""

    def __init__(self, source: str, file: str, limits: Limits) -> None:
        super().__init__(source)
        self.file, self.limits = file, limits


_Loader = _BoundedLoader | _TrustedLoader


class _LimitError(Exception):
    def __init__(self, mark: Any, message: str, hint: str) -> None:
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


@dataclass
class _Budget:
    values: int


def parse(source: str, file: str, limits: Limits = LIMITS, *, trusted: bool = False) -> YNode:
    """Parse YAML text into YNodes; syntax errors, duplicate keys and passed limits become LocatedErrors.
    `trusted`: the very text passed this parser before (a validated sealed pack): composed by libyaml."""
    loader: _Loader | None = None
    if len(source) > limits.file_bytes:
        raise LocatedError(Mark(file, 1, 1), f"the file is larger than the limit of {limits.file_bytes} bytes",
                           "split the content into several packs, or move long texts out (limit: file size)")
    try:
        loader = (_TrustedLoader if trusted else _BoundedLoader)(source, file, limits)  # checks characters: in the try
        root = loader.get_single_node()
        if root is None:
            raise LocatedError(Mark(file, 1, 1), "the file is empty", "start with `format: nova-pack/1`", source)
        return _convert(loader, root, file, source, _Budget(limits.values))
    except _LimitError as exc:
        raise LocatedError(Mark(file, exc.mark.line + 1, exc.mark.column + 1), exc.message, exc.hint,
                           source) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, source, file) from exc
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, source, file) from exc
    except yaml.YAMLError as exc:  # errors without a position (e.g. bad characters)
        raise LocatedError(Mark(file, 1, 1), f"YAML: {exc}", "save the file as UTF-8 text", source) from exc
    finally:
        if loader is not None:
            loader.dispose()


def _reader_error(exc: yaml.reader.ReaderError, source: str, file: str) -> LocatedError:
    line = source.count("\n", 0, exc.position) + 1
    col = exc.position - (source.rfind("\n", 0, exc.position) + 1) + 1
    char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
    return LocatedError(Mark(file, line, col), f"character {char} is not allowed in YAML",
                        "remove control characters (copy-paste from a PDF or a word processor?)", source)


def _syntax_error(exc: yaml.MarkedYAMLError, source: str, file: str) -> LocatedError:
    mark = exc.problem_mark or exc.context_mark
    where = Mark(file, mark.line + 1, mark.column + 1) if mark else Mark(file, 1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    if _apostrophe_closed_quote(source, where):
        return LocatedError(Mark(file, where.line, where.col - 1),
                            "YAML syntax: this apostrophe ends the text opened with a single quote (')",
                            "inside '...' an apostrophe closes the text: put the text between double quotes "
                            "(\"J'ai fini\") or type the typographic apostrophe ’ ('J’ai fini')", source)
    return LocatedError(where, f"YAML syntax: {problem}", _spaced_punctuation(source, where) or
                        "check indentation (spaces, not tabs) and quote text containing ':' or '#'", source)


def _apostrophe_closed_quote(source: str, where: Mark) -> bool:
    """The most common French trap: `fr: 'J'ai fini'`, where YAML reads `'J'` as the whole text
    and stumbles on what follows the apostrophe."""
    lines = source.splitlines()
    if not 1 <= where.line <= len(lines) or where.col < 2:
        return False
    line = lines[where.line - 1]
    at = where.col - 1
    return line[at - 1] == "'" and at < len(line) and line[at].isalnum() and "'" in line[: at - 1]


def _spaced_punctuation(source: str, where: Mark) -> str:
    """French typography puts a space before `?` and `:`, which YAML reads as syntax; and inside
    the short form `{fr: ..., en: ...}` any `?` ends the text."""
    lines = source.splitlines()
    if not 1 <= where.line <= len(lines) or where.col < 2:
        return ""
    line, at = lines[where.line - 1], where.col - 1
    if at >= len(line):
        return ""
    if line[at] == "?" and "{" in line[:at]:
        return "inside the short form { ... } a `?` ends the text: put the whole text in double quotes " \
               "(\"What do you do?\"), or write one line per language"
    if line[at] in "?:" and line[at - 1] == " ":
        return (f"a space then `{line[at]}` (French typography) inside a text not in quotes reads as YAML syntax: "
                f"put the whole text in double quotes (\"Que faites-vous ?\")")
    return ""


def _convert(loader: _Loader, node: yaml.Node, file: str, source: str, budget: _Budget) -> YNode:
    mark = _mark(file, node)
    budget.values -= 1
    if budget.values < 0:
        raise LocatedError(mark, f"more than {loader.limits.values} values once aliases are expanded",
                           "write the values out instead of repeating anchors (limit: values)", source)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, YNode] = {}
        key_marks: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node, file, source) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int | float | bool):
                raise LocatedError(_mark(file, key_node), "a key must be a plain word",
                                   "write keys like `title:`", source)
            key = str(key)
            if key in mapping:
                raise LocatedError(_mark(file, key_node), f"duplicate key `{key}`",
                                   f"`{key}` is already set at line {mapping[key].mark.line}; keep one", source)
            mapping[key] = _convert(loader, value_node, file, source, budget)
            key_marks[key] = _mark(file, key_node)
        return YNode(mapping, mark, key_marks)
    if isinstance(node, yaml.SequenceNode):
        return YNode([_convert(loader, item, file, source, budget) for item in node.value], mark)
    return YNode(_scalar(loader, node, file, source), mark)


def _scalar(loader: _Loader, node: yaml.Node, file: str, source: str) -> Any:
    """A scalar's value, within the limits; `!!float x`, a 5,000-digit integer or `1e400` is a located error."""
    limits = loader.limits
    text = node.value if isinstance(node.value, str) else ""
    if len(text) > limits.text_chars:
        raise LocatedError(_mark(file, node), f"a text of {len(text)} characters is longer than the limit of "
                           f"{limits.text_chars}", "shorten it or split it over several steps (limit: text length)",
                           source)
    if node.tag == "tag:yaml.org,2002:int" and len(text.lstrip("+-").replace("_", "")) > limits.integer_digits:
        raise LocatedError(_mark(file, node), f"an integer of more than {limits.integer_digits} digits",
                           "write a smaller number (limit: integer digits)", source)
    try:
        value = loader.construct_object(node)
    except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:
        tag = str(node.tag).rsplit(":", maxsplit=1)[-1]
        raise LocatedError(_mark(file, node), f"`{text[:40]}` cannot be read as {tag}",
                           "remove the `!!` tag or write a value of that type", source) from exc
    if isinstance(value, float) and not math.isfinite(value):
        raise LocatedError(_mark(file, node), f"`{text[:40]}` is not a finite number",
                           "write an ordinary number such as 1.5", source)
    if not isinstance(value, str | int | float | bool | type(None)):
        value = str(value)  # dates and other exotic scalars are kept as written text
    return value
