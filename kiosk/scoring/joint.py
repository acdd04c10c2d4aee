"""A joint posterior over every skill a visit touched: a step's answer depends on all the skills
the step bears on, not on one at a time.

When a visitor picks one option at a step, the credits it gives on each of the step's skills come
from the same choice. Scored one skill at a time, the items of a skill all carry the other skills
too, and the intervals are too sure of themselves (docs/scoring.md). Here each step × skill item
follows the GPCM on a *composite* of the step's skills,

    η_i = Σ_k w_ik θ_k,   P(X_i = x | θ) = GPCM(x | a_i, b_i, η_i),

with loadings w_ik read from the scenario's own credit table (how the credit on skill k goes
with the credit on the item's skill across the step's answers; 1 on its own skill, 0 where
they never go together) and scaled so that η_i has unit variance in the population, the scale
on which the item was calibrated. The skills have a correlated normal prior N(0, s²R). The
posterior is approximated at its mode (Laplace): Newton steps vectorised over visits, every
skill at once, then the marginal mean and SD of each skill.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kiosk.scenario.evidence import answers, observe
from kiosk.scenario.model import Scenario
from kiosk.scoring.bank import ItemParams
from kiosk.scoring.gpcm import PRIOR_SD, FloatArray, log_probs
from kiosk.scoring.items import ItemKey, step_items
from kiosk.scoring.posterior import MISSING, IntMatrix

Z90 = 1.6448536269514722  # the 95th percentile of N(0, 1): ends of a 90 % interval
MAX_NEWTON = 40
NEWTON_TOLERANCE = 1e-5
MAX_NEWTON_STEP = 1.0  # logits; keeps the first steps of a visit with extreme answers from overshooting


def step_loadings(pack_id: str, scenario: Scenario) -> dict[ItemKey, dict[str, float]]:
    """item -> skill -> raw loading: how the step's credit on that skill goes with the item's own, over
    every answer the step accepts (Pearson correlation of the credit shares, negative ones dropped)."""
    found: dict[ItemKey, dict[str, float]] = {}
    for step in scenario.steps:
        items = step_items(pack_id, scenario, step)
        if not items:
            continue
        rows = []
        for answer in answers(step):
            credits = {o.observable: o.credit for o in observe(scenario, step, answer, timed_out=not answer)}
            rows.append([item.credit(credits) / item.max_credit for item in items])
        shares = np.asarray(rows, dtype=np.float64)
        for i, item in enumerate(items):
            found[item.key] = {other.key.skill: 1.0 if i == j else _positive_correlation(shares[:, i], shares[:, j])
                               for j, other in enumerate(items)}
    return found


def _positive_correlation(x: FloatArray, y: FloatArray) -> float:
    if x.std() == 0 or y.std() == 0:
        return 0.0
    return max(float(np.corrcoef(x, y)[0, 1]), 0.0)


def correlation_matrix(skills: int, correlation: float) -> FloatArray:
    matrix = np.full((skills, skills), correlation)
    np.fill_diagonal(matrix, 1.0)
    return matrix


def loading_matrix(items: Sequence[ItemKey], skills: Sequence[str], loadings: Mapping[ItemKey, Mapping[str, float]],
                   correlation: FloatArray) -> FloatArray:
    """(items, skills) loadings, each row scaled so the composite has unit variance under `correlation`."""
    column = {s: n for n, s in enumerate(skills)}
    matrix = np.zeros((len(items), len(skills)))
    for row, key in enumerate(items):
        for skill, weight in loadings.get(key, {key.skill: 1.0}).items():
            if skill in column:
                matrix[row, column[skill]] = weight
        matrix[row, column[key.skill]] = 1.0
    scale = np.sqrt(np.einsum("id,de,ie->i", matrix, correlation, matrix))
    result: FloatArray = matrix / scale[:, None]
    return result


@dataclass(frozen=True, slots=True)
class JointPosterior:
    mode: FloatArray  # (visits, skills)
    covariance: FloatArray  # (visits, skills, skills): inverse of the negative Hessian at the mode

    @property
    def sd(self) -> FloatArray:
        result: FloatArray = np.sqrt(np.einsum("ndd->nd", self.covariance))
        return result

    def interval(self, inflation: float = 1.0) -> tuple[FloatArray, FloatArray]:
        """Equal-tailed 90 % interval of each skill's (normal) marginal, its SD times `inflation`."""
        half = Z90 * inflation * self.sd
        return self.mode - half, self.mode + half


