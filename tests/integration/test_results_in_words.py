"""Results in words through the real host: a visitor who answers badly on purpose in every scenario
meets key moments that never shame, and results that never call anything weak, bad or failed, in any
language; every skill to develop comes with a tip, and nothing is said twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.runtime.actions import Choose, Confirm, Intent, Proceed, Toggle
from kiosk.runtime.pilot import Pilot
from kiosk.runtime.session_screen import SessionScreen
from kiosk.scenario.model import HotspotStep, OrderingStep
from tests.language_check import texts
from tests.visit_kit import Kit, make_kit, start_scenario

PACKS = ("electricien-batiment", "commis-de-cuisine", "agent-logistique")

# Words a results or debrief screen must never use, in every language the kiosk speaks (case-insensitive,
# whole words or word starts). "Not enough to say yet" is never weak; a moment done differently is
# "another way", never "wrong".
NEVER = {
    "en": ["weak", "bad", "badly", "fail", "failed", "failure", "poor", "wrong"],
    "fr": ["faible", "mauvais", "mauvaise", "échec", "échoué", "raté", "nul", "nulle", "insuffisant", "faux",
           "erreur de votre part"],
    "ar": ["ضعيف", "ضعيفة", "سيئ", "سيّئ", "رسوب", "راسب", "فشل", "فاشل", "خاطئ", "خطأ منك"],
    "uk": ["слабк", "погано", "поганий", "провал", "невдач", "неправильн", "помилков"],
}


def _credit(option_evidence: tuple[object, ...]) -> int:
    return sum(getattr(c, "credit", 0) for c in option_evidence)


def answer_badly(pilot: Pilot, screen: SessionScreen) -> None:
    """Play the scenario to its end taking the answer worth least each time (a distractor in a
    several-answer step, the order as shown)."""
    for _ in range(200):
        if pilot.page() != "play" or screen.play is None:
            return
        step = screen.packs[screen.session.trade].scenario.step(screen.play.step_id)
        if screen.play.feedback is not None or pilot.has(Proceed()):
            pilot.tap(Proceed())
        elif isinstance(step, OrderingStep):
            pilot.tap(Confirm())
        elif pilot.has(Toggle):
            worst = min(step.options(), key=lambda o: _credit(o.evidence))
            pilot.tap(Toggle(worst.id))
            pilot.tap(Confirm())
        else:
            options = step.spots if isinstance(step, HotspotStep) else step.options()
            worst = min(options, key=lambda o: _credit(o.evidence))
            pilot.tap(Choose(worst.id))
    raise AssertionError("the scenario did not end")


def _bad_visit(published_scenarios: Path, tmp_path: Path, language: str) -> tuple[Kit, list[list[str]]]:
    """Three scenarios answered badly; the texts of each debrief screen."""
    kit = make_kit(published_scenarios, tmp_path / f"{language}.db")
    p = kit.pilot
    debriefs = []
    start_scenario(p, language, PACKS[0], phone=True)
    for index, pack in enumerate(PACKS):
        if index:
            p.tap(Intent("back"))  # another trade in the same visit
            p.tap(Intent("trade", pack))
            p.tap(Intent("next"))
        answer_badly(p, kit.screen)
        assert p.page() == "debrief"
        debriefs.append(texts(p.view().root))
        p.tap(Intent("next"))
        assert p.page() == "results"
    return kit, debriefs


def _never_said(texts: list[str], language: str) -> None:
    joined = " ".join(texts).lower()
    for word in NEVER[language] + NEVER["en"]:
        assert not re.search(rf"(?<!\w){re.escape(word)}", joined), (language, word)


@pytest.mark.parametrize("language", ["fr", "en", "ar", "uk"])
def test_a_visit_answered_badly_hears_another_way_and_a_tip_never_weak(published_scenarios: Path, tmp_path: Path,
                                                                       language: str) -> None:
    kit, debriefs = _bad_visit(published_scenarios, tmp_path, language)
    words = kit.screen.words
    for shown in debriefs:
        assert shown.count(words.gettext("Here is another way to do it")) >= 2  # the worst moments come first
        _never_said(shown, language)
    skills = kit.screen.outcome().skills
    develop = [s for s in skills if s.band == "develop"]
    assert develop, [(s.name, s.band) for s in skills]  # three scenarios answered badly: enough to say
    assert not [s for s in skills if s.band == "strength"]
    for line in skills:
        assert line.tip and line.band_words == words.gettext(
            {"develop": "to develop", "shown": "shown", "unknown": "not enough to say yet"}[line.band])
        assert all(not re.search(r"[+–−]\s*$", sentence) for sentence in line.evidence)  # no +/– notation
    said = [sentence for line in skills for sentence in line.evidence]
    assert len(said) == len(set(said))  # no sentence under two skills
    shown = texts(kit.pilot.view().root)
    assert any(s.tip in text for s in skills[:4] for text in shown)
    assert any(skills[0].range_ends[1] == text for text in shown)
    _never_said(shown + said + [s.tip for s in skills] + [s.band_words for s in skills], language)
