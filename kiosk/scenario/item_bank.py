"""A pack's item bank as data: the measurement model's parameters in `scoring.yaml`, read and
checked when the pack loads (kiosk.scenario.load), so a broken file is refused with file:line:col
like a broken scenario and a visit never parses YAML. What the numbers mean, and how they are
made, is the scoring layer's business (kiosk.scoring.bank, kiosk.scoring.calibrate).

An *item* is one step read as evidence for one ESCO skill (kiosk.scoring.items). Its parameters
(slope `a`, step thresholds `b`) are stamped with the scenario version they were fitted for and
their own version number, so that every estimate can say exactly which parameters made it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from kiosk.scenario.source import LocatedError, YNode, parse, read_text

BANK_FILE = "scoring.yaml"
BANK_FORMAT = "nova-scoring/3"  # /3: adds the joint model's `joint:` settings (correlation, inflation)
OLDER_FORMATS = ("nova-scoring/2",)  # /2: one item per step and skill; read with neutral joint settings
MODEL = "gpcm"  # generalized partial credit, one dimension per skill
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True, order=True)
class ItemKey:
    pack: str
    step: str
    skill: str

    @property
    def local(self) -> str:
        """How the item is named inside its pack's scoring.yaml: the step id."""
        return self.step

    def __str__(self) -> str:
        return f"{self.pack}/{self.step}@{self.skill}"


@dataclass(frozen=True, slots=True)
class ItemParams:
    a: float  # slope (discrimination) > 0
    b: tuple[float, ...]  # one threshold per credit above 0

    @property
    def difficulty(self) -> float:
        """Mean threshold: where the item is most informative, on the θ scale."""
        return sum(self.b) / len(self.b)


@dataclass(frozen=True, slots=True)
class JointSettings:
    """What calibration learnt for the joint posterior over a visit's skills (kiosk.scoring.joint):
    the skills' correlation in the population and the split-half check's widening of the intervals."""

    correlation: float = 0.0  # ρ of the prior N(0, s²R); 0 until calibrated: no claim that skills go together
    inflation: float = 1.0  # κ ≥ 1: posterior SDs are multiplied by it; 1 until calibrated


JOINT_NEUTRAL = JointSettings()


@dataclass(frozen=True, slots=True)
class ItemBank:
    pack: str
    scenario_version: str
    version: int
    items: Mapping[ItemKey, ItemParams]
    calibration: Mapping[str, str | int] = field(default_factory=lambda: MappingProxyType({}))
    model: str = MODEL
    joint: JointSettings = field(default_factory=lambda: JOINT_NEUTRAL)

    @property
    def stamp(self) -> str:
        """What an estimate records: model, pack, scenario version and parameter version."""
        return f"{self.model}:{self.pack}@{self.scenario_version}#p{self.version}"


def dump_bank(bank: ItemBank) -> str:
    """scoring.yaml text: stable order, one item per line, so diffs between versions read well."""
    lines = [
        f"# Item parameters of the measurement model for `{bank.pack}` (see docs/scoring.md).",
        "# Written by `kiosk scoring init` / `kiosk scoring calibrate`; reseal the pack after a change.",
        f"format: {BANK_FORMAT}",
        f"model: {bank.model}",
        f"pack: {bank.pack}",
        f"scenario_version: {_quote(bank.scenario_version)}",
        f"version: {bank.version}",
        f"joint: {{correlation: {_num(bank.joint.correlation)}, inflation: {_num(bank.joint.inflation)}}}",
        "calibration:",
    ]
    lines += [f"  {key}: {value if isinstance(value, int) else _quote(value)}"
              for key, value in sorted(bank.calibration.items())]
    lines.append("items:")
    by_local: dict[str, list[tuple[ItemKey, ItemParams]]] = {}
    for key, params in sorted(bank.items.items()):
        by_local.setdefault(key.local, []).append((key, params))
    for local, entries in by_local.items():
        lines.append(f"  {_key(local)}:")
        for key, params in entries:
            thresholds = ", ".join(_num(v) for v in params.b)
            lines.append(f"    {key.skill}: {{a: {_num(params.a)}, b: [{thresholds}]}}")
    return "\n".join(lines) + "\n"