def joint_posterior(credits: IntMatrix, params: Sequence[ItemParams], loadings: FloatArray, correlation: FloatArray,
                    prior_sd: float = PRIOR_SD) -> JointPosterior:
    """Laplace approximation to p(θ | answers) ∝ N(θ; 0, s²R) Π_i GPCM(x_i | a_i, b_i, w_i·θ), for every visit.

    The GPCM's derivatives in η are a(x − E[X]) and −a² Var[X], so the gradient is Σ_i w_i a_i (x_i − E_i)
    − P θ and the Hessian −Σ_i w_i w_iᵀ a_i² V_i − P over the items the visit answered (P = (s²R)⁻¹)."""
    precision: FloatArray = np.asarray(np.linalg.inv(correlation * prior_sd**2), dtype=np.float64)
    seen = credits != MISSING
    slopes = np.array([p.a for p in params])
    theta = np.zeros((credits.shape[0], loadings.shape[1]))
    for _ in range(MAX_NEWTON):
        gradient, hessian = _derivatives(credits, seen, params, slopes, loadings, precision, theta)
        step = np.linalg.solve(hessian, gradient[:, :, None])[:, :, 0]
        step = np.clip(step, -MAX_NEWTON_STEP, MAX_NEWTON_STEP)
        theta = theta - step
        if float(np.abs(step).max(initial=0.0)) < NEWTON_TOLERANCE:
            break
    _, hessian = _derivatives(credits, seen, params, slopes, loadings, precision, theta)
    return JointPosterior(theta, np.asarray(np.linalg.inv(-hessian), dtype=np.float64))


def with_parameter_uncertainty(result: JointPosterior, credits: IntMatrix, params: Sequence[ItemParams],
                               loadings: FloatArray, standard_errors: Sequence[Sequence[float] | None]
                               ) -> JointPosterior:
    """The posterior's covariance plus what the items' calibration errors add to it (delta method).

    The mode solves g(θ; β) = 0, so dθ̂/dβ = −H⁻¹ ∂g/∂β. For item i, g holds w_i a (x − E[X]) with
    ∂/∂log a = a(x − E) − a² Cov(X, s_X), s_k = Σ_{j≤k}(η − b_j), and ∂/∂b_j = a² Cov(X, [X ≥ j]).
    With independent parameter errors (`standard_errors[i]`: (log a, b₁..bₘ), None where the item kept
    its start values), the extra covariance is H⁻¹ (Σ_i v_i w_i w_iᵀ) H⁻¹, v_i = Σ_p (∂g_i/∂β_p)² se_p²."""
    seen = credits != MISSING
    eta = result.mode @ loadings.T
    extra = np.zeros_like(eta)
    for i, (item, errors) in enumerate(zip(params, standard_errors, strict=True)):
        if errors is None:
            continue
        b = np.asarray(item.b)
        probs = np.exp(log_probs(item.a, b, eta[:, i]))  # (m + 1, visits)
        k = np.arange(probs.shape[0], dtype=np.float64)
        mean_k = k @ probs
        partial = np.vstack([np.zeros((1, eta.shape[0])), np.cumsum(eta[None, :, i] - b[:, None], axis=0)])
        cov_ks = (k[:, None] * partial * probs).sum(axis=0) - mean_k * (partial * probs).sum(axis=0)
        d_log_a = item.a * (credits[:, i] - mean_k) - item.a**2 * cov_ks
        variance = (d_log_a * errors[0]) ** 2
        for j, se in enumerate(errors[1:], start=1):
            at_least = probs[j:].sum(axis=0)
            cov_kj = (k[j:, None] * probs[j:]).sum(axis=0) - mean_k * at_least
            variance += (item.a**2 * cov_kj * se) ** 2
        extra[:, i] = np.where(seen[:, i], variance, 0.0)
    middle = np.einsum("ni,id,ie->nde", extra, loadings, loadings)
    covariance = result.covariance + result.covariance @ middle @ result.covariance
    return JointPosterior(result.mode, np.asarray(covariance, dtype=np.float64))


