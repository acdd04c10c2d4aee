"""The stage behind a scenario step: the scene's picture, the characters standing left, centre or
right with their faces, the speaker highlighted and the others dimmed, and the moves between two
stages (cut, dissolve or slide for the scene; eased entrances and exits for people; cross-fades for
a change of face). Pure: (stage, times, speaker, flags, rect) in, view nodes out; every frame can
be recomputed from the clock, so "less motion" is one flag that turns every move into a cut.

Right-to-left languages mirror the cast's positions, not the pictures: whoever stands `left` in
French stands on the right in Arabic, where the reader's eye starts, like the whole screen (see
accessibility.adapt, which mirrors every rectangle of a kiosk screen); the faces and the scene are
never flipped, so writing on a sign or a badge stays readable and nobody turns into their own
mirror image. A slide comes in from where the reader's eye goes next. `StageMoment.rtl` does this
mirroring for callers that draw the stage alone; kiosk screens leave it False and let `adapt`
mirror the scene with the rest of the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kiosk.runtime.play import PlayState, current
from kiosk.runtime.tween import ease_in_out_cubic, ease_out_cubic
from kiosk.scenario.checks import DECISION_SECONDS, reading_seconds
from kiosk.scenario.model import NEUTRAL, Character, DialogueStep, Line, Place, Placement, Scenario, Stage
from kiosk.view import theme
from kiosk.view.measure import measure
from kiosk.view.nodes import DESIGN_HEIGHT, DESIGN_WIDTH, Color, Image, Node, Panel, Rect, Text, Video

PictureName = Callable[[str], str | None]  # pack media path → the image name the renderer finds (None: not yet)

SLOTS = {"left": 0.2, "centre": 0.5, "right": 0.8}  # centre of each place, as a share of the stage width
CHARACTER_HEIGHT = 0.7  # share of the stage height; feet on the stage's bottom edge
CHARACTER_ASPECT = 0.5  # width / height: draw characters in a 1:2 box (e.g. viewBox="0 0 400 800")
MOVE_SECONDS = 0.5  # an entrance, an exit, a change of place
FACE_SECONDS = 0.3  # a cross-fade between two expressions
DIMMED: Color = (0.55, 0.55, 0.6, 1.0)  # listeners, while someone speaks
LIT: Color = (1.0, 1.0, 1.0, 1.0)
SCENE_LAYER, PEOPLE_LAYER = -2, -1  # under every panel, button and text of the step


@dataclass(frozen=True, slots=True)
class Face:
    """An expression in force on someone since `since` seconds ago, replacing `before`."""

    expression: str
    before: str | None = None
    since: float = 1e9


@dataclass(frozen=True, slots=True)
class StageMoment:
    """Everything the stage looks like at one instant."""

    stage: Stage | None
    since: float  # seconds since this stage was set
    rect: Rect
    previous: Stage | None = None  # the stage it replaced: what the transition leaves
    speaker: str | None = None  # highlighted; the others are dimmed (None: nobody speaks, nobody dimmed)
    faces: Mapping[str, Face] = field(default_factory=dict)  # expressions a line or reaction puts on
    reduced_motion: bool = False
    rtl: bool = False
    veil: float = 0.0  # how much the scene is darkened under the people (so the step's text reads on it)


def _progress(elapsed: float, seconds: float, reduced_motion: bool) -> float:
    if reduced_motion or seconds <= 0 or elapsed >= seconds:
        return 1.0
    return max(0.0, elapsed / seconds)


def _picture(rect: Rect, source: str | None, alpha: float, dx: float = 0.0, tint: Color = LIT,
             layer: int = SCENE_LAYER) -> list[Node]:
    """A picture about to fade in is given at opacity 0: the renderer draws nothing but starts
    rasterising it (an SVG), so it is there when it shows."""
    if source is None:
        return []
    if source.lower().endswith(".mp4"):  # a (360°) clip as the scene, shown flat and looping; it cuts
        return [Video(Rect(rect.x + dx, rect.y, rect.w, rect.h), source, loop=True, layer=layer)] if alpha > 0 else []
    return [Image(Rect(rect.x + dx, rect.y, rect.w, rect.h), source,
                  (tint[0], tint[1], tint[2], tint[3] * max(0.0, alpha)), layer=layer)]


def _backgrounds(moment: StageMoment, scenes: Mapping[str, Place], picture: PictureName) -> list[Node]:
    stage, previous, rect = moment.stage, moment.previous, moment.rect
    if stage is None:
        return []

    def source(of: Stage | None) -> str | None:
        place = scenes.get(of.scene) if of is not None else None
        return picture(place.picture) if place is not None else None

    new, old = source(stage), source(previous)
    # Darkened by its tint, not by a veil drawn over it: a second full-screen layer would double the fill
    # (what a frame costs on a software rasteriser).
    shade = 1.0 - moment.veil
    tint: Color = (shade, shade, shade, 1.0)
    kind = stage.transition.kind if old is not None and previous is not None and previous.scene != stage.scene \
        else "cut"
    p = _progress(moment.since, stage.transition.seconds, moment.reduced_motion)
    if kind == "cut" or p >= 1.0:
        return _picture(rect, new, 1.0, tint=tint)
    eased = ease_in_out_cubic(p)
    if kind == "dissolve":
        return [*_picture(rect, old, 1.0, tint=tint), *_picture(rect, new, eased, tint=tint)]
    toward = 1.0 if moment.rtl else -1.0  # the old scene leaves the way the reader's eye moves
    return [*_picture(rect, old, 1.0, dx=toward * eased * rect.w, tint=tint),
            *_picture(rect, new, 1.0, dx=-toward * (1.0 - eased) * rect.w, tint=tint)]


def _share(at: str, rtl: bool) -> float:
    share = SLOTS.get(at, 0.5)
    return 1.0 - share if rtl else share


def _slot_x(rect: Rect, at: str, rtl: bool = False) -> float:
    return rect.x + _share(at, rtl) * rect.w


def _offstage_x(rect: Rect, at: str, width: float, rtl: bool = False) -> float:
    """Where someone enters from and leaves to: the nearer side (the centre comes from the start side)."""
    share = _share(at, rtl)
    return rect.x + rect.w + width if share > 0.5 or (share == 0.5 and rtl) else rect.x - width


def _face_images(body: Rect, character: Character, face: Face, tint: Color, alpha: float, reduced_motion: bool,
                 picture: PictureName) -> list[Node]:
    def source(expression: str | None) -> str | None:
        path = character.expressions.get(expression or NEUTRAL) or character.expressions.get(NEUTRAL)
        return picture(path) if path is not None else None

    p = _progress(face.since, FACE_SECONDS, reduced_motion)
    new = source(face.expression)
    old = source(face.before) if face.before is not None and face.before != face.expression else None
    if old is None or p >= 1.0:
        return _picture(body, new, alpha, tint=tint, layer=PEOPLE_LAYER)
    # cross-fade: the new face comes in over the old one, which stays opaque underneath (two faces at
    # half opacity each would let the scene show through the character halfway)
    return [*_picture(body, old, alpha, tint=tint, layer=PEOPLE_LAYER),
            *_picture(body, new, alpha * ease_in_out_cubic(p), tint=tint, layer=PEOPLE_LAYER)]


def character_height(rect: Rect) -> float:
    """A character's picture height on a stage: CHARACTER_HEIGHT of it, narrowed on a tall stage (a
    portrait screen) so that one at the left or right place still stands whole on it."""
    return min(rect.h * CHARACTER_HEIGHT, 2 * SLOTS["left"] * rect.w / CHARACTER_ASPECT)


def _character(moment: StageMoment, character: Character, now_at: Placement | None, was_at: Placement | None,
               picture: PictureName) -> list[Node]:
    rect, rtl = moment.rect, moment.rtl
    height = character_height(rect)
    width = height * CHARACTER_ASPECT
    p = ease_out_cubic(_progress(moment.since, MOVE_SECONDS, moment.reduced_motion))
    if now_at is not None and was_at is not None:  # stays, perhaps changes place
        start, end = _slot_x(rect, was_at.at, rtl), _slot_x(rect, now_at.at, rtl)
        alpha = 1.0
    elif now_at is not None:  # enters
        start, end = _offstage_x(rect, now_at.at, width, rtl), _slot_x(rect, now_at.at, rtl)
        alpha = p
    elif was_at is not None:  # leaves
        start, end = _slot_x(rect, was_at.at, rtl), _offstage_x(rect, was_at.at, width, rtl)
        alpha = 1.0 - p
        if alpha <= 0.0:
            return []
    else:
        return []
    x = start + (end - start) * p
    standing = now_at or was_at
    assert standing is not None
    face = moment.faces.get(character.id)
    if face is None:
        before = was_at.expression if was_at is not None and now_at is not None else None
        face = Face(standing.expression, before, moment.since)
    tint = LIT if moment.speaker in (None, character.id) else DIMMED
    body = Rect(x - width / 2, rect.y + rect.h - height, width, height)
    return _face_images(body, character, face, tint, alpha, moment.reduced_motion, picture)


def stage_nodes(moment: StageMoment, cast: Mapping[str, Character], scenes: Mapping[str, Place],
                picture: PictureName) -> list[Node]:
    """The stage at one instant: the background(s), then the characters, left to right."""
    nodes = _backgrounds(moment, scenes, picture)
    stage = moment.stage
    if stage is None:
        return nodes
    previous = moment.previous if moment.since < MOVE_SECONDS and not moment.reduced_motion else None
    people = [p.who for p in stage.characters] + [p.who for p in (previous.characters if previous else ())
                                                  if stage.placement(p.who) is None]
    for who in sorted(people, key=lambda w: _share((stage.placement(w) or _was(previous, w)).at, moment.rtl)):
        character = cast.get(who)
        if character is not None:
            nodes.extend(_character(moment, character, stage.placement(who), _was(previous, who)
                                    if previous is not None else None, picture))
    return nodes


def _was(previous: Stage | None, who: str) -> Placement:
    found = previous.placement(who) if previous is not None else None
    return found or Placement(who, "centre")


def speech_bubble(moment: StageMoment, who: str, says: str, elapsed: float) -> list[Node]:
    """A reaction's words beside the face of the one who says them, on the stage's side (a character on
    the right speaks to their left); it fades in quickly (or simply appears with less motion)."""
    stage, rect = moment.stage, moment.rect
    placement = stage.placement(who) if stage is not None else None
    if placement is None or not says:
        return []
    alpha = _progress(elapsed, 0.2, moment.reduced_motion)
    size, pad = 36.0, 32.0
    # as wide as a third of the stage, never narrower than its longest word, never wider than the stage
    width = min(max(min(560.0, rect.w * 0.32), measure(says, size, "bold").widest_word + 2 * pad + 2), rect.w)
    said = measure(says, size, "bold", width - 2 * pad)
    height = said.height + 2 * pad
    head = character_height(rect) * CHARACTER_ASPECT  # the face is the top of the picture, as wide as it
    x = _slot_x(rect, placement.at, moment.rtl)
    side = -1.0 if x > rect.x + rect.w / 2 else 1.0
    centre = x + side * (head / 2 + width / 2)
    centre = min(max(centre, rect.x + width / 2), rect.x + rect.w - width / 2)
    top = max(rect.y, min(rect.y + rect.h - character_height(rect) + 16, rect.y + rect.h - height))
    fill = (*theme.SURFACE[:3], 0.95 * alpha)
    colour = (*theme.TEXT[:3], alpha)
    edge = centre + width / 2 - pad if moment.rtl else centre - width / 2 + pad
    return [Panel(Rect(centre - width / 2, top, width, height), fill, radius=28, layer=1),
            Text(edge, top + pad, says, size, colour, "bold", "right" if moment.rtl else "left",
                 max_width=width - 2 * pad, layer=1)]


# -- a scenario step on stage ------------------------------------------------------------------------
SCREEN = Rect(0.0, 0.0, DESIGN_WIDTH, DESIGN_HEIGHT)
VEIL = 0.5  # the step's texts and buttons are drawn over the scene: keep them readable
LINE_PAUSE = 1.0  # seconds between two lines, on top of the time to read one slowly


def line_seconds(line: Line, language: str, easy: bool = False) -> float:
    """How long a line holds the stage (its speaker highlighted): a slow reader's pace."""
    return reading_seconds(len(line.says.get(language, easy=easy).split())) - DECISION_SECONDS + LINE_PAUSE


