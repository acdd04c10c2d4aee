"""The joint posterior over a visit's skills (kiosk.scoring.joint), checked against the grid posterior
it generalises, the scenarios' credit tables, and data drawn from a blended model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kiosk.scenario.load import inspect_pack
from kiosk.scoring import gpcm
from kiosk.scoring.bank import ItemParams
from kiosk.scoring.items import ItemKey
from kiosk.scoring.joint import (
    correlation_matrix,
    joint_posterior,
    loading_matrix,
    split_half_inflation,
    step_loadings,
    with_parameter_uncertainty,
)
from kiosk.scoring.posterior import posterior, summarise

REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _items(rng: np.random.Generator, count: int) -> list[ItemParams]:
    return [ItemParams(float(rng.uniform(0.8, 2.0)), tuple(sorted(rng.normal(0.0, 1.0, 2)))) for _ in range(count)]


def _answers(rng: np.random.Generator, params: list[ItemParams], eta: np.ndarray) -> np.ndarray:
    return np.stack([gpcm.sample(rng, p.a, p.b, eta[:, i]) for i, p in enumerate(params)], axis=1)


def test_with_one_skill_it_agrees_with_the_grid_posterior() -> None:
    rng = np.random.default_rng(1)
    params = _items(rng, 12)
    theta = rng.normal(0.0, 1.0, 300)
    credits = _answers(rng, params, np.tile(theta[:, None], (1, 12)))
    joint = joint_posterior(credits, params, np.ones((12, 1)), np.ones((1, 1)))
    grid = summarise(posterior(credits, params))
    # Laplace (mode, curvature) against the exact grid posterior (mean, SD): close for most visitors when
    # 12 items inform; the skewed posteriors of extreme visitors are where the two part most
    gap, sd_gap = np.abs(joint.mode[:, 0] - grid.mean), np.abs(joint.sd[:, 0] - grid.sd)
    assert np.quantile(gap, 0.9) < 0.1 and gap.max() < 0.3
    assert np.quantile(sd_gap, 0.9) < 0.05 and sd_gap.max() < 0.15
    assert np.corrcoef(joint.mode[:, 0], grid.mean)[0, 1] > 0.99
    low, high = joint.interval()
    assert np.all(low[:, 0] < joint.mode[:, 0]) and np.all(joint.mode[:, 0] < high[:, 0])


def test_loadings_come_from_the_credit_tables() -> None:
    found: dict[ItemKey, dict[str, float]] = {}
    for folder in sorted(REPO_SCENARIOS.iterdir()):
        pack = inspect_pack(folder, check_manifest=False).draft
        assert pack is not None
        found.update(step_loadings(pack.id, pack.scenario))
    assert found
    for key, row in found.items():
        assert row[key.skill] == 1.0
        assert all(0.0 <= w <= 1.0 for w in row.values())
    # a choice that credits several skills at once makes its items load on each other's skills
    assert any(w > 0.5 for key, row in found.items() for skill, w in row.items() if skill != key.skill)
    keys = sorted(found)
    skills = sorted({k.skill for k in keys})
    prior = correlation_matrix(len(skills), 0.4)
    matrix = loading_matrix(keys, skills, found, prior)
    np.testing.assert_allclose(np.einsum("id,de,ie->i", matrix, prior, matrix), 1.0)


def _blended_cohort(rng: np.random.Generator, partner: np.ndarray, skills: int, prior: np.ndarray,
                    params: list[ItemParams], item_skill: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Answers whose items load on their own skill and on `partner[i]` (loadings 0.6–1): (credits, loadings)."""
    count = item_skill.size
    blended = np.zeros((count, skills))
    blended[np.arange(count), item_skill] = 1.0
    blended[np.arange(count), partner] = rng.uniform(0.6, 1.0, count)
    blended /= np.sqrt(np.einsum("id,de,ie->i", blended, prior, blended))[:, None]
    theta = rng.multivariate_normal(np.zeros(skills), prior, size=2000)
    return _answers(rng, params, theta @ blended.T), blended


def test_the_split_half_check_widens_only_what_a_blend_makes_too_sure() -> None:
    rng = np.random.default_rng(7)
    skills, count = 3, 36
    prior = correlation_matrix(skills, 0.3)
    params = _items(rng, count)
    item_skill = np.arange(count) % skills
    half = np.arange(count) < count // 2
    # each half blends other skills in (as the scenarios do: one choice credits several skills)
    partner = np.where(half, (item_skill + 1) % skills, (item_skill + 2) % skills)
    credits, blended = _blended_cohort(rng, partner, skills, prior, params, item_skill)
    # scored with the loadings that generated the answers, the posteriors hold what the halves show
    assert split_half_inflation(credits, params, blended, prior, item_skill, half) < 1.05
    # scored one skill at a time, the halves disagree more than the posteriors claim
    one_skill = np.eye(skills)[item_skill]
    assert split_half_inflation(credits, params, one_skill, prior, item_skill, half) > 1.1
    # its limit: a blend both halves share makes them agree, and the check cannot see it (docs/scoring.md)
    same, _ = _blended_cohort(rng, (item_skill + 1) % skills, skills, prior, params, item_skill)
    assert split_half_inflation(same, params, one_skill, prior, item_skill, half) < 1.05


def test_item_calibration_errors_widen_by_how_far_they_move_the_estimate() -> None:
    rng = np.random.default_rng(3)
    params = _items(rng, 8)
    credits = _answers(rng, params, np.tile(rng.normal(0.0, 1.0, 30)[:, None], (1, 8)))
    loadings, prior = np.ones((8, 1)), np.ones((1, 1))
    base = joint_posterior(credits, params, loadings, prior)
    for which, se in ((0, 0.2), (2, 0.3)):  # log a of item 0, then its second threshold
        errors: list[list[float] | None] = [None] * 8
        errors[0] = [0.0, 0.0, 0.0]
        errors[0][which] = se
        wider = with_parameter_uncertainty(base, credits, params, loadings, errors)
        # the same sensitivity by finite differences: move the parameter, find the mode again
        moved = []
        for sign in (1.0, -1.0):
            x = [np.log(params[0].a), *params[0].b]
            x[which] += sign * 1e-4
            changed = [ItemParams(float(np.exp(x[0])), tuple(x[1:])), *params[1:]]
            moved.append(joint_posterior(credits, changed, loadings, prior).mode[:, 0])
        sensitivity = (moved[0] - moved[1]) / 2e-4
        np.testing.assert_allclose(wider.covariance[:, 0, 0] - base.covariance[:, 0, 0], (sensitivity * se) ** 2,
                                   rtol=0.02, atol=1e-7)
