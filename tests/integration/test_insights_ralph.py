"""`kiosk insights` against a real Ralph filled by several simulated kiosks: the report's figures equal
the figures computed from the simulated visits, cells under k are suppressed, `more` pages are
followed, reading resumes, and the LRS responses equal the store's export row for row."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.commands.insights import responses_from_lrs, write_insights
from kiosk.insights.privacy import Suppressed, suppress_table
from kiosk.insights.reader import STATE_FILE, LrsQueryError, read_statements
from kiosk.insights.report import BANDS, _band
from kiosk.scenario.esco import read_skills
from kiosk.scoring.items import StepItem, scenario_step_items
from kiosk.scoring.responses import read_csv
from kiosk.store import privacy, records
from kiosk.store.db import connect
from kiosk.sync.client import LrsClient
from scripts.lrs.ralph_server import PASSWORD, USER, RalphServer
from tests.insights_kit import (
    MODES,
    PACKS,
    SCENARIOS,
    START,
    SimVisit,
    expected_funnel,
    expected_modes,
    expected_steps,
    expected_visits_per_week,
    pack,
    simulate_fleet,
    simulate_visit,
)
from tests.insights_kit import week as expected_week
from tests.unit.test_insights_privacy import recoverable

K = 10


def _fill(server: RalphServer, fleet: list[SimVisit]) -> int:
    client = LrsClient(server.endpoint, USER, PASSWORD)
    statements = [s for v in fleet for s in v.statements]
    for i in range(0, len(statements), 500):
        reply = client.post(statements[i:i + 500])
        assert reply.status == 200, reply.body[:300]
    return len(statements)


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _check_reach(rows: list[dict[str, str]], want: dict[str, tuple[int, int]]) -> None:
    """'reached' is exact, or — when a 'left after it' is hidden — rounded to the nearest k."""
    rounded = any(r["left after it"] == f"<{K}" for r in rows)
    hidden_big = 0
    for r in rows:
        shown, expected = r["reached"], want[r["step"]][0]
        if 0 < expected < K:
            assert shown == f"<{K}"
        elif shown == f"<{K}":
            hidden_big += 1  # secondary suppression: at most one per column
            assert hidden_big <= 1
        elif rounded:
            assert int(shown) % K == 0 and abs(int(shown) - expected) <= K // 2, (shown, expected)
        else:
            assert int(shown) == expected


def _check_cell(shown: str, expected: int, column_suppressed_big: list[int]) -> None:
    """A count is shown exactly, or suppressed: always when 1..k-1, at most once more per column."""
    if 0 < expected < K:
        assert shown == f"<{K}", (shown, expected)
    elif shown == f"<{K}":
        column_suppressed_big.append(expected)
        assert len(column_suppressed_big) <= 1
    else:
        assert int(shown) == expected


def _check_matrix(counts: list[list[int]], shown: list[list[str]]) -> None:
    """Shown counts exact, under k hidden, no hidden count recoverable from the cells shown, the row totals
    of k or more (a skill's visitors: taken as known) and the column totals shown (a band's visitors over
    every skill is published nowhere else: the suppression may keep it hidden)."""
    for want, got in zip(counts, shown, strict=True):
        for n, text in zip(want, got, strict=True):
            assert text == f"<{K}" if 0 < n < K else text in (f"<{K}", str(n)), (text, n)
    cells = tuple(tuple(None if text == f"<{K}" else n for n, text in zip(want, got, strict=True))
                  for want, got in zip(counts, shown, strict=True))
    hidden_columns = suppress_table(counts, K, known_totals=frozenset({"rows"})).hidden_totals
    small = {("row", i) for i, row in enumerate(counts) if 0 < sum(row) < K} | \
        {total for total in hidden_columns if total[0] != "row"}
    assert recoverable(counts, Suppressed(cells, frozenset(small))) == [], (counts, shown)


def _check_crossed(rows: list[dict[str, str]], expected: Counter[tuple[str, str]], key: str) -> None:
    """A table of (key, week) counts: shown counts exact, under k hidden, and no hidden count can be worked
    out from what is shown and any row or column total a reader may learn (say from a run with --agency
    or --since): every total of k or more is taken as known."""
    names, weeks = sorted({a for a, _ in expected}), sorted({w for _, w in expected})
    counts = [[expected[(a, w)] for w in weeks] for a in names]
    shown_at = {(r[key], r["week"]): r["visits"] for r in rows}
    cells = tuple(tuple(None if shown_at.get((a, w)) == f"<{K}" else expected[(a, w)] for w in weeks) for a in names)
    for (a, w), shown in shown_at.items():
        assert shown == f"<{K}" if expected[(a, w)] < K else shown in (f"<{K}", str(expected[(a, w)]))
    small = {("row", i) for i, row in enumerate(counts) if 0 < sum(row) < K} | \
        {("column", j) for j in range(len(weeks)) if 0 < sum(row[j] for row in counts) < K}
    assert recoverable(counts, Suppressed(cells, frozenset(small))) == [], (counts, shown)


@pytest.fixture(scope="module")
def fleet() -> list[SimVisit]:
    return simulate_fleet(300, seed=7)


def test_the_report_equals_the_simulated_visits(ralph: RalphServer, fleet: list[SimVisit], tmp_path: Path) -> None:
    total = _fill(ralph, fleet)
    client = LrsClient(ralph.endpoint, USER, PASSWORD)
    out = tmp_path / "report"
    written = write_insights(client, out, SCENARIOS, page_size=100, pdf=False, out=io.StringIO())
    assert written.statements == total and written.report.visits == len(fleet)

    rows = _csv(out / "visits_per_agency_week.csv")
    expected = expected_visits_per_week(fleet)
    assert {(r["agency"], r["week"]) for r in rows} == set(expected)
    _check_crossed(rows, expected, "agency")
    givors = [r["visits"] for r in rows if "givors" in r["agency"]]
    assert givors and set(givors) == {f"<{K}"}  # a small agency's weeks are never shown

    big = []
    languages = Counter(v.language for v in fleet)
    for r in _csv(out / "languages.csv"):
        _check_cell(r["visits"], languages[r["language"]], big)

    funnel = {r["stage"]: r["visitors"] for r in _csv(out / "funnel.csv")}
    assert list(funnel) == ["all visits", "trade clip watched", "trade viewed", "scenario started",
                            "scenario finished", "offers viewed", "results taken", "trainings suggested"]
    assert {stage: funnel[stage] for stage in expected_funnel(fleet)} == \
        {stage: str(n) for stage, n in expected_funnel(fleet).items()}  # every stage has 10+ visitors here
    assert funnel["trade clip watched"] == funnel["trainings suggested"] == "not recorded"

    big = []
    modes = expected_modes(fleet)
    table = _csv(out / "accessibility_modes.csv")
    assert [r["mode"] for r in table] == [*MODES, "none"]
    for r in table:
        _check_cell(r["visits"], modes[r["mode"]], big)
    assert sum(r["visits"] not in (f"<{K}", "0") for r in table[:-1]) >= 3  # modes used by 10+ visitors show
    inputs = {r["input"]: r["visits"] for r in _csv(out / "inputs.csv")}
    assert inputs == {"touch": str(sum("one-switch" not in v.modes for v in fleet)),
                      "board": str(sum("one-switch" in v.modes for v in fleet))}
    assert {r["device"]: r["visits"] for r in _csv(out / "devices.csv")} == {"flat-screen": str(len(fleet))}
    per_kiosk = Counter((v.kiosk, expected_week(v.started)) for v in fleet)
    kiosks = _csv(out / "visits_per_kiosk_week.csv")
    assert {(r["kiosk"], r["week"]) for r in kiosks} == set(per_kiosk)
    _check_crossed(kiosks, per_kiosk, "kiosk")

    for pack_id in PACKS:
        scenario = pack(pack_id).scenario
        table = _csv(out / f"steps_{pack_id}__{scenario.id}.csv")
        want = expected_steps(fleet, pack_id)
        assert [r["step"] for r in table] == [s.id for s in scenario.steps if s.id in want]  # authored order
        left_big: list[int] = []
        _check_reach(table, want)
        for r in table:
            _check_cell(r["left after it"], want[r["step"]][1], left_big)

    names = {s.uri: s.label["fr"] for s in read_skills().values()}
    codes = {code: s.uri for code, s in read_skills().items()}
    bands: dict[str, list[int]] = {}
    unclear: Counter[str] = Counter()
    for v in fleet:
        for e in v.profile.estimates if v.profile else ():
            counts = bands.setdefault(names[codes[e.skill]], [0] * len(BANDS))
            if e.enough:
                counts[_band(round(e.theta, 6))] += 1  # as precise as a statement carries it
            else:
                unclear[names[codes[e.skill]]] += 1
    skills = _csv(out / "skills.csv")
    assert {r["skill"] for r in skills} == set(bands)
    columns = [f"{low}-{high}" for low, high in BANDS]
    _check_matrix([[*bands[r["skill"]], unclear[r["skill"]]] for r in skills],
                  [[r[c] for c in (*columns, "not enough evidence")] for r in skills])
    assert any(r[c] == f"<{K}" for r in skills for c in columns)  # some band is too thin to show

    everything = "".join(p.read_text(encoding="utf-8") for p in out.iterdir() if p.suffix in (".csv", ".html"))
    for v in fleet:  # no visit can be found in what leaves the command
        assert v.registration not in everything and v.registration[:8] not in everything
    state = json.loads((out / STATE_FILE).read_text())
    assert not any(v.registration in json.dumps(state) for v in fleet[:50])
    assert (out / STATE_FILE).stat().st_mode & 0o077 == 0


def test_reading_follows_more_pages_and_resumes(ralph: RalphServer, fleet: list[SimVisit], tmp_path: Path) -> None:
    first, later = fleet[:120], fleet[120:160]
    total = _fill(ralph, first)
    with pytest.raises(LrsQueryError, match="401") as refused:
        read_statements(LrsClient(ralph.endpoint, USER, "wrong"), tmp_path / "refused")
    assert refused.value.exit_code == 76 and "--password" in refused.value.hint
    client = LrsClient(ralph.endpoint, USER, PASSWORD)
    pages: list[int] = []

    class StoppedByHandError(Exception):
        pass

    def stop_after_three(n: int) -> None:
        pages.append(n)
        if len(pages) == 3:
            raise StoppedByHandError

    with pytest.raises(StoppedByHandError):
        read_statements(client, tmp_path, page_size=40, on_page=stop_after_three)
    assert pages == [40, 40, 40]
    resumed: list[int] = []
    state = read_statements(client, tmp_path, page_size=40, on_page=resumed.append)
    assert sum(resumed) == total - 120  # continued from the saved `more` link, not from the start
    assert len(state.seen) == total and len(state.visits) == len(first)
    total += _fill(ralph, later)  # next week: a rerun counts only what it has not counted
    state = read_statements(client, tmp_path, page_size=40)
    assert len(state.seen) == total and len(state.visits) == len(first) + len(later)
    assert sum(1 for v in state.visits.values() if any(s.completed for s in v.scenarios.values())) == \
        sum(v.finished for v in first + later)


def test_lrs_responses_equal_the_store_export(ralph: RalphServer, fleet: list[SimVisit], tmp_path: Path) -> None:
    visits = fleet[:80]
    _fill(ralph, visits)
    db = connect(None)
    for v in sorted(visits, key=lambda v: v.started):
        records.start_session(db, v.registration, v.started, language=v.language, input="touch", device="kiosk",
                              kiosk="k1")
        records.record_step(db, v.registration, v.pack.id, v.pack.version, list(v.observations), [], v.started)
    packs = [pack(p) for p in PACKS]
    observables = {(p.id, o.id): o.skills for p in packs for o in p.scenario.observables.values()}
    from_store = list(csv.DictReader(io.StringIO(privacy.responses_csv(db, observables))))
    target = responses_from_lrs(LrsClient(ralph.endpoint, USER, PASSWORD), [SCENARIOS / p for p in PACKS],
                                tmp_path / "responses.csv", page_size=100)
    from_lrs = _csv(target)
    # Visits are numbered, not named, in the LRS rows; in the order they began, as in the store's export.
    numbering = {r: f"visit-{i:06d}" for i, r in enumerate(dict.fromkeys(row["visit"] for row in from_store), 1)}
    carried = ("visit", "pack", "scenario_version", "step", "observable", "skill", "credit", "max_credit", "language")
    assert [{c: numbering[r[c]] if c == "visit" else r[c] for c in carried} for r in from_store] == \
        [{c: r[c] for c in carried} for r in from_lrs]
    assert {r["input"] for r in from_lrs} == {""}  # the statements do not say how the visitor answered
    items: dict[tuple[str, str], list[StepItem]] = {}
    for p in packs:
        for item in scenario_step_items(p.id, p.scenario):
            items.setdefault((item.key.pack, item.key.step), []).append(item)
    a, b = read_csv(target.read_text(), "lrs", items), read_csv(privacy.responses_csv(db, observables), "store", items)
    assert a.items == b.items and a.maxima == b.maxima and (a.credits == b.credits).all()


def test_calibrate_and_report_from_the_lrs_equal_the_csv_path(ralph: RalphServer, fleet: list[SimVisit],
                                                              tmp_path: Path) -> None:
    import shutil

    from kiosk.cli import main

    visits = fleet[:150]
    _fill(ralph, visits)
    db = connect(None)
    for v in sorted(visits, key=lambda v: v.started):
        records.start_session(db, v.registration, v.started, language=v.language, input="touch", device="kiosk",
                              kiosk="k1")
        records.record_step(db, v.registration, v.pack.id, v.pack.version, list(v.observations), [], v.started)
    packs = [pack(p) for p in PACKS]
    exported = tmp_path / "store-export.csv"
    exported.write_text(privacy.responses_csv(db, {(p.id, o.id): o.skills for p in packs
                                                   for o in p.scenario.observables.values()}))
    lrs = ["--lrs", ralph.endpoint, "--user", USER, "--password", PASSWORD]
    banks = []
    for name, source in (("csv", ["--responses", str(exported)]), ("lrs", lrs)):
        folder = tmp_path / name / "commis-de-cuisine"
        shutil.copytree(SCENARIOS / "commis-de-cuisine", folder, ignore=shutil.ignore_patterns("manifest.json"))
        assert main(["scoring", "calibrate", str(folder), *source, "--min-visits", "10"]) == 0
        banks.append((folder / "scoring.yaml").read_text().replace(exported.name, "lrs-responses.csv"))
        assert main(["report", str(folder), *source, "-o", str(tmp_path / name / "report")]) == 0
    assert banks[0] == banks[1] and "lrs-responses.csv" in banks[1]
    csv_items = sorted((tmp_path / "csv" / "report").glob("*.csv"))
    assert csv_items
    for path in csv_items:
        assert path.read_text() == (tmp_path / "lrs" / "report" / path.name).read_text(), path.name

    out = tmp_path / "insights"
    assert main(["insights", *lrs, "--scenarios", str(SCENARIOS), "-o", str(out),
                 "--agency", "https://lyon.agency.example.org"]) == 0
    assert (out / "insights.pdf").read_bytes().startswith(b"%PDF-")  # printed by headless Chromium
    lyon = sum(1 for v in visits if "lyon" in v.agency)
    assert f"{lyon} visits" in (out / "insights.html").read_text()
    assert {r["agency"] for r in _csv(out / "visits_per_agency_week.csv")} == {"https://lyon.agency.example.org"}


@pytest.fixture
def ralph_of_500(ralph_venv: Path, ralph_auth: Path, tmp_path: Path) -> Iterator[RalphServer]:
    """A Ralph that answers GET with pages of up to 500 statements, the kiosk's own page (Ralph's default cap
    is 100). Its filesystem backend reads its whole file for every page and every POST, so 26,000
    statements in pages of 100 cost 4-5 times the time of pages of 500 (measured here, same load)."""
    (tmp_path / "ralph").mkdir()
    shutil.copyfile(ralph_auth, tmp_path / "ralph" / "auth.json")
    server = RalphServer(ralph_venv, tmp_path / "ralph")
    server.env["RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT"] = "500"
    yield server.start()
    server.stop()


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_two_thousand_visits_through_the_kiosks_own_host(ralph_of_500: RalphServer, tmp_path: Path) -> None:
    """The issue's scale: 2,000+ visits, each played through a kiosk's RecordingHost (store, outbox) and
    synced by the kiosk's own worker; the report still equals the simulated visits."""
    from datetime import UTC, datetime

    from kiosk.sync.worker import sync_once
    from tests.insights_kit import through_host

    fleet = simulate_fleet(2000, seed=11)
    # A minute per request: the last pages and POSTs make this Ralph read ~26,000 statements, which took
    # ~8 s on a 2-core machine shared at load 15, near the client's default 10 s
    client = LrsClient(ralph_of_500.endpoint, USER, PASSWORD, timeout=60.0)
    registrations: list[str] = []
    for agency in sorted({v.agency for v in fleet}):
        db, given = through_host([v for v in fleet if v.agency == agency], agency, agency.split("//")[1])
        registrations += given
        # Batches of 2,000: each POST makes this Ralph read its whole file (the duplicate check) as well
        result = sync_once(db, client, lambda: datetime(2026, 12, 1, tzinfo=UTC), batch_size=2000)
        assert result.stopped == "" and records.backlog(db).pending == 0
    out = tmp_path / "report"
    written = write_insights(client, out, SCENARIOS, pdf=False, out=io.StringIO())
    assert written.report.visits == len(fleet)
    funnel = {r["stage"]: r["visitors"] for r in _csv(out / "funnel.csv")}
    assert {stage: funnel[stage] for stage in expected_funnel(fleet)} == \
        {stage: str(n) for stage, n in expected_funnel(fleet).items()}
    modes = {r["mode"]: r["visits"] for r in _csv(out / "accessibility_modes.csv")}
    assert modes == {mode: str(n) for mode, n in expected_modes(fleet).items()} | \
        {mode: "0" for mode in MODES if not expected_modes(fleet)[mode]}
    _check_crossed(_csv(out / "visits_per_agency_week.csv"), expected_visits_per_week(fleet), "agency")
    for pack_id in PACKS:
        want = expected_steps(fleet, pack_id)
        left_big: list[int] = []
        table = _csv(out / f"steps_{pack_id}__{pack(pack_id).scenario.id}.csv")
        _check_reach(table, want)
        for r in table:
            _check_cell(r["left after it"], want[r["step"]][1], left_big)
    everything = "".join(p.read_text(encoding="utf-8") for p in out.iterdir() if p.suffix in (".csv", ".html"))
    assert not any(r in everything for r in registrations)