def current_line(step: DialogueStep, language: str, elapsed: float, easy: bool = False) -> tuple[int, float]:
    """(index of the line that holds the stage, seconds since it began); the last line stays."""
    start = 0.0
    for index, line in enumerate(step.lines):
        length = line_seconds(line, language, easy)
        if elapsed < start + length or index == len(step.lines) - 1:
            return index, elapsed - start
        start += length
    return 0, elapsed


def _line_faces(step: DialogueStep, stage: Stage, index: int, since: float) -> dict[str, Face]:
    """The faces the current line puts on (and the one the previous line's speaker takes back)."""
    def face_at(who: str, at: int) -> str:
        line = step.lines[at] if 0 <= at < len(step.lines) else None
        placed = stage.placement(who)
        default = placed.expression if placed is not None else NEUTRAL
        return line.expression if line is not None and line.who == who and line.expression else default

    faces: dict[str, Face] = {}
    for placement in stage.characters:
        now, before = face_at(placement.who, index), face_at(placement.who, index - 1)
        if index > 0 and now != before:
            faces[placement.who] = Face(now, before, since)
        elif now != placement.expression:
            faces[placement.who] = Face(now, placement.expression, since)
    return faces


def play_stage(scenario: Scenario, state: PlayState, *, language: str, now: float, media: PictureName,
               prefix: str | None = None, reduced_motion: bool = False, easy: bool = False,
               rect: Rect = SCREEN, rtl: bool = False) -> list[Node]:
    """The stage behind the current step of a play state ([] when the scenario stages nothing yet):
    the one call play_view makes. `media` and `prefix`: see `stage_pictures`."""
    picture = stage_pictures(media, prefix)
    stage = state.stage
    if stage is None:
        return []
    step = current(scenario, state)
    speaker: str | None = None
    faces: dict[str, Face] = {}
    bubble: tuple[str, str, float] | None = None
    reacted = next((o for o in step.options() if o.id == state.feedback), None)
    if reacted is not None and reacted.reaction is not None:
        reaction = reacted.reaction
        speaker = reaction.who
        placed = stage.placement(reaction.who)
        if reaction.expression is not None and placed is not None:
            faces[reaction.who] = Face(reaction.expression, placed.expression, now - state.answered_at)
        if reaction.says is not None:
            bubble = (reaction.who, reaction.says.get(language, easy=easy), now - state.answered_at)
    elif isinstance(step, DialogueStep) and step.lines:
        index, since = current_line(step, language, now - state.entered_at, easy)
        speaker = step.lines[index].who
        faces = _line_faces(step, stage, index, since)
    moment = StageMoment(stage, now - state.stage_since, rect, state.previous_stage, speaker, faces,
                         reduced_motion, rtl=rtl, veil=VEIL)  # the layout places the stage's box, not what it holds
    nodes = stage_nodes(moment, scenario.cast, scenario.scenes, picture)
    if bubble is not None:
        nodes.extend(speech_bubble(moment, *bubble))
    return nodes


