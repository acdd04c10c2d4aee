"""The joint model as the kiosk uses it: score_visit reads the bank's joint settings, and the cohort scorer
the validation uses gives each visit exactly what score_visit shows that visitor."""

from __future__ import annotations

import dataclasses

import numpy as np

from kiosk.scenario.evidence import Observation, observables_of
from kiosk.scenario.item_bank import JointSettings
from kiosk.scoring.bank import read_bank
from kiosk.scoring.estimate import Played, Policy, responses_of, score_visit
from kiosk.scoring.joint import step_loadings
from kiosk.scoring.joint_scores import combined_settings, score_joint, split_halves
from kiosk.scoring.posterior import MISSING
from tests.unit.test_scoring_estimate import _pack

PACKS = [_pack("commis-de-cuisine"), _pack("electricien-batiment")]


def _visit(credit: int, joint: JointSettings | None = None) -> list[Played]:
    """Every observable of both packs at `credit` (capped at its maximum)."""
    played = []
    for pack in PACKS:
        bank = read_bank(pack)
        assert bank is not None
        if joint is not None:
            bank = dataclasses.replace(bank, joint=joint)
        observations = tuple(Observation(step.id, o, min(credit, pack.scenario.observables[o].max_credit),
                                         pack.scenario.observables[o].max_credit, ())
                             for step in pack.scenario.steps for o in observables_of(step))
        played.append(Played(pack.id, pack.scenario, bank, observations))
    return played


def test_the_banks_inflation_widens_every_interval_around_the_same_estimate() -> None:
    plain = score_visit(_visit(1, JointSettings(0.0, 1.0)))
    wider = score_visit(_visit(1, JointSettings(0.0, 2.0)))
    for a, b in zip(plain.estimates, wider.estimates, strict=True):
        assert b.theta == a.theta and abs(b.sd - 2 * a.sd) < 1e-12
        assert abs((b.high - b.low) - 2 * (a.high - a.low)) < 1e-9


def test_the_banks_correlation_lets_skills_borrow_from_each_other() -> None:
    apart = score_visit(_visit(2, JointSettings(0.0, 1.0)))
    together = score_visit(_visit(2, JointSettings(0.6, 1.0)))
    assert [a.skill for a in apart.estimates] == [b.skill for b in together.estimates]
    assert any(abs(a.theta - b.theta) > 1e-3 for a, b in zip(apart.estimates, together.estimates, strict=True))


def test_packs_calibrated_apart_take_the_mean_correlation_and_the_widest_inflation() -> None:
    assert combined_settings([JointSettings(0.2, 1.1), JointSettings(0.6, 1.3)]) == JointSettings(0.4, 1.3)
    assert combined_settings([]) == JointSettings(0.0, 1.0)


def test_the_cohort_scorer_gives_each_visit_what_score_visit_shows_it() -> None:
    """The validation scores cohorts with score_joint: row by row it must be the kiosk's own estimate."""
    visits = [_visit(0), _visit(1), _visit(3)]
    keys = sorted({r.key for v in visits for r in responses_of(v)})
    credits = np.full((len(visits), len(keys)), MISSING, dtype=np.int64)
    params = {}
    for row, visit in enumerate(visits):
        for response in responses_of(visit):
            credits[row, keys.index(response.key)] = response.credit
            params[response.key] = response.params
    loadings = {k: w for pack in PACKS for k, w in step_loadings(pack.id, pack.scenario).items()}
    bank = read_bank(PACKS[0])
    assert bank is not None
    scores = score_joint(credits, keys, [params[k] for k in keys], loadings, bank.joint)
    policy = Policy()
    for row, visit in enumerate(visits):
        for estimate in score_visit(visit, policy).estimates:
            d = scores.skills.index(estimate.skill)
            assert abs(scores.mode[row, d] - estimate.theta) < 1e-9 and abs(scores.sd[row, d] - estimate.sd) < 1e-9
            shown = policy.shows(int(scores.steps[row, d]), float(scores.low[row, d]), float(scores.high[row, d]),
                                 int(scores.separating[row, d]))
            assert shown == estimate.enough and scores.steps[row, d] == estimate.steps


def test_the_split_half_check_compares_scenarios_or_alternate_steps_of_one() -> None:
    keys = sorted({r.key for r in responses_of(_visit(1))})
    halves = split_halves(keys)
    assert {bool(h) for k, h in zip(keys, halves, strict=True) if k.pack == PACKS[0].id} in ({True}, {False})
    one = [k for k in keys if k.pack == PACKS[0].id]
    alone = split_halves(one)
    assert alone.any() and not alone.all()
    by_step = {k.step: bool(h) for k, h in zip(one, alone, strict=True)}
    assert all(by_step[k.step] == bool(h) for k, h in zip(one, alone, strict=True))  # a step's items stay together
