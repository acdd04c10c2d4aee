"""What a step's pictures and clips look like on the flat screen: posters, the flat 360° picture with its
hotspots, and on the kiosk the live clip (with captions) or the 360° view looked around."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.i18n import Words
from kiosk.media.sphere import Look, project
from kiosk.runtime.actions import LOOK, Action, Choose, Toggle
from kiosk.runtime.play import PlayState
from kiosk.runtime.widgets import press, text
from kiosk.scenario.model import HotspotStep, VideoStep
from kiosk.view.layout import Box, Fill, Frame, Hit, Item, Style
from kiosk.view.measure import measure
from kiosk.view.nodes import Button, Image, Node, Panel, Panorama, Rect, Text, Video


@dataclass(frozen=True, slots=True)
class LiveMedia:
    """On the kiosk (not in the trainer's flat preview): clips play, 360° pictures are looked around."""

    prefix: str  # stream names are f"{prefix}/{media path}" (the pack id: paths under the scenarios folder)
    look: Look = field(default_factory=Look)
    caption: str | None = None  # the cue on screen now; None: captions off or silence
    paused: bool = False  # the scenario is paused (headset off): clips stand still


MediaImage = Callable[[str], str | None]  # pack media path → image name the renderer finds, if any
HOTSPOT = 80.0  # a hotspot's button on the 360° view


def _spot_button(frame: Frame, rect: Rect, label: str, action: Action, picked: bool) -> tuple[list[Node], Hit]:
    p = frame.tokens.palette
    fill = p.picked if picked else p.surface
    nodes: list[Node] = [Button(rect, label, fill, p.on_picked if picked else p.text, frame.tokens.type.button,
                                layer=1)]
    if frame.tokens.outline:
        nodes.append(Panel(rect, (0.0, 0.0, 0.0, 0.0), min(rect.h / 2, 28.0), frame.tokens.outline, p.outline,
                           layer=2))
    return nodes, (rect, action)


def hotspots(step: HotspotStep, state: PlayState, words: Words, media: MediaImage, frame: Frame) -> Item:
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


def live_video(step: VideoStep, live: LiveMedia, frame: Frame) -> Item:
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


def live_hotspots(step: HotspotStep, state: PlayState, live: LiveMedia, frame: Frame) -> Item:
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


def poster(step: VideoStep, words: Words, media: MediaImage, frame: Frame) -> Item:
    poster = media(step.clip)
    kind = words.gettext("360° video") if step.kind == "video360" else words.gettext("Video")
    p = frame.tokens.palette

    def draw(box: Rect) -> tuple[list[Node], list[Hit]]:
        area = _fitted(box, 16 / 9)
        return [Image(area, poster, radius=12) if poster else Panel(area, p.surface, radius=12)], []

    return Box((Fill(draw, Style(grow=1, shrink=1, min_height=200)),
                text(frame, f"{kind} · {step.clip}", "caption", muted=True, align="center")),
               Style(grow=1, shrink=1, gap=frame.tokens.space.xs))
