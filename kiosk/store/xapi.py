"""Pure xAPI 1.0.3 statement builders. No clock, no network: time and ids come in as arguments.

- Actors are pseudonymous `account` agents: the kiosk never knows a visitor's name.
- `context.registration` is the visit's UUID; every statement of a visit carries it.
- Statement ids are UUIDv5 of (registration, what happened): rebuilding a statement after a
  crash gives the same id, so the LRS answers 204 to a resend instead of storing it twice.
- Skill estimates travel in `result.extensions`, keyed by their ESCO skill URI.
- `context.language` is the language in force when the thing happened (a visitor may switch
  mid-visit); the input kind and device in use travel as context extensions.
- Clips use the xAPI Video Profile (https://w3id.org/xapi/video); `kiosk.store.clip_statements` follows a
  clip's playback and decides which of these builders to call.
- No statement carries an empty object (LRS models refuse `"extensions": {}`).
- The funnel (trade viewed, offers viewed, results taken, trainings suggested) uses ADL `experienced`:
  the kiosk knows a page was shown, not what the visitor made of it.
- The accessibility modes in use (large text, high contrast, easy read, narration, one switch, less
  motion) travel as a context extension, like the input kind and device.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.languages import bcp47

Statement = dict[str, Any]
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {name: ADL + name for name in
         ("launched", "initialized", "progressed", "answered", "completed", "passed", "failed", "terminated",
          "voided", "experienced")}
VIDEO = "https://w3id.org/xapi/video"
VIDEO_VERBS = {"played": VIDEO + "/verbs/played", "paused": VIDEO + "/verbs/paused", "seeked": VIDEO + "/verbs/seeked",
               "completed": VERBS["completed"], "initialized": VERBS["initialized"],
               "terminated": VERBS["terminated"]}
VIDEO_EXTENSION = VIDEO + "/extensions/"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
# "interaction", not "cmi.interaction": the latter selects the virtual-classroom poll profile in LRS validators
INTERACTION = "http://adlnet.gov/expapi/activities/interaction"
VIDEO_ACTIVITY = "https://w3id.org/xapi/video/activity-type/video"
ESTIMATE_EXTENSION = "https://nova-kiosk.example.org/xapi/extensions/skill-estimate"
INPUT_EXTENSION = "https://nova-kiosk.example.org/xapi/extensions/input"  # touch | keys | board | switch | headset
DEVICE_EXTENSION = "https://nova-kiosk.example.org/xapi/extensions/device"  # flat-screen | monitor-/openxr-headset
MODES_EXTENSION = "https://nova-kiosk.example.org/xapi/extensions/accessibility-modes"  # sorted list; absent = none
# what the funnel statements are about: ADL activity types (http://adlnet.gov/expapi/activities/...)
TRADE_ACTIVITY = "http://adlnet.gov/expapi/activities/module"  # a trade's page: its clips and scenarios
OFFERS_ACTIVITY = "http://adlnet.gov/expapi/activities/link"  # the list of job offers shown
RESULTS_ACTIVITY = "http://adlnet.gov/expapi/activities/file"  # the results handed over (QR code)
TRAININGS_ACTIVITY = "http://adlnet.gov/expapi/activities/link"  # the trainings suggested
COUNT_EXTENSION = "https://nova-kiosk.example.org/xapi/extensions/count"  # how many offers / trainings shown
PROGRESS_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
KIOSK_EXTENSION = "https://nova-kiosk.example.org/xapi/extensions/kiosk"  # which kiosk: per-kiosk insights
# true on the statements made after the visitor agreed (consent screen) that employers may see the results;
# absent otherwise, so an employer-facing reader keeps only the statements that carry it
SHARING_EXTENSION = "https://nova-kiosk.example.org/xapi/extensions/shared-with-employers"
NAMESPACE = uuid.UUID("6f0c1d2e-6b53-4e7f-9a57-0c7d1d3b9a11")  # Nova Kiosk statements


@dataclass(frozen=True, slots=True)
class Visit:
    registration: str  # UUID of the visit
    pseudonym: str  # the visitor's account name: random, per visit
    home_page: str  # the agency's site: the account's namespace
    base: str  # activity id base, e.g. https://agency.example.org/nova
    language: str  # in force when the statement's event happened
    platform: str = "Nova Kiosk"
    input: str = ""  # the kind of input in use (kiosk.runtime.usage); "" leaves it out
    device: str = ""
    kiosk: str = ""  # the kiosk's id ([ops]/host name), in context.extensions; "" = not said
    shared_with_employers: bool = False  # the visitor agreed their results be shown to the offers' employers
    modes: tuple[str, ...] = ()  # accessibility modes in use (kiosk.runtime.usage.MODES)


def statement_id(visit: Visit, *what: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join([visit.registration, *map(str, what)])))


def _timestamp(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("xAPI timestamps need a time zone")
    return at.isoformat(timespec="milliseconds")


def _lang(language: str) -> str:
    return bcp47(language)  # the registry's tag (kiosk.languages)


def base_statement(visit: Visit, verb: str, obj: Mapping[str, Any], at: datetime, sid: str, *,
                   verb_id: str | None = None, category: Sequence[str] = (), parent: str | None = None,
                   result: Mapping[str, Any] | None = None) -> Statement:
    context: dict[str, Any] = {"registration": visit.registration, "platform": visit.platform,
                               "language": _lang(visit.language)}
    used = {key: value for key, value in ((INPUT_EXTENSION, visit.input), (DEVICE_EXTENSION, visit.device),
                                          (KIOSK_EXTENSION, visit.kiosk),
                                          (SHARING_EXTENSION, visit.shared_with_employers),
                                          (MODES_EXTENSION, sorted(visit.modes))) if value}
    if used:
        context["extensions"] = used
    activities: dict[str, Any] = {}
    if category:
        activities["category"] = [{"objectType": "Activity", "id": c} for c in category]
    if parent:
        activities["parent"] = [{"objectType": "Activity", "id": parent}]
    if activities:
        context["contextActivities"] = activities
    statement: Statement = {
        "id": sid,
        "actor": {"objectType": "Agent", "account": {"homePage": visit.home_page, "name": visit.pseudonym}},
        "verb": {"id": verb_id or VERBS[verb], "display": {"en-US": verb}},
        "object": dict(obj),
        "context": context,
        "timestamp": _timestamp(at),
    }
    if result:
        statement["result"] = {key: value for key, value in result.items() if value != {}}
    return statement


def scenario_activity(visit: Visit, pack: str, scenario: str, title: Mapping[str, str]) -> dict[str, Any]:
    return {"objectType": "Activity", "id": f"{visit.base}/packs/{pack}/scenarios/{scenario}",
            "definition": {"type": SIMULATION, "name": {_lang(k): v for k, v in title.items()}}}


def launched(visit: Visit, activity: Mapping[str, Any], at: datetime) -> Statement:
    return base_statement(visit, "launched", activity, at, statement_id(visit, activity["id"], "launched"))


def initialized(visit: Visit, activity: Mapping[str, Any], at: datetime) -> Statement:
    """The scenario's first step is on screen (launched = chosen; initialized = ready to play)."""
    return base_statement(visit, "initialized", activity, at, statement_id(visit, activity["id"], "initialized"))


