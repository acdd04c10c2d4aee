"""The funnel and the accessibility modes on record (issue 23): a visit through the real session
screen, the kiosk's RecordingHost and a SQLite file turns two modes on, views a trade, plays its
scenario, sees the offers and takes the QR code; the outbox holds `experienced` statements for the
trade, the offers and the results (valid for Learning Locker's xapi-validation), every statement
after the switch carries the modes, and the insights' facts read them back."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.insights.facts import VisitFacts, absorb
from kiosk.matching.trainings import load_trainings
from kiosk.runtime.actions import TogglePref
from kiosk.scenario.esco import read_skills
from kiosk.store import xapi
from kiosk.store.db import connect
from kiosk.visit.host import RecordingHost
from tests.conftest import REPO
from tests.visit_kit import make_kit, visit_to_results
from tests.xapi.check import empty_objects, independent_problems


def _statements(db: Any) -> list[dict[str, Any]]:
    return [json.loads(row[0]) for row in db.execute("SELECT body FROM outbox ORDER BY created_at, rowid")]


def _seen(statement: dict[str, Any]) -> str:
    return str(statement["object"]["id"]).rsplit("/nova/", 1)[-1]


def test_a_visit_s_funnel_and_modes_are_on_record(published_scenarios: Path, tmp_path: Path) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    p = kit.pilot
    p.tap_at(960, 540)
    p.tap(TogglePref("large_text"))
    p.tap(TogglePref("easy_read"))
    visit_to_results(p, trade="commis-de-cuisine")
    while p.page() != "attract":  # results → offers → hand-off → thanks, and the visit ends
        p.board("select")

    statements = _statements(kit.db)
    seen = [s for s in statements if s["verb"]["id"] == xapi.VERBS["experienced"]]
    trade = next(s for s in seen if "/trades/" in s["object"]["id"])
    assert trade["object"]["id"].endswith("/trades/G1602") and trade["object"]["definition"]["type"] == \
        xapi.TRADE_ACTIVITY
    pages = [_seen(s) for s in seen]
    assert pages.index("trades/G1602") < pages.index("offers") < pages.index("results")
    offers = next(s for s in seen if _seen(s) == "offers")
    assert offers["result"]["extensions"][xapi.COUNT_EXTENSION] >= 1
    assert not any(_seen(s) == "trainings" for s in seen)  # no trainings feed: nothing said
    answered = [s for s in statements if s["verb"]["id"] == xapi.VERBS["answered"]]
    assert answered and all(s["context"]["extensions"][xapi.MODES_EXTENSION] == ["easy-read", "large-text"]
                            for s in answered + seen)
    assert len({s["id"] for s in statements}) == len(statements)
    assert independent_problems(seen) == [[]] * len(seen)
    assert [problem for s in statements for problem in empty_objects(s)] == []

    visits: dict[str, VisitFacts] = {}
    for statement in statements:
        absorb(visits, statement, str)
    (facts,) = visits.values()
    assert facts.funnel == {"trade", "offers", "results"}
    assert facts.modes == {"easy-read", "large-text"} and facts.inputs == {"touch", "board"}
    assert facts.devices == {"flat-screen"} and facts.kiosk == "kiosk"


def test_trainings_are_suggested_only_where_a_feed_gives_some(tmp_path: Path) -> None:
    from tests.insights_kit import pack

    wall = datetime(2026, 11, 30, 10, tzinfo=UTC)
    kept = []
    sample = load_trainings((REPO / "assets" / "trainings" / "sample-trainings.csv").read_text(encoding="utf-8"),
                            "sample-trainings.csv")
    elsewhere = [t for t in sample if "G1602" not in t.rome]  # trainings for the other trades only
    for feed in ([], [replace(t, skills=()) for t in elsewhere], sample):
        db = connect(None)
        host = RecordingHost(db, read_skills(), lambda: wall, trainings=feed)
        host.visit_started(1, "fr", 0.0)
        chosen = pack("commis-de-cuisine")
        host.page_shown(1, "trade", chosen, 0.0)
        host.scenario_started(1, chosen, 0.0)
        host.page_shown(1, "offers", None, 0.0)
        host.page_shown(1, "handoff", None, 0.0)  # no consent to take the results: no results taken
        kept.append([_seen(s) for s in _statements(db) if s["verb"]["id"] == xapi.VERBS["experienced"]])
    assert kept[0] == kept[1] == ["trades/G1602", "offers"]
    assert kept[2] == ["trades/G1602", "offers", "trainings"]
    suggested = [s for s in _statements(db) if _seen(s) == "trainings"]
    assert 2 <= suggested[0]["result"]["extensions"][xapi.COUNT_EXTENSION] <= 3  # as the results show them
    assert suggested[0]["object"]["definition"]["type"] == xapi.TRAININGS_ACTIVITY
    assert independent_problems(suggested) == [[]]
