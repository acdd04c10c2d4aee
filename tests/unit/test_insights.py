"""The pure parts of `kiosk insights`: suppression under k, folding statements, erasure, the 100k estimate."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.bench.insights import extrapolate
from kiosk.insights.facts import VisitFacts, absorb
from kiosk.insights.privacy import suppress_column
from kiosk.insights.render import report_html, table_csv
from kiosk.insights.report import build_report, iso_week
from kiosk.store import xapi

AT = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("counts", "shown"), [
    ([20, 30, 0], [20, 30, 0]),  # nothing under k; zero is shown
    ([0, 3, 50, 12], [0, None, 50, None]),  # one under k: the next smallest goes too, or 3 = total - the rest
    ([5, 7, 40], [None, None, 40]),  # two under k already hide each other
    ([9], [None]),
    ([10, 1, 10], [None, None, 10]),
])
def test_counts_under_k_are_suppressed(counts: list[int], shown: list[int | None]) -> None:
    assert suppress_column(counts) == shown


def _visit_statements(registration: str, language: str = "fr") -> list[dict]:
    visit = xapi.Visit(registration, "visitor-x", "https://lyon.example.org", "https://lyon.example.org/nova", language)
    activity = xapi.scenario_activity(visit, "commis", "midi", {"fr": "Coup de feu"})
    return [xapi.launched(visit, activity, AT),
            xapi.answered(visit, activity, "accueil", ["a"], {"o": 1}, {"o": 2}, AT, 0),
            xapi.answered(visit, activity, "commande", ["b"], {"o": 0}, {"o": 2}, AT.replace(minute=1), 1),
            xapi.terminated(visit, activity, AT.replace(minute=2), finished=False)]


def test_statements_fold_into_visit_facts_in_any_order() -> None:
    visits: dict[str, VisitFacts] = {}
    for statement in reversed(_visit_statements("r-1", "ar")):
        assert absorb(visits, statement, lambda r: "key-" + r)
    facts = visits["key-r-1"]
    assert (facts.agency, facts.language, facts.first[:16]) == ("https://lyon.example.org", "ar", "2026-11-30T10:00")
    scenario = facts.scenarios["commis/midi"]
    assert scenario.launched and scenario.left and not scenario.completed
    assert scenario.steps_in_order() == ["accueil", "commande"]
    assert VisitFacts.from_json(facts.as_json()) == facts
    assert not absorb(visits, {"verb": {"id": xapi.VERBS["launched"]}}, str)  # not a visit's statement


def test_a_voided_visit_counts_nowhere_even_when_statements_come_after() -> None:
    visits: dict[str, VisitFacts] = {}
    statements = _visit_statements("r-2")
    for statement in statements[:2]:
        absorb(visits, statement, str)
    absorb(visits, xapi.voiding("https://lyon.example.org", "visitor-x", statements[0]["id"], AT, "r-2"), str)
    for statement in statements[2:]:
        absorb(visits, statement, str)
    assert visits["r-2"].erased and not visits["r-2"].scenarios
    assert build_report(visits, {}, None, {}).visits == 0


def test_a_report_of_few_visits_shows_no_count_under_k() -> None:
    visits: dict[str, VisitFacts] = {}
    for i in range(12):
        for statement in _visit_statements(f"r-{i}", "uk" if i < 2 else "fr"):
            absorb(visits, statement, str)
    report = build_report(visits, {}, {"G1602": 3}, {})
    languages = next(t for t in report.tables if t.name == "languages")
    assert dict((r[0], r[1]) for r in languages.rows) == {"fr": None, "uk": None}  # 10 shown would reveal uk = 2
    assert "<10" in table_csv(languages) and "uk,2" not in table_csv(languages)
    page = report_html(report, "test", "now")
    assert "r-1" not in page and "visitor-x" not in page and "fewer than 10 visitors" in page
    assert iso_week("2026-11-30T10:00:00.000+00:00") == "2026-W49"


def test_the_100k_estimate_says_which_model() -> None:
    linear, model = extrapolate(5_000, 5.0, 10_000, 10.0)
    assert linear == pytest.approx(100.0) and model.startswith("linear")
    grown, model = extrapolate(5_000, 5.0, 10_000, 20.0)  # t = a·n + b·n²: a = 0, b = 2e-7
    assert grown == pytest.approx(2_000.0) and model.startswith("quadratic")


@pytest.mark.parametrize("bad", ["yesterday", "2026-11-01", "2026-11-01T00:00:00"])
def test_since_and_until_need_a_time_with_a_zone(bad: str) -> None:
    from kiosk.commands.insights import check_times
    from kiosk.errors import ContentError

    with pytest.raises(ContentError, match="ISO 8601 time with a time zone"):
        check_times(bad, "")
    check_times("2026-11-01T00:00:00Z", "2026-12-01T00:00:00+01:00")


def test_an_unreachable_lrs_is_a_clear_error_and_no_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    from kiosk.cli import main

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "report"
    assert main(["insights", "--lrs", f"http://127.0.0.1:{port}/xAPI/", "--no-pdf", "-o", str(out)]) == 69
    assert "unreachable" in capsys.readouterr().err
    assert not (out / "insights.html").exists()


def test_reach_is_rounded_when_a_leaving_count_is_hidden() -> None:
    from kiosk.insights.report import Table, _rounded_reach

    table = Table("steps", "t", ("step", "reached", "left after it"),
                  (("a", 177, None), ("b", 173, 12), ("c", 161, None), ("d", 149, 0)))
    assert [row[1] for row in _rounded_reach(table, 10).rows] == [180, 170, 160, 150]  # 177 - 173 = 4 is gone
    exact = Table("steps", "t", table.columns, (("a", 177, 12), ("b", 165, 0)))
    assert _rounded_reach(exact, 10) == exact
