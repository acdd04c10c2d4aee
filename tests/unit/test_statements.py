"""Scenario statements: how far an interrupted scenario got, and no empty values."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.runtime import play
from kiosk.scenario.load import load_pack
from kiosk.scenario.model import Pack, Step
from kiosk.store import xapi
from kiosk.store.scenario_statements import answers_to_end, progress_share, step_groups

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
VISIT = xapi.Visit("6f0c1d2e-0000-4000-8000-000000000001", "v", "https://agency.example.org", "https://a.org/nova",
                   "ar", input="board", device="openxr-headset")


@pytest.fixture(scope="module")
def commis(published_scenarios: Path) -> Pack:
    return load_pack(published_scenarios / "commis-de-cuisine")


def _first(step: Step, state: play.PlayState) -> list[str]:
    return [step.options()[0].id] if step.options() else list(state.order)


def test_progress_grows_with_each_answer_and_reaches_one_at_the_end(commis: Pack) -> None:
    state, _ = play.play_through(commis.scenario, _first)
    steps = step_groups(state.observations)
    shares = [progress_share(commis.scenario, [o for _, group in steps[:n] for o in group])
              for n in range(len(steps) + 1)]
    assert shares[0] == 0.0 and shares[-1] == 1.0
    assert all(a < b for a, b in itertools.pairwise(shares))
    assert answers_to_end(commis.scenario, commis.scenario.start) >= 1


def test_statements_carry_the_usage_and_no_empty_values() -> None:
    activity = xapi.scenario_activity(VISIT, "p", "s", {"fr": "S"})
    nothing = xapi.answered(VISIT, activity, "step", [], {"o": 0}, {"o": 1}, AT, 0)
    assert "response" not in nothing["result"]  # a timed-out choice: no response rather than ""
    done = xapi.completed(VISIT, activity, AT, {}, 12.0)
    assert "extensions" not in done["result"]  # no estimate: no `extensions: {}`
    assert nothing["context"]["language"] == "ar"
    assert nothing["context"]["extensions"] == {xapi.INPUT_EXTENSION: "board", xapi.DEVICE_EXTENSION: "openxr-headset"}
