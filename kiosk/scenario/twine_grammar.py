"""The line grammar of a Twine story written for the kiosk (docs/authoring.md, "Writing in
Twine"): which passages are special, which tags are step types, how a `key: value` line, a
link and a credit read. Shared by the import (`twine`) and the export (`twine_export`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

PACK_PASSAGE, OBSERVABLES_PASSAGE = "Pack", "Observables"
IGNORED_TAGS = {"note", "script", "stylesheet", "Twine.private"}  # notes to self; story-format code
TYPE_TAGS = ("choice", "multiple", "timed", "video", "360", "hotspot", "ordering", "dialogue", "end")
DEFAULT_LANGUAGES = ("fr", "en")
MIN_CREDIT, MAX_CREDIT = 1, 5
KEY_LINE = re.compile(r"^([^:\[\]]{1,60}?)\s*:(?:\s+(.*)|\s*)$")
LINK = re.compile(r"^\[\[(.+?)(?:\]\[(.*))?\]\]\s*$")  # [[link]] or [[link][setter]]
CREDIT = re.compile(r"([a-z0-9][a-z0-9_-]*)\s*=\s*(-?\d+)")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")

ANSWER_FIELDS = {"", "feedback", "id", "credit", "at"}
STEP_FIELDS = {"clip", "captions", "image", "timeout", "debrief best"}
DEBRIEF_TEXTS = ("moment", "professional", "why")  # `debrief moment: ...`, `debrief why falc en: ...`
ORDERING_FIELDS = {"credit", "near"}
PACK_FIELDS = {"id", "version", "languages", "scenario", "title", "trade", "trade title", "pitch", "sector",
               "shortage", "shortage source", "card image", "video", "attract"}
PACK_TEXTS = {"title", "trade title", "pitch"}


@dataclass(frozen=True, slots=True)
class Problem:
    story: str
    passage: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.story}:{self.passage}: {self.message} (hint: {self.hint})"


@dataclass(frozen=True, slots=True)
class Media:
    path: str  # relative to the pack
    kind: str  # "clip", "clip360", "image", "image360", "captions"
    step: str  # the step (or `trade`) that names it


@dataclass(frozen=True, slots=True)
class Key:
    field: str  # "" for the text itself
    falc: bool
    language: str  # the first language when none is written
    value: str


def slug(name: str) -> str:
    """A step id from a passage name: `Arrivée au dépôt` → `arrivee-au-depot`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "-", ascii_name.lower()).strip("-_")


def read_key(line: str, languages: tuple[str, ...], fields: set[str]) -> Key | None:
    """`feedback falc en: ...` → Key("feedback", True, "en", ...); None when not one of `fields`."""
    match = KEY_LINE.match(line)
    if match is None:
        return None
    words = match.group(1).strip().lower().split()
    language = languages[0] if languages else ""
    if words and words[-1] in languages:
        language = words.pop()
    falc = bool(words) and words[-1] == "falc"
    if falc:
        words.pop()
    name = " ".join(words)
    if name not in fields or (name == "" and not falc and match.group(1).strip().lower() not in languages):
        return None
    return Key(name, falc, language, (match.group(2) or "").strip())


def parse_link(inside: str) -> tuple[str, str]:
    """(text, target) of `[[text->target]]`, `[[target<-text]]`, `[[text|target]]` or `[[target]]`."""
    if "->" in inside:
        text, target = inside.rsplit("->", 1)
    elif "<-" in inside:
        target, text = inside.split("<-", 1)
    elif "|" in inside:
        text, target = inside.rsplit("|", 1)
    else:
        text = target = inside
    return text.strip(), target.strip()


class TextParts:
    """A text being assembled from lines: one value per language, easy-read variants apart."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.falc: dict[str, str] = {}

    def add(self, language: str, value: str, *, falc: bool = False) -> None:
        target = self.falc if falc else self.values
        target[language] = f"{target[language]} {value}" if language in target else value

    def __bool__(self) -> bool:
        return bool(self.values or self.falc)

    def document(self, languages: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {lang: self.values[lang] for lang in languages if lang in self.values}
        out |= {lang: v for lang, v in self.values.items() if lang not in out}
        if self.falc:
            out["falc"] = dict(self.falc)
        return out


@dataclass
class Answer:
    text: TextParts
    target: str
    id: str | None = None
    feedback: TextParts = field(default_factory=TextParts)
    credits: dict[str, int] = field(default_factory=dict)
    at: str | None = None


@dataclass
class SpokenLine:
    speaker: TextParts
    says: TextParts


@dataclass
class Body:
    """What one step passage says, before it becomes a step."""

    text: TextParts = field(default_factory=TextParts)
    answers: list[Answer] = field(default_factory=list)
    lines: list[SpokenLine] = field(default_factory=list)
    items: list[tuple[TextParts, str | None]] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # clip, captions <lang>, image, timeout, credit, near
    debrief: dict[str, TextParts] = field(default_factory=dict)  # moment, professional, why
