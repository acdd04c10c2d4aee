"""YAML with positions: every value keeps the file, line and column it came from, so an
error in authored content reads like a compiler's — `file:line:col: message`, the line
itself with a caret under the spot, and a hint saying how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from kiosk.errors import ContentError


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


def snippet(source: str, mark: Mark) -> str:
    lines = source.splitlines()
    if not 1 <= mark.line <= len(lines):
        return ""
    gutter = f"{mark.line:4d} | "
    return f"{gutter}{lines[mark.line - 1]}\n{' ' * (len(gutter) - 2)}| {' ' * (mark.col - 1)}^"


def _mark(file: str, node: yaml.Node) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


def parse(source: str, file: str) -> YNode:
    """Parse YAML text into YNodes; syntax errors and duplicate keys become LocatedErrors."""
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(source)  # checks characters already: inside the try
        root = loader.get_single_node()
        if root is None:
            raise LocatedError(Mark(file, 1, 1), "the file is empty", "start with `format: nova-pack/1`", source)
        return _convert(loader, root, file, source)
    except yaml.reader.ReaderError as exc:
        line = source.count("\n", 0, exc.position) + 1
        col = exc.position - (source.rfind("\n", 0, exc.position) + 1) + 1
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise LocatedError(Mark(file, line, col), f"character {char} is not allowed in YAML",
                           "remove control characters (copy-paste from a PDF or a word processor?)",
                           source) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(file, mark.line + 1, mark.column + 1) if mark else Mark(file, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if _apostrophe_closed_quote(source, where):
            raise LocatedError(Mark(file, where.line, where.col - 1),
                               "YAML syntax: this apostrophe ends the text opened with a single quote (')",
                               "inside '...' an apostrophe closes the text: put the text between double quotes "
                               "(\"J'ai fini\") or type the typographic apostrophe ’ ('J’ai fini')", source) from exc
        raise LocatedError(where, f"YAML syntax: {problem}", _spaced_punctuation(source, where) or
                           "check indentation (spaces, not tabs) and quote text containing ':' or '#'",
                           source) from exc
    except yaml.YAMLError as exc:  # errors without a position (e.g. bad characters)
        raise LocatedError(Mark(file, 1, 1), f"YAML: {exc}", "save the file as UTF-8 text", source) from exc
    finally:
        if loader is not None:
            loader.dispose()


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


def _convert(loader: yaml.SafeLoader, node: yaml.Node, file: str, source: str) -> YNode:
    mark = _mark(file, node)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, YNode] = {}
        key_marks: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            if not isinstance(key, str | int | float | bool):
                raise LocatedError(_mark(file, key_node), "a key must be a plain word",
                                   "write keys like `title:`", source)
            key = str(key)
            if key in mapping:
                raise LocatedError(_mark(file, key_node), f"duplicate key `{key}`",
                                   f"`{key}` is already set at line {mapping[key].mark.line}; keep one", source)
            mapping[key] = _convert(loader, value_node, file, source)
            key_marks[key] = _mark(file, key_node)
        return YNode(mapping, mark, key_marks)
    if isinstance(node, yaml.SequenceNode):
        return YNode([_convert(loader, item, file, source) for item in node.value], mark)
    value = loader.construct_object(node)
    if not isinstance(value, str | int | float | bool | type(None)):
        value = str(value)  # dates and other exotic scalars are kept as written text
    return YNode(value, mark)
