"""Agency aggregates over statements made by the kiosk's own builders for simulated visits: the
figures equal those computed directly from the simulation; cells under k are suppressed; no
registration leaves; and the same figures come out of a real Ralph read back page by page."""

from __future__ import annotations

import csv
import functools
import random
import statistics
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.insights.aggregate import aggregate, insights_csv_rows, suppress
from kiosk.scenario.esco import read_skills
from kiosk.scenario.evidence import Observation
from kiosk.scoring.bank import read_bank
from kiosk.scoring.estimate import Played, Profile, score_visit
from kiosk.sync import xapi
from kiosk.sync.client import LrsClient
from kiosk.sync.harvest import fetcher, harvest, harvested
from kiosk.sync.visit import scenario_statements, step_groups
from scripts.lrs.ralph_server import PASSWORD, USER, RalphServer
from tests.integration.test_sync_ralph import KITCHEN, _play

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # ISO week 2026-W48
SCENARIO = f"https://agency.example.org/nova/packs/{KITCHEN.id}/scenarios/{KITCHEN.scenario.id}"
SKILLS = read_skills()


@dataclass
class Truth:
    """What the simulation did, counted as it did it (not through the aggregates)."""

    weeks: Counter[str] = field(default_factory=Counter)
    kiosk_weeks: Counter[tuple[str, str]] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    finished: int = 0
    left_after: Counter[int] = field(default_factory=Counter)
    thetas: dict[str, list[float]] = field(default_factory=dict)


@functools.cache
def _played(seed: int) -> tuple[list[Observation], list[float]]:
    return _play(seed)


@functools.cache
def _profile(seed: int) -> Profile:
    return score_visit([Played(KITCHEN.id, KITCHEN.scenario, read_bank(KITCHEN), tuple(_played(seed)[0]))])


def simulate(visits: int, seed: int = 7) -> tuple[list[dict[str, Any]], Truth]:
    """Statements of `visits` simulated visits (eight ways of playing, shared), and their truth."""
    rng, truth = random.Random(seed), Truth()
    statements: list[dict[str, Any]] = []
    for n in range(visits):
        language = rng.choices(["fr", "en", "ar"], weights=[80, 17, 3])[0]
        kiosk = rng.choices(["lyon-1", "lyon-2", "villeurbanne-1"], weights=[50, 40, 10])[0]
        start = MONDAY + timedelta(days=rng.randrange(14), minutes=n)
        play = n % 8
        observations, times = _played(play)
        groups = step_groups(observations)
        finished = rng.random() < 0.7
        kept = len(groups) if finished else rng.randint(1, len(groups) - 1)  # walked away after `kept` steps
        cut = [o for group in groups[:kept] for o in group[1]]
        registration = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        visit = xapi.Visit(registration, f"visitor-{registration[:8]}", "https://agency.example.org",
                           "https://agency.example.org/nova", language, kiosk=kiosk)
        profile = _profile(play) if finished else None
        statements += scenario_statements(visit, KITCHEN, cut, profile, SKILLS, start,
                                          [start + timedelta(seconds=t) for t in times[:kept]],
                                          start + timedelta(seconds=times[kept - 1] + 5), finished=finished)
        truth.weeks[f"2026-W{start.isocalendar()[1]:02d}"] += 1
        truth.kiosk_weeks[kiosk, f"2026-W{start.isocalendar()[1]:02d}"] += 1
        truth.languages[{"fr": "fr-FR", "en": "en-US", "ar": "ar"}[language]] += 1
        if profile is not None:
            truth.finished += 1
            for e in profile.estimates:
                if e.enough:
                    truth.thetas.setdefault(SKILLS[e.skill].uri, []).append(e.theta)
        else:
            truth.left_after[kept] += 1
    return statements, truth


def _protects(shown: Mapping[Any, int | None], truth: Counter[Any], *, total_shown: bool) -> bool:
    """Shown cells are true; cells under k are hidden; with a shown total, never exactly one hidden
    cell (it could be worked out); and at most one cell of k or more hidden to make that so."""
    assert set(shown) == {key for key, n in truth.items() if n}
    assert all(n == truth[key] for key, n in shown.items() if n is not None)
    assert all(shown[key] is None for key, n in truth.items() if 0 < n < 10)
    hidden = [key for key, n in shown.items() if n is None]
    if total_shown:
        assert len(hidden) != 1
    assert sum(truth[key] >= 10 for key in hidden) <= (1 if total_shown else 0)
    return True


