"""Answers are not a pattern: choices are shuffled per visit with the visit's seed, `order: fixed`
keeps them as written, and a recorded visit replays to the same shuffles."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kiosk.runtime import play
from kiosk.runtime.actions import Intent
from kiosk.runtime.replay import parse_journal, replay
from kiosk.scenario.load import load_pack
from kiosk.scenario.model import ChoiceStep
from tests.visit_kit import journal_lines, make_kit, replay_screens, start_scenario


def test_choices_are_shuffled_per_seed_unless_the_step_says_fixed(published_scenarios: Path) -> None:
    scenario = load_pack(published_scenarios / "commis-de-cuisine").scenario
    step = next(s for s in scenario.steps if isinstance(s, ChoiceStep) and len(s.choices) >= 3)
    written = tuple(o.id for o in step.choices)
    state = play.jump(scenario, play.start(scenario, 0.0, seed=1), step.id, 1.0)
    orders = {play.jump(scenario, play.start(scenario, 0.0, seed=seed), step.id, 1.0).order for seed in range(1, 21)}
    assert len(orders) > 3 and all(sorted(o) == sorted(written) for o in orders)
    assert play.jump(scenario, play.start(scenario, 0.0, seed=1), step.id, 5.0).order == state.order  # same seed
    assert tuple(o.id for o in play.shown_options(step, state)) == state.order
    fixed = replace(scenario, steps=tuple(replace(s, fixed_order=True) if s.id == step.id else s
                                          for s in scenario.steps))
    assert {play.jump(fixed, play.start(fixed, 0.0, seed=seed), step.id, 1.0).order for seed in range(1, 21)} == \
        {written}


def _played(label: str) -> list[str]:
    return label.split("|")[4].split(":")  # step, picked, order, feedback


def test_shuffled_choices_replay_identically(published_scenarios: Path, tmp_path: Path) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    pilot = kit.pilot
    for _ in range(2):  # two visits: the same scenario, each shuffled with its own visit's seed
        start_scenario(pilot, "fr", "commis-de-cuisine")
        pilot.answer_scenario()  # always the first answer shown: a visitor tapping by position
        while pilot.page() != "attract":
            pilot.tap(Intent("next"))
    shown: dict[int, dict[str, str]] = {1: {}, 2: {}}
    for entry in kit.journal:
        if entry["state"].startswith("play|"):
            step_id, _, order, _ = _played(entry["state"])
            shown[entry["visit"]].setdefault(step_id, order)
    scenario = kit.screen.packs["commis-de-cuisine"].scenario
    choices = {s.id for s in scenario.steps if isinstance(s, ChoiceStep)}
    both = sorted(choices & shown[1].keys() & shown[2].keys())
    assert both and any(shown[1][s] != shown[2][s] for s in both)  # another visit, another order

    journal = parse_journal(journal_lines(kit))
    make = replay_screens(kit, journal, tmp_path)

    result = replay(journal, make)
    assert result.divergence is None
    assert [s for _, s in result.states] == [e["state"] for e in kit.journal]
