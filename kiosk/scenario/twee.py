"""Twine stories as data: read Twee 3 text or a Twine 2 published HTML file, write Twee 3.

Pure: text in, `Story` out (and back). The formats are the public Twine specifications:
Twee 3 (`:: Name [tags] {"position":"x,y","size":"w,h"}`, StoryTitle, StoryData) and the
Twine 2 HTML output (`<tw-storydata>` holding `<tw-passagedata>` elements).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from kiosk.errors import ContentError

DEFAULT_SIZE = (100, 100)


@dataclass(frozen=True, slots=True)
class Passage:
    name: str
    text: str
    tags: tuple[str, ...] = ()
    position: tuple[float, float] | None = None
    size: tuple[float, float] | None = None
    line: int = 0  # where its header is (Twee); 0 for HTML


@dataclass(frozen=True, slots=True)
class Story:
    title: str
    passages: tuple[Passage, ...]
    start: str | None = None  # name of the first passage
    ifid: str = ""
    format: str = ""
    format_version: str = ""
    extra: dict[str, object] = field(default_factory=dict)  # other StoryData keys (zoom, tag-colors)

    def passage(self, name: str) -> Passage | None:
        return next((p for p in self.passages if p.name == name), None)


class StoryFormatError(ContentError):
    """The file is not a readable Twine story."""


def parse_story(source: str, label: str) -> Story:
    """A Twee 3 text or a Twine 2 HTML file, told apart by the `<tw-storydata` element."""
    if "<tw-storydata" in source:
        return parse_html(source, label)
    return parse_twee(source, label)


# --- Twee 3 ---------------------------------------------------------------------------------------

_HEADER = re.compile(r"^::(?!:)")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _escape(text: str) -> str:
    return re.sub(r"([\\\[\]{}])", r"\\\1", text)


def _split_header(header: str, label: str, line: int) -> tuple[str, tuple[str, ...], dict[str, object]]:
    """`Name [tags] {json}` with the spec's backslash escapes in the name and tags."""
    i, name = 0, ""
    while i < len(header) and header[i] not in "[{":
        if header[i] == "\\" and i + 1 < len(header):
            name += header[i: i + 2]
            i += 2
            continue
        name += header[i]
        i += 1
    tags: tuple[str, ...] = ()
    rest = header[i:].strip()
    if rest.startswith("["):
        end = re.search(r"(?<!\\)\]", rest)
        if end is None:
            raise StoryFormatError(f"{label}:{line}: the tag list `[` is not closed",
                                   "write tags as `[tag1 tag2]` after the passage name")
        tags = tuple(_unescape(t) for t in rest[1:end.start()].split())
        rest = rest[end.end():].strip()
    metadata: dict[str, object] = {}
    if rest.startswith("{"):
        try:
            metadata = json.loads(rest)
        except ValueError:
            raise StoryFormatError(f"{label}:{line}: passage metadata is not JSON: {rest}",
                                   'write it like {"position":"100,100","size":"100,100"}') from None
    elif rest:
        raise StoryFormatError(f"{label}:{line}: unexpected `{rest}` after the passage name",
                               "a header is `:: Name [tags] {metadata}`; escape [ ] { } in names with \\")
    return _unescape(name.strip()), tags, metadata


def _pair(value: object) -> tuple[float, float] | None:
    try:
        x, y = (float(v) for v in str(value).split(","))
    except ValueError:
        return None
    return x, y


def parse_twee(source: str, label: str) -> Story:
    raw: list[tuple[str, tuple[str, ...], dict[str, object], list[str], int]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        if _HEADER.match(line):
            name, tags, metadata = _split_header(line[2:].strip(), label, number)
            raw.append((name, tags, metadata, [], number))
        elif raw:
            raw[-1][3].append(line[1:] if line.startswith("\\::") else line)
        elif line.strip():
            raise StoryFormatError(f"{label}:{number}: text before the first passage",
                                   "a Twee file starts with a passage header such as `:: StoryTitle`")
    if not raw:
        raise StoryFormatError(f"{label}: no passages (no `:: Name` lines)", "export the story from Twine as Twee "
                               "(Build → Export as Twee) or as HTML (Build → Publish to File)")
    passages: list[Passage] = []
    title, data = "", {}
    for name, tags, metadata, lines, number in raw:
        text = "\n".join(lines).strip("\n")
        if name == "StoryTitle":
            title = text.strip()
        elif name == "StoryData":
            try:
                data = json.loads(text)
            except ValueError:
                raise StoryFormatError(f"{label}:{number}: StoryData is not JSON",
                                       'write {"ifid": "...", "start": "First passage"}') from None
        else:
            passages.append(Passage(name, text, tags, _pair(metadata.get("position")), _pair(metadata.get("size")),
                                    number))
    known = ("ifid", "format", "format-version", "start")
    return Story(title, tuple(passages), str(data["start"]) if data.get("start") else None,
                 str(data.get("ifid", "")), str(data.get("format", "")), str(data.get("format-version", "")),
                 {k: v for k, v in data.items() if k not in known})


def _number(value: float) -> str:
    return f"{value:g}"


def write_twee(story: Story) -> str:
    """Twee 3 text of `story`: StoryTitle, StoryData, then each passage."""
    data: dict[str, object] = {"ifid": story.ifid, "format": story.format, "format-version": story.format_version}
    if story.start:
        data["start"] = story.start
    data |= story.extra
    parts = [f":: StoryTitle\n{story.title}\n", f":: StoryData\n{json.dumps(data, indent=2, ensure_ascii=False)}\n"]
    for passage in story.passages:
        header = f":: {_escape(passage.name)}"
        if passage.tags:
            header += f" [{' '.join(_escape(t) for t in passage.tags)}]"
        metadata = {}
        if passage.position:
            metadata["position"] = ",".join(_number(v) for v in passage.position)
        if passage.size:
            metadata["size"] = ",".join(_number(v) for v in passage.size)
        if metadata:
            header += " " + json.dumps(metadata, separators=(",", ":"))
        body = "\n".join("\\" + line if _HEADER.match(line) else line for line in passage.text.splitlines())
        parts.append(f"{header}\n{body}\n")
    return "\n".join(parts)


# --- Twine 2 HTML ---------------------------------------------------------------------------------

class _StoryHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.story: dict[str, str | None] | None = None
        self.passages: list[tuple[dict[str, str | None], list[str]]] = []
        self._inside: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tw-storydata" and self.story is None:
            self.story = dict(attrs)
        elif tag == "tw-passagedata" and self.story is not None:
            self._inside = []
            self.passages.append((dict(attrs), self._inside))

    def handle_endtag(self, tag: str) -> None:
        if tag == "tw-passagedata":
            self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            self._inside.append(data)


def parse_html(source: str, label: str) -> Story:
    parser = _StoryHTML()
    parser.feed(source)
    parser.close()
    if parser.story is None:
        raise StoryFormatError(f"{label}: no <tw-storydata> element", "publish the story from Twine "
                               "(Build → Publish to File), or export it as Twee")
    attrs = parser.story
    passages, start = [], None
    for passage_attrs, chunks in parser.passages:
        name = passage_attrs.get("name") or ""
        if passage_attrs.get("pid") and passage_attrs.get("pid") == attrs.get("startnode"):
            start = name
        passages.append(Passage(name, "".join(chunks), tuple((passage_attrs.get("tags") or "").split()),
                                _pair(passage_attrs.get("position")), _pair(passage_attrs.get("size"))))
    return Story(attrs.get("name") or "", tuple(passages), start, attrs.get("ifid") or "", attrs.get("format") or "",
                 attrs.get("format-version") or "")
