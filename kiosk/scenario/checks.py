"""The rules `kiosk lint` and the loader apply to a schema-valid pack: references, the
shape of the graph, translations, media, evidence and timers. Pure: the model, the YAML
nodes (for positions) and a file-exists function in; diagnostics out.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePosixPath

from kiosk.i18n import NATIVE_NAMES
from kiosk.scenario.diagnostics import Reporter
from kiosk.scenario.esco import Skill
from kiosk.scenario.model import ChoiceStep, Debrief, EndStep, HotspotStep, OrderingStep, Scenario, Step, Text, Trade
from kiosk.scenario.source import Mark, YNode
from kiosk.scenario.stage_checks import StageChecker

REQUIRED_LANGUAGES = ("fr", "en")
OFFERED_LANGUAGES = tuple(NATIVE_NAMES)  # every language the kiosk offers its visitors (kiosk.languages)
SLOW_READING_WPM = 100  # a slow adult reader; fluent adults read 200-250 words a minute
DECISION_SECONDS = 3.0  # time to decide and reach the button once everything is read
MIN_INDEPENDENT_OBSERVATIONS = 3
MEDIA_TYPES = {"clip": (".mp4",), "captions": (".vtt",), "image": (".png", ".jpg", ".jpeg"),
               "picture": (".svg", ".png", ".jpg", ".jpeg", ".webp")}  # a scene: rasterised at the screen's size

FileExists = Callable[[str], bool]


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.5)
    return f"did you mean `{close[0]}`?" if close else ""


def reading_seconds(words: int) -> float:
    return words * 60.0 / SLOW_READING_WPM + DECISION_SECONDS


def _step_texts_words(step: Step, language: str) -> int:
    words = step.text.words(language) if step.text else 0
    return words + sum(o.text.words(language) for o in step.options())


def graph_findings(scenario: Scenario) -> tuple[set[str], set[str], list[list[str]]]:
    """(reachable steps, steps that cannot reach an end, loops among the latter)."""
    ids = scenario.step_ids()
    edges = {s.id: [t for t, _ in s.successors() if t in ids] for s in scenario.steps}
    reachable: set[str] = set()
    todo = [scenario.start] if scenario.start in ids else []
    while todo:
        current = todo.pop()
        if current not in reachable:
            reachable.add(current)
            todo.extend(edges[current])
    finishing = {s.id for s in scenario.steps if isinstance(s, EndStep)}
    changed = True
    while changed:  # backwards closure: a step finishes if one of its successors does
        changed = False
        for sid, targets in edges.items():
            if sid not in finishing and any(t in finishing for t in targets):
                finishing.add(sid)
                changed = True
    stuck = ids - finishing
    loops = _cycles(stuck, edges)
    return reachable, stuck, loops


def _cycles(nodes: set[str], edges: Mapping[str, list[str]]) -> list[list[str]]:
    """Strongly connected groups (Tarjan) among `nodes` that really loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges[node]:
            if nxt not in nodes:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges[node]:
                found.append(sorted(group))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


