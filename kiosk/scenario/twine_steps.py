"""Twine → pack, part two: the passages that are steps — their type (tags), their body (text,
answers as links, `key: value` lines), credits, targets, and each step type's own fields."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from kiosk.scenario.build import DEFAULT_MAX_CREDIT
from kiosk.scenario.schema import ID_PATTERN
from kiosk.scenario.twee import Passage
from kiosk.scenario.twine_debrief import add_debrief, read_debrief_line
from kiosk.scenario.twine_grammar import (
    ANSWER_FIELDS,
    CREDIT,
    IGNORED_TAGS,
    KEY_LINE,
    LINK,
    MIN_CREDIT,
    ORDERING_FIELDS,
    STEP_FIELDS,
    TYPE_TAGS,
    Answer,
    Body,
    Key,
    Media,
    SpokenLine,
    TextParts,
    parse_link,
    read_key,
    slug,
)
from kiosk.scenario.twine_passages import ConverterState


@dataclass
class _Cursor:
    current: TextParts  # where plain lines and translations go
    block: object = None  # the answer, spoken line or ordering item being written


class StepReader(ConverterState):
    """The passages that are steps."""

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
        found, seconds = self._tag_kinds(passage)
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

    def _tag_kinds(self, passage: Passage) -> tuple[set[str], float | None]:
        """The step types the passage's tags name, and the seconds of a `timed:N` tag."""
        seconds: float | None = None
        kinds: list[str] = []
        for tag in (t for t in passage.tags if t not in IGNORED_TAGS):
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
        return set(kinds), seconds

    def body(self, passage: Passage, kind: str) -> Body:
        body = Body()
        cursor = _Cursor(body.text)
        step_fields = STEP_FIELDS | (ORDERING_FIELDS if kind == "ordering" else set())
        for raw in passage.text.splitlines():
            line = raw.strip()
            if not line:
                continue
            if line.startswith("\\"):
                self.plain(passage, body, cursor.block, cursor.current, line[1:])
            elif not self._opens_block(passage, body, kind, line, cursor) and \
                    not self._key_line(passage, body, line, step_fields, cursor):
                self._dialogue_or_plain(passage, body, kind, line, cursor)
        return body

    def _opens_block(self, passage: Passage, body: Body, kind: str, line: str, cursor: _Cursor) -> bool:
        """A link (an answer) or an ordering item: what follows belongs to it."""
        if line.startswith("[["):
            cursor.block = self.answer(passage, line)
            if isinstance(cursor.block, Answer):
                body.answers.append(cursor.block)
                cursor.current = cursor.block.text
            return True
        if kind == "ordering" and line.startswith("- "):
            item = (TextParts(), None)
            item[0].add(self.languages[0], line[2:].strip())
            body.items.append(item)
            cursor.block, cursor.current = item, item[0]
            return True
        return False

    def _key_line(self, passage: Passage, body: Body, line: str, step_fields: set[str], cursor: _Cursor) -> bool:
        """A `key: value` line of the block being written, or of the step."""
        block = cursor.block
        fields = {"", "id"} if isinstance(block, tuple) else ANSWER_FIELDS if isinstance(block, Answer) else \
            {"", "speaker"} if isinstance(block, SpokenLine) else {""}
        key = read_key(line, self.languages, fields)
        if key is not None:
            self.keyed(passage, body, block, cursor.current, key)
            return True
        if read_debrief_line(line, self.languages, body):
            return True
        key = read_key(line, self.languages, step_fields)
        if key is not None:
            name = f"captions {key.language}" if key.field == "captions" else key.field
            body.keys[name] = key.value
            return True
        return False

    def _dialogue_or_plain(self, passage: Passage, body: Body, kind: str, line: str, cursor: _Cursor) -> None:
        match = KEY_LINE.match(line)
        if kind == "dialogue" and match is not None and match.group(2):
            spoken = SpokenLine(TextParts(), TextParts())
            spoken.speaker.add(self.languages[0], match.group(1).strip())
            spoken.says.add(self.languages[0], match.group(2).strip())
            body.lines.append(spoken)
            cursor.block, cursor.current = spoken, spoken.says
            return
        self.plain(passage, body, cursor.block, cursor.current, line)

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
            self.clip(passage, body, kind, step)
        elif kind == "dialogue":
            self.dialogue(passage, body, step)
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
        add_debrief(passage, body, step, self.languages, self.check_text)
        return step

    def clip(self, passage: Passage, body: Body, kind: str, step: dict[str, Any]) -> None:
        sid = step["id"]
        step["clip"] = body.keys.get("clip") or f"media/{sid}{'-360' if kind == 'video360' else ''}.mp4"
        self.media.append(Media(step["clip"], "clip360" if kind == "video360" else "clip", sid))
        captions = {k.split()[1]: v for k, v in body.keys.items() if k.startswith("captions ")}
        if captions:
            step["captions"] = captions
            self.media += [Media(v, "captions", sid) for v in captions.values()]
        step["next"] = self.single_link(passage, body, kind)

    def dialogue(self, passage: Passage, body: Body, step: dict[str, Any]) -> None:
        if not body.lines:
            self.problem(passage.name, "a dialogue passage needs lines such as `Nadia: Bonjour !`",
                         "write one `Name: words` line per speech, or tag the passage `choice`, `video` or "
                         "`end`")
        step["lines"] = [self.spoken(passage, line) for line in body.lines]
        step["next"] = self.single_link(passage, body, "dialogue")

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