def progressed(visit: Visit, activity: Mapping[str, Any], at: datetime, share: float, index: int) -> Statement:
    """How far through the scenario the visitor is (0..1), e.g. when a visit is interrupted."""
    extension = {PROGRESS_EXTENSION: round(100 * max(0.0, min(1.0, share)))}
    return base_statement(visit, "progressed", activity, at, statement_id(visit, activity["id"], "progressed", index),
                          result={"extensions": extension})


def answered(visit: Visit, activity: Mapping[str, Any], step: str, answer: Sequence[str], credits: Mapping[str, int],
             maxima: Mapping[str, int], at: datetime, index: int) -> Statement:
    """One step left: the answer given and what it earned on each observable."""
    got, best = sum(credits.values()), sum(maxima.values())
    result: dict[str, Any] = {"completion": True}
    if answer:  # nothing picked (a confirmed empty pick, a timed-out choice): no response, not an empty one
        result["response"] = "[,]".join(answer)
    if best:
        result["score"] = {"raw": got, "min": 0, "max": best, "scaled": round(got / best, 4)}
    interaction = {"objectType": "Activity", "id": f"{activity['id']}/steps/{step}",
                   "definition": {"type": INTERACTION, "interactionType": "other"}}
    return base_statement(visit, "answered", interaction, at, statement_id(visit, activity["id"], step, index),
                          parent=str(activity["id"]), result=result)


def completed(visit: Visit, activity: Mapping[str, Any], at: datetime, estimates: Mapping[str, Mapping[str, Any]],
              seconds: float) -> Statement:
    """The scenario finished: skill estimates (with intervals) keyed by ESCO skill URI."""
    result = {"completion": True, "duration": iso_duration(seconds), "extensions": dict(estimates)}  # {} is left out
    return base_statement(visit, "completed", activity, at, statement_id(visit, activity["id"], "completed"),
                          result=result)


