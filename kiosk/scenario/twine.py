"""Twine stories → scenario packs: the convention a trainer types in Twine's editor.

Passages are steps (the passage name becomes the step id), links are answers, tags give
the step type, and plain `key: value` lines under a text or a link carry what Twine has no
place for (translations, credits, feedback, media). Two special passages hold the rest:
`Pack` (the trade) and `Observables` (behaviours and their ESCO skills). The grammar is
documented in docs/authoring.md ("Writing in Twine"); `twine_export` writes the same form.

Pure: a `Story` in, the pack.yaml and scenario.yaml documents (plain dicts), the media the
pack needs, a TODO list and every problem (`story:passage: message (hint)`) out.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kiosk.scenario.build import DEFAULT_MAX_CREDIT
from kiosk.scenario.schema import ESCO_CODE_PATTERN, ID_PATTERN, PACK_FORMAT, SCENARIO_FORMAT
from kiosk.scenario.twee import Passage, Story
from kiosk.scenario.twine_grammar import (
    ANSWER_FIELDS,
    CREDIT,
    DEBRIEF_TEXTS,
    DEFAULT_LANGUAGES,
    IGNORED_TAGS,
    KEY_LINE,
    LANGUAGE,
    LINK,
    MAX_CREDIT,
    MIN_CREDIT,
    OBSERVABLES_PASSAGE,
    ORDERING_FIELDS,
    PACK_FIELDS,
    PACK_PASSAGE,
    PACK_TEXTS,
    STEP_FIELDS,
    TYPE_TAGS,
    Answer,
    Body,
    Key,
    Media,
    Problem,
    SpokenLine,
    TextParts,
    parse_link,
    read_key,
    slug,
)


@dataclass
class Conversion:
    pack: dict[str, Any]
    scenario: dict[str, Any]
    media: list[Media] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class StoryConverter:
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

    def convert(self) -> Conversion:
        passages = [p for p in self.story.passages if not IGNORED_TAGS & set(p.tags)]
        pack_passage = next((p for p in passages if p.name == PACK_PASSAGE), None)
        pack, scenario_id, title = self.pack_settings(pack_passage)
        observables = next((p for p in passages if p.name == OBSERVABLES_PASSAGE), None)
        if observables is None:
            self.problem(OBSERVABLES_PASSAGE, "the story has no `Observables` passage",
                         "add a passage named Observables with lines like `planifie: T2.2` and `describe: ...`")
        else:
            self.read_observables(observables)
        steps_passages = [p for p in passages if p.name not in (PACK_PASSAGE, OBSERVABLES_PASSAGE)]
        self.name_steps(steps_passages)
        steps = [s for p in steps_passages if (s := self.step(p)) is not None]
        start = self.story.start or (steps_passages[0].name if steps_passages else "")
        if start not in self.ids:
            self.problem("StoryData", f"the start passage `{start}` is not a step",
                         "in Twine, mark the first step as the start (rocket icon)")
        scenario = {"format": SCENARIO_FORMAT, "id": scenario_id, "title": title,
                    "languages": list(self.languages), "start": self.ids.get(start, slug(start)),
                    "observables": self.observables, "steps": steps}
        return Conversion(pack, scenario, self.media, self.todo, self.problems)

    # --- the Pack and Observables passages -------------------------------------------------------

    def pack_settings(self, passage: Passage | None) -> tuple[dict[str, Any], str, dict[str, Any]]:
        """(pack.yaml, the scenario id, the scenario title)."""
        values: dict[str, str] = {}
        texts = {name: TextParts() for name in PACK_TEXTS}
        lines = passage.text.splitlines() if passage else []
        for line in lines:
            if (key := read_key(line.strip(), (), {"languages"})) is not None:
                found = tuple(v for v in re.split(r"[\s,]+", key.value) if v)
                if len(found) < 2 or not all(LANGUAGE.match(v) for v in found):
                    self.problem(PACK_PASSAGE, f"languages: `{key.value}` is not a list of language codes",
                                 "write e.g. `languages: fr, en` (the first one is the language of plain lines)")
                else:
                    self.languages = found
        for line in (s for s in (raw.strip() for raw in lines) if s):
            key = read_key(line, self.languages, PACK_FIELDS)
            if key is None:
                guess = difflib.get_close_matches(line.split(":")[0].strip().lower(), sorted(PACK_FIELDS), 1, 0.6)
                self.problem(PACK_PASSAGE, f"cannot read `{line}`", f"did you mean `{guess[0]}:`?" if guess
                             else f"write `key: value` lines; keys: {', '.join(sorted(PACK_FIELDS))}")
            elif key.field in PACK_TEXTS:
                texts[key.field].add(key.language, key.value, falc=key.falc)
            elif key.field != "languages":
                values[key.field] = key.value
        if not texts["title"].values.get(self.languages[0]) and self.story.title:
            texts["title"].add(self.languages[0], self.story.title)
        rome = self.rome or values.get("trade", "")
        if not re.match(r"^[A-N][0-9]{4}$", rome):
            self.problem(PACK_PASSAGE, f"trade: `{rome}` is not a ROME 4.0 code" if rome else "no trade code",
                         "write `trade: G1602` in the Pack passage (a letter and four digits), or give --trade")
        if values.get("id", self.pack_id) != self.pack_id:
            self.todo.append(f"the Pack passage says `id: {values['id']}`; the pack was written as "
                             f"`{self.pack_id}` (its folder name)")
        placeholders = {"trade title": (f"Métier {rome}", f"Trade {rome}"),
                        "pitch": ("À écrire : ce que fait ce métier, en une phrase.",
                                  "To write: what this trade does, in one sentence.")}
        for name, (french, other) in placeholders.items():
            for language in self.languages:
                if language not in texts[name].values:
                    texts[name].add(language, french if language == "fr" else other)
                    self.todo.append(f"write `{name}{'' if language == self.languages[0] else ' ' + language}:` "
                                     "in the Pack passage (a placeholder is in pack.yaml)")
        for name, default in (("sector", "a-definir"), ("shortage", "1"),
                              ("shortage source", "À compléter : indicateur de tension DARES")):
            if name not in values:
                values[name] = default
                self.todo.append(f"write `{name}:` in the Pack passage (placeholder `{default}`)")
        if "card image" not in values:
            values["card image"] = "media/card.png"
        self.media.append(Media(values["card image"], "image", "trade"))
        if values.get("video"):
            self.media.append(Media(values["video"], "clip", "trade"))
        try:
            level = int(values["shortage"])
            if not 1 <= level <= 5:
                raise ValueError(level)
        except ValueError:
            self.problem(PACK_PASSAGE, f"shortage: `{values['shortage']}` is not a level",
                         "write a DARES tension level from 1 (low) to 5 (very high), e.g. `shortage: 4`")
            level = 1
        trade: dict[str, Any] = {"rome": rome, "title": texts["trade title"].document(self.languages),
                                 "pitch": texts["pitch"].document(self.languages), "sector": values["sector"],
                                 "shortage": {"level": level, "source": values["shortage source"]},
                                 "card_image": values["card image"]}
        if values.get("video"):
            trade["video"] = values["video"]
        self.check_text(PACK_PASSAGE, texts["title"], "the story title", prefix="title")
        version = values.get("version", "0.1.0")
        pack = {"format": PACK_FORMAT, "id": self.pack_id, "version": version, "scenario": "scenario.yaml",
                "trade": trade}
        scenario_id = values.get("scenario") or slug(self.story.title) or self.pack_id
        return pack, scenario_id, texts["title"].document(self.languages)

    def read_observables(self, passage: Passage) -> None:
        current: dict[str, Any] | None = None
        describe = TextParts()
        for line in (s for s in (raw.strip() for raw in passage.text.splitlines()) if s):
            key = read_key(line, self.languages, {"max", "describe"})
            if key is not None and current is not None:
                if key.field == "max":
                    if not key.value.isdigit() or not MIN_CREDIT <= int(key.value) <= MAX_CREDIT:
                        self.problem(passage.name, f"max: `{key.value}` is not a credit from 1 to 5",
                                     "the highest credit an answer can give, e.g. `max: 3` (default 2)")
                    else:
                        current["max"] = int(key.value)
                else:
                    describe.add(key.language, key.value, falc=key.falc)
                continue
            match = KEY_LINE.match(line)
            if match is None or key is not None:
                self.problem(passage.name, f"cannot read `{line}`", "start each observable with "
                             "`observable-id: T2.2` (its ESCO skills), then `describe: ...` and `describe en: ...`")
                continue
            self.close_observable(passage.name, current, describe)
            oid = match.group(1).strip()
            skills = [s for s in re.split(r"[\s,]+", match.group(2) or "") if s]
            if not re.match(ID_PATTERN, oid):
                self.problem(passage.name, f"`{oid}` is not a valid observable id",
                             f"use lowercase letters, digits and '-', e.g. `{slug(oid) or 'signale-probleme'}`")
            bad = [s for s in skills if not re.match(ESCO_CODE_PATTERN, s)]
            if not skills or bad:
                self.problem(passage.name, f"`{oid}`: {'`' + bad[0] + '` is not' if bad else 'no'} ESCO skill code",
                             "list ESCO transversal skill codes after the id, e.g. `signale-probleme: T4.1, T2.3`")
            current, describe = {"skills": skills}, TextParts()
            self.observables[oid] = current
        self.close_observable(passage.name, current, describe)

    def close_observable(self, passage: str, current: dict[str, Any] | None, describe: TextParts) -> None:
        if current is None:
            return
        oid = next(k for k, v in self.observables.items() if v is current)
        self.check_text(passage, describe, f"`{oid}` describe", prefix="describe")
        current["describe"] = describe.document(self.languages)

    def check_text(self, passage: str, text: TextParts, what: str, prefix: str = "") -> None:
        for language in self.languages:
            if language not in text.values:
                written = f"{prefix} {language}".strip() if language != self.languages[0] or prefix else ""
                line = f"`{written}: ...`" if written else "the text as a plain line"
                self.problem(passage, f"{what}: missing the {language} text", f"add {line}")

    # --- steps ------------------------------------------------------------------------------------

    def name_steps(self, passages: list[Passage]) -> None:
        seen: dict[str, str] = {}
        for passage in passages:
            sid = slug(passage.name)
            if not sid:
                self.problem(passage.name, "this name gives no step id", "name passages with letters or digits")
            elif sid in seen:
                self.problem(passage.name, f"gives the same step id `{sid}` as `{seen[sid]}`",
                             "rename one of the two passages")
            seen.setdefault(sid, passage.name)
            self.ids[passage.name] = sid

    def kind(self, passage: Passage) -> tuple[str, float | None]:
        tags = [t for t in passage.tags if t not in IGNORED_TAGS]
        seconds: float | None = None
        kinds: list[str] = []
        for tag in tags:
            name, _, value = tag.partition(":")
            if name == "timed":
                try:
                    seconds = float(value)
                except ValueError:
                    self.problem(passage.name, f"tag `{tag}` has no number of seconds",
                                 "write the time to answer in the tag, e.g. `timed:20`")
                    seconds = 0.0
                kinds.append("timed_choice")
            elif name in TYPE_TAGS:
                kinds.append(name)
            else:
                guess = difflib.get_close_matches(name, TYPE_TAGS, 1, 0.6)
                self.problem(passage.name, f"unknown tag `{tag}`", f"did you mean `{guess[0]}`?" if guess else
                             f"step tags: {', '.join(TYPE_TAGS)} (tag `note` for a passage that is not a step)")
        found = set(kinds)
        if "hotspot" in found:
            return "hotspot", None
        if "360" in found:
            return "video360", None
        if "multiple" in found:
            return "multiple_choice", None
        for kind in ("timed_choice", "video", "ordering", "dialogue", "end", "choice"):
            if kind in found:
                return kind, seconds
        links = sum(1 for line in passage.text.splitlines() if line.strip().startswith("[["))
        return ("end" if links == 0 else "dialogue" if links == 1 else "choice"), None

    def body(self, passage: Passage, kind: str) -> Body:
        body = Body()
        current: Any = body.text  # the TextParts plain lines and translations go to
        block: object = None  # the answer, spoken line or ordering item being written
        step_fields = STEP_FIELDS | (ORDERING_FIELDS if kind == "ordering" else set())
        for raw in passage.text.splitlines():
            line = raw.strip()
            if not line:
                continue
            if line.startswith("\\"):
                self.plain(passage, body, block, current, line[1:])
                continue
            if line.startswith("[["):
                block = self.answer(passage, line)
                if isinstance(block, Answer):
                    body.answers.append(block)
                    current = block.text
                continue
            if kind == "ordering" and line.startswith("- "):
                item = (TextParts(), None)
                item[0].add(self.languages[0], line[2:].strip())
                body.items.append(item)
                block, current = item, item[0]
                continue
            fields = {"", "id"} if isinstance(block, tuple) else ANSWER_FIELDS if isinstance(block, Answer) else \
                {"", "speaker"} if isinstance(block, SpokenLine) else {""}
            key = read_key(line, self.languages, fields)
            if key is not None:
                self.keyed(passage, body, block, current, key)
                continue
            key = read_key(line, self.languages, {f"debrief {name}" for name in DEBRIEF_TEXTS})
            if key is not None:
                body.debrief.setdefault(key.field.split()[1], TextParts()).add(key.language, key.value,
                                                                               falc=key.falc)
                continue
            key = read_key(line, self.languages, step_fields)
            if key is not None:
                name = f"captions {key.language}" if key.field == "captions" else key.field
                body.keys[name] = key.value
                continue
            match = KEY_LINE.match(line)
            if kind == "dialogue" and match is not None and match.group(2):
                spoken = SpokenLine(TextParts(), TextParts())
                spoken.speaker.add(self.languages[0], match.group(1).strip())
                spoken.says.add(self.languages[0], match.group(2).strip())
                body.lines.append(spoken)
                block, current = spoken, spoken.says
                continue
            self.plain(passage, body, block, current, line)
        return body

    def plain(self, passage: Passage, body: Body, block: object, current: TextParts, line: str) -> None:
        if "[[" in line:
            self.problem(passage.name, f"a link inside a sentence: `{line}`",
                         "put each answer on its own line, starting with [[")
        elif block is None:
            current.add(self.languages[0], line)
        else:
            what = "an answer" if isinstance(block, Answer) else "a line of dialogue" \
                if isinstance(block, SpokenLine) else "an item"
            self.problem(passage.name, f"text after {what}: `{line}`",
                         f"write the question before the answers; translate with `{self.languages[1]}: ...`, "
                         "add feedback with `feedback: ...`")

    def keyed(self, passage: Passage, body: Body, block: object, current: TextParts, key: Key) -> None:
        if key.field == "":
            current.add(key.language, key.value, falc=key.falc)
        elif key.field == "speaker" and isinstance(block, SpokenLine):
            block.speaker.values[key.language] = key.value
        elif key.field == "feedback" and isinstance(block, Answer):
            block.feedback.add(key.language, key.value, falc=key.falc)
        elif key.field == "credit" and isinstance(block, Answer):
            block.credits.update(self.credits(passage, key.value))
        elif key.field == "at" and isinstance(block, Answer):
            block.at = key.value
        elif key.field == "id":
            if not re.match(ID_PATTERN, key.value):
                self.problem(passage.name, f"id: `{key.value}` is not a valid id",
                             "use lowercase letters, digits and '-', e.g. `ask-colleague`")
            if isinstance(block, Answer):
                block.id = key.value
            elif isinstance(block, tuple):
                body.items[-1] = (block[0], key.value)

    def answer(self, passage: Passage, line: str) -> Answer | None:
        match = LINK.match(line)
        if match is None:
            self.problem(passage.name, f"cannot read the link `{line}`",
                         "write one answer per line: [[Answer text->Next passage]]")
            return None
        text, target = parse_link(match.group(1))
        parts = TextParts()
        parts.add(self.languages[0], text)
        answer = Answer(parts, target)
        setter = (match.group(2) or "").strip()
        if setter:
            key = read_key(setter, self.languages, {"credit"})
            if key is None:
                self.problem(passage.name, f"cannot read `[{setter}]` after the link",
                             "write credits as [[Answer->Next][credit: observable=2]]")
            else:
                answer.credits.update(self.credits(passage, key.value))
        return answer

    def credits(self, passage: Passage, value: str) -> dict[str, int]:
        found = {m.group(1): int(m.group(2)) for m in CREDIT.finditer(value)}
        if not found or CREDIT.sub("", value).strip(" ,;"):
            self.problem(passage.name, f"cannot read the credits `{value}`",
                         "write `credit: observable=2` (several: `credit: a=2, b=1`)")
        for oid, credit in found.items():
            if oid not in self.observables:
                guess = difflib.get_close_matches(oid, sorted(self.observables), 1, 0.5)
                self.problem(passage.name, f"credit for `{oid}`, which is not in the Observables passage",
                             f"did you mean `{guess[0]}`?" if guess else f"declare `{oid}: T...` in Observables")
                continue
            top = int(self.observables[oid].get("max", DEFAULT_MAX_CREDIT))
            if credit < MIN_CREDIT:
                self.problem(passage.name, f"credit {credit} for `{oid}`: credits start at 1",
                             "an answer that shows nothing gets no credit line: it gives 0 to the step's "
                             "observables by itself (a weak answer is evidence too)")
            elif credit > top:
                self.problem(passage.name, f"credit {credit} for `{oid}` is above its max of {top}",
                             f"lower the credit or write `max: {credit}` under `{oid}` in Observables")
        return found

    def target(self, passage: Passage, name: str) -> str:
        if name in self.ids:
            return self.ids[name]
        guess = difflib.get_close_matches(name, sorted(self.ids), 1, 0.5)
        self.problem(passage.name, f"link to `{name}`, which is not a passage",
                     f"did you mean `{guess[0]}`?" if guess else "create the passage, or fix the link")
        return slug(name)

    def single_link(self, passage: Passage, body: Body, kind: str) -> str | None:
        if len(body.answers) != 1:
            self.problem(passage.name, f"a {kind} step needs exactly one link (to the next step); "
                         f"it has {len(body.answers)}", "keep one [[Next passage]] link")
            return None
        return self.target(passage, body.answers[0].target)

    def step(self, passage: Passage) -> dict[str, Any] | None:
        kind, seconds = self.kind(passage)
        body = self.body(passage, kind)
        sid = self.ids[passage.name]
        step: dict[str, Any] = {"id": sid, "type": kind}
        if body.text:
            self.check_text(passage.name, body.text, "the text")
            step["text"] = body.text.document(self.languages)
        elif kind not in ("video", "video360", "dialogue"):
            self.problem(passage.name, "the passage has no text", "write what the job seeker reads, then the links")
        if kind in ("video", "video360"):
            step["clip"] = body.keys.get("clip") or f"media/{sid}{'-360' if kind == 'video360' else ''}.mp4"
            self.media.append(Media(step["clip"], "clip360" if kind == "video360" else "clip", sid))
            captions = {k.split()[1]: v for k, v in body.keys.items() if k.startswith("captions ")}
            if captions:
                step["captions"] = captions
                self.media += [Media(v, "captions", sid) for v in captions.values()]
            step["next"] = self.single_link(passage, body, kind)
        elif kind == "dialogue":
            if not body.lines:
                self.problem(passage.name, "a dialogue passage needs lines such as `Nadia: Bonjour !`",
                             "write one `Name: words` line per speech, or tag the passage `choice`, `video` or "
                             "`end`")
            step["lines"] = [self.spoken(passage, line) for line in body.lines]
            step["next"] = self.single_link(passage, body, kind)
        elif kind in ("choice", "multiple_choice", "timed_choice"):
            self.choice(passage, body, kind, seconds, step)
        elif kind == "ordering":
            self.ordering(passage, body, step)
        elif kind == "hotspot":
            self.hotspot(passage, body, step)
        elif body.answers:
            self.problem(passage.name, "an end passage has links", "remove the links, or change the `end` tag")
        if "image" in body.keys and kind not in ("hotspot",):
            step["image"] = body.keys["image"]
            self.media.append(Media(body.keys["image"], "image", sid))
        self.debrief(passage, body, step)
        return step

    def debrief(self, passage: Passage, body: Body, step: dict[str, Any]) -> None:
        """`debrief moment/professional/why[ falc][ language]: ...` and `debrief best: answer-id`."""
        if not body.debrief and "debrief best" not in body.keys:
            return
        debrief: dict[str, Any] = {}
        for name in DEBRIEF_TEXTS:
            if name in body.debrief:
                self.check_text(passage.name, body.debrief[name], f"the debrief's {name}", f"debrief {name}")
                debrief[name] = body.debrief[name].document(self.languages)
        if "debrief best" in body.keys:
            debrief["best"] = body.keys["debrief best"]
        step["debrief"] = debrief

    def spoken(self, passage: Passage, line: SpokenLine) -> dict[str, Any]:
        first = self.languages[0]
        for language in self.languages[1:]:
            line.speaker.values.setdefault(language, line.speaker.values[first])
        self.check_text(passage.name, line.says, f"what {line.speaker.values[first]} says")
        return {"speaker": line.speaker.document(self.languages), "says": line.says.document(self.languages)}

    def options(self, passage: Passage, answers: list[Answer]) -> list[dict[str, Any]]:
        out = []
        for index, answer in enumerate(answers):
            option: dict[str, Any] = {"id": answer.id or (chr(ord("a") + index) if index < 26 else f"r{index}")}
            self.check_text(passage.name, answer.text, f"answer `{option['id']}`")
            option["text"] = answer.text.document(self.languages)
            if answer.feedback:
                self.check_text(passage.name, answer.feedback, f"the feedback of `{option['id']}`", "feedback")
                option["feedback"] = answer.feedback.document(self.languages)
            if answer.credits:
                option["evidence"] = dict(answer.credits)
            option["next"] = self.target(passage, answer.target)
            out.append(option)
        return out

    def choice(self, passage: Passage, body: Body, kind: str, seconds: float | None, step: dict[str, Any]) -> None:
        if len(body.answers) < 2:
            self.problem(passage.name, f"a choice needs at least 2 answers (links); it has {len(body.answers)}",
                         "add answers as [[Answer text->Next passage]], one per line")
        options = self.options(passage, body.answers)
        common = Counter(o["next"] for o in options).most_common(1)
        if kind == "multiple_choice" and len({o["next"] for o in options}) > 1:
            self.problem(passage.name, "answers of a `multiple` step all lead to the same next passage",
                         "point every link to the same passage (the player ticks several, then goes on)")
        for option in options:
            if common and option["next"] == common[0][0]:
                del option["next"]
        if kind == "timed_choice":
            step["seconds"] = seconds
            timeout = body.keys.get("timeout", "")
            link = LINK.match(timeout)
            if not timeout:
                self.problem(passage.name, "a timed step needs `timeout: [[Passage]]` (where time runs out)",
                             "add a line `timeout: [[Trop tard]]`")
            step["timeout"] = self.target(passage, parse_link(link.group(1))[1] if link else timeout)
        step["options"] = options
        if common:
            step["next"] = common[0][0]

    def ordering(self, passage: Passage, body: Body, step: dict[str, Any]) -> None:
        items = []
        for index, (text, item_id) in enumerate(body.items):
            iid = item_id or f"e{index + 1}"
            self.check_text(passage.name, text, f"item `{iid}`")
            items.append({"id": iid, "text": text.document(self.languages)})
        if len(items) < 3:
            self.problem(passage.name, f"an ordering needs at least 3 items; it has {len(items)}",
                         "write the actions in the right order, one per line starting with `- `")
        step["items"] = items
        step["correct"] = [i["id"] for i in items]
        exact = self.credits(passage, body.keys["credit"]) if "credit" in body.keys else {}
        near = self.credits(passage, body.keys["near"]) if "near" in body.keys else {}
        if not exact:
            self.problem(passage.name, "an ordering needs a `credit:` line",
                         "write `credit: observable=2` (all in order) and optionally `near: observable=1`")
        step["evidence"] = {oid: {"exact": c, **({"near": near[oid]} if oid in near else {})}
                            for oid, c in exact.items()}
        step["next"] = self.single_link(passage, body, "ordering")

    def hotspot(self, passage: Passage, body: Body, step: dict[str, Any]) -> None:
        sid = step["id"]
        step["image"] = body.keys.get("image") or f"media/{sid}-360.jpg"
        self.media.append(Media(step["image"], "image360", sid))
        if "multiple" in passage.tags:
            step["multiple"] = True
        spots = self.options(passage, body.answers)
        targets = {s.pop("next") for s in spots}
        if len(targets) > 1:
            self.problem(passage.name, "every spot of a 360° picture leads to the same next passage",
                         "point every link to the passage that follows the picture")
        for index, (spot, answer) in enumerate(zip(spots, body.answers, strict=True)):
            spot.update(self.place(passage, answer.at, index, len(spots)))
        step["spots"] = spots
        if targets:
            step["next"] = sorted(targets)[0]
        if not spots:
            self.problem(passage.name, "a 360° picture needs spots (links)", "add [[Spot text->Next passage]] lines")

    def place(self, passage: Passage, at: str | None, index: int, count: int) -> dict[str, float]:
        if at is None:
            self.todo.append(f"{passage.name}: place spot {index + 1} on the 360° picture (`at: yaw=.., pitch=..`)")
            return {"yaw": round(-150 + 300 * (index + 0.5) / max(count, 1)), "pitch": 0}
        found = {m.group(1): float(m.group(2)) for m in re.finditer(r"(yaw|pitch|radius)\s*=\s*(-?\d+(?:\.\d+)?)", at)}
        if "yaw" not in found or "pitch" not in found:
            self.problem(passage.name, f"cannot read `at: {at}`",
                         "write `at: yaw=30, pitch=-10` (degrees right of ahead, degrees up; `radius=12` optional)")
        return {k: int(v) if v.is_integer() else v for k, v in found.items()}


def convert_story(story: Story, label: str, pack_id: str, rome: str | None = None) -> Conversion:
    """The pack a Twine story describes, what to finish by hand (TODO), and every problem."""
    return StoryConverter(story, label, pack_id, rome).convert()
