"""Calibration, DIF and reliability on simulated cohorts whose truth is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import check_grad

from kiosk.scenario.load import inspect_pack
from kiosk.scenario.model import Pack
from kiosk.scoring.bank import ItemParams, initial_bank
from kiosk.scoring.calibrate import NotEnoughSessionsError, calibrate, fisher_step, objective
from kiosk.scoring.dif import DifResult, category, mantel, screen_groups, with_false_discovery_control
from kiosk.scoring.gpcm import GRID, expected_credit, information, log_probs, sample
from kiosk.scoring.items import ItemKey, scenario_step_items
from kiosk.scoring.posterior import MISSING
from kiosk.scoring.psychometrics import cronbach_alpha, item_and_skill_stats, skill_estimates
from kiosk.scoring.responses import read_csv, write_csv
from kiosk.scoring.simulate import (
    CohortSpec,
    PlantedDif,
    Truth,
    make_truth,
    perturb,
    simulate,
    skills_of_observables,
)

REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _pack(name: str) -> Pack:
    pack = inspect_pack(REPO_SCENARIOS / name, check_manifest=False).draft
    assert pack is not None
    return pack


PACKS = [_pack("commis-de-cuisine"), _pack("agent-logistique")]
SCENARIOS = {p.id: (p.version, p.scenario) for p in PACKS}
SHIPPED = {k: v for p in PACKS for k, v in initial_bank(p).items.items()}
ITEMS = {(i.key.pack, i.key.step): [j for j in scenario_step_items(p.id, p.scenario) if j.key.step == i.key.step]
         for p in PACKS for i in scenario_step_items(p.id, p.scenario)}


def _model(params: dict[ItemKey, object]) -> Truth:
    return Truth(params, {}, {}, {})  # type: ignore[arg-type]


def test_model_probabilities_are_proper_and_expected_credit_rises_with_skill() -> None:
    logp = log_probs(1.3, (-0.5, 0.4, 1.2))
    assert np.allclose(np.exp(logp).sum(axis=0), 1.0)
    expected = expected_credit(1.3, (-0.5, 0.4, 1.2))
    assert np.all(np.diff(expected) > 0) and 0 < expected[0] < 0.01 and 2.99 < expected[-1] < 3
    assert information(1.3, (-0.5, 0.4, 1.2)).argmax() in range(80, 125)  # peaks near the thresholds


def test_sampling_follows_the_model() -> None:
    rng = np.random.default_rng(3)
    draws = sample(rng, 1.0, (0.0, 1.0), np.zeros(40_000))
    probs = np.exp(log_probs(1.0, (0.0, 1.0), np.zeros(1)))[:, 0]
    assert np.allclose(np.bincount(draws, minlength=3) / draws.size, probs, atol=0.01)


@pytest.mark.parametrize("m", [1, 2, 3])
def test_the_m_step_gradient_is_the_objectives_derivative(m: int) -> None:
    rng = np.random.default_rng(m)
    counts = rng.random((m + 1, GRID.size)) * 5
    x = np.array([0.2, *rng.normal(size=m)])
    scale = np.abs(objective(x, counts)[1]).max()
    assert check_grad(lambda v: objective(v, counts)[0], lambda v: objective(v, counts)[1], x) < 1e-6 * scale


@pytest.mark.parametrize("m", [1, 2, 3])
def test_a_fisher_step_climbs_the_objective_and_its_score_is_the_gradient(m: int) -> None:
    rng = np.random.default_rng(m)
    counts = rng.random((m + 1, GRID.size)) * 5
    start = ItemParams(1.2, tuple(np.sort(rng.normal(size=m))))
    x = np.array([np.log(start.a), *start.b])
    new, information = fisher_step(counts, start, GRID)
    y = np.array([np.log(new.a), *new.b])
    assert objective(y, counts)[0] < objective(x, counts)[0]
    assert np.all(np.linalg.eigvalsh(information) > 0)
    # the step solves information · step = score, and the score is minus the objective's gradient
    assert np.allclose(information @ (y - x), -objective(x, counts)[1], rtol=1e-6, atol=1e-8) or \
        np.abs(y - x).max() == pytest.approx(1.0)


def test_visitors_who_choose_options_follow_branches_and_better_visitors_choose_better() -> None:
    truth = make_truth(SCENARIOS, SHIPPED, np.random.default_rng(4))
    cohort = simulate(SCENARIOS, truth, CohortSpec(people=3000, seed=4, condition="options", record=True))
    kitchen = PACKS[0].scenario
    livraison = ItemKey("commis-de-cuisine", "livraison", "T2.3")
    column = cohort.table.items.index(livraison)
    credits = cohort.table.credits[:, column]
    level = cohort.theta["T2.3"]
    assert (credits[level > 1] == 2).mean() > (credits[level < -1] == 2).mean() + 0.3
    # who refused the fish went straight to Lina; the others heard the chef on the cold chain first
    steps_of: dict[int, list[str]] = {}
    for row in cohort.observations:
        if row.pack == "commis-de-cuisine" and row.step not in steps_of.get(row.visit, []):
            steps_of.setdefault(row.visit, []).append(row.step)
    assert all(kitchen.step(s).kind != "end" for path in steps_of.values() for s in path)
    assert {tuple(p[:3]) for p in steps_of.values()} == {("hygiene", "mise-en-place", "livraison")}


def test_calibration_recovers_item_parameters_from_a_cohort() -> None:
    truth = perturb(SHIPPED, np.random.default_rng(11))
    cohort = simulate(SCENARIOS, _model(truth), CohortSpec(people=1500, seed=12, condition="model"))
    fit = calibrate(cohort.table, SHIPPED)
    keys = [k for k in sorted(truth) if k not in fit.kept]
    assert len(keys) >= 0.9 * len(truth)
    assert all(fit.converged.values())
    r_b = np.corrcoef([truth[k].difficulty for k in keys], [fit.params[k].difficulty for k in keys])[0, 1]
    r_a = np.corrcoef([truth[k].a for k in keys], [fit.params[k].a for k in keys])[0, 1]
    assert r_b > 0.95 and r_a > 0.8
    # and it moved the parameters away from the shipped (flat) start towards the truth
    before = np.mean([abs(SHIPPED[k].difficulty - truth[k].difficulty) for k in keys])
    after = np.mean([abs(fit.params[k].difficulty - truth[k].difficulty) for k in keys])
    assert after < before / 2


def test_calibration_waits_for_enough_sessions_and_keeps_items_it_cannot_fit() -> None:
    cohort = simulate(SCENARIOS, _model(SHIPPED), CohortSpec(people=150, seed=1, condition="model"))
    with pytest.raises(NotEnoughSessionsError) as caught:
        calibrate(cohort.table, SHIPPED)
    assert caught.value.exit_code == 75 and "150" in caught.value.message
    table = cohort.table
    constant = 0
    table.credits[:, constant] = np.where(table.credits[:, constant] == MISSING, MISSING, 1)
    fit = calibrate(table, SHIPPED, min_visits=100, min_responses=20)
    assert fit.kept[table.items[constant]] == "every answer got the same credit"
    assert fit.params[table.items[constant]] == SHIPPED[table.items[constant]]


def test_responses_survive_the_csv_round_trip() -> None:
    truth = make_truth(SCENARIOS, SHIPPED, np.random.default_rng(5))
    cohort = simulate(SCENARIOS, truth, CohortSpec(people=40, seed=5, record=True))
    again = read_csv(write_csv(cohort.table, cohort.observations, skills_of_observables(SCENARIOS)), "r.csv", ITEMS)
    assert again.items == cohort.table.items and again.visits == cohort.table.visits
    assert np.array_equal(again.credits, cohort.table.credits)
    assert again.groups == cohort.table.groups and again.scenario_versions == cohort.table.scenario_versions


def _csv(people: int) -> list[str]:
    truth = make_truth(SCENARIOS, SHIPPED, np.random.default_rng(5))
    cohort = simulate(SCENARIOS, truth, CohortSpec(people=people, seed=5, record=True))
    return write_csv(cohort.table, cohort.observations, skills_of_observables(SCENARIOS)).splitlines()


def test_a_bad_response_row_is_named_by_line() -> None:
    text = _csv(2)
    fields = text[3].split(",")
    fields[6] = "7"
    text[3] = ",".join(fields)
    with pytest.raises(Exception, match=r"r\.csv:4: credit 7 is outside 0\.\.\d"):
        read_csv("\n".join(text), "r.csv", ITEMS)
    with pytest.raises(Exception, match="missing column"):
        read_csv("visit,pack\nx,y\n", "r.csv", ITEMS)


def test_every_rows_scenario_version_is_checked_not_only_the_first() -> None:
    # defect 4: half the rows from an old version used to pass because only the first row was read
    text = _csv(20)
    half = len(text) // 2
    mixed = text[:half] + [",".join([*line.split(",")[:2], "0.9.0", *line.split(",")[3:]]) for line in text[half:]]
    table = read_csv("\n".join(mixed), "r.csv", ITEMS)
    current = {p.id: p.version for p in PACKS}
    stale = table.stale_versions(current)
    assert len(stale) == 2 and all("0.9.0" in s for s in stale)
    assert any(f"first at line {half + 1}" in s for s in stale)
    assert read_csv("\n".join(text), "r.csv", ITEMS).stale_versions(current) == []


def test_a_planted_biased_item_is_flagged_and_clean_items_are_not() -> None:
    item = ItemKey("commis-de-cuisine", "lina", "T4.3")
    spec = CohortSpec(people=1500, seed=21, condition="model", dif=PlantedDif(item, "language", "ar", 1.0))
    cohort = simulate(SCENARIOS, _model(SHIPPED), spec)
    found = screen_groups(cohort.table, skill_estimates(cohort.table, SHIPPED), ["language", "input", "device"])
    flagged = [d for d in found if d.flagged]
    assert [(d.key, d.focal) for d in flagged] == [(item, "ar")]
    assert flagged[0].smd < 0 and flagged[0].category == "CC"
    assert len(found) > 100  # every item against every focal group was screened


def test_mantel_statistic_matches_a_hand_computed_case() -> None:
    # One stratum, reference scores [0, 1, 2, 1], focal scores [0, 0]: E(F) = 2 * 4/6, Var from the
    # hypergeometric formula nr*nf/(n²(n-1)) * (n Σy² - (Σy)²) = 8/180 * (6*6 - 16).
    credits = np.array([0, 1, 2, 1, 0, 0])
    focal = np.array([False, False, False, False, True, True])
    chi2, p, smd, _ = mantel(credits, focal, np.zeros(6), strata=1)
    expected_chi2 = (0 - 2 * 4 / 6) ** 2 / (8 / 180 * 20)
    assert chi2 == pytest.approx(expected_chi2)
    assert smd == pytest.approx(-1.0) and 0 < p < 1


def test_ets_categories_and_false_discovery_control() -> None:
    assert category(0.01, 0.10) == "AA" and category(0.01, 0.2) == "BB" and category(0.01, 0.3) == "CC"
    assert category(0.2, 0.5) == "AA"
    item = ItemKey("p", "s", "T2.2")
    results = [DifResult(item, "language", "fr", "ar", 100, 100, 0.5, 0.5, -0.3, 0.3, "AA") for _ in range(20)]
    results[5] = DifResult(item, "language", "fr", "ar", 100, 100, 4.2, 0.04, -0.3, 0.3, "CC")
    adjusted = with_false_discovery_control(results)
    assert adjusted[5].p == pytest.approx(0.5)  # min(.04 × 20 / 1, .5 × 20 / 20): not a discovery
    assert all(d.category == "AA" for d in adjusted)
    results[0] = DifResult(item, "language", "fr", "ar", 100, 100, 30.0, 1e-8, -0.3, 0.3, "CC")
    assert with_false_discovery_control(results)[0].category == "CC"


def test_alpha_matches_the_textbook_formula_on_complete_data() -> None:
    rng = np.random.default_rng(2)
    theta = rng.normal(size=500)
    credits = np.stack([sample(rng, 1.2, (-0.5, 0.5), theta) for _ in range(6)], axis=1)
    k = credits.shape[1]
    textbook = k / (k - 1) * (1 - credits.var(axis=0, ddof=1).sum() / credits.sum(axis=1).var(ddof=1))
    assert cronbach_alpha(credits) == pytest.approx(textbook)
    assert np.isnan(cronbach_alpha(credits[:, :1]))


def test_item_statistics_and_reliability_from_a_cohort() -> None:
    cohort = simulate(SCENARIOS, _model(SHIPPED), CohortSpec(people=800, seed=8, condition="model"))
    items, skills = item_and_skill_stats(cohort.table, SHIPPED)
    assert len(items) == len(cohort.table.items)
    assert all(0 <= i.facility <= 1 and i.discrimination_r > 0 for i in items)
    by_skill = {s.skill: s for s in skills}
    assert set(by_skill) == {"T1.2", "T2.2", "T2.3", "T4.1", "T4.2", "T4.3", "T6.1"}
    # More items measure a skill more reliably: T2.3 (9 items here) beats T4.2 (2 items).
    assert by_skill["T2.3"].marginal_reliability > by_skill["T4.2"].marginal_reliability > 0.3
    assert 0.5 < by_skill["T2.3"].alpha < 1