def test_the_fleet_calibration_ships_as_a_signed_pack_update_and_the_kiosk_scores_with_it(
        ralph: RalphServer, scenarios_copy: Path, tmp_path: Path) -> None:
    """`kiosk scoring calibrate --lrs` → seal → `kiosk pack sign` → the signed, atomic `packs install` on a
    kiosk's scenarios folder → the kiosk's own host scores a visit with the new item parameters."""
    import shutil
    import zipfile
    from datetime import timedelta

    from kiosk.cli import main
    from kiosk.commands.packs import install
    from kiosk.credentials import keys as keystore
    from kiosk.scenario.load import load_pack
    from kiosk.scenario.manifest import seal
    from kiosk.scoring.estimate import Played, score_visit
    from kiosk.store import xapi
    from kiosk.store.scenario_statements import step_groups
    from kiosk.visit.host import RecordingHost

    kitchen = [simulate_visit(9000 + i, "https://lyon.agency.example.org", "fr", "commis-de-cuisine",
                              START + timedelta(hours=i)) for i in range(260)]  # 100+ answers per item to fit
    _fill(ralph, kitchen)
    publish = tmp_path / "publish" / "commis-de-cuisine"
    shutil.copytree(scenarios_copy / "commis-de-cuisine", publish, ignore=shutil.ignore_patterns("manifest.json*"))
    assert main(["scoring", "calibrate", str(publish), "--lrs", ralph.endpoint, "--user", USER, "--password",
                 PASSWORD, "--min-visits", "10"]) == 0
    seal(publish)
    publisher = tmp_path / "publisher"
    keystore.generate(publisher)
    assert main(["pack", "sign", str(publish), "--keys", str(publisher)]) == 0
    archive = tmp_path / "update.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(publish.rglob("*")):
            if path.is_file():
                z.write(path, f"commis-de-cuisine/{path.relative_to(publish).as_posix()}")

    before = load_pack(scenarios_copy / "commis-de-cuisine")
    installed = install(str(archive), scenarios_copy, publisher_keys=list(keystore.trusted(publisher).values()),
                        out=io.StringIO())
    after = load_pack(scenarios_copy / "commis-de-cuisine", require_sealed=True)
    assert before.bank is not None and after.bank is not None and installed.bank == after.bank
    assert after.bank.version == before.bank.version + 1 and after.bank.items != before.bank.items
    assert list((scenarios_copy / ".previous").glob("*/commis-de-cuisine"))  # the old version kept for rollback

    visit = next(v for v in kitchen if v.finished)
    wall = [visit.started]
    db = connect(None)
    host = RecordingHost(db, read_skills(), lambda: wall[0])
    host.visit_started(1, "fr", 0.0)
    for _, group in step_groups(list(visit.observations)):
        wall[0] += timedelta(seconds=5)
        host.step_done(1, after, group, 0.0)
    host.scenario_done(1, after, 0.0)
    completed = next(json.loads(body) for (body,) in db.execute("SELECT body FROM outbox")
                     if json.loads(body)["verb"]["id"] == xapi.VERBS["completed"])
    sent = {uri: round(e["theta"], 6) for uri, e in completed["result"]["extensions"].items()}
    codes = {code: s.uri for code, s in read_skills().items()}

    def thetas(pack: Any) -> dict[str, float]:
        profile = score_visit([Played(pack.id, pack.scenario, pack.bank, visit.observations)])
        return {codes[e.skill]: round(e.theta, 6) for e in profile.estimates}

    assert sent == thetas(after) and sent != thetas(before)  # the kiosk scores with the new parameters
