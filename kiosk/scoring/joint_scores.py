"""The joint model as the kiosk uses it: every skill of a visit at once, with the settings calibration
wrote (prior correlation ρ, split-half widening κ), and the counts the show rule reads.

`score_visit` (one visit) and `kiosk scoring validate` (whole cohorts) both go through `score_joint`,
so the validation measures exactly what a visitor is shown. `joint_settings` is what
`kiosk scoring calibrate` (and the validation's calibration step) learns for the joint model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from kiosk.scenario.item_bank import JointSettings
from kiosk.scoring.bank import ItemParams
from kiosk.scoring.gpcm import FloatArray
from kiosk.scoring.items import ItemKey
from kiosk.scoring.joint import (
    correlation_matrix,
    estimated_correlation,
    joint_posterior,
    loading_matrix,
    split_half_inflation,
)
from kiosk.scoring.posterior import MISSING, IntMatrix
from kiosk.scoring.psychometrics import skill_estimates
from kiosk.scoring.responses import ResponseTable
from kiosk.scoring.separation import separating_items

Loadings = Mapping[ItemKey, Mapping[str, float]]


@dataclass(frozen=True, slots=True)
class JointScores:
    """Per visit (rows) and skill (columns, `skills` order)."""

    skills: tuple[str, ...]
    mode: FloatArray  # the estimate shown: posterior mode
    sd: FloatArray  # posterior SD, widened by κ
    low: FloatArray  # equal-tailed interval at `level` of the normal marginal
    high: FloatArray
    steps: np.ndarray  # items answered on the skill: one per step (kiosk.scoring.items)
    separating: np.ndarray  # of those, steps whose credit table separates the skill (kiosk.scoring.separation)


def score_joint(credits: IntMatrix, items: Sequence[ItemKey], params: Sequence[ItemParams], loadings: Loadings,
                settings: JointSettings, level: float = 0.90) -> JointScores:
    """The Laplace posterior of every visit over every skill its items bear on, as a shown interval."""
    skills = tuple(sorted({key.skill for key in items}))
    prior = correlation_matrix(len(skills), settings.correlation)
    matrix = loading_matrix(items, skills, loadings, prior)
    result = joint_posterior(credits, params, matrix, prior)
    sd = result.sd * settings.inflation
    half = NormalDist().inv_cdf(0.5 + level / 2) * sd
    own = np.array([[key.skill == skill for skill in skills] for key in items], dtype=np.int64).reshape(
        len(items), len(skills))
    apart = separating_items(items, loadings)
    separating = own * np.array([[key in apart] for key in items], dtype=np.int64).reshape(len(items), 1)
    seen = (credits != MISSING).astype(np.int64)
    return JointScores(skills, result.mode, sd, result.mode - half, result.mode + half, seen @ own, seen @ separating)


def split_halves(items: Sequence[ItemKey]) -> np.ndarray:
    """True for the items of one half of the split-half check: every other scenario (pack), when the cohort
    played several. Scenarios differ most in which skills their steps tie together, so a blend of skills
    that one-skill items would hide shows up as disagreement between them. A cohort of one pack is split
    into alternate steps (by step id; a step's items stay together), a weaker check: halves of one scenario
    share its blends."""
    packs = sorted({key.pack for key in items})
    if len(packs) > 1:
        return np.array([packs.index(key.pack) % 2 == 0 for key in items], dtype=bool)
    steps = sorted({key.step for key in items})
    return np.array([steps.index(key.step) % 2 == 0 for key in items], dtype=bool)


def joint_settings(table: ResponseTable, params: Mapping[ItemKey, ItemParams], loadings: Loadings) -> JointSettings:
    """ρ and κ from a calibration cohort, never from a true skill: ρ is the average correlation of the
    visits' one-skill estimates; κ the split-half check (kiosk.scoring.joint.split_half_inflation)."""
    correlation = estimated_correlation(skill_estimates(table, params))
    skills = tuple(sorted({key.skill for key in table.items}))
    prior = correlation_matrix(len(skills), correlation)
    item_skill = np.array([skills.index(key.skill) for key in table.items])
    inflation = split_half_inflation(table.credits, [params[key] for key in table.items],
                                     loading_matrix(table.items, skills, loadings, prior), prior, item_skill,
                                     split_halves(table.items))
    return JointSettings(round(correlation, 3), round(inflation, 3))


def combined_settings(settings: Sequence[JointSettings]) -> JointSettings:
    """One visit's settings when it played packs calibrated apart: the mean correlation and the widest
    inflation (never narrower than any pack's check asks for)."""
    if not settings:
        return JointSettings()
    return JointSettings(float(np.mean([s.correlation for s in settings])), max(s.inflation for s in settings))