def picture_sizes(scenario: Scenario, rect: Rect = SCREEN) -> list[tuple[str, tuple[float, float]]]:
    """Every stage picture of a scenario with the size the stage draws it (design pixels): what a kiosk
    asks the renderer for ahead of time, so no visitor waits for a first rasterisation."""
    height = character_height(rect)
    sizes = [(place.picture, (rect.w, rect.h)) for place in scenario.scenes.values()]
    sizes += [(path, (height * CHARACTER_ASPECT, height)) for c in scenario.cast.values()
              for path in c.expressions.values()]
    return sizes


def stage_pictures(media: PictureName, prefix: str | None) -> PictureName:
    """Where stage pictures are found: on the kiosk, under the scenarios folder (`prefix` is the pack id;
    render/images.py rasterises SVG off the frame thread); in the preview, through its own media map."""
    if prefix is None:
        return media
    return lambda path: f"{prefix}/{path}"


def settle_seconds(state: PlayState, now: float) -> float:
    """How long until the stage stands still (no transition, entrance or cross-fade running): screenshots
    of a step as the visitor sees it wait that long."""
    if state.stage is None:
        return 0.0
    moving = max(state.stage.transition.seconds, MOVE_SECONDS) + FACE_SECONDS
    until = max(state.stage_since + moving, state.answered_at + FACE_SECONDS if state.feedback else 0.0)
    return max(0.0, until - now)