def _derivatives(credits: IntMatrix, seen: np.ndarray, params: Sequence[ItemParams], slopes: FloatArray,
                 loadings: FloatArray, precision: FloatArray, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
    eta = theta @ loadings.T  # (visits, items)
    expected = np.zeros_like(eta)
    variance = np.zeros_like(eta)
    for i, item in enumerate(params):  # fixed item order: the same bits every time
        probs = np.exp(log_probs(item.a, item.b, eta[:, i]))  # (m + 1, visits)
        k = np.arange(probs.shape[0], dtype=np.float64)
        expected[:, i] = k @ probs
        variance[:, i] = (k**2) @ probs - expected[:, i] ** 2
    residual = np.where(seen, slopes * (credits - expected), 0.0)
    gradient: FloatArray = residual @ loadings - theta @ precision
    weight = np.where(seen, slopes**2 * variance, 0.0)
    hessian: FloatArray = -np.einsum("ni,id,ie->nde", weight, loadings, loadings) - precision[None, :, :]
    return gradient, hessian


def estimated_correlation(estimates: Mapping[str, FloatArray]) -> float:
    """The skills' average correlation in a cohort, from their one-skill-at-a-time estimates, kept in
    [0, 0.9]: the prior's correlation, estimated from the calibration cohort (never from the truth)."""
    skills = sorted(estimates)
    values = []
    for i, first in enumerate(skills):
        for second in skills[i + 1:]:
            x, y = estimates[first], estimates[second]
            both = np.isfinite(x) & np.isfinite(y)
            if both.sum() > 2 and x[both].std() > 0 and y[both].std() > 0:
                values.append(float(np.corrcoef(x[both], y[both])[0, 1]))
    return float(np.clip(np.mean(values), 0.0, 0.9)) if values else 0.0


#: The split-half check scores each half under a weak prior: with a flat-ish prior the two halves'
#: errors are independent, so (m_A − m_B)² should average V_A + V_B when the model holds.
SPLIT_HALF_PRIOR_SD = 3.0


def split_half_inflation(credits: IntMatrix, params: Sequence[ItemParams], loadings: FloatArray,
                         correlation: FloatArray, item_skill: np.ndarray, half: np.ndarray) -> float:
    """How much wider the posterior SDs must be to hold what independent evidence shows (≥ 1).

    A posterior predictive check on the calibration cohort that needs no true skill: each visit's
    items are split in two halves answered independently (`half`: True for the items of one half,
    e.g. every other scenario; `item_skill`: each item's skill column), each half is scored alone,
    and the standardised disagreement z = (m_A − m_B) / √(V_A + V_B) is collected over every visit
    and skill seen in both halves.
    Under the model E[z²] = 1; the factor is √(mean z²), never below 1 (the model's own intervals
    are not narrowed)."""
    first = np.where(half[None, :], credits, MISSING)
    second = np.where(~half[None, :], credits, MISSING)
    a = joint_posterior(first, params, loadings, correlation, SPLIT_HALF_PRIOR_SD)
    b = joint_posterior(second, params, loadings, correlation, SPLIT_HALF_PRIOR_SD)
    z2: list[FloatArray] = []
    for d in range(loadings.shape[1]):
        own = item_skill == d
        both = ((first[:, own] != MISSING).any(axis=1)) & ((second[:, own] != MISSING).any(axis=1))
        if both.any():
            gap = a.mode[both, d] - b.mode[both, d]
            z2.append(gap**2 / (a.covariance[both, d, d] + b.covariance[both, d, d]))
    if not z2:
        return 1.0
    return float(np.sqrt(max(float(np.mean(np.concatenate(z2))), 1.0)))