def test_suppression_hides_a_lone_small_cell_with_its_smallest_neighbour() -> None:
    assert suppress({"a": 50, "b": 3, "c": 12, "d": 20}, 10, total_shown=True) == {"a": 50, "b": None, "c": None,
                                                                                  "d": 20}
    assert suppress({"a": 50, "b": 3, "c": 4}, 10, total_shown=True) == {"a": 50, "b": None, "c": None}
    assert suppress({"a": 50, "b": 3, "c": 12}, 10, total_shown=False) == {"a": 50, "b": None, "c": 12}
    assert suppress({"a": 50, "b": 12}, 10, total_shown=True) == {"a": 50, "b": 12}


def test_the_figures_are_those_of_the_simulated_visits_and_small_cells_are_suppressed() -> None:
    statements, truth = simulate(120)
    insights = aggregate(statements, k=10)
    assert insights.visits == 120
    assert _protects(insights.visits_per_week, truth.weeks, total_shown=True)
    for week in truth.weeks:
        shown = {kiosk: weeks[week] for kiosk, weeks in insights.visits_per_kiosk_week.items() if week in weeks}
        week_truth = Counter({kiosk: n for (kiosk, w), n in truth.kiosk_weeks.items() if w == week})
        assert _protects(shown, week_truth, total_shown=insights.visits_per_week[week] is not None)
    assert set(insights.visits_per_kiosk_week) == {"lyon-1", "lyon-2", "villeurbanne-1"}
    assert truth.languages["ar"] < 10 <= truth.languages["fr-FR"]  # the simulation has a small cell
    assert _protects(insights.languages, truth.languages, total_shown=True)
    assert truth.languages["en-US"] >= 10 and insights.languages["en-US"] is None  # hidden with "ar"
    funnel = insights.funnel[SCENARIO]
    assert set(insights.funnel) == {SCENARIO} and funnel["started"] == 120
    assert _protects({"finished": funnel["finished"], "left": funnel["left"]},
                     Counter(finished=truth.finished, left=120 - truth.finished), total_shown=True)
    assert _protects(insights.left_after_steps[SCENARIO], truth.left_after, total_shown=funnel["left"] is not None)
    assert truth.thetas and set(insights.skills) == set(truth.thetas)
    for uri, values in truth.thetas.items():
        shown = insights.skills[uri]
        assert shown.visitors == (len(values) if len(values) >= 10 else None)
        if shown.visitors:
            assert shown.low is not None and shown.median is not None and shown.high is not None
            assert round(min(values), 2) <= shown.low <= shown.median <= shown.high <= round(max(values), 2)
            assert shown.median == round(statistics.median(values), 2)
    rows = insights_csv_rows(insights)
    assert ["languages", "ar", "", "< 10"] in rows and ["visits", "all", "", "120"] in rows
    assert insights.suppressed_cells == sum(row[3] == "< 10" for row in rows)
    text = "\n".join(",".join(row) for row in rows)
    people = {s["context"]["registration"] for s in statements} | {s["actor"]["account"]["name"] for s in statements}
    assert not any(someone in text for someone in people)  # no one leaves the command


@pytest.mark.slow
def test_the_same_figures_come_back_from_a_real_ralph(ralph: RalphServer, tmp_path: Path) -> None:
    statements, _ = simulate(60, seed=11)
    client = LrsClient(ralph.endpoint, USER, PASSWORD, timeout=60)
    for start in range(0, len(statements), 500):
        assert client.post(statements[start:start + 500]).status == 200
    harvest(fetcher(client), "limit=250", tmp_path / "work")
    assert aggregate(harvested(tmp_path / "work")) == aggregate(statements)

    other = [s | {"actor": {"objectType": "Agent", "account": {"homePage": "https://other.example.org",
                                                               "name": s["actor"]["account"]["name"]}}}
             for s in simulate(15, seed=12)[0]]  # another agency's visits in the same LRS
    assert client.post(other).status == 200
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[lrs]\nusername = "{USER}"\npassword = "{PASSWORD}"\n')
    done = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "insights", str(tmp_path / "out"),
                           "--lrs", ralph.endpoint, "--agency", "https://agency.example.org"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(statements) + len(other)} statements read" in done.stdout
    with (tmp_path / "out" / "insights.csv").open() as table:
        assert list(csv.reader(table)) == insights_csv_rows(aggregate(statements))  # the other agency left out
    page = (tmp_path / "out" / "insights.html").read_text()
    assert "< 10" in page and "60 visits" in page
    assert (tmp_path / "out" / "insights.pdf").read_bytes().startswith(b"%PDF")


def test_the_bench_visits_add_up() -> None:
    from kiosk.bench.insights import KIOSKS, synthetic_statements

    statements = synthetic_statements(3_000)
    insights = aggregate(statements)
    assert 3_000 <= len(statements) < 3_013 and set(insights.visits_per_kiosk_week) == set(KIOSKS)
    for cells in insights.funnel.values():
        if None not in cells.values():
            assert cells["started"] == cells["finished"] + cells["left"]  # type: ignore[operator]
