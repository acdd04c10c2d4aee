"""Response rows for calibration and the psychometric report, from LRS statements (pure).

The same rows `kiosk export --responses` writes from one kiosk's store (kiosk.store.privacy.
responses_csv), for every kiosk at once. An `answered` statement carries the answer and the
step's total score, not each observable's credit, so the credits are worked out again from the
answer with the pack's own evidence rules (kiosk.scenario.evidence.observe) — and checked
against the score the kiosk sent: a statement from another version of the scenario is refused
rather than miscounted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kiosk.errors import ContentError
from kiosk.insights.facts import STEP_ID, short_language, utc_timestamp
from kiosk.scenario.evidence import observe
from kiosk.scenario.model import Pack
from kiosk.scoring.responses import COLUMNS
from kiosk.store import xapi

ANSWER_SEPARATOR = "[,]"  # xAPI's separator of a multi-part response, as kiosk.store.xapi.answered writes it


def response_rows(statements: Iterable[Mapping[str, Any]], packs: Sequence[Pack]) -> list[dict[str, str]]:
    """One row per (visit, step, observable, skill) answered in a scenario of `packs`, visits in order of their
    first answer and steps in the order answered; visits are numbered, not named. Visits voided in the LRS count
    nowhere."""
    by_id = {p.id: p for p in packs}
    answers, voided = _answers_by_visit(statements, set(by_id))
    rows: list[dict[str, str]] = []
    kept = [given for registration, given in answers.items() if registration not in voided]
    for number, given in enumerate(sorted(kept, key=lambda g: min(a[0] for a in g)), start=1):
        visit = f"visit-{number:06d}"  # the registration does not leave the command
        for _, pack_id, step_id, result, language in sorted(given, key=lambda a: a[0]):
            rows += _rows(visit, by_id[pack_id], step_id, result, short_language(language))
    return rows


Answer = tuple[str, str, str, Mapping[str, Any], str]  # UTC timestamp, pack, step, result, language tag


def _answers_by_visit(statements: Iterable[Mapping[str, Any]],
                      pack_ids: set[str]) -> tuple[dict[str, list[Answer]], set[str]]:
    """The answers to steps of `pack_ids` by registration, and the registrations voided (erased visits)."""
    answers: dict[str, list[Answer]] = {}
    voided: set[str] = set()
    for s in statements:
        registration = str((s.get("context") or {}).get("registration", ""))
        verb = str((s.get("verb") or {}).get("id", ""))
        if verb == xapi.VERBS["voided"]:
            voided.add(registration)
            continue
        found = STEP_ID.search(str((s.get("object") or {}).get("id", "")))
        if verb != xapi.VERBS["answered"] or not registration or found is None or found["pack"] not in pack_ids:
            continue
        answers.setdefault(registration, []).append((utc_timestamp(str(s["timestamp"])), found["pack"],
                                                     found["step"], s.get("result") or {},
                                                     str((s.get("context") or {}).get("language", ""))))
    return answers, voided


def _rows(visit: str, pack: Pack, step_id: str, result: Mapping[str, Any], language: str) -> list[dict[str, str]]:
    scenario = pack.scenario
    try:
        step = scenario.step(step_id)
    except KeyError:
        raise ContentError(f"LRS statements name step {step_id!r}, which pack {pack.id} {pack.version} lacks",
                           "calibrate each scenario version with the pack the kiosks played") from None
    response = str(result.get("response", ""))
    answer = response.split(ANSWER_SEPARATOR) if response else []
    observations = observe(scenario, step, answer, timed_out=not answer)
    score = (result.get("score") or {}).get("raw")
    if score is not None and int(score) != sum(o.credit for o in observations):
        raise ContentError(f"an LRS statement scored step {step_id} of {pack.id} {score}, but the pack's rules give "
                           f"{sum(o.credit for o in observations)} for the same answer",
                           "the kiosks played another version of the scenario: calibrate with that version")
    skills = {o.id: o.skills for o in scenario.observables.values()}
    return [{"visit": visit, "pack": pack.id, "scenario_version": pack.version, "step": o.step_id,
             "observable": o.observable, "skill": skill, "credit": str(o.credit), "max_credit": str(o.max_credit),
             "language": language, "input": "", "device": ""}
            for o in observations for skill in skills.get(o.observable, ())]


def responses_csv(rows: Sequence[Mapping[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