class ScenarioChecker:
    def __init__(self, scenario: Scenario, root: YNode, skills: Mapping[str, Skill], exists: FileExists,
                 report: Reporter) -> None:
        self.scenario = scenario
        self.root = root
        self.skills = skills
        self.exists = exists
        self.report = report
        self.step_nodes = root.value["steps"].value

    def run(self) -> None:
        self.check_ids()
        self.check_references()
        self.check_graph()
        self.check_languages()
        self.check_evidence()
        self.check_steps()
        self.check_media()
        StageChecker(self.scenario, self.root, self.exists, self.report).run()
        self.check_debriefs()

    def _node(self, index: int, *path: str | int) -> YNode:
        return YNode.at(self.step_nodes[index], path)

    def check_ids(self) -> None:
        seen: dict[str, Mark] = {}
        for index, step in enumerate(self.scenario.steps):
            if step.id in seen:
                self.report.error(self._node(index, "id").mark, f"duplicate step id `{step.id}`",
                                  f"already used at line {seen[step.id].line}; give each step its own id", "duplicate")
            seen.setdefault(step.id, step.mark)
            options = step.items if isinstance(step, OrderingStep) else step.options()
            option_ids: set[str] = set()
            for option in options:
                if option.id in option_ids:
                    self.report.error(option.mark, f"duplicate id `{option.id}` in step `{step.id}`",
                                      "give each answer its own id", "duplicate")
                option_ids.add(option.id)

    def _ref(self, target: str, node: YNode, what: str) -> None:
        if target not in self.scenario.step_ids():
            hint = _did_you_mean(target, self.scenario.step_ids()) or "point to the id of an existing step"
            self.report.error(node.mark, f"{what} `{target}` is not a step of this scenario", hint, "reference")

    def check_references(self) -> None:
        self._ref(self.scenario.start, self.root.at(["start"]), "start:")
        for step_node in self.step_nodes:
            for key in ("next", "timeout"):
                if (node := step_node.get(key)) is not None:
                    self._ref(str(node.value), node, f"{key}:")
            for list_key in ("options", "spots"):
                for option_node in (answers.value if (answers := step_node.get(list_key)) is not None else []):
                    if (node := option_node.get("next")) is not None:
                        self._ref(str(node.value), node, "next:")

    def check_graph(self) -> None:
        scenario = self.scenario
        if not any(isinstance(s, EndStep) for s in scenario.steps):
            self.report.error(self.root.at(["steps"]).mark, "the scenario has no `end` step",
                              "add a step with `type: end` and a closing text", "graph")
        self._check_dead_answers()
        reachable, stuck, loops = graph_findings(scenario)
        for index, step in enumerate(scenario.steps):
            if step.id not in reachable:
                self.report.warning(self._node(index, "id").mark, f"step `{step.id}` can never be reached",
                                    "point a `next:` to it, or delete it", "unreachable")
        self._check_stuck(stuck, loops)

    def _check_dead_answers(self) -> None:
        for step in self.scenario.steps:
            if isinstance(step, ChoiceStep | HotspotStep) and step.default_next() is None:
                for option in step.options():
                    if option.next is None:
                        self.report.error(option.mark, f"dead end: answer `{option.id}` of step `{step.id}` "
                                          "leads nowhere", "give the answer a `next:`, or the step a `next:`",
                                          "graph")

    def _check_stuck(self, stuck: set[str], loops: list[list[str]]) -> None:
        """Steps that cannot reach an end: loops without exit, then dead ends outside them."""
        in_loops = {sid for loop in loops for sid in loop}
        for loop in loops:
            first = self.scenario.step(loop[0])
            self.report.error(first.mark, f"loop without exit: {' → '.join(loop)} never reaches an end",
                              "give one step of the loop a way out (an answer with `next:` to a later step)",
                              "graph")
        for step in self.scenario.steps:
            if step.id in stuck and step.id not in in_loops and not any(True for _ in step.successors()):
                self.report.error(step.mark, f"dead end: step `{step.id}` leads nowhere",
                                  "add `next:` pointing to the following step", "graph")

    def _texts(self) -> Iterable[Text]:
        yield self.scenario.title
        for step in self.scenario.steps:
            yield from step.texts()
        for observable in self.scenario.observables.values():
            yield observable.describe
        for character in self.scenario.cast.values():
            yield character.name  # a visitor reading Arabic reads the names in Arabic too
        for debrief in self.scenario.debriefs.values():
            yield from debrief.texts()

    def check_languages(self) -> None:
        languages = self.scenario.languages
        for required in REQUIRED_LANGUAGES:
            if required not in languages:
                self.report.error(self.root.at(["languages"]).mark, f"languages: `{required}` is required",
                                  f"list at least {', '.join(REQUIRED_LANGUAGES)}", "translation")
        for text in self._texts():
            check_text(text, languages, self.report)
            check_offered(text, languages, self.report)

    def check_evidence(self) -> None:
        scenario = self.scenario
        used: set[str] = set()
        steps_per_skill: dict[str, set[str]] = defaultdict(set)
        self._check_skill_codes()
        for step in scenario.steps:
            for credit in step.evidence():
                found = scenario.observables.get(credit.observable)
                if found is None:
                    self.report.error(credit.mark, f"unknown observable `{credit.observable}`",
                                      _did_you_mean(credit.observable, scenario.observables)
                                      or "declare it under `observables:`", "reference")
                    continue
                used.add(credit.observable)
                if credit.credit > found.max_credit:
                    self.report.error(credit.mark, f"credit {credit.credit} is above `{credit.observable}`'s "
                                      f"max of {found.max_credit}", "lower the credit or raise `max:`",
                                      "evidence")
                for code in found.skills:
                    steps_per_skill[code].add(step.id)
        for oid, observable in scenario.observables.items():
            if oid not in used:
                self.report.warning(observable.mark, f"observable `{oid}` is never produced by any answer",
                                    "give it as evidence in some answer, or delete it", "evidence")
        self._check_thin_skills(steps_per_skill)

    def _check_skill_codes(self) -> None:
        for observable in self.scenario.observables.values():
            for code in observable.skills:
                skill = self.skills.get(code)
                if skill is None:
                    self.report.error(observable.mark, f"`{code}` is not an ESCO transversal skill code",
                                      _did_you_mean(code, self.skills) or "see assets/esco/transversal_skills.csv",
                                      "skill")
                elif skill.is_group:
                    self.report.warning(observable.mark, f"`{code}` is a whole skill group ({skill.label['en']})",
                                        "claim a precise sub-skill such as T4.3", "skill")

    def _check_thin_skills(self, steps_per_skill: Mapping[str, set[str]]) -> None:
        """Each skill claimed needs evidence from enough different steps for a credible estimate."""
        scenario = self.scenario
        for code, steps in sorted(steps_per_skill.items()):
            if len(steps) < MIN_INDEPENDENT_OBSERVATIONS:
                label = self.skills[code].label["en"] if code in self.skills else code
                claimer = next(o for o in scenario.observables.values() if code in o.skills)
                self.report.error(claimer.mark,
                                  f"skill {code} ({label}) is observed in only {len(steps)} step(s): "
                                  f"{', '.join(sorted(steps))}",
                                  f"a credible estimate needs {MIN_INDEPENDENT_OBSERVATIONS} independent "
                                  "observations (different steps); add steps or drop the claim", "evidence")

    def check_steps(self) -> None:
        for index, step in enumerate(self.scenario.steps):
            if isinstance(step, ChoiceStep) and step.seconds is not None:
                for language in self.scenario.languages:
                    needed = reading_seconds(_step_texts_words(step, language))
                    if step.seconds < needed:
                        self.report.error(self._node(index, "seconds").mark,
                                          f"timer of {step.seconds:g} s is too short to read this step in "
                                          f"`{language}` slowly ({_step_texts_words(step, language)} words)",
                                          f"allow at least {needed:.0f} s (reading at {SLOW_READING_WPM} "
                                          "words a minute, plus time to answer)", "timer")
                        break
            if isinstance(step, OrderingStep):
                item_ids = [i.id for i in step.items]
                if sorted(item_ids) != sorted(step.correct):
                    self.report.error(self._node(index, "correct").mark,
                                      "`correct` must list every item id exactly once",
                                      f"items are: {', '.join(item_ids)}", "reference")
            if isinstance(step, ChoiceStep | HotspotStep) and (step.multiple):
                for option in step.options():
                    if option.next is not None:
                        self.report.warning(option.mark, "answers of a multiple-pick step do not branch; "
                                            "this `next:` is ignored", "use the step's `next:`", "graph")

    def check_media(self) -> None:
        for step_node in self.step_nodes:
            for key in ("clip", "image"):
                if (node := step_node.get(key)) is not None:
                    check_media(str(node.value), key, node.mark, self.exists, self.report)
            captions = step_node.get("captions")
            clip = step_node.get("clip")
            captioned = captions.value if captions is not None else {}
            # A captioned clip is captioned in every language the scenario speaks (a clip without any
            # captions is the author's choice, e.g. a wordless 360° view).
            for language in (self.scenario.languages if clip is not None and captions is not None else ()):
                if language not in captioned:
                    vtt = PurePosixPath(str(clip.value)).with_suffix(f".{language}.vtt")
                    self.report.warning(captions.mark, f"no `{language}` captions for `{clip.value}`",
                                        f"add `{language}: {vtt}` to `captions:` (a WebVTT file in that language)",
                                        "translation")
            for language, node in captioned.items():
                check_media(str(node.value), "captions", node.mark, self.exists, self.report)
                if language not in self.scenario.languages:
                    self.report.warning(node.mark, f"captions in `{language}`, which the scenario does not "
                                        "declare", "add it to `languages:` or remove the file", "translation")


    def check_debriefs(self) -> None:
        """A debrief replays an answered step; `best` names one of its answers; every skill the pack
        measures is explained by some debrief (else the visitor never hears what a professional would do)."""
        scenario = self.scenario
        for debrief in scenario.debriefs.values():
            self._check_debrief(debrief)
        measured = self._skills_of(scenario.steps)
        explained = self._skills_of(scenario.step(d.step) for d in scenario.debriefs.values())
        for code in sorted(measured - explained):
            claimer = next(o for o in scenario.observables.values() if code in o.skills)
            label = self.skills[code].label["en"] if code in self.skills else code
            self.report.warning(claimer.mark, f"skill {code} ({label}) has no debrief text",
                                "add `debrief:` (moment, professional or best, why) to a step that measures it, "
                                "so visitors hear what a professional would do", "debrief")


    def _check_debrief(self, debrief: Debrief) -> None:
        step = self.scenario.step(debrief.step)
        if not step.evidence():
            self.report.warning(debrief.mark, f"step `{step.id}` gives no evidence: its debrief is never shown",
                                "move the debrief to a step the visitor answers", "debrief")
        answers = [o.id for o in step.options()]
        if debrief.best is not None and debrief.best not in answers:
            self.report.error(debrief.mark, f"best: `{debrief.best}` is not an answer of step `{step.id}`",
                              _did_you_mean(debrief.best, answers) or "name an option or spot id, or write "
                              "`professional:` in words", "reference")

    def _skills_of(self, steps: Iterable[Step]) -> set[str]:
        """The skill codes these steps give evidence of."""
        observables = self.scenario.observables
        return {code for step in steps for c in step.evidence()
                if (o := observables.get(c.observable)) for code in o.skills}


