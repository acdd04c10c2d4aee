"""Twine → pack, part one: what every reader of a story shares (the problems found, the languages,
the observables, the step ids) and the two special passages, `Pack` (the trade, pack.yaml) and
`Observables` (behaviours and their ESCO skills). Steps are read in kiosk.scenario.twine_steps."""

from __future__ import annotations

import difflib
import re
from typing import Any

from kiosk.scenario.schema import ESCO_CODE_PATTERN, ID_PATTERN, PACK_FORMAT
from kiosk.scenario.twee import Passage, Story
from kiosk.scenario.twine_grammar import (
    DEFAULT_LANGUAGES,
    KEY_LINE,
    LANGUAGE,
    MAX_CREDIT,
    MIN_CREDIT,
    PACK_FIELDS,
    PACK_PASSAGE,
    PACK_TEXTS,
    Key,
    Media,
    Problem,
    TextParts,
    read_key,
    slug,
)

PLACEHOLDER_TEXTS = {"pitch": ("À écrire : ce que fait ce métier, en une phrase.",
                               "To write: what this trade does, in one sentence.")}
PLACEHOLDER_VALUES = (("sector", "a-definir"), ("shortage", "1"),
                      ("shortage source", "À compléter : indicateur de tension DARES"))


class ConverterState:
    """What the readers of one story share while converting it."""

    def __init__(self, story: Story, label: str, pack_id: str, rome: str | None) -> None:
        self.story, self.label, self.pack_id, self.rome = story, label, pack_id, rome
        self.problems: list[Problem] = []
        self.todo: list[str] = []
        self.media: list[Media] = []
        self.languages: tuple[str, ...] = DEFAULT_LANGUAGES
        self.observables: dict[str, dict[str, Any]] = {}
        self.ids: dict[str, str] = {}  # passage name → step id

    def problem(self, passage: str, message: str, hint: str) -> None:
        self.problems.append(Problem(self.label, passage, message, hint))

    def check_text(self, passage: str, text: TextParts, what: str, prefix: str = "") -> None:
        for language in self.languages:
            if language not in text.values:
                written = f"{prefix} {language}".strip() if language != self.languages[0] or prefix else ""
                line = f"`{written}: ...`" if written else "the text as a plain line"
                self.problem(passage, f"{what}: missing the {language} text", f"add {line}")


