"""What a scenario pack is, once loaded: frozen values the runtime and scoring read.

Evidence model (evidence-centred design): a step is a task; the *observables* it can
produce are the ones its options, hotspots or ordering rule mention. When the player
leaves the step, each of those observables receives a credit 0..max (0 when the chosen
answer does not mention it). Each observable bears on one or more ESCO transversal skills.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from kiosk.scenario.item_bank import ItemBank
from kiosk.scenario.source import Mark

NOWHERE = Mark("<built>", 1, 1)


@dataclass(frozen=True, slots=True)
class Text:
    """One text in every language the trainer wrote, plus easy-read (FALC) variants."""

    values: Mapping[str, str]
    falc: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    mark: Mark = NOWHERE

    def get(self, language: str, *, easy: bool = False) -> str:
        """The text in `language` (easy-read if asked and written), else French."""
        if easy and language in self.falc:
            return self.falc[language]
        return self.values.get(language) or self.values.get("fr") or next(iter(self.values.values()), "")

    def words(self, language: str) -> int:
        return len(self.get(language).split())


@dataclass(frozen=True, slots=True)
class Observable:
    id: str
    skills: tuple[str, ...]  # ESCO transversal skill codes, e.g. ("T4.3",)
    max_credit: int  # credits run 0..max_credit
    describe: Text  # what the behaviour is, in plain words: feeds the explanations
    mark: Mark = NOWHERE


@dataclass(frozen=True, slots=True)
class Credit:
    observable: str
    credit: int
    mark: Mark = NOWHERE


@dataclass(frozen=True, slots=True)
class Character:
    """A cast member, declared once per pack: a name per language, a picture per expression."""

    id: str
    name: Text
    expressions: Mapping[str, str]  # expression -> picture path in the pack (at least `neutral`)
    mark: Mark = NOWHERE


@dataclass(frozen=True, slots=True)
class Place:
    """A scene a step can be staged in: a background picture, an optional ambient loop."""

    id: str
    picture: str
    ambient: str | None = None
    mark: Mark = NOWHERE


STAGE_POSITIONS = ("left", "centre", "right")
TRANSITIONS = ("cut", "dissolve", "slide")
NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class Placement:
    """One character on stage: where, with which face."""

    who: str
    at: str  # one of STAGE_POSITIONS
    expression: str = NEUTRAL
    mark: Mark = NOWHERE


@dataclass(frozen=True, slots=True)
class Transition:
    kind: str = "cut"  # one of TRANSITIONS
    seconds: float = 0.5


@dataclass(frozen=True, slots=True)
class Stage:
    """What the visitor sees behind a step: persists over the following steps until one sets another."""

    scene: str
    characters: tuple[Placement, ...] = ()
    transition: Transition = Transition()
    mark: Mark = NOWHERE

    def placement(self, who: str) -> Placement | None:
        return next((p for p in self.characters if p.who == who), None)

    def looks(self) -> tuple[str, tuple[tuple[str, str, str], ...]]:
        """What the visitor sees, without where it was written: two steps that stage the same scene
        with the same people and faces show no transition between them."""
        return self.scene, tuple((p.who, p.at, p.expression) for p in self.characters)


@dataclass(frozen=True, slots=True)
class Reaction:
    """A cast member's answer to the visitor's choice, shown before the feedback."""

    who: str
    expression: str | None = None
    says: Text | None = None
    mark: Mark = NOWHERE


@dataclass(frozen=True, slots=True)
class Option:
    """An answer the player can pick: a choice option, or a hotspot in a 360° image."""

    id: str
    text: Text
    feedback: Text | None = None
    evidence: tuple[Credit, ...] = ()
    next: str | None = None  # branch; None = the step's own `next`
    yaw: float = 0.0  # hotspots only: degrees, 0 = straight ahead, + to the right
    pitch: float = 0.0  # hotspots only: degrees, + up
    radius: float = 0.0  # hotspots only: degrees of arc that count as a hit
    mark: Mark = NOWHERE
    reaction: Reaction | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """Fields shared by every step type."""

    id: str
    text: Text | None
    mark: Mark
    stage: Stage | None = None  # None: the stage in force stays
    fixed_order: bool = False  # `order: fixed`: options keep their authored order (else shuffled per visit)

    kind = "step"

    def options(self) -> tuple[Option, ...]:
        return ()

    def default_next(self) -> str | None:
        return None

    def successors(self) -> Iterator[tuple[str, Option | None]]:
        """Every step this one can lead to, with the option that leads there (None: default)."""
        for option in self.options():
            if option.next is not None:
                yield option.next, option
        default = self.default_next()
        if default is not None:
            yield default, None

    def evidence(self) -> tuple[Credit, ...]:
        return tuple(c for o in self.options() for c in o.evidence)


    def texts(self) -> Iterator[Text]:
        if self.text is not None:
            yield self.text
        for option in self.options():
            yield option.text
            if option.feedback is not None:
                yield option.feedback
            if option.reaction is not None and option.reaction.says is not None:
                yield option.reaction.says


@dataclass(frozen=True, slots=True)
class VideoStep(Step):
    clip: str = ""
    captions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    immersive: bool = False  # True: an equirectangular 360° clip
    next: str | None = None

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "video360" if self.immersive else "video"

    def default_next(self) -> str | None:
        return self.next



@dataclass(frozen=True, slots=True)
class Line:
    speaker: Text  # with `who`, the cast member's name
    says: Text
    who: str | None = None  # a cast member (highlighted while the line shows)
    expression: str | None = None  # the speaker's face while the line shows
    mark: Mark = NOWHERE


@dataclass(frozen=True, slots=True)
class DialogueStep(Step):
    lines: tuple[Line, ...] = ()
    image: str | None = None
    next: str | None = None
    kind = "dialogue"

    def default_next(self) -> str | None:
        return self.next


    def texts(self) -> Iterator[Text]:
        yield from Step.texts(self)
        for line in self.lines:
            if line.who is None:  # a cast member's name is checked once, in `cast:`
                yield line.speaker
            yield line.says


@dataclass(frozen=True, slots=True)
class ChoiceStep(Step):
    """Single choice; `multiple` lets the player pick several; `seconds` makes it timed."""

    choices: tuple[Option, ...] = ()
    multiple: bool = False
    seconds: float | None = None
    timeout_next: str | None = None  # where a timed choice goes when the time is up
    image: str | None = None
    next: str | None = None

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "timed_choice" if self.seconds is not None else "multiple_choice" if self.multiple else "choice"

    def options(self) -> tuple[Option, ...]:
        return self.choices

    def default_next(self) -> str | None:
        return self.next

    def successors(self) -> Iterator[tuple[str, Option | None]]:
        yield from Step.successors(self)
        if self.timeout_next is not None:
            yield self.timeout_next, None



@dataclass(frozen=True, slots=True)
class OrderingRule:
    """Credit for an ordering: `exact` when every item is in place, `near` when one
    swap of neighbours away from the right order, else 0."""

    observable: str
    exact: int
    near: int = 0
    mark: Mark = NOWHERE


@dataclass(frozen=True, slots=True)
class OrderingStep(Step):
    items: tuple[Option, ...] = ()  # shown shuffled; ids in `correct` give the right order
    correct: tuple[str, ...] = ()
    rules: tuple[OrderingRule, ...] = ()
    next: str | None = None
    kind = "ordering"

    def default_next(self) -> str | None:
        return self.next

    def evidence(self) -> tuple[Credit, ...]:
        return tuple(Credit(r.observable, r.exact, r.mark) for r in self.rules)

    def texts(self) -> Iterator[Text]:
        yield from Step.texts(self)
        for item in self.items:
            yield item.text


@dataclass(frozen=True, slots=True)
class HotspotStep(Step):
    """Find things in a 360° image: each hotspot behaves like a choice option."""

    image: str = ""
    spots: tuple[Option, ...] = ()
    multiple: bool = False
    next: str | None = None
    kind = "hotspot"

    def options(self) -> tuple[Option, ...]:
        return self.spots

    def default_next(self) -> str | None:
        return self.next



@dataclass(frozen=True, slots=True)
class EndStep(Step):
    kind = "end"


@dataclass(frozen=True, slots=True)
class Debrief:
    """A key moment replayed after the scenario: the situation, what a professional would do (their own
    words, or `best`: the id of the answer they would give) and why."""

    step: str
    moment: Text
    why: Text
    professional: Text | None = None
    best: str | None = None
    mark: Mark = NOWHERE

    def texts(self) -> Iterator[Text]:
        yield self.moment
        if self.professional is not None:
            yield self.professional
        yield self.why


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: Text
    languages: tuple[str, ...]  # every text must exist in each of these
    start: str
    observables: Mapping[str, Observable]
    steps: tuple[Step, ...]
    file: str
    mark: Mark = NOWHERE
    cast: Mapping[str, Character] = field(default_factory=lambda: MappingProxyType({}))
    scenes: Mapping[str, Place] = field(default_factory=lambda: MappingProxyType({}))
    debriefs: Mapping[str, Debrief] = field(default_factory=lambda: MappingProxyType({}))  # by step id

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def step_ids(self) -> set[str]:
        return {s.id for s in self.steps}

    def stages_in_force(self) -> dict[str, tuple[Stage | None, ...]]:
        """Every stage that can be in force at each step, along the paths a visitor can take from the
        start (a stage persists over the following steps until a step sets another; None: no stage
        yet). A step no path reaches gets the stage of the steps written before it."""
        by_id = {s.id: s for s in self.steps}
        arriving: dict[str, list[Stage | None]] = {}
        todo: list[tuple[str, Stage | None]] = [(self.start, None)]
        while todo:
            step_id, stage = todo.pop()
            if step_id not in by_id or stage in arriving.get(step_id, []):
                continue
            arriving.setdefault(step_id, []).append(stage)
            step = by_id[step_id]
            here = step.stage or stage
            todo.extend((target, here) for target, _ in step.successors())
        found: dict[str, tuple[Stage | None, ...]] = {}
        written: Stage | None = None
        for step in self.steps:
            written = step.stage or written
            found[step.id] = (step.stage,) if step.stage else tuple(arriving.get(step.id, [written]))
        return found


@dataclass(frozen=True, slots=True)
class Trade:
    rome: str  # ROME 4.0 code, e.g. "G1602"
    title: Text
    pitch: Text
    sector: str
    shortage_level: int  # DARES tension, 1 (low) .. 5 (very high)
    shortage_source: str
    card_image: str  # relative to the pack folder
    video: str | None = None  # short presentation clip of the trade
    attract: str | None = None  # the trade's scene behind the idle attract screen


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    version: str
    root: Path
    trade: Trade
    scenario: Scenario
    sealed: bool  # a manifest was present and every file matched it
    # scoring.yaml, read and checked with the pack (None: the pack has none); left out of ==/hash
    bank: ItemBank | None = field(default=None, compare=False)