def next_line_at(scenario: Scenario, state: PlayState, now: float, language: str, easy: bool = False) -> float | None:
    """When the next line of a staged dialogue takes the stage (the loop wakes then); None: no more."""
    step = current(scenario, state)
    if state.stage is None or not isinstance(step, DialogueStep) or state.feedback is not None:
        return None
    index, since = current_line(step, language, now - state.entered_at, easy)
    if index >= len(step.lines) - 1:
        return None
    return now - since + line_seconds(step.lines[index], language, easy)


def stage_moving(scenario: Scenario, state: PlayState, now: float, language: str, easy: bool = False) -> bool:
    """A transition, an entrance or a cross-fade is running: frames are due at the full rate."""
    if settle_seconds(state, now) > 0.0:
        return True
    step = current(scenario, state)
    if state.stage is None or not isinstance(step, DialogueStep) or state.feedback is not None or not step.lines:
        return False
    index, since = current_line(step, language, now - state.entered_at, easy)
    return index > 0 and since < FACE_SECONDS


def stage_key(scenario: Scenario, state: PlayState, now: float, language: str,
              easy: bool = False) -> tuple[float | None, int]:
    """What of the stage changes with time, for screens that cache their view: the instant while
    something moves, else the line that holds the stage."""
    step = current(scenario, state)
    line = -1
    if state.stage is not None and isinstance(step, DialogueStep) and step.lines:
        line = current_line(step, language, now - state.entered_at, easy)[0]
    return (now if stage_moving(scenario, state, now, language, easy) else None, line)