def terminated(visit: Visit, activity: Mapping[str, Any], at: datetime, *, finished: bool) -> Statement:
    """The visit ended; `finished` False records an interrupted scenario as incomplete, never as a low score."""
    return base_statement(visit, "terminated", activity, at, statement_id(visit, activity["id"], "terminated"),
                          result={"completion": finished})


def _seen(visit: Visit, what: str, activity_type: str, name: Mapping[str, str], at: datetime, index: int,
          count: int | None = None) -> Statement:
    activity = {"objectType": "Activity", "id": f"{visit.base}/{what}",
                "definition": {"type": activity_type, "name": {_lang(k): v for k, v in name.items()}}}
    result = {"extensions": {COUNT_EXTENSION: count}} if count is not None else None
    return base_statement(visit, "experienced", activity, at, statement_id(visit, what, "experienced", index),
                          result=result)


def trade_viewed(visit: Visit, rome: str, name: Mapping[str, str], at: datetime, index: int) -> Statement:
    """A trade's page was shown (its clips and the way into its scenario); `index`: the visit's n-th page shown."""
    return _seen(visit, f"trades/{rome}", TRADE_ACTIVITY, name, at, index)


def offers_viewed(visit: Visit, offers: int, at: datetime, index: int) -> Statement:
    """The job offers page was shown, with `offers` offers on it."""
    return _seen(visit, "offers", OFFERS_ACTIVITY, {"en": "Job offers", "fr": "Offres d'emploi"}, at, index, offers)


def results_taken(visit: Visit, at: datetime, index: int) -> Statement:
    """The hand-off QR code (signed results or a link to them) was shown for the visitor to take away."""
    return _seen(visit, "results", RESULTS_ACTIVITY, {"en": "Results to take away", "fr": "Résultats à emporter"},
                 at, index)


def trainings_suggested(visit: Visit, trainings: int, at: datetime, index: int) -> Statement:
    """Trainings were suggested on screen (`trainings` of them); only sent where a trainings feed exists."""
    return _seen(visit, "trainings", TRAININGS_ACTIVITY, {"en": "Trainings suggested", "fr": "Formations proposées"},
                 at, index, trainings)


def video_activity(visit: Visit, clip: str, name: Mapping[str, str]) -> dict[str, Any]:
    """A clip of a pack (`clip` = "<pack>/<path in the pack>") as a Video Profile activity."""
    return {"objectType": "Activity", "id": f"{visit.base}/packs/{clip}",
            "definition": {"type": VIDEO_ACTIVITY, "name": {_lang(k): v for k, v in name.items()}}}


def video_statement(visit: Visit, activity: Mapping[str, Any], verb: str, at: datetime, *, session: str, index: int,
                    length: float, threshold: float, result: Mapping[str, Any] | None = None) -> Statement:
    """One Video Profile statement (initialized, played, paused, seeked, completed, terminated): the
    session id, length and completion threshold in context extensions; `result` as the verb needs it
    (time, progress, played-segments, time-from/time-to under the profile's extension ids)."""
    statement = base_statement(visit, verb, activity, at, statement_id(visit, session, verb, index),
                               verb_id=VIDEO_VERBS[verb], category=[VIDEO], result=result)
    statement["context"]["extensions"] = {**statement["context"].get("extensions", {}),
                                          VIDEO_EXTENSION + "session-id": session,
                                          VIDEO_EXTENSION + "length": round(length, 3),
                                          VIDEO_EXTENSION + "completion-threshold": threshold}
    return statement


def voiding(visit_home_page: str, pseudonym: str, target: str, at: datetime, registration: str) -> Statement:
    """Withdraws a statement from the LRS (right to erasure): the LRS keeps only this marker."""
    return {"id": str(uuid.uuid5(NAMESPACE, f"void/{target}")),
            "actor": {"objectType": "Agent", "account": {"homePage": visit_home_page, "name": pseudonym}},
            "verb": {"id": VERBS["voided"], "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": target},
            "context": {"registration": registration},
            "timestamp": _timestamp(at)}


def estimate_extension(theta: float, sd: float, low: float, high: float, level: float, enough: bool, steps: int,
                       stamps: Sequence[str]) -> dict[str, Any]:
    return {"theta": round(theta, 6), "sd": round(sd, 6), "interval": [round(low, 6), round(high, 6)],
            "level": level, "enough_evidence": enough, "independent_observations": steps, "model": list(stamps)}


def iso_duration(seconds: float) -> str:
    return f"PT{max(0.0, seconds):.2f}S"
