"""Twine stories → scenario packs: the convention a trainer types in Twine's editor.

Passages are steps (the passage name becomes the step id), links are answers, tags give
the step type, and plain `key: value` lines under a text or a link carry what Twine has no
place for (translations, credits, feedback, media). Two special passages hold the rest:
`Pack` (the trade) and `Observables` (behaviours and their ESCO skills). The grammar is
documented in docs/authoring.md ("Writing in Twine"); `twine_export` writes the same form.
The readers live beside this module: twine_grammar (lines, links, keys), twine_passages (shared
state, Pack and Observables), twine_steps (the steps).

Pure: a `Story` in, the pack.yaml and scenario.yaml documents (plain dicts), the media the
pack needs, a TODO list and every problem (`story:passage: message (hint)`) out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.scenario.schema import SCENARIO_FORMAT
from kiosk.scenario.twee import Passage, Story
from kiosk.scenario.twine_grammar import IGNORED_TAGS, OBSERVABLES_PASSAGE, PACK_PASSAGE, Media, Problem, slug
from kiosk.scenario.twine_passages import PassageReader
from kiosk.scenario.twine_steps import StepReader


@dataclass
class Conversion:
    pack: dict[str, Any]
    scenario: dict[str, Any]
    media: list[Media] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class StoryConverter(PassageReader, StepReader):
    """One story into one pack: the Pack and Observables passages (kiosk.scenario.twine_passages), then
    the steps (kiosk.scenario.twine_steps)."""

    def convert(self) -> Conversion:
        passages = [p for p in self.story.passages if not IGNORED_TAGS & set(p.tags)]
        pack_passage = next((p for p in passages if p.name == PACK_PASSAGE), None)
        pack, scenario_id, title = self.pack_settings(pack_passage)
        self._observables_passage(passages)
        steps_passages = [p for p in passages if p.name not in (PACK_PASSAGE, OBSERVABLES_PASSAGE)]
        self.name_steps(steps_passages)
        steps = [s for p in steps_passages if (s := self.step(p)) is not None]
        start = self.story.start or (steps_passages[0].name if steps_passages else "")
        if start not in self.ids:
            self.problem("StoryData", f"the start passage `{start}` is not a step",
                         "in Twine, mark the first step as the start (rocket icon)")
        scenario = {"format": SCENARIO_FORMAT, "id": scenario_id, "title": title,
                    "languages": list(self.languages), "start": self.ids.get(start, slug(start)),
                    "observables": self.observables, "steps": steps}
        return Conversion(pack, scenario, self.media, self.todo, self.problems)

    def _observables_passage(self, passages: list[Passage]) -> None:
        observables = next((p for p in passages if p.name == OBSERVABLES_PASSAGE), None)
        if observables is None:
            self.problem(OBSERVABLES_PASSAGE, "the story has no `Observables` passage",
                         "add a passage named Observables with lines like `planifie: T2.2` and `describe: ...`")
        else:
            self.read_observables(observables)


def convert_story(story: Story, label: str, pack_id: str, rome: str | None = None) -> Conversion:
    """The pack a Twine story describes, what to finish by hand (TODO), and every problem."""
    return StoryConverter(story, label, pack_id, rome).convert()
