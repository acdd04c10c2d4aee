"""The pieces every screen is made of, as layout boxes coloured and sized by the frame's tokens:
buttons that grow to their label, options with a checkbox beside (never over) their words,
badges, cards, the page skeleton. Pure: boxes in, boxes out; `scene_of` turns a laid-out page
into the Scene the screens return."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.runtime.actions import Action
from kiosk.view.layout import Box, Frame, Item, Label, Laid, Press, Style
from kiosk.view.nodes import Color, Group, Node, Scene, Weight


def press(frame: Frame, label: str, action: Action, *, picked: bool = False, primary: bool = False,
          size: float | None = None, grow: float = 0.0, min_width: float | None = None) -> Item:
    """A button as wide as its label (it wraps when the row is narrower), at least a target tall."""
    t, p = frame.tokens, frame.tokens.palette
    fill = p.accent if primary else p.picked if picked else p.surface
    colour = p.on_accent if primary else p.on_picked if picked else p.text
    target = max(t.target, (size or t.type.button) * 1.25 + 28)
    button = Press(label, action, fill, colour, size or t.type.button,
                   Style(min_height=target, min_width=max(target, min_width or 0.0), grow=grow, shrink=1.0))
    if t.outline and fill == p.background:  # a black button on black: its outline shows it
        return Box((button,), Style(grow=grow, min_width=min_width), border=t.outline, border_color=p.outline,
                   radius=min(target / 2, 28.0), layer=1)
    return button


def option(frame: Frame, label: str, action: Action, *, checked: bool, checkbox: bool = True,
           size: float | None = None) -> Box:
    """A choice as a wide button; with `checkbox` a box beside the words shows it ticked, so the choice
    never shows by colour alone (WCAG 1.4.1)."""
    t, p = frame.tokens, frame.tokens.palette
    fill = p.picked if checked else p.surface
    colour = p.on_picked if checked else p.text
    tick: tuple[Item, ...] = ()
    if checkbox:
        inner = (Box(style=Style(width=22, height=22), fill=p.accent if not checked or p.accent != fill
                     else p.text, radius=4),) if checked else ()
        tick = (Box(inner, Style(width=44, height=44, shrink=0, align="center", justify="center"),
                    fill=p.background, radius=8, border=4, border_color=p.text),)
    words = Label(label, size or t.type.body, colour, "regular", style=Style(grow=1, shrink=1))
    return Box((*tick, words), Style(row=True, align="center", gap=t.space.m, pad=t.space.s, pad_x=t.space.m,
                                     min_height=t.target * 1.35), fill=fill, radius=t.radius.chip,
               border=t.outline, border_color=p.outline, action=action)


def text(frame: Frame, words: str, role: str = "body", *, muted: bool = False, colour: Color | None = None,
         weight: Weight = "regular", align: str = "start", grow: float = 0.0) -> Label:
    t, p = frame.tokens, frame.tokens.palette
    size = getattr(t.type, role)
    return Label(words, size, colour or (p.text_muted if muted else p.text), weight, align,  # type: ignore[arg-type]
                 Style(grow=grow, shrink=1))


def badge(frame: Frame, words: str) -> Box:
    t, p = frame.tokens, frame.tokens.palette
    return Box((Label(words, t.type.small, p.text, "bold"),), Style(pad=6, pad_x=t.space.s, self_align="start"),
               fill=p.alert, radius=t.radius.chip, border=t.outline, border_color=p.outline)


def card(frame: Frame, children: Sequence[Item], *, action: Action | None = None, style: Style | None = None) -> Box:
    t, p = frame.tokens, frame.tokens.palette
    return Box(tuple(children), style or Style(), fill=p.surface, radius=t.radius.card, border=t.outline,
               border_color=p.outline, action=action)


def page(frame: Frame, top: Item | None, body: Sequence[Item], bottom: Item | None = None, *,
         centred: bool = False) -> Box:
    """The screen: a top bar, a body that takes the room left (`centred`: its middle), a bottom row."""
    t = frame.tokens
    items: list[Item] = [] if top is None else [top]
    items.append(Box(tuple(body), Style(grow=1, shrink=1, gap=t.space.m, min_height=0,
                                        justify="center" if centred else None)))
    if bottom is not None:
        items.append(bottom)
    return Box(tuple(items), Style(width=frame.width, height=frame.height, pad=t.space.l, pad_x=frame.margin,
                                   gap=t.space.m))


def scene_of(frame: Frame, laid: Laid, *labels: str, extra: Sequence[Node] = ()) -> Scene:
    return Scene(Group((*laid.nodes, *extra)), frame.tokens.palette.background, frame.width, frame.height,
                 labels=labels)
