"""Lint rules for staging (cast, scenes, stages, speakers, reactions) and for answer positions.

Pure, like checks.py: the model, the YAML nodes (for positions) and a file-exists function in;
diagnostics out.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

from kiosk.scenario.diagnostics import Reporter
from kiosk.scenario.model import ChoiceStep, DialogueStep, Reaction, Scenario, Stage
from kiosk.scenario.source import Mark, YNode

PICTURES = (".svg", ".png", ".jpg", ".jpeg", ".webp")
SCENE_MEDIA = (*PICTURES, ".mp4")  # a 360° clip is shown flat behind the stage
SOUNDS = (".ogg", ".wav")
FileExists = Callable[[str], bool]
MIN_POSITION_STEPS = 3  # below that, "most steps" is a coincidence, not a pattern


def _did_you_mean(word: str, choices: Iterable[str], fallback: str) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.5)
    return f"did you mean `{close[0]}`?" if close else fallback


class StageChecker:
    def __init__(self, scenario: Scenario, root: YNode, exists: FileExists, report: Reporter) -> None:
        self.scenario, self.root, self.exists, self.report = scenario, root, exists, report
        self.step_nodes: list[YNode] = root.value["steps"].value

    def run(self) -> None:
        self.check_cast()
        self.check_scenes()
        self.check_stages()
        self.check_speakers()
        self.check_answer_positions()

    def _file(self, path: str, allowed: tuple[str, ...], mark: Mark, what: str) -> None:
        if PurePosixPath(path).suffix.lower() not in allowed:
            self.report.error(mark, f"`{path}`: {what} must be {', '.join(allowed)}",
                              "convert the file (see docs/authoring.md, Staging)", "media")
        elif not self.exists(path):
            self.report.error(mark, f"missing {what} `{path}`",
                              "add the file to the pack (paths are relative to the pack folder)", "media")

    def check_cast(self) -> None:
        cast_node = self.root.at(["cast"])
        for cid, character in self.scenario.cast.items():
            expressions = cast_node.at([cid, "expressions"])
            for expression, picture in character.expressions.items():
                self._file(picture, PICTURES, expressions.at([expression]).mark, f"picture of {cid} {expression}")

    def check_scenes(self) -> None:
        scenes_node = self.root.at(["scenes"])
        for sid, place in self.scenario.scenes.items():
            self._file(place.picture, SCENE_MEDIA, scenes_node.at([sid, "picture"]).mark, f"picture of scene {sid}")
            if place.ambient is not None:
                self._file(place.ambient, SOUNDS, scenes_node.at([sid, "ambient"]).mark, f"ambient sound of {sid}")

    def _character(self, who: str, mark: Mark) -> bool:
        if who in self.scenario.cast:
            return True
        self.report.error(mark, f"unknown character `{who}`",
                          _did_you_mean(who, self.scenario.cast, "declare them under `cast:` with a name and "
                                        "a picture per expression"), "reference")
        return False

    def _expression(self, who: str, expression: str | None, mark: Mark) -> None:
        character = self.scenario.cast.get(who)
        if character is None or expression is None or expression in character.expressions:
            return
        self.report.error(mark, f"`{who}` has no `{expression}` expression",
                          _did_you_mean(expression, character.expressions,
                                        f"add `{expression}: media/cast/{who}-{expression}.svg` under "
                                        f"`cast: {who}: expressions:`"), "media")

    def check_stages(self) -> None:
        for index, step in enumerate(self.scenario.steps):
            stage = step.stage
            if stage is None:
                continue
            node = self.step_nodes[index].at(["stage"])
            if stage.scene not in self.scenario.scenes:
                self.report.error(node.at(["scene"]).mark, f"unknown scene `{stage.scene}`",
                                  _did_you_mean(stage.scene, self.scenario.scenes,
                                                "declare it under `scenes:` with a picture"), "reference")
            taken: dict[str, str] = {}
            for number, placement in enumerate(stage.characters):
                at = node.at(["characters", number])
                if self._character(placement.who, at.at(["who"]).mark):
                    self._expression(placement.who, placement.expression, at.at(["expression"]).mark)
                if placement.at in taken:
                    self.report.error(at.at(["at"]).mark, f"`{placement.who}` and `{taken[placement.at]}` both "
                                      f"stand {placement.at}", "give each character its own place: left, centre "
                                      "or right", "reference")
                taken.setdefault(placement.at, placement.who)

    def _on_stage(self, who: str, stages: tuple[Stage | None, ...], mark: Mark, doing: str) -> None:
        missing = [s for s in stages if s is None or s.placement(who) is None]
        if missing:
            where = f"scene `{missing[0].scene}`" if missing[0] is not None else "no stage yet"
            self.report.error(mark, f"`{who}` {doing} but is not on stage ({where})",
                              f"add `- {{who: {who}, at: left}}` to the `characters:` of this step's `stage:` "
                              "(or of the stage before it)", "staging")

    def _reaction(self, reaction: Reaction, stages: tuple[Stage | None, ...], node: YNode) -> None:
        if self._character(reaction.who, node.at(["who"]).mark):
            self._on_stage(reaction.who, stages, node.at(["who"]).mark, "reacts")
            self._expression(reaction.who, reaction.expression, node.at(["expression"]).mark)

    def check_speakers(self) -> None:
        in_force = self.scenario.stages_in_force()
        for index, step in enumerate(self.scenario.steps):
            stages = in_force.get(step.id, (None,))
            step_node = self.step_nodes[index]
            if isinstance(step, DialogueStep):
                for number, line in enumerate(step.lines):
                    if line.who is None:
                        continue
                    who = step_node.at(["lines", number, "who"]).mark
                    if self._character(line.who, who):
                        self._on_stage(line.who, stages, who, "speaks")
                        self._expression(line.who, line.expression,
                                         step_node.at(["lines", number, "expression"]).mark)
            for key in ("options", "spots"):
                for number, option in enumerate(step.options() if step_node.get(key) is not None else ()):
                    if option.reaction is not None:
                        self._reaction(option.reaction, stages, step_node.at([key, number, "reaction"]))

    def check_answer_positions(self) -> None:
        """The best-credited answer in the same place on most steps teaches a pattern, not a skill. Only
        `order: fixed` steps count: the others are shuffled per visit."""
        positions: list[tuple[int, ChoiceStep]] = []
        for step in self.scenario.steps:
            if not isinstance(step, ChoiceStep) or step.multiple or not step.fixed_order:
                continue
            totals = [sum(c.credit for c in option.evidence) for option in step.choices]
            best = max(totals, default=0)
            if best > 0 and totals.count(best) == 1:
                positions.append((totals.index(best), step))
        if len(positions) < MIN_POSITION_STEPS:
            return
        position, count = Counter(p for p, _ in positions).most_common(1)[0]
        if count * 2 > len(positions):
            first = next(step for p, step in positions if p == position)
            self.report.warning(first.mark, f"the best-credited answer is answer {position + 1} in {count} of "
                                f"{len(positions)} fixed-order steps", "vary its place, or drop `order: fixed` "
                                "so the answers are shuffled per visit", "pattern")
