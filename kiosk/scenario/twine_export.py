"""Scenario pack → Twine story, in the convention `twine` reads back (docs/authoring.md,
"Writing in Twine"), with passages laid out from the graph: a column per distance from the
start, so Twine opens on a readable map. Pure: a `Pack` in, a `Story` out.
"""

from __future__ import annotations

import uuid
from collections import deque

from kiosk.errors import ContentError
from kiosk.scenario.build import DEFAULT_HOTSPOT_RADIUS, DEFAULT_MAX_CREDIT
from kiosk.scenario.model import (
    ChoiceStep,
    Debrief,
    DialogueStep,
    HotspotStep,
    Option,
    OrderingStep,
    Pack,
    Step,
    Text,
    VideoStep,
)
from kiosk.scenario.twee import DEFAULT_SIZE, Passage, Story
from kiosk.scenario.twine_grammar import KEY_LINE, OBSERVABLES_PASSAGE, PACK_PASSAGE

STORY_FORMAT, STORY_FORMAT_VERSION = "Harlowe", "3.3.8"  # Twine 2's default format: shows our lines as text
COLUMN, ROW, MARGIN = 175, 150, 100  # pixels between passages on Twine's map
TAGS = {"video": ["video"], "video360": ["video", "360"], "dialogue": ["dialogue"], "choice": ["choice"],
        "multiple_choice": ["multiple"], "ordering": ["ordering"], "hotspot": ["hotspot"], "end": ["end"]}


def _plain(line: str) -> str:
    """A plain text line, escaped with `\\` when it would read as a key, a speech, a link or an item."""
    risky = line.startswith(("[[", "- ", "\\")) or KEY_LINE.match(line) is not None
    return "\\" + line if risky else line


def text_lines(key: str, text: Text, languages: tuple[str, ...]) -> list[str]:
    """`key: fr`, `key en: ...`, `key falc: ...`; with no key the first language is a plain line."""
    first, lines = languages[0], []
    for language in (*languages, *(lang for lang in text.values if lang not in languages)):
        if language not in text.values:
            continue
        name = key if language == first else f"{key} {language}".strip()
        value = text.values[language]
        lines.append(_plain(value) if not name else f"{name}: {value}")
    for language, value in text.falc.items():
        lines.append(f"{key} falc{'' if language == first else ' ' + language}: {value}".strip())
    return lines


def _credits(option: Option) -> list[str]:
    return [f"credit: {', '.join(f'{c.observable}={c.credit}' for c in option.evidence)}"] if option.evidence else []


def _target(step: Step, option: Option) -> str:
    target = step.default_next() if getattr(step, "multiple", False) else option.next or step.default_next()
    if target is None:
        raise ContentError(f"step `{step.id}`: answer `{option.id}` leads nowhere",
                           "fix the pack first (`kiosk lint`), then export it")
    return target


def _answer(step: Step, option: Option, languages: tuple[str, ...], spot: bool) -> list[str]:
    text = option.text.values.get(languages[0], "")
    lines = [f"[[{text}->{_target(step, option)}]]", *text_lines("", option.text, languages)[1:],
             f"id: {option.id}", *_credits(option)]
    if option.feedback is not None:
        lines += text_lines("feedback", option.feedback, languages)
    if spot:
        radius = "" if option.radius == DEFAULT_HOTSPOT_RADIUS else f", radius={option.radius:g}"
        lines.append(f"at: yaw={option.yaw:g}, pitch={option.pitch:g}{radius}")
    return lines


def _next_link(step: Step) -> list[str]:
    target = step.default_next()
    if target is None:
        raise ContentError(f"step `{step.id}` leads nowhere", "fix the pack first (`kiosk lint`), then export it")
    return [f"[[{target}]]"]


def step_body(step: Step, languages: tuple[str, ...]) -> str:
    lines = text_lines("", step.text, languages) if step.text is not None else []
    if isinstance(step, VideoStep):
        lines += _video_lines(step, languages)
    elif isinstance(step, DialogueStep):
        lines += _dialogue_lines(step, languages)
    elif isinstance(step, ChoiceStep):
        lines += [f"image: {step.image}"] if step.image else []
        if step.timeout_next is not None:
            lines.append(f"timeout: [[{step.timeout_next}]]")
        for option in step.choices:
            lines += _answer(step, option, languages, spot=False)
    elif isinstance(step, OrderingStep):
        lines += _ordering_lines(step, languages)
    elif isinstance(step, HotspotStep):
        lines.append(f"image: {step.image}")
        for spot in step.spots:
            lines += _answer(step, spot, languages, spot=True)
    return "\n".join(lines)


def _video_lines(step: VideoStep, languages: tuple[str, ...]) -> list[str]:
    lines = [f"clip: {step.clip}"]
    lines += [f"captions{'' if lang == languages[0] else ' ' + lang}: {path}"
              for lang, path in step.captions.items()]
    return lines + _next_link(step)


