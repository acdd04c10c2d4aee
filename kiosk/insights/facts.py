"""What each visit's statements say, folded into compact per-visit facts (pure).

The LRS returns statements one page at a time, in any order within a visit; `absorb` folds one
statement into the facts of its visit, so pages can be read over several runs. Visits are keyed
by a pseudonymous key the caller derives from the registration (the registration itself is never
kept). A `voided` statement (erasure, `kiosk erase`) withdraws the whole visit for good.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kiosk.languages import code_of
from kiosk.store import xapi

SCENARIO_ID = re.compile(r"/packs/(?P<pack>[^/]+)/scenarios/(?P<scenario>[^/]+)$")
STEP_ID = re.compile(r"/packs/(?P<pack>[^/]+)/scenarios/(?P<scenario>[^/]+)/steps/(?P<step>[^/]+)$")
VERB_NAMES = {verb_id: name for name, verb_id in xapi.VERBS.items()}
# activity id ending -> funnel page (xapi.trade_viewed, offers_viewed, results_taken, trainings_suggested)
FUNNEL_ID = re.compile(r"/(?:(?P<trade>trades)/[^/]+|(?P<offers>offers)|(?P<results>results)"
                       r"|(?P<trainings>trainings))$")


@dataclass
class ScenarioFacts:
    launched: bool = False
    answers: list[tuple[str, str]] = field(default_factory=list)  # (timestamp, step), as answered
    completed: bool = False
    left: bool = False  # terminated with completion false: the visitor walked away
    estimates: dict[str, tuple[float, bool]] = field(default_factory=dict)  # ESCO URI -> (theta, enough evidence)

    def steps_in_order(self) -> list[str]:
        """The steps answered, in the order they were answered (a step met twice counts once)."""
        return list(dict.fromkeys(step for _, step in sorted(self.answers)))

    def as_json(self) -> dict[str, Any]:
        return {"launched": self.launched, "answers": self.answers, "completed": self.completed, "left": self.left,
                "estimates": self.estimates}

    @staticmethod
    def from_json(raw: Mapping[str, Any]) -> ScenarioFacts:
        return ScenarioFacts(bool(raw["launched"]), [(str(t), str(s)) for t, s in raw["answers"]],
                             bool(raw["completed"]), bool(raw["left"]),
                             {k: (float(v[0]), bool(v[1])) for k, v in raw["estimates"].items()})


@dataclass
class VisitFacts:
    agency: str = ""  # the actor account's homePage: the agency that runs the kiosk
    language: str = ""  # interface language (kiosk code: fr, en, ar, uk) from context.language
    first: str = ""  # earliest statement timestamp (ISO, UTC)
    clips: int = 0  # trade clip statements (xAPI Video Profile)
    scenarios: dict[str, ScenarioFacts] = field(default_factory=dict)  # "pack/scenario" -> facts
    erased: bool = False  # a statement of this visit was voided: it counts nowhere
    kiosk: str = ""  # the kiosk extension (first seen); "" when the kiosk does not say
    inputs: set[str] = field(default_factory=set)  # input kinds used (touch, keys, board, switch, headset)
    devices: set[str] = field(default_factory=set)  # devices looked at (flat-screen, ...-headset)
    modes: set[str] = field(default_factory=set)  # accessibility modes turned on at some point
    funnel: set[str] = field(default_factory=set)  # FUNNEL pages shown: trade, offers, results, trainings

    def as_json(self) -> dict[str, Any]:
        return {"agency": self.agency, "language": self.language, "first": self.first, "clips": self.clips,
                "erased": self.erased, "scenarios": {k: v.as_json() for k, v in self.scenarios.items()},
                "kiosk": self.kiosk, "inputs": sorted(self.inputs), "devices": sorted(self.devices),
                "modes": sorted(self.modes), "funnel": sorted(self.funnel)}

    @staticmethod
    def from_json(raw: Mapping[str, Any]) -> VisitFacts:
        """Also reads the state of an earlier version (without kiosk, inputs, devices, modes, funnel)."""
        return VisitFacts(str(raw["agency"]), str(raw["language"]), str(raw["first"]), int(raw["clips"]),
                          {k: ScenarioFacts.from_json(v) for k, v in raw["scenarios"].items()}, bool(raw["erased"]),
                          str(raw.get("kiosk", "")), set(raw.get("inputs", ())), set(raw.get("devices", ())),
                          set(raw.get("modes", ())), set(raw.get("funnel", ())))


def utc_timestamp(text: str) -> str:
    """An xAPI timestamp as sortable UTC ISO text (statements may carry any offset)."""
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


def short_language(tag: str) -> str:
    """Back from the xAPI language tag to the kiosk's language code (fr-FR -> fr)."""
    return code_of(tag)