class PassageReader(ConverterState):
    """The `Pack` and `Observables` passages."""

    def pack_settings(self, passage: Passage | None) -> tuple[dict[str, Any], str, dict[str, Any]]:
        """(pack.yaml, the scenario id, the scenario title)."""
        lines = [s for s in (raw.strip() for raw in passage.text.splitlines()) if s] if passage else []
        self._read_languages(lines)
        values, texts = self._read_pack_lines(lines)
        if not texts["title"].values.get(self.languages[0]) and self.story.title:
            texts["title"].add(self.languages[0], self.story.title)
        rome = self._trade_code(values)
        self._placeholders(texts, values, rome)
        level = self._shortage_level(values)
        trade: dict[str, Any] = {"rome": rome, "title": texts["trade title"].document(self.languages),
                                 "pitch": texts["pitch"].document(self.languages), "sector": values["sector"],
                                 "shortage": {"level": level, "source": values["shortage source"]},
                                 "card_image": values["card image"]}
        if values.get("video"):
            trade["video"] = values["video"]
        if values.get("attract"):  # no placeholder: the scene is a picture the pack brings (lint says if not)
            trade["attract"] = values["attract"]
        self.check_text(PACK_PASSAGE, texts["title"], "the story title", prefix="title")
        version = values.get("version", "0.1.0")
        pack = {"format": PACK_FORMAT, "id": self.pack_id, "version": version, "scenario": "scenario.yaml",
                "trade": trade}
        scenario_id = values.get("scenario") or slug(self.story.title) or self.pack_id
        return pack, scenario_id, texts["title"].document(self.languages)

    def _read_languages(self, lines: list[str]) -> None:
        """`languages:` first: the other lines are read in them."""
        for line in lines:
            if (key := read_key(line, (), {"languages"})) is not None:
                found = tuple(v for v in re.split(r"[\s,]+", key.value) if v)
                if len(found) < 2 or not all(LANGUAGE.match(v) for v in found):
                    self.problem(PACK_PASSAGE, f"languages: `{key.value}` is not a list of language codes",
                                 "write e.g. `languages: fr, en` (the first one is the language of plain lines)")
                else:
                    self.languages = found

    def _read_pack_lines(self, lines: list[str]) -> tuple[dict[str, str], dict[str, TextParts]]:
        values: dict[str, str] = {}
        texts = {name: TextParts() for name in PACK_TEXTS}
        for line in lines:
            key = read_key(line, self.languages, PACK_FIELDS)
            if key is None:
                guess = difflib.get_close_matches(line.split(":")[0].strip().lower(), sorted(PACK_FIELDS), 1, 0.6)
                self.problem(PACK_PASSAGE, f"cannot read `{line}`", f"did you mean `{guess[0]}:`?" if guess
                             else f"write `key: value` lines; keys: {', '.join(sorted(PACK_FIELDS))}")
            elif key.field in PACK_TEXTS:
                texts[key.field].add(key.language, key.value, falc=key.falc)
            elif key.field != "languages":
                values[key.field] = key.value
        return values, texts

    def _trade_code(self, values: dict[str, str]) -> str:
        rome = self.rome or values.get("trade", "")
        if not re.match(r"^[A-N][0-9]{4}$", rome):
            self.problem(PACK_PASSAGE, f"trade: `{rome}` is not a ROME 4.0 code" if rome else "no trade code",
                         "write `trade: G1602` in the Pack passage (a letter and four digits), or give --trade")
        if values.get("id", self.pack_id) != self.pack_id:
            self.todo.append(f"the Pack passage says `id: {values['id']}`; the pack was written as "
                             f"`{self.pack_id}` (its folder name)")
        return rome

    def _placeholders(self, texts: dict[str, TextParts], values: dict[str, str], rome: str) -> None:
        """What the story did not say: a placeholder in pack.yaml and a TODO line each."""
        placeholders = {"trade title": (f"Métier {rome}", f"Trade {rome}"), **PLACEHOLDER_TEXTS}
        for name, (french, other) in placeholders.items():
            for language in self.languages:
                if language not in texts[name].values:
                    texts[name].add(language, french if language == "fr" else other)
                    self.todo.append(f"write `{name}{'' if language == self.languages[0] else ' ' + language}:` "
                                     "in the Pack passage (a placeholder is in pack.yaml)")
        for name, default in PLACEHOLDER_VALUES:
            if name not in values:
                values[name] = default
                self.todo.append(f"write `{name}:` in the Pack passage (placeholder `{default}`)")
        if "card image" not in values:
            values["card image"] = "media/card.png"
        self.media.append(Media(values["card image"], "image", "trade"))
        if values.get("video"):
            self.media.append(Media(values["video"], "clip", "trade"))

    def _shortage_level(self, values: dict[str, str]) -> int:
        try:
            level = int(values["shortage"])
            if not 1 <= level <= 5:
                raise ValueError(level)
        except ValueError:
            self.problem(PACK_PASSAGE, f"shortage: `{values['shortage']}` is not a level",
                         "write a DARES tension level from 1 (low) to 5 (very high), e.g. `shortage: 4`")
            level = 1
        return level

    def read_observables(self, passage: Passage) -> None:
        current: dict[str, Any] | None = None
        describe = TextParts()
        for line in (s for s in (raw.strip() for raw in passage.text.splitlines()) if s):
            key = read_key(line, self.languages, {"max", "describe"})
            if key is not None and current is not None:
                self._observable_detail(passage, key, current, describe)
                continue
            match = KEY_LINE.match(line)
            if match is None or key is not None:
                self.problem(passage.name, f"cannot read `{line}`", "start each observable with "
                             "`observable-id: T2.2` (its ESCO skills), then `describe: ...` and `describe en: ...`")
                continue
            self.close_observable(passage.name, current, describe)
            current, describe = self._open_observable(passage, match.group(1).strip(), match.group(2)), TextParts()
        self.close_observable(passage.name, current, describe)

    def _observable_detail(self, passage: Passage, key: Key, current: dict[str, Any], describe: TextParts) -> None:
        """`max: 3` or `describe [language]: ...` under an observable."""
        if key.field != "max":
            describe.add(key.language, key.value, falc=key.falc)
        elif not key.value.isdigit() or not MIN_CREDIT <= int(key.value) <= MAX_CREDIT:
            self.problem(passage.name, f"max: `{key.value}` is not a credit from 1 to 5",
                         "the highest credit an answer can give, e.g. `max: 3` (default 2)")
        else:
            current["max"] = int(key.value)

    def _open_observable(self, passage: Passage, oid: str, codes: str | None) -> dict[str, Any]:
        """`observable-id: T2.2, T4.1`: a new observable and its ESCO skills."""
        skills = [s for s in re.split(r"[\s,]+", codes or "") if s]
        if not re.match(ID_PATTERN, oid):
            self.problem(passage.name, f"`{oid}` is not a valid observable id",
                         f"use lowercase letters, digits and '-', e.g. `{slug(oid) or 'signale-probleme'}`")
        bad = [s for s in skills if not re.match(ESCO_CODE_PATTERN, s)]
        if not skills or bad:
            self.problem(passage.name, f"`{oid}`: {'`' + bad[0] + '` is not' if bad else 'no'} ESCO skill code",
                         "list ESCO transversal skill codes after the id, e.g. `signale-probleme: T4.1, T2.3`")
        current: dict[str, Any] = {"skills": skills}
        self.observables[oid] = current
        return current

    def close_observable(self, passage: str, current: dict[str, Any] | None, describe: TextParts) -> None:
        if current is None:
            return
        oid = next(k for k, v in self.observables.items() if v is current)
        self.check_text(passage, describe, f"`{oid}` describe", prefix="describe")
        current["describe"] = describe.document(self.languages)