def _dialogue_lines(step: DialogueStep, languages: tuple[str, ...]) -> list[str]:
    lines = [f"image: {step.image}"] if step.image else []
    for spoken in step.lines:
        speaker = spoken.speaker.values.get(languages[0], "")
        lines.append(f"{speaker}: {spoken.says.values.get(languages[0], '')}")
        lines += text_lines("", spoken.says, languages)[1:]
        lines += [f"speaker {lang}: {name}" for lang, name in spoken.speaker.values.items()
                  if lang != languages[0] and name != speaker]
    return lines + _next_link(step)


def _ordering_lines(step: OrderingStep, languages: tuple[str, ...]) -> list[str]:
    lines = [f"credit: {', '.join(f'{r.observable}={r.exact}' for r in step.rules)}"]
    if near := [r for r in step.rules if r.near]:
        lines.append(f"near: {', '.join(f'{r.observable}={r.near}' for r in near)}")
    items = {i.id: i for i in step.items}
    for item_id in step.correct:
        item = items[item_id]
        lines.append(f"- {item.text.values.get(languages[0], '')}")
        lines += [*text_lines("", item.text, languages)[1:], f"id: {item.id}"]
    return lines + _next_link(step)
def debrief_lines(debrief: Debrief | None, languages: tuple[str, ...]) -> list[str]:
    """The step's debrief, last in its passage: `debrief moment: ...`, `debrief best: id`, ..."""
    if debrief is None:
        return []
    lines = text_lines("debrief moment", debrief.moment, languages)
    if debrief.best is not None:
        lines.append(f"debrief best: {debrief.best}")
    if debrief.professional is not None:
        lines += text_lines("debrief professional", debrief.professional, languages)
    return lines + text_lines("debrief why", debrief.why, languages)


def _tags(step: Step) -> tuple[str, ...]:
    if isinstance(step, ChoiceStep) and step.seconds is not None:
        return (f"timed:{step.seconds:g}",)
    if isinstance(step, HotspotStep) and step.multiple:
        return ("hotspot", "multiple")
    return tuple(TAGS[step.kind])


def layout(pack: Pack) -> dict[str, tuple[float, float]]:
    """Top-left corner of each step's passage: a column per distance from the start."""
    scenario = pack.scenario
    ids = scenario.step_ids()
    depth: dict[str, int] = {}
    queue = deque([scenario.start] if scenario.start in ids else [])
    if queue:
        depth[scenario.start] = 0
    while queue:
        current = queue.popleft()
        for target, _ in scenario.step(current).successors():
            if target in ids and target not in depth:
                depth[target] = depth[current] + 1
                queue.append(target)
    last = max(depth.values(), default=-1) + 1
    rows: dict[int, int] = {}
    positions = {}
    for step in scenario.steps:
        column = depth.get(step.id, last)
        row = rows[column] = rows.get(column, -1) + 1
        positions[step.id] = (float(MARGIN + (column + 1) * COLUMN), float(MARGIN + row * ROW))
    return positions


def _pack_passage(pack: Pack) -> str:
    trade, scenario, languages = pack.trade, pack.scenario, pack.scenario.languages
    lines = [f"id: {pack.id}", f"version: {pack.version}", f"languages: {', '.join(languages)}",
             f"scenario: {scenario.id}", *text_lines("title", scenario.title, languages)[1:],  # 1st: StoryTitle
             f"trade: {trade.rome}", *text_lines("trade title", trade.title, languages),
             *text_lines("pitch", trade.pitch, languages), f"sector: {trade.sector}",
             f"shortage: {trade.shortage_level}", f"shortage source: {trade.shortage_source}",
             f"card image: {trade.card_image}"]
    if trade.video:
        lines.append(f"video: {trade.video}")
    if trade.attract:
        lines.append(f"attract: {trade.attract}")
    return "\n".join(lines)


def _observables_passage(pack: Pack) -> str:
    blocks = []
    for oid, observable in pack.scenario.observables.items():
        lines = [f"{oid}: {', '.join(observable.skills)}"]
        if observable.max_credit != DEFAULT_MAX_CREDIT:
            lines.append(f"max: {observable.max_credit}")
        blocks.append("\n".join(lines + text_lines("describe", observable.describe, pack.scenario.languages)))
    return "\n\n".join(blocks)


def pack_to_story(pack: Pack) -> Story:
    """The pack as a Twine story: Pack and Observables passages, then one passage per step."""
    scenario = pack.scenario
    positions = layout(pack)
    passages = [Passage(PACK_PASSAGE, _pack_passage(pack), (), (float(MARGIN), float(MARGIN)), DEFAULT_SIZE),
                Passage(OBSERVABLES_PASSAGE, _observables_passage(pack), (), (float(MARGIN), float(MARGIN + ROW)),
                        DEFAULT_SIZE)]
    passages += [Passage(step.id, "\n".join([step_body(step, scenario.languages),
                                              *debrief_lines(scenario.debriefs.get(step.id), scenario.languages)]),
                         _tags(step), positions[step.id], DEFAULT_SIZE)
                 for step in scenario.steps]
    ifid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://nova-kiosk.invalid/packs/{pack.id}")).upper()
    return Story(scenario.title.values.get(scenario.languages[0], pack.id), tuple(passages), scenario.start, ifid,
                 STORY_FORMAT, STORY_FORMAT_VERSION, {"zoom": 1})