def absorb(visits: MutableMapping[str, VisitFacts], statement: Mapping[str, Any],
           key_of: Callable[[str], str]) -> bool:
    """Fold one statement into its visit's facts; False when it is not a kiosk visit's statement."""
    context = statement.get("context") or {}
    registration = context.get("registration")
    if not registration:
        return False
    key = key_of(str(registration))
    visit = visits.setdefault(key, VisitFacts())
    verb_id = str((statement.get("verb") or {}).get("id", ""))
    if verb_id == xapi.VERBS["voided"]:
        visits[key] = VisitFacts(erased=True)
        return True
    if visit.erased:
        return True
    at = _note_visit(visit, statement, context)
    if xapi.VIDEO in [a.get("id") for a in (context.get("contextActivities") or {}).get("category", [])]:
        visit.clips += 1
        return True
    object_id = str((statement.get("object") or {}).get("id", ""))
    name = VERB_NAMES.get(verb_id)
    if name == "experienced":
        return _absorb_page(visit, object_id)
    if name == "answered":
        return _absorb_answer(visit, object_id, at)
    found = SCENARIO_ID.search(object_id)
    if found is None or name is None:
        return False
    scenario = visit.scenarios.setdefault(f"{found['pack']}/{found['scenario']}", ScenarioFacts())
    _absorb_scenario_verb(scenario, name, statement.get("result") or {})
    return True


def _note_visit(visit: VisitFacts, statement: Mapping[str, Any], context: Mapping[str, Any]) -> str:
    """The visit's agency and language (first seen), and its first timestamp; returns this statement's (UTC)."""
    account = (statement.get("actor") or {}).get("account") or {}
    visit.agency = visit.agency or str(account.get("homePage", ""))
    visit.language = visit.language or short_language(str(context.get("language", "")))
    used = context.get("extensions") or {}
    visit.kiosk = visit.kiosk or str(used.get(xapi.KIOSK_EXTENSION, ""))
    for kinds, key in ((visit.inputs, xapi.INPUT_EXTENSION), (visit.devices, xapi.DEVICE_EXTENSION)):
        if used.get(key):
            kinds.add(str(used[key]))
    visit.modes.update(str(mode) for mode in used.get(xapi.MODES_EXTENSION) or ())
    at = utc_timestamp(str(statement.get("timestamp", "1970-01-01T00:00:00+00:00")))
    visit.first = min(visit.first, at) if visit.first else at
    return at


def _absorb_page(visit: VisitFacts, object_id: str) -> bool:
    """A funnel page shown (trade, offers, results, trainings)."""
    page = FUNNEL_ID.search(object_id)
    if page is not None and page.lastgroup:
        visit.funnel.add(page.lastgroup)
    return page is not None


def _absorb_answer(visit: VisitFacts, object_id: str, at: str) -> bool:
    step = STEP_ID.search(object_id)
    if step is None:
        return False
    scenario = visit.scenarios.setdefault(f"{step['pack']}/{step['scenario']}", ScenarioFacts())
    if (at, step["step"]) not in scenario.answers:
        scenario.answers.append((at, step["step"]))
    return True


def _absorb_scenario_verb(scenario: ScenarioFacts, name: str, result: Mapping[str, Any]) -> None:
    """launched or initialized, completed (with the skill estimates), terminated before the end (left)."""
    if name in ("launched", "initialized"):
        scenario.launched = True
    elif name == "completed":
        scenario.completed = True
        for uri, estimate in (result.get("extensions") or {}).items():
            if isinstance(estimate, Mapping) and "theta" in estimate:
                scenario.estimates[str(uri)] = (float(estimate["theta"]), bool(estimate.get("enough_evidence")))
    elif name == "terminated" and result.get("completion") is False:
        scenario.left = True
