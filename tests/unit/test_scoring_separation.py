"""The show rule's design property: which steps' credit tables tell a skill apart from the step's others
(kiosk.scoring.separation), computed from the real packs, and the kiosk hiding a skill seen only through
steps that tie it to another."""

from __future__ import annotations

from kiosk.commands.scoring import credit_tables
from kiosk.scenario.evidence import Observation, observables_of
from kiosk.scoring.bank import read_bank
from kiosk.scoring.estimate import Played, Policy, score_visit
from kiosk.scoring.items import ItemKey
from kiosk.scoring.joint import step_loadings
from kiosk.scoring.separation import TIED, separates, separating_items
from tests.unit.test_scoring_estimate import KITCHEN, REPO_SCENARIOS, _pack


def test_a_step_whose_answers_always_credit_two_skills_together_separates_neither() -> None:
    tied, apart = ItemKey("p", "s", "T4.2"), ItemKey("p", "t", "T4.2")
    loadings = {tied: {"T4.2": 1.0, "T4.3": 1.0}, apart: {"T4.2": 1.0, "T4.3": 0.6, "T6.1": 0.0}}
    assert not separates(tied, loadings) and separates(apart, loadings)
    assert separates(ItemKey("p", "alone", "T1.2"), {})  # a step bearing on one skill separates it
    assert not separates(apart, {apart: {"T4.2": 1.0, "T4.3": TIED}})
    assert separating_items([tied, apart], loadings) == {apart}


def test_on_the_kitchen_the_breakdown_ties_problems_to_communicating_and_the_prep_separates_organising() -> None:
    loadings = step_loadings(KITCHEN.id, KITCHEN.scenario)
    # panne: every answer that credits "suggested a safe way round it" (T2.3) also credits telling the chef (T4.1)
    assert loadings[ItemKey(KITCHEN.id, "panne", "T2.3")]["T4.1"] == 1.0
    assert not separates(ItemKey(KITCHEN.id, "panne", "T2.3"), loadings)
    assert separates(ItemKey(KITCHEN.id, "mise-en-place", "T2.2"), loadings)


def test_the_tie_bound_falls_in_a_gap_of_the_sample_packs_credit_tables() -> None:
    """docs/scoring.md: any bound between 0.92 and 0.99 draws the same line on the five packs."""
    values = [weight for pack_dir in sorted(REPO_SCENARIOS.iterdir())
              for pack in [_pack(pack_dir.name)]
              for key, row in step_loadings(pack.id, pack.scenario).items()
              for skill, weight in row.items() if skill != key.skill]
    assert values and not [v for v in values if 0.92 <= v < 0.995]


def test_a_skill_seen_only_through_tied_steps_is_not_shown_however_much_evidence() -> None:
    observations = tuple(Observation(step.id, o, KITCHEN.scenario.observables[o].max_credit,
                                     KITCHEN.scenario.observables[o].max_credit, ())
                         for step in KITCHEN.scenario.steps for o in observables_of(step))
    played = [Played(KITCHEN.id, KITCHEN.scenario, read_bank(KITCHEN), observations)]
    loose = Policy(min_steps=1, min_separating=0, max_width=100)
    team = score_visit(played, loose).get("T4.3")
    assert team is not None and team.enough and team.steps >= 3  # enough steps, in three kitchen moments...
    hidden = score_visit(played, Policy(min_steps=1, min_separating=3, max_width=100)).get("T4.3")
    assert hidden is not None and not hidden.enough  # ...but only `lina` tells teamwork apart from the rest


def test_lint_credits_marks_the_items_that_do_not_separate_their_skill() -> None:
    lines = credit_tables(_pack("electricien-batiment"))
    consignation = next(line for line in lines if line.startswith("electricien-batiment/consignation @T5.1"))
    assert "[tied to T6.1: does not separate T5.1]" in consignation
    height = next(line for line in lines if line.startswith("electricien-batiment/hauteur @T1.2"))
    assert "tied" not in height  # one skill: the step separates it