def check_text(text: Text, languages: Iterable[str], report: Reporter) -> None:
    declared = tuple(languages)
    for language in declared:
        if language not in text.values:
            report.error(text.mark, f"missing translation `{language}`",
                         f"add `{language}: ...` to this text (the scenario declares {', '.join(declared)})",
                         "translation")
    for language in text.values:
        if language not in declared:
            report.warning(text.mark, f"text in `{language}`, which is not in `languages:`",
                           _did_you_mean(language, declared) or "declare the language or remove the text",
                           "translation")
    for language in text.falc:
        if language not in declared:
            report.warning(text.mark, f"easy-read text in `{language}`, which is not in `languages:`",
                           "declare the language or remove the text", "translation")


def check_offered(text: Text, declared: Iterable[str], report: Reporter) -> None:
    """A language the kiosk offers that the pack lacks: each text it lacks is named (a warning: visitors who
    chose that language read it in French; an error under `kiosk lint --strict`)."""
    declared = tuple(declared)
    for language in OFFERED_LANGUAGES:
        if language not in declared and language not in text.values:
            source = " ".join(text.get("fr").split())
            report.warning(text.mark, f"no `{language}` ({NATIVE_NAMES[language]}) text for “{_shorten(source)}”",
                           f"the kiosk offers {language}: translate the pack (kiosk pack translate export PACK "
                           f"--lang {language}), import it and add `{language}` to `languages:`", "translation")


def _shorten(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def check_media(path: str, kind: str, mark: Mark, exists: FileExists, report: Reporter) -> None:
    suffix = PurePosixPath(path).suffix.lower()
    allowed = MEDIA_TYPES[kind]
    if suffix not in allowed:
        report.error(mark, f"`{path}`: a {kind} must be {' or '.join(allowed)}",
                     "convert the file (see docs/authoring.md, Media)", "media")
    elif not exists(path):
        report.error(mark, f"missing media `{path}`",
                     "add the file to the pack (paths are relative to the pack folder), or run "
                     "scripts/make_sample_media.py for the sample packs", "media")


def check_trade(trade: Trade, root: YNode, languages: Iterable[str], exists: FileExists, report: Reporter) -> None:
    node = root.at(["trade"])
    for key, path, kind in (("card_image", trade.card_image, "image"), ("video", trade.video, "clip"),
                            ("attract", trade.attract, "picture")):
        if path:
            check_media(path, kind, node.at([key]).mark, exists, report)
    for text in (trade.title, trade.pitch):
        check_text(text, languages, report)
        check_offered(text, languages, report)
