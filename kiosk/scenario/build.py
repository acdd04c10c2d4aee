"""Schema-valid YAML nodes → the frozen model. Assumes `validate` passed: no checks here."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from kiosk.scenario.model import (
    NEUTRAL,
    Character,
    ChoiceStep,
    Credit,
    Debrief,
    DialogueStep,
    EndStep,
    HotspotStep,
    Line,
    Observable,
    Option,
    OrderingRule,
    OrderingStep,
    Place,
    Placement,
    Reaction,
    Scenario,
    Stage,
    Step,
    Text,
    Trade,
    Transition,
    VideoStep,
)
from kiosk.scenario.source import YNode

DEFAULT_MAX_CREDIT = 2
DEFAULT_HOTSPOT_RADIUS = 10.0


def text(node: YNode | None) -> Text | None:
    if node is None:
        return None
    values = {k: v.value for k, v in node.value.items() if k != "falc"}
    falc_node = node.get("falc")
    falc = {k: v.value for k, v in falc_node.value.items()} if falc_node is not None else {}
    return Text(MappingProxyType(values), MappingProxyType(falc), node.mark)


def _text(node: YNode | None) -> Text:
    built = text(node)
    assert built is not None  # required by the schema
    return built


def _str(node: YNode | None) -> str | None:
    return None if node is None else str(node.value)


def _evidence(node: YNode | None) -> tuple[Credit, ...]:
    if node is None:
        return ()
    return tuple(Credit(k, int(v.value), node.key_mark(k)) for k, v in node.value.items())


def _reaction(node: YNode | None) -> Reaction | None:
    if node is None:
        return None
    return Reaction(str(node.value["who"].value), _str(node.get("expression")), text(node.get("says")), node.mark)


def _stage(node: YNode | None) -> Stage | None:
    if node is None:
        return None
    transition = node.get("transition")
    seconds = transition.get("seconds") if transition is not None else None
    characters = node.get("characters")
    return Stage(
        scene=str(node.value["scene"].value),
        characters=tuple(Placement(str(c.value["who"].value), str(c.value["at"].value),
                                   _str(c.get("expression")) or NEUTRAL, c.mark)
                         for c in (characters.value if characters is not None else ())),
        transition=Transition(str(transition.value["kind"].value),
                              float(seconds.value) if seconds is not None else 0.5) if transition else Transition(),
        mark=node.mark)


def _line(node: YNode, cast: dict[str, Character]) -> Line:
    who = _str(node.get("who"))
    speaker = text(node.get("speaker"))
    if speaker is None:  # a cast member speaks: their name (an unknown one is named by its id; lint says so)
        known = cast.get(who or "")
        speaker = known.name if known is not None else Text(MappingProxyType({"fr": who or "?"}), mark=node.mark)
    return Line(speaker, _text(node.get("says")), who, _str(node.get("expression")), node.mark)


def _option(node: YNode) -> Option:
    get = node.get
    return Option(
        id=str(node.value["id"].value), text=_text(get("text")), feedback=text(get("feedback")),
        evidence=_evidence(get("evidence")), next=_str(get("next")),
        yaw=float(get("yaw").value) if get("yaw") else 0.0,  # type: ignore[union-attr]
        pitch=float(get("pitch").value) if get("pitch") else 0.0,  # type: ignore[union-attr]
        radius=float(get("radius").value) if get("radius") else DEFAULT_HOTSPOT_RADIUS,  # type: ignore[union-attr]
        mark=node.mark, reaction=_reaction(get("reaction")))


def _options(node: YNode | None) -> tuple[Option, ...]:
    return tuple(_option(o) for o in node.value) if node is not None else ()


def step(node: YNode, cast: dict[str, Character] | None = None) -> Step:
    built = _step(node, cast or {})
    order = node.get("order")
    return replace(built, stage=_stage(node.get("stage")),
                   fixed_order=order is not None and order.value == "fixed")


def _step(node: YNode, cast: dict[str, Character]) -> Step:
    get = node.get
    kind = node.value["type"].value
    sid, prompt, mark = str(node.value["id"].value), text(get("text")), node.mark
    if kind in ("video", "video360"):
        captions = get("captions")
        return VideoStep(sid, prompt, mark, clip=str(node.value["clip"].value), immersive=kind == "video360",
                         captions=MappingProxyType({k: str(v.value) for k, v in captions.value.items()}
                                                   if captions else {}), next=_str(get("next")))
    if kind == "dialogue":
        lines = tuple(_line(line, cast) for line in node.value["lines"].value)
        return DialogueStep(sid, prompt, mark, lines=lines, image=_str(get("image")), next=_str(get("next")))
    if kind in ("choice", "multiple_choice", "timed_choice"):
        seconds = get("seconds")
        return ChoiceStep(sid, prompt, mark, choices=_options(get("options")), multiple=kind == "multiple_choice",
                          seconds=float(seconds.value) if seconds else None, timeout_next=_str(get("timeout")),
                          image=_str(get("image")), next=_str(get("next")))
    if kind == "ordering":
        evidence = node.value["evidence"]
        rules = tuple(OrderingRule(k, int(v.value["exact"].value), int(v.value["near"].value) if v.get("near") else 0,
                                   evidence.key_mark(k)) for k, v in evidence.value.items())
        return OrderingStep(sid, prompt, mark, items=_options(get("items")),
                            correct=tuple(str(i.value) for i in node.value["correct"].value), rules=rules,
                            next=_str(get("next")))
    if kind == "hotspot":
        multiple = get("multiple")
        return HotspotStep(sid, prompt, mark, image=str(node.value["image"].value), spots=_options(get("spots")),
                           multiple=bool(multiple.value) if multiple else False, next=_str(get("next")))
    return EndStep(sid, prompt, mark)


def _cast(node: YNode | None) -> dict[str, Character]:
    if node is None:
        return {}
    return {cid: Character(cid, _text(c.get("name")),
                           MappingProxyType({e: str(p.value) for e, p in c.value["expressions"].value.items()}),
                           node.key_mark(cid))
            for cid, c in node.value.items()}


def _scenes(node: YNode | None) -> dict[str, Place]:
    if node is None:
        return {}
    return {sid: Place(sid, str(s.value["picture"].value), _str(s.get("ambient")), node.key_mark(sid))
            for sid, s in node.value.items()}


def debrief(step_node: YNode) -> Debrief | None:
    node = step_node.get("debrief")
    if node is None:
        return None
    return Debrief(str(step_node.value["id"].value), _text(node.get("moment")), _text(node.get("why")),
                   text(node.get("professional")), _str(node.get("best")), node.mark)


def scenario(root: YNode) -> Scenario:
    cast = _cast(root.get("cast"))
    observables = {}
    for oid, node in root.value["observables"].value.items():
        maximum = node.get("max")
        observables[oid] = Observable(oid, tuple(str(s.value) for s in node.value["skills"].value),
                                      int(maximum.value) if maximum else DEFAULT_MAX_CREDIT,
                                      _text(node.get("describe")), root.value["observables"].key_mark(oid))
    return Scenario(id=str(root.value["id"].value), title=_text(root.get("title")),
                    languages=tuple(str(v.value) for v in root.value["languages"].value),
                    start=str(root.value["start"].value), observables=MappingProxyType(observables),
                    steps=tuple(step(s, cast) for s in root.value["steps"].value), file=root.mark.file,
                    mark=root.mark, cast=MappingProxyType(cast), scenes=MappingProxyType(_scenes(root.get("scenes"))),
                    debriefs=MappingProxyType({d.step: d for s in root.value["steps"].value
                                               if (d := debrief(s)) is not None}))


def trade(root: YNode) -> Trade:
    node = root.value["trade"]
    shortage = node.value["shortage"]
    return Trade(rome=str(node.value["rome"].value), title=_text(node.get("title")), pitch=_text(node.get("pitch")),
                 sector=str(node.value["sector"].value), shortage_level=int(shortage.value["level"].value),
                 shortage_source=str(shortage.value["source"].value),
                 card_image=str(node.value["card_image"].value), video=_str(node.get("video")),
                 attract=_str(node.get("attract")))


def pack_id_and_version(root: YNode) -> tuple[str, str]:
    return str(root.value["id"].value), str(root.value["version"].value)


def scenario_path(pack_dir: Path, root: YNode) -> Path:
    return pack_dir / str(root.value["scenario"].value)
