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
from dataclasses import dataclass
from typing import Any, cast

from kiosk.i18n import Words
from kiosk.runtime.actions import LOOK, PROCEED, Action, Choose, Confirm, Move, Toggle
from kiosk.runtime.play import PlayState, current, seconds_left, shown_options
from kiosk.runtime.stage_view import play_stage
from kiosk.runtime.step_media import LiveMedia as LiveMedia  # noqa: PLC0414 (screens import it from here)
from kiosk.runtime.step_media import MediaImage as MediaImage  # noqa: PLC0414 (screens import it from here)
from kiosk.runtime.step_media import hotspots, live_hotspots, live_video, poster
from kiosk.runtime.widgets import card, option, page, press, scene_of, text
from kiosk.scenario.model import (
    ChoiceStep,
    DialogueStep,
    EndStep,
    HotspotStep,
    Option,
    OrderingStep,
    Scenario,
    Step,
    VideoStep,
)
from kiosk.view.layout import Box, Fill, Frame, Hit, Item, Label, Laid, Style, lay_out, row
from kiosk.view.nodes import Node, ProgressBar, Rect, Scene

StageDraw = Callable[[Rect], tuple[Sequence[Node], Sequence[Hit]]]  # a dialogue's stage, drawn in its rect


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


@dataclass(frozen=True, slots=True)
class _Ask:
    """What a step's body builder may draw on."""

    scenario: Scenario
    state: PlayState
    words: Words
    now: float
    media: MediaImage
    easy: bool
    live: LiveMedia | None
    frame: Frame
    stage: StageDraw | None


StepBody = tuple[list[Item], Item | None]  # the body's items, and the main button (None: no button)


def _confirm(ask: _Ask) -> Item:
    return continue_button(ask.words, ask.frame, ask.words.gettext("Confirm"), Confirm())


def _video_body(step: VideoStep, ask: _Ask) -> StepBody:
    shown = live_video(step, ask.live, ask.frame) if ask.live else poster(step, ask.words, ask.media, ask.frame)
    return [shown], continue_button(ask.words, ask.frame)


def _hotspot_body(step: HotspotStep, ask: _Ask) -> StepBody:
    shown = (live_hotspots(step, ask.state, ask.live, ask.frame) if ask.live
             else hotspots(step, ask.state, ask.words, ask.media, ask.frame))
    return [shown], _confirm(ask) if step.multiple else None


def _dialogue_body(step: DialogueStep, ask: _Ask) -> StepBody:
    return [_dialogue(step, ask.words.language, ask.easy, ask.frame, ask.stage)], continue_button(ask.words, ask.frame)


def _ordering_body(step: OrderingStep, ask: _Ask) -> StepBody:
    return [_ordering(step, ask.state, ask.words, ask.frame)], _confirm(ask)


def _choice_body(step: ChoiceStep, ask: _Ask) -> StepBody:
    timer = _timer(ask.scenario, step, ask.state, ask.words, ask.now, ask.frame)
    options = _options(step, ask.state, ask.words.language, ask.easy, ask.frame, step.multiple)
    return [*([timer] if timer is not None else []), options], _confirm(ask) if step.multiple else None


def _end_body(step: EndStep, ask: _Ask) -> StepBody:
    t = ask.frame.tokens
    observed = Box(tuple(Label(f"{o.observable}: {o.credit}/{o.max_credit}  ({o.step_id})", t.type.caption,
                               t.palette.text_muted) for o in ask.state.observations[:12]), Style(gap=4))
    return [text(ask.frame, ask.words.gettext("What the scenario observed"), "body", colour=t.palette.accent,
                 weight="bold"), observed], None


# step kind → its body; the first entry the step is an instance of builds it
_BODIES: tuple[tuple[type[Step], Callable[[Any, _Ask], StepBody]], ...] = (
    (VideoStep, _video_body),
    (HotspotStep, _hotspot_body),
    (DialogueStep, _dialogue_body),
    (OrderingStep, _ordering_body),
    (ChoiceStep, _choice_body),
    (EndStep, _end_body),
)


def _step_body(step: Step, ask: _Ask) -> StepBody:
    for kind, build in _BODIES:
        if isinstance(step, kind):
            return build(step, ask)
    return [], continue_button(ask.words, ask.frame)


def _answered(choice: Option, ask: _Ask) -> StepBody:
    """After an answer: its reaction on stage, then its feedback if any (then only "Continue")."""
    language, t = ask.words.language, ask.frame.tokens
    body: list[Item] = []
    if choice.reaction is not None and ask.stage is not None:
        body.append(Fill(ask.stage, Style(grow=1, shrink=1, min_height=0), name="stage"))
    if choice.feedback is not None:
        body.append(card(ask.frame, (text(ask.frame, choice.text.get(language, easy=ask.easy), "body", muted=True),
                                     text(ask.frame, choice.feedback.get(language, easy=ask.easy), "lead",
                                          weight="bold")),
                         style=Style(gap=t.space.m, pad=t.space.l)))
    return body, continue_button(ask.words, ask.frame)


def _scenario_stage(scenario: Scenario, state: PlayState, *, language: str, now: float, media: MediaImage,
                    easy: bool, live: LiveMedia | None, reduced_motion: bool, frame: Frame) -> StageDraw:
    def stage(rect: Rect) -> tuple[Sequence[Node], Sequence[Hit]]:
        return play_stage(scenario, state, language=language, now=now, media=media, easy=easy,
                          prefix=live.prefix if live else None, reduced_motion=reduced_motion, rect=rect,
                          rtl=frame.rtl), []
    return stage


def _top(banner: str | None, prompt: str, frame: Frame) -> list[Item]:
    """The banner (if any) and the step's prompt (if any), above its body."""
    t = frame.tokens
    top: list[Item] = []
    if banner:
        top.append(Box((text(frame, banner, "body"),), Style(pad=t.space.s, pad_x=t.space.m), fill=t.palette.alert,
                       radius=t.radius.chip, border=t.outline, border_color=t.palette.outline))
    if prompt:
        top.append(text(frame, prompt, "heading", weight="bold"))
    return top


def _foot(chrome: Sequence[Item], main: Item | None, frame: Frame) -> Box | None:
    bottom: list[Item] = [*chrome, Box(style=Style(grow=1))]
    if main is not None:
        bottom.append(main)
    if not chrome and main is None:
        return None
    return Box(tuple(bottom), Style(row=True, wrap=True, gap=frame.tokens.space.s, align="end"))


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
        stage = _scenario_stage(scenario, state, language=language, now=now, media=media, easy=easy, live=live,
                                reduced_motion=reduced_motion, frame=frame)
    ask = _Ask(scenario, state, words, now, media, easy, live, frame, stage)
    choice = next((o for o in step.options() if o.id == state.feedback), None)
    reacting = choice is not None and choice.reaction is not None and stage is not None
    if choice is not None and (choice.feedback is not None or reacting):
        body, main = _answered(choice, ask)
    else:
        body, main = _step_body(step, ask)
    prompt = step.text.get(language, easy=easy) if step.text else ""
    top = _header(scenario, state, trade_title, words, frame)
    laid = lay_out(page(frame, top, [*_top(banner, prompt, frame), *body], _foot(chrome, main, frame)),
                   frame.width, frame.height, rtl=frame.rtl)
    labels = ("preview", f"step:{step.id}", f"kind:{step.kind}") + (("feedback",) if choice else ())
    return scene_of(frame, laid, *labels), targets_of(laid)
