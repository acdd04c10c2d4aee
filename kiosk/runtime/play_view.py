"""What a scenario step looks like on the flat screen: a Scene plus the touch targets.

Pure: (scenario, play state, language, time) in; (Scene, targets) out. A target pairs a
rectangle with the action a tap there performs, so pointer and keyboard input map to the
same intents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.i18n import Words
from kiosk.media.sphere import Look, project
from kiosk.runtime.actions import LOOK, PROCEED, Action, Choose, Confirm, Move, Toggle
from kiosk.runtime.play import PlayState, current, seconds_left, shown_options
from kiosk.runtime.stage_view import play_stage
from kiosk.scenario.model import (
    ChoiceStep,
    DialogueStep,
    EndStep,
    HotspotStep,
    OrderingStep,
    Scenario,
    Step,
    VideoStep,
)
from kiosk.view import theme
from kiosk.view.nodes import (
    Button,
    Column,
    Group,
    Image,
    Node,
    Panel,
    Panorama,
    ProgressBar,
    Rect,
    Scene,
    Text,
    Video,
)


@dataclass(frozen=True, slots=True)
class LiveMedia:
    """On the kiosk (not in the trainer's flat preview): clips play, 360° pictures are looked around."""

    prefix: str  # stream names are f"{prefix}/{media path}" (the pack id: paths under the scenarios folder)
    look: Look = field(default_factory=Look)
    caption: str | None = None  # the cue on screen now; None: captions off or silence
    paused: bool = False  # the scenario is paused (headset off): clips stand still


MediaImage = Callable[[str], str | None]  # pack media path → image name the renderer finds, if any

MARGIN = 120.0
WIDTH = 1920.0 - 2 * MARGIN


@dataclass(frozen=True, slots=True)
class Target:
    rect: Rect
    action: Action


def focusable(targets: list[Target]) -> list[Target]:
    """The targets keys, board buttons and switch scanning move over, in focus order (never a drag area)."""
    return [t for t in targets if t.action != LOOK]


def _header(scenario: Scenario, state: PlayState, trade_title: str, words: Words) -> list[Node]:
    done = len(state.path) / max(1, len(scenario.steps))
    return [
        Text(MARGIN, 36, f"{trade_title} · {scenario.title.get(words.language)}", 26, theme.TEXT_MUTED,
             max_width=1180),
        Text(1920 - MARGIN - 300, 36, words.gettext("Step {number}").format(number=len(state.path)), 26,
             theme.TEXT_MUTED, align="right"),
        ProgressBar(Rect(MARGIN, 80, WIDTH, 8), min(1.0, done), theme.ACCENT, theme.DOT),
    ]


def button(rect: Rect, label: str, action: Action, targets: list[Target], *, picked: bool = False,
            primary: bool = False) -> Button:
    targets.append(Target(rect, action))
    fill = theme.ACCENT if primary else theme.PICKED if picked else theme.SURFACE
    colour = theme.ON_ACCENT if primary else theme.TEXT
    return Button(rect, label, fill, colour, size=34)


def continue_button(words: Words, targets: list[Target], label: str = "", action: Action = PROCEED) -> Button:
    return button(Rect(1920 - MARGIN - 420, 940, 420, 100), label or words.gettext("Continue"), action, targets,
                  primary=True)


def _options(step: Step, state: PlayState, language: str, easy: bool, top: float, targets: list[Target],
             multiple: bool) -> list[Node]:
    nodes: list[Node] = []
    options = shown_options(step, state)  # shuffled per visit (kiosk/runtime/play.py)
    height = min(110.0, (900 - top) / max(1, len(options)) - 16)
    for index, option in enumerate(options):
        picked = option.id in state.picked
        rect = Rect(MARGIN, top + index * (height + 16), WIDTH, height)
        nodes.append(button(rect, f"{index + 1}. {option.text.get(language, easy=easy)}",
                             Toggle(option.id) if multiple else Choose(option.id), targets, picked=picked))
        if multiple:  # a checkbox, so the choice never shows by colour alone (WCAG 1.4.1)
            nodes.extend(checkbox(rect.x + 28, rect.y + rect.h / 2 - 22, picked))
    return nodes


def checkbox(x: float, y: float, checked: bool) -> list[Node]:
    box: list[Node] = [Panel(Rect(x, y, 44, 44), theme.BACKGROUND, radius=8, border=4, border_color=theme.TEXT,
                             layer=1)]
    if checked:
        box.append(Panel(Rect(x + 11, y + 11, 22, 22), theme.ACCENT, radius=4, layer=2))
    return box


def _ordering(step: OrderingStep, state: PlayState, words: Words, top: float, targets: list[Target]) -> list[Node]:
    language = words.language
    nodes: list[Node] = []
    by_id = {i.id: i for i in step.items}
    for index, item_id in enumerate(state.order):
        y = top + index * 112
        nodes.append(Panel(Rect(MARGIN, y, WIDTH - 440, 100), theme.SURFACE, radius=16))
        nodes.append(Text(MARGIN + 32, y + 28, f"{index + 1}. {by_id[item_id].text.get(language)}", 34, theme.TEXT,
                          max_width=WIDTH - 520))
        if index > 0:
            nodes.append(button(Rect(1920 - MARGIN - 420, y, 200, 100), words.gettext("Up"),
                                 Move(item_id, index - 1), targets))
        if index < len(state.order) - 1:
            nodes.append(button(Rect(1920 - MARGIN - 200, y, 200, 100), words.gettext("Down"),
                                 Move(item_id, index + 1), targets))
    return nodes


def _hotspots(step: HotspotStep, state: PlayState, words: Words, media: MediaImage,
              targets: list[Target]) -> list[Node]:
    area = Rect(310, 250, 1300, 650)  # 2:1 like the equirectangular picture
    image = media(step.image)
    nodes: list[Node] = [Image(area, image, radius=12) if image else Panel(area, theme.SURFACE, radius=12),
                         Text(area.x, area.y + area.h + 8, words.gettext("Flat view of the 360° picture"), 22,
                              theme.TEXT_MUTED)]
    for index, spot in enumerate(step.spots):
        x = area.x + (spot.yaw + 180) / 360 * area.w
        y = area.y + (90 - spot.pitch) / 180 * area.h
        size = 72.0
        picked = spot.id in state.picked
        action = Toggle(spot.id) if step.multiple else Choose(spot.id)
        nodes.append(button(Rect(x - size / 2, y - size / 2, size, size), str(index + 1), action, targets,
                             picked=picked))
    return nodes


def caption_nodes(area: Rect, caption: str | None) -> list[Node]:
    if not caption:
        return []
    return [Panel(Rect(area.x, area.y + area.h - 110, area.w, 110), (0.0, 0.0, 0.0, 0.75), layer=1),
            Text(area.x + area.w / 2, area.y + area.h - 100, caption, 30, theme.TEXT, "regular", "center",
                 max_width=area.w - 60, layer=1)]


def _live_video(step: VideoStep, live: LiveMedia, top: float, targets: list[Target]) -> list[Node]:
    stream = f"{live.prefix}/{step.clip}"
    if step.immersive:
        area = Rect(160, top - 40, 1600, 620)
        targets.append(Target(area, LOOK))
        look = live.look
        return [Panorama(area, stream, look.yaw, look.pitch, look.fov, paused=live.paused),
                *caption_nodes(area, live.caption)]
    area = Rect(480, top, 960, 540)
    return [Panel(area, theme.SURFACE, radius=12), Video(area, stream, radius=12, paused=live.paused),
            *caption_nodes(area, live.caption)]


def _live_hotspots(step: HotspotStep, state: PlayState, live: LiveMedia, targets: list[Target]) -> list[Node]:
    """The 360° picture around the visitor: hotspots where they are, and the same hotspots as a row of
    numbered buttons underneath (reachable without searching, by keys, buttons or a switch)."""
    area = Rect(160, 230, 1600, 560)
    targets.append(Target(area, LOOK))
    look = live.look
    nodes: list[Node] = [Panorama(area, f"{live.prefix}/{step.image}", look.yaw, look.pitch, look.fov)]
    for index, spot in enumerate(step.spots):
        action = Toggle(spot.id) if step.multiple else Choose(spot.id)
        picked = spot.id in state.picked
        seen = project(spot.yaw, spot.pitch, look, area.w / area.h)
        if seen is not None and abs(seen[0]) < 0.95 and abs(seen[1]) < 0.9:
            x, y = area.x + (seen[0] + 1) / 2 * area.w, area.y + (seen[1] + 1) / 2 * area.h
            nodes.append(button(Rect(x - 40, y - 40, 80, 80), str(index + 1), action, targets, picked=picked))
        nodes.append(button(Rect(area.x + index * 100, area.y + area.h + 14, 88, 72), str(index + 1), action,
                            targets, picked=picked))
    return nodes


def build_view(scenario: Scenario, state: PlayState, *, words: Words, trade_title: str, now: float,
               media: MediaImage, easy: bool = False, banner: str | None = None,
               live: LiveMedia | None = None, reduced_motion: bool = False) -> tuple[Scene, list[Target]]:
    step = current(scenario, state)
    language = words.language
    targets: list[Target] = []
    nodes: list[Node] = [*play_stage(scenario, state, language=language, now=now, media=media, easy=easy,  # the stage
                                     prefix=live.prefix if live else None, reduced_motion=reduced_motion),
                         *_header(scenario, state, trade_title, words)]
    prompt = step.text.get(language, easy=easy) if step.text else ""
    if prompt:
        nodes.append(Text(MARGIN, 120, prompt, 44, theme.TEXT, "bold", max_width=WIDTH))
    top = 300.0 if prompt else 160.0
    option = next((o for o in step.options() if o.id == state.feedback), None)
    if option is not None and option.reaction is not None and option.feedback is None:
        nodes.append(continue_button(words, targets))  # the reaction alone, on stage
    elif option is not None and option.feedback is not None:
        nodes.append(Panel(Rect(MARGIN, 300, WIDTH, 400), theme.SURFACE, radius=24))
        nodes.append(Column(MARGIN + 48, 340, (
            Text(0, 0, option.text.get(language, easy=easy), 34, theme.TEXT_MUTED, max_width=WIDTH - 96),
            Text(0, 0, option.feedback.get(language, easy=easy), 40, theme.TEXT, "bold", max_width=WIDTH - 96)),
            gap=28))
        nodes.append(continue_button(words, targets))
    elif isinstance(step, VideoStep) and live is not None:
        nodes.extend(_live_video(step, live, top, targets))
        nodes.append(continue_button(words, targets))
    elif isinstance(step, HotspotStep) and live is not None:
        nodes.extend(_live_hotspots(step, state, live, targets))
        if step.multiple:
            nodes.append(continue_button(words, targets, words.gettext("Confirm"), Confirm()))
    elif isinstance(step, VideoStep):
        poster = media(step.clip)
        kind = words.gettext("360° video") if step.kind == "video360" else words.gettext("Video")
        area = Rect(480, top, 960, 540)
        nodes.append(Image(area, poster, radius=12) if poster else Panel(area, theme.SURFACE, radius=12))
        nodes.append(Text(960, top + 550, f"{kind} · {step.clip}", 24, theme.TEXT_MUTED,
                          align="center"))
        nodes.append(continue_button(words, targets))
    elif isinstance(step, DialogueStep):
        lines = tuple(t for line in step.lines for t in (
            Text(0, 0, line.speaker.get(language), 30, theme.ACCENT, "bold"),
            Text(0, 0, line.says.get(language, easy=easy), 38, theme.TEXT, max_width=WIDTH - 96)))
        nodes.append(Column(MARGIN + 48, top, lines, gap=18))
        nodes.append(continue_button(words, targets))
    elif isinstance(step, OrderingStep):
        nodes.extend(_ordering(step, state, words, top, targets))
        nodes.append(continue_button(words, targets, words.gettext("Confirm"), Confirm()))
    elif isinstance(step, HotspotStep):
        nodes.extend(_hotspots(step, state, words, media, targets))
        if step.multiple:
            nodes.append(continue_button(words, targets, words.gettext("Confirm"), Confirm()))
    elif isinstance(step, ChoiceStep):
        left = seconds_left(scenario, state, now)
        if left is not None and step.seconds:
            nodes.append(ProgressBar(Rect(MARGIN, top - 50, WIDTH, 16), left / step.seconds, theme.ALERT, theme.DOT))
            countdown = words.gettext("{seconds} s left").format(seconds=f"{left:.0f}")
            nodes.append(Text(1920 - MARGIN, top - 100, countdown, 28, theme.TEXT,
                              align="right"))
        nodes.extend(_options(step, state, language, easy, top, targets, step.multiple))
        if step.multiple:
            nodes.append(continue_button(words, targets, words.gettext("Confirm"), Confirm()))
    elif isinstance(step, EndStep):
        nodes.append(Text(MARGIN, 260, words.gettext("What the scenario observed"), 32, theme.ACCENT, "bold"))
        rows = tuple(Text(0, 0, f"{o.observable}: {o.credit}/{o.max_credit}  ({o.step_id})", 26, theme.TEXT_MUTED)
                     for o in state.observations)
        nodes.append(Column(MARGIN, 320, rows[:22], gap=6))
    if banner:
        nodes.append(Panel(Rect(0, 1000, 1920, 80), theme.ALERT, layer=2))
        nodes.append(Text(MARGIN, 1020, banner, 26, theme.TEXT, max_width=1920 - 2 * MARGIN, layer=2))
    labels = ("preview", f"step:{step.id}", f"kind:{step.kind}") + (("feedback",) if option else ())
    return Scene(Group(tuple(nodes)), theme.BACKGROUND, labels=labels), targets
