"""Word bands read from the posterior (docs/scoring.md, "Word bands"): checked with hypothesis on the real
sample scenarios and their item banks. "A clear strength" only where the interval says so and never
from one step; "not enough to say yet" exactly when the range is not shown, never as a level."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.i18n import words_for
from kiosk.scenario.esco import read_skills
from kiosk.scenario.model import Pack
from kiosk.scoring.estimate import Band, Bands, Played, Policy, SkillEstimate, band, score_visit
from kiosk.scoring.explain import BAND_WORDS, GENERAL_TIP, TIPS, skill_words
from tests.unit.test_scoring_estimate import ELECTRICIAN, KITCHEN, _played, visits

SKILLS = read_skills()


def _steps_above(estimate: SkillEstimate) -> int:
    return len({(line.key.pack, line.key.step) for line in estimate.evidence if line.direction > 0})


@settings(max_examples=80, deadline=None)
@given(visits(), visits(ELECTRICIAN))
def test_bands_follow_the_thresholds_on_the_posterior(kitchen: dict[tuple[str, str], int],
                                                      electrician: dict[tuple[str, str], int]) -> None:
    profile = score_visit([_played(KITCHEN, kitchen), _played(ELECTRICIAN, electrician)])
    for estimate in profile.estimates:
        found = band(estimate)
        assert (found == Band.UNKNOWN) == (not estimate.enough)  # never a level word without a range
        if found == Band.STRENGTH:
            assert estimate.low > 0 and _steps_above(estimate) >= 2 and estimate.steps >= Policy().min_steps
        elif found == Band.DEVELOP:
            assert estimate.theta < 0 and estimate.low <= 0
        elif found == Band.SHOWN:
            assert estimate.theta >= 0 and (estimate.low <= 0 or _steps_above(estimate) < 2)


def _full(pack: Pack) -> dict[tuple[str, str], int]:
    return {(step.id, o): pack.scenario.observables[o].max_credit for step in pack.scenario.steps
            for o in {c.observable for c in step.evidence()}}


def _both(credit: Callable[[int], int]) -> list[Played]:
    """Two scenarios (one alone separates no skill in three steps: docs/scoring.md, show rule)."""
    return [_played(pack, {k: credit(v) for k, v in _full(pack).items()}) for pack in (KITCHEN, ELECTRICIAN)]


def test_full_credit_everywhere_is_a_clear_strength_and_none_is_to_develop() -> None:
    strong = score_visit(_both(lambda best: best))
    weak = score_visit(_both(lambda _: 0))
    assert {band(e) for e in strong.estimates} <= {Band.STRENGTH, Band.UNKNOWN}
    assert Band.STRENGTH in {band(e) for e in strong.estimates}
    assert {band(e) for e in weak.estimates} <= {Band.DEVELOP, Band.UNKNOWN}
    assert Band.DEVELOP in {band(e) for e in weak.estimates}


def test_one_step_alone_never_makes_a_clear_strength() -> None:
    """Even an interval above typical needs answers above expectation in two different steps."""
    estimate = next(e for e in score_visit(_both(lambda best: best)).estimates if band(e) == Band.STRENGTH)
    assert band(estimate, Bands(strength_steps=_steps_above(estimate) + 1)) == Band.SHOWN


def test_every_skill_the_packs_measure_has_its_own_tip_in_every_language() -> None:
    measured = {code for pack in (KITCHEN, ELECTRICIAN) for o in pack.scenario.observables.values()
                for code in o.skills}
    assert measured <= set(TIPS)
    for language in ("fr", "ar", "uk"):
        _ = words_for(language).gettext
        tips = [_(tip) for tip in (*TIPS.values(), GENERAL_TIP)]
        assert len(set(tips)) == len(tips) and all(t not in TIPS.values() for t in tips), language
        assert len({_(words) for words in BAND_WORDS.values()}) == len(BAND_WORDS)


def test_not_enough_to_say_yet_reads_as_no_level_in_every_language() -> None:
    one_step = {("livraison", "controle-temperature"): 0}
    estimates = score_visit([_played(KITCHEN, one_step)]).estimates
    for language in ("fr", "en", "ar", "uk"):
        said = skill_words(estimates, SKILLS, language)
        assert all(s.band == Band.UNKNOWN for s in said)
        assert {s.band_words for s in said} == {words_for(language).gettext("not enough to say yet")}


@settings(max_examples=30, deadline=None)
@given(visits(), st.sampled_from(["fr", "en", "ar", "uk"]))
def test_evidence_is_in_full_sentences_never_signed_never_repeated(credits: dict[tuple[str, str], int],
                                                                   language: str) -> None:
    estimates = score_visit([_played(KITCHEN, credits)]).estimates
    said = skill_words(estimates, SKILLS, language)
    sentences = [s for line in said for s in line.evidence]
    assert len(sentences) == len(set(sentences))
    assert all(1 <= len(line.evidence) <= 2 or not line.evidence for line in said)
    for sentence in sentences:
        assert sentence.rstrip()[-1] in ".!?…»" and not sentence.endswith((" +", " –"))
        assert words_for(language).gettext("not seen this time: {text}").split("{")[0] not in sentence
