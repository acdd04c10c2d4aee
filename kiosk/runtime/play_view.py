"""What a scenario step looks like on the flat screen: a Scene plus the touch targets.

Pure: (scenario, play state, language, time, frame) in; (Scene, targets) out. A target pairs a
rectangle with the action a tap there performs, so pointer and keyboard input map to the
same intents. The step is described as layout boxes (kiosk.view.layout): the header with
"Step 3 of 12", the prompt, the step's own body, and a bottom row where the caller may put its
own buttons (`chrome`) before the step's main button. A 360° view is a box of its own under
the prompt, so a question is never drawn over the view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

from kiosk.i18n import Words
from kiosk.media.sphere import Look, project
from kiosk.runtime.actions import LOOK, PROCEED, Action, Choose, Confirm, Move, Toggle
from kiosk.runtime.play import PlayState, current, seconds_left, shown_options
from kiosk.runtime.stage_view import play_stage
from kiosk.runtime.widgets import card, option, page, press, scene_of, text
from kiosk.scenario.model import (
    ChoiceStep,
    DialogueStep,
    EndStep,
    HotspotStep,
    OrderingStep,
    Scenario,
    VideoStep,
)
from kiosk.view.layout import Box, Fill, Frame, Hit, Item, Label, Laid, Style, lay_out, row
from kiosk.view.measure import measure
from kiosk.view.nodes import Button, Image, Node, Panel, Panorama, ProgressBar, Rect, Scene, Text, Video


@dataclass(frozen=True, slots=True)
class LiveMedia:
    """On the kiosk (not in the trainer's flat preview): clips play, 360° pictures are looked around."""

    prefix: str  # stream names are f"{prefix}/{media path}" (the pack id: paths under the scenarios folder)
    look: Look = field(default_factory=Look)
    caption: str | None = None  # the cue on screen now; None: captions off or silence
    paused: bool = False  # the scenario is paused (headset off): clips stand still


MediaImage = Callable[[str], str | None]  # pack media path → image name the renderer finds, if any
StageDraw = Callable[[Rect], tuple[Sequence[Node], Sequence[Hit]]]  # a dialogue's stage, drawn in its rect
HOTSPOT = 80.0  # a hotspot's button on the 360° view


@dataclass(frozen=True, slots=True)
class Target:
    rect: Rect
    action: Action


def focusable(targets: list[Target]) -> list[Target]:
    """The targets keys, board buttons and switch scanning move over, in focus order (never a drag area)."""
    return [t for t in targets if t.action != LOOK]


def targets_of(laid: Laid) -> list[Target]:
    return [Target(rect, cast(Action, action)) for rect, action in laid.hits]


def _header(scenario: Scenario, state: PlayState, trade_title: str, words: Words, frame: Frame) -> Item:
    done = min(1.0, len(state.path) / max(1, len(scenario.steps)))
    p = frame.tokens.palette
    step = words.gettext("Step {number} of {total}").format(number=len(state.path), total=len(scenario.steps))

    def bar(rect: Rect) -> tuple[list[Node], list[Hit]]:
        return [ProgressBar(rect, done, p.accent, p.dot, from_right=frame.rtl)], []

    return Box((
        row(text(frame, f"{trade_title} · {scenario.title.get(words.language)}", "caption", muted=True, grow=1),
            Label(step, frame.tokens.type.caption, p.text_muted, style=Style(shrink=0)), gap=frame.tokens.space.m,
            align="start"),
        Fill(bar, Style(height=8)),
    ), Style(gap=frame.tokens.space.s))


def checkbox(frame: Frame, checked: bool) -> Box:
    """A ticked or empty box (kept for screens that show a state without a choice)."""
    p = frame.tokens.palette
    inner = (Box(style=Style(width=22, height=22), fill=p.accent, radius=4),) if checked else ()
    return Box(inner, Style(width=44, height=44, shrink=0, align="center", justify="center"), fill=p.background,
               radius=8, border=4, border_color=p.text)


def continue_button(words: Words, frame: Frame, label: str = "", action: Action = PROCEED) -> Item:
    return press(frame, label or words.gettext("Continue"), action, primary=True, min_width=280)


def _options(step: ChoiceStep, state: PlayState, language: str, easy: bool, frame: Frame,
             multiple: bool) -> Item:
    items: list[Item] = []
    for index, choice in enumerate(shown_options(step, state)):  # shuffled per visit (kiosk/runtime/play.py)
        items.append(option(frame, f"{index + 1}. {choice.text.get(language, easy=easy)}",
                            (Toggle if multiple else Choose)(choice.id), checked=choice.id in state.picked,
                            checkbox=multiple))
    return Box(tuple(items), Style(gap=frame.tokens.space.s))


def _ordering(step: OrderingStep, state: PlayState, words: Words, frame: Frame) -> Item:
    by_id = {i.id: i for i in step.items}
    rows: list[Item] = []
    for index, item_id in enumerate(state.order):
        moves: list[Item] = []
        if index > 0:
            moves.append(press(frame, words.gettext("Up"), Move(item_id, index - 1), min_width=160))
        if index < len(state.order) - 1:
            moves.append(press(frame, words.gettext("Down"), Move(item_id, index + 1), min_width=160))
        rows.append(card(frame, (text(frame, f"{index + 1}. {by_id[item_id].text.get(words.language)}", grow=1),
                                 Box(tuple(moves), Style(row=True, gap=frame.tokens.space.s, shrink=0))),
                         style=Style(row=True, align="center", gap=frame.tokens.space.m, pad=frame.tokens.space.s,
                                     pad_x=frame.tokens.space.m)))
    return Box(tuple(rows), Style(gap=frame.tokens.space.s))


def _spot_button(frame: Frame, rect: Rect, label: str, action: Action, picked: bool) -> tuple[list[Node], Hit]:
    p = frame.tokens.palette
    fill = p.picked if picked else p.surface
    nodes: list[Node] = [Button(rect, label, fill, p.on_picked if picked else p.text, frame.tokens.type.button,
                                layer=1)]
    if frame.tokens.outline:
        nodes.append(Panel(rect, (0.0, 0.0, 0.0, 0.0), min(rect.h / 2, 28.0), frame.tokens.outline, p.outline,
                           layer=2))
    return nodes, (rect, action)


def _hotspots(step: HotspotStep, state: PlayState, words: Words, media: MediaImage, frame: Frame) -> Item:
    image = media(step.image)
    p = frame.tokens.palette

    def draw(box: Rect) -> tuple[list[Node], list[Hit]]:
        w = min(box.w, box.h * 2)  # 2:1 like the equirectangular picture
        area = Rect(box.x + (box.w - w) / 2, box.y, w, w / 2)
        nodes: list[Node] = [Image(area, image, radius=12) if image else Panel(area, p.surface, radius=12)]
        hits: list[Hit] = []
        for index, spot in enumerate(step.spots):
            x = area.x + (spot.yaw + 180) / 360 * area.w
            y = area.y + (90 - spot.pitch) / 180 * area.h
            size = HOTSPOT
            x = min(max(x, area.x + size / 2), area.x + area.w - size / 2)
            y = min(max(y, area.y + size / 2), area.y + area.h - size / 2)
            spot_nodes, hit = _spot_button(frame, Rect(x - size / 2, y - size / 2, size, size), str(index + 1),
                                           (Toggle if step.multiple else Choose)(spot.id), spot.id in state.picked)
            nodes.extend(spot_nodes)
            hits.append(hit)
        return nodes, hits

    return Box((Fill(draw, Style(grow=1, shrink=1, min_height=200)),
                text(frame, words.gettext("Flat view of the 360° picture"), "caption", muted=True)),
               Style(grow=1, shrink=1, gap=frame.tokens.space.xs))


def _caption_nodes(frame: Frame, area: Rect, caption: str | None) -> list[Node]:
    if not caption:
        return []
    t = frame.tokens
    size = t.type.body
    m = measure(caption, size, "regular", area.w - 60)
    height = m.height + 2 * t.space.s
    return [Panel(Rect(area.x, area.y + area.h - height, area.w, height), t.palette.scrim, layer=1),
            Text(area.x + area.w / 2, area.y + area.h - height + t.space.s, caption, size, t.palette.text, "regular",
                 "center", max_width=area.w - 60, layer=1)]


def _fitted(box: Rect, aspect: float) -> Rect:
    """The largest `aspect` rectangle centred in `box`."""
    w = min(box.w, box.h * aspect)
    h = w / aspect
    return Rect(box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h)


def _live_video(step: VideoStep, live: LiveMedia, frame: Frame) -> Item:
    stream = f"{live.prefix}/{step.clip}"
    p = frame.tokens.palette

    def draw(box: Rect) -> tuple[list[Node], list[Hit]]:
        if step.immersive:
            look = live.look
            return ([Panorama(box, stream, look.yaw, look.pitch, look.fov, paused=live.paused),
                     *_caption_nodes(frame, box, live.caption)], [(box, LOOK)])
        area = _fitted(box, 16 / 9)
        return [Panel(area, p.surface, radius=12), Video(area, stream, radius=12, paused=live.paused),
                *_caption_nodes(frame, area, live.caption)], []

    return Fill(draw, Style(grow=1, shrink=1, min_height=240))


def _live_hotspots(step: HotspotStep, state: PlayState, live: LiveMedia, frame: Frame) -> Item:
    """The 360° picture around the visitor: hotspots where they are, and the same hotspots as a row of
    numbered buttons underneath (reachable without searching, by keys, buttons or a switch)."""
    look = live.look

    def draw(area: Rect) -> tuple[list[Node], list[Hit]]:
        nodes: list[Node] = [Panorama(area, f"{live.prefix}/{step.image}", look.yaw, look.pitch, look.fov)]
        hits: list[Hit] = [(area, LOOK)]
        half = HOTSPOT / 2
        for index, spot in enumerate(step.spots):
            seen = project(spot.yaw, spot.pitch, look, area.w / area.h)
            if seen is None:
                continue
            x, y = area.x + (seen[0] + 1) / 2 * area.w, area.y + (seen[1] + 1) / 2 * area.h
            if not (area.x + half <= x <= area.x + area.w - half and area.y + half <= y <= area.y + area.h - half):
                continue
            if any(abs(x - (r.x + half)) < HOTSPOT and abs(y - (r.y + half)) < HOTSPOT for r, _ in hits[1:]):
                continue  # two hotspots seen at one place: the row below reaches both
            spot_nodes, hit = _spot_button(frame, Rect(x - half, y - half, HOTSPOT, HOTSPOT), str(index + 1),
                                           (Toggle if step.multiple else Choose)(spot.id), spot.id in state.picked)
            nodes.extend(spot_nodes)
            hits.append(hit)
        return nodes, hits

    numbers = tuple(press(frame, str(index + 1), (Toggle if step.multiple else Choose)(spot.id),
                          picked=spot.id in state.picked)
                    for index, spot in enumerate(step.spots))
    return Box((Fill(draw, Style(grow=1, shrink=1, min_height=240)),
                Box(numbers, Style(row=True, wrap=True, gap=frame.tokens.space.s))),
               Style(grow=1, shrink=1, gap=frame.tokens.space.s))


def _poster(step: VideoStep, words: Words, media: MediaImage, frame: Frame) -> Item:
    poster = media(step.clip)
    kind = words.gettext("360° video") if step.kind == "video360" else words.gettext("Video")
    p = frame.tokens.palette

    def draw(box: Rect) -> tuple[list[Node], list[Hit]]:
        area = _fitted(box, 16 / 9)
        return [Image(area, poster, radius=12) if poster else Panel(area, p.surface, radius=12)], []

    return Box((Fill(draw, Style(grow=1, shrink=1, min_height=200)),
                text(frame, f"{kind} · {step.clip}", "caption", muted=True, align="center")),
               Style(grow=1, shrink=1, gap=frame.tokens.space.xs))


def _dialogue(step: DialogueStep, language: str, easy: bool, frame: Frame, stage: StageDraw | None) -> Item:
    t = frame.tokens
    lines: list[Item] = []
    for line in step.lines:
        lines.append(Box((text(frame, line.speaker.get(language), "caption", colour=t.palette.accent, weight="bold"),
                          text(frame, line.says.get(language, easy=easy), "lead")), Style(gap=t.space.xs)))
    said = Box(tuple(lines), Style(gap=t.space.m, shrink=0))
    if stage is None:
        return said
    # the stage (background and characters) takes the room above the words, which always show whole
    return Box((Fill(stage, Style(grow=1, shrink=1, min_height=0), name="stage"), said),
               Style(grow=1, shrink=1, gap=t.space.m))


def _timer(scenario: Scenario, step: ChoiceStep, state: PlayState, words: Words, now: float,
           frame: Frame) -> Item | None:
    left = seconds_left(scenario, state, now)
    if left is None or not step.seconds:
        return None
    p = frame.tokens.palette
    fraction = left / step.seconds

    def bar(rect: Rect) -> tuple[list[Node], list[Hit]]:
        return [ProgressBar(rect, fraction, p.accent if frame.tokens.outline else p.alert, p.dot,
                            from_right=frame.rtl)], []

    countdown = words.gettext("{seconds} s left").format(seconds=f"{left:.0f}")
    return row(Fill(bar, Style(height=16, grow=1, self_align="center")), text(frame, countdown, "caption"),
               gap=frame.tokens.space.m, align="center")


def build_view(scenario: Scenario, state: PlayState, *, words: Words, trade_title: str, now: float,
               media: MediaImage, easy: bool = False, banner: str | None = None,
               live: LiveMedia | None = None, frame: Frame | None = None, chrome: Sequence[Item] = (),
               stage: StageDraw | None = None, reduced_motion: bool = False) -> tuple[Scene, list[Target]]:
    """`chrome`: the caller's buttons at the start of the bottom row (the visit's language switch and
    "Stop"); `stage`: draws a dialogue's scene in the room above its lines (by default the scenario's
    own stage in force, kiosk/runtime/stage_view.py)."""
    frame = frame or Frame()
    step = current(scenario, state)
    language = words.language
    if stage is None and state.stage is not None:
        def stage(rect: Rect) -> tuple[Sequence[Node], Sequence[Hit]]:
            return play_stage(scenario, state, language=language, now=now, media=media, easy=easy,
                              prefix=live.prefix if live else None, reduced_motion=reduced_motion, rect=rect,
                              rtl=frame.rtl), []
    t = frame.tokens
    body: list[Item] = []
    if banner:
        body.append(Box((text(frame, banner, "body"),), Style(pad=t.space.s, pad_x=t.space.m), fill=t.palette.alert,
                        radius=t.radius.chip, border=t.outline, border_color=t.palette.outline))
    prompt = step.text.get(language, easy=easy) if step.text else ""
    if prompt:
        body.append(text(frame, prompt, "heading", weight="bold"))
    main: Item | None = continue_button(words, frame)
    choice = next((o for o in step.options() if o.id == state.feedback), None)
    reacting = choice is not None and choice.reaction is not None and stage is not None
    if reacting and stage is not None:  # the reaction on stage, before any feedback (then only "Continue")
        body.append(Fill(stage, Style(grow=1, shrink=1, min_height=0), name="stage"))
    if choice is not None and choice.feedback is None and reacting:
        pass
    elif choice is not None and choice.feedback is not None:
        body.append(card(frame, (text(frame, choice.text.get(language, easy=easy), "body", muted=True),
                                 text(frame, choice.feedback.get(language, easy=easy), "lead", weight="bold")),
                         style=Style(gap=t.space.m, pad=t.space.l)))
    elif isinstance(step, VideoStep) and live is not None:
        body.append(_live_video(step, live, frame))
    elif isinstance(step, HotspotStep) and live is not None:
        body.append(_live_hotspots(step, state, live, frame))
        main = continue_button(words, frame, words.gettext("Confirm"), Confirm()) if step.multiple else None
    elif isinstance(step, VideoStep):
        body.append(_poster(step, words, media, frame))
    elif isinstance(step, DialogueStep):
        body.append(_dialogue(step, language, easy, frame, stage))
    elif isinstance(step, OrderingStep):
        body.append(_ordering(step, state, words, frame))
        main = continue_button(words, frame, words.gettext("Confirm"), Confirm())
    elif isinstance(step, HotspotStep):
        body.append(_hotspots(step, state, words, media, frame))
        main = continue_button(words, frame, words.gettext("Confirm"), Confirm()) if step.multiple else None
    elif isinstance(step, ChoiceStep):
        timer = _timer(scenario, step, state, words, now, frame)
        if timer is not None:
            body.append(timer)
        body.append(_options(step, state, language, easy, frame, step.multiple))
        main = continue_button(words, frame, words.gettext("Confirm"), Confirm()) if step.multiple else None
    elif isinstance(step, EndStep):
        main = None
        body.append(text(frame, words.gettext("What the scenario observed"), "body", colour=t.palette.accent,
                         weight="bold"))
        body.append(Box(tuple(Label(f"{o.observable}: {o.credit}/{o.max_credit}  ({o.step_id})", t.type.caption,
                                    t.palette.text_muted) for o in state.observations[:12]), Style(gap=4)))
    bottom: list[Item] = [*chrome, Box(style=Style(grow=1))]
    if main is not None:
        bottom.append(main)
    foot = Box(tuple(bottom), Style(row=True, wrap=True, gap=t.space.s, align="end")) if chrome or main else None
    laid = lay_out(page(frame, _header(scenario, state, trade_title, words, frame), body, foot),
                   frame.width, frame.height, rtl=frame.rtl)
    labels = ("preview", f"step:{step.id}", f"kind:{step.kind}") + (("feedback",) if choice else ())
    return scene_of(frame, laid, *labels), targets_of(laid)