def parse_bank(source: str, file: str, pack_id: str | None = None, *, trusted: bool = False) -> ItemBank:
    """An ItemBank from scoring.yaml text; LocatedError (file:line:col + hint) when it is wrong, or
    when it is another pack's (`pack_id` given: its items would never match this pack's steps)."""
    root = parse(source, file, trusted=trusted)
    if not isinstance(root.value, dict):
        raise LocatedError(root.mark, "scoring.yaml must be a mapping", "start from `kiosk scoring init PACK`")
    fmt = _scalar(root, "format", str)
    if fmt != BANK_FORMAT and fmt not in OLDER_FORMATS:
        raise LocatedError(_need(root, "format").mark, f"unknown format `{fmt}`",
                           f"this engine reads `{BANK_FORMAT}` (and {', '.join(OLDER_FORMATS)}): run "
                           "`kiosk scoring init PACK` to rewrite the file")
    model = _scalar(root, "model", str)
    if model != MODEL:
        raise LocatedError(_need(root, "model").mark, f"unknown model `{model}`", f"this engine scores `{MODEL}`")
    pack = _scalar(root, "pack", str)
    if pack_id is not None and pack != pack_id:
        raise LocatedError(_need(root, "pack").mark, f"{BANK_FILE} is for pack `{pack}`, not `{pack_id}`",
                           f"write `pack: {pack_id}`")
    scenario_version = str(_need(root, "scenario_version").value)
    version = _scalar(root, "version", int)
    calibration_node = root.get("calibration")
    calibration: dict[str, str | int] = {}
    if calibration_node is not None and isinstance(calibration_node.value, dict):
        calibration = {k: v.value for k, v in calibration_node.value.items() if isinstance(v.value, str | int)}
    items = _items(_need(root, "items"), pack)
    joint = _joint(root.get("joint")) if fmt == BANK_FORMAT else JOINT_NEUTRAL
    return ItemBank(pack, scenario_version, version, MappingProxyType(items), MappingProxyType(calibration), model,
                    joint)


def _joint(node: YNode | None) -> JointSettings:
    hint = "write `joint: {correlation: 0.4, inflation: 1.1}` (or run `kiosk scoring calibrate`)"
    if node is None:
        return JOINT_NEUTRAL
    if not isinstance(node.value, dict):
        raise LocatedError(node.mark, "`joint` must be a mapping", hint)
    values: dict[str, float] = {}
    for name, low, high in (("correlation", 0.0, 0.9), ("inflation", 1.0, 3.0)):
        child = node.get(name)
        if child is None:
            raise LocatedError(node.mark, f"`joint` needs `{name}`", hint)
        v = child.value
        if isinstance(v, bool) or not isinstance(v, int | float) or not low <= v <= high:
            raise LocatedError(child.mark, f"joint {name} = {v!r} must be a number between {low} and {high}", hint)
        values[name] = float(v)
    return JointSettings(values["correlation"], values["inflation"])


def _items(items_node: YNode, pack: str) -> dict[ItemKey, ItemParams]:
    if not isinstance(items_node.value, dict):
        raise LocatedError(items_node.mark, "`items` must map step ids to skills", "see docs/scoring.md")
    items: dict[ItemKey, ItemParams] = {}
    for step, skills in items_node.value.items():
        if "/" in step or not isinstance(skills.value, dict):
            raise LocatedError(items_node.key_mark(step), f"item `{step}` must be a step id with skills under it",
                               "write e.g. `quai:` then `T4.3: {a: 1.0, b: [-0.5, 0.5]}`")
        for skill, node in skills.value.items():
            items[ItemKey(pack, step, skill)] = _params(node)
    return items


def read_bank_file(path: Path, pack_id: str | None = None, *, trusted: bool = False) -> ItemBank | None:
    """The bank in `path`, None when there is none; LocatedError when it is too large, not UTF-8,
    wrong or another pack's; OSError when it cannot be read."""
    try:
        source = read_text(path)  # bounded: LocatedError beyond the file size limit
    except FileNotFoundError:
        return None
    return parse_bank(source, str(path), pack_id, trusted=trusted)


def _params(node: YNode) -> ItemParams:
    hint = "write `{a: 1.2, b: [-0.5, 0.4]}`: a > 0, one increasing-or-not threshold per credit above 0"
    if not isinstance(node.value, dict):
        raise LocatedError(node.mark, "item parameters must be a mapping", hint)
    a_node, b_node = node.get("a"), node.get("b")
    if a_node is None or b_node is None:
        raise LocatedError(node.mark, "item parameters need `a` and `b`", hint)
    a = a_node.value
    if isinstance(a, bool) or not isinstance(a, int | float) or not (0 < a < 10):
        raise LocatedError(a_node.mark, f"slope a = {a!r} must be a number between 0 and 10", hint)
    if not isinstance(b_node.value, list) or not b_node.value:
        raise LocatedError(b_node.mark, "thresholds b must be a non-empty list", hint)
    thresholds: list[float] = []
    for item in b_node.value:
        v = item.value
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or abs(v) > 10:
            raise LocatedError(item.mark, f"threshold {v!r} must be a number between -10 and 10", hint)
        thresholds.append(float(v))
    return ItemParams(float(a), tuple(thresholds))


def _need(root: YNode, key: str) -> YNode:
    node = root.get(key)
    if node is None:
        raise LocatedError(root.mark, f"missing `{key}`", "start from `kiosk scoring init PACK`")
    return node


def _scalar(root: YNode, key: str, kind: type[_T]) -> _T:
    node = _need(root, key)
    if not isinstance(node.value, kind) or isinstance(node.value, bool):
        raise LocatedError(node.mark, f"`{key}` must be a {kind.__name__}", "see docs/scoring.md")
    return node.value


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}.0"


# Step ids YAML 1.1 would read as something else (`no` is false, `1` a number): quoted as keys.
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_YAML_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null"})


def _key(text: str) -> str:
    plain = _PLAIN_KEY.fullmatch(text) and text.lower() not in _YAML_WORDS
    return text if plain else _quote(text)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
