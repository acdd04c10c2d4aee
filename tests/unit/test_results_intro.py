"""The results page says how to read its bars only when a bar is drawn: when no skill is placed yet,
it says why and what to do instead (a visit of one scenario separates no skill three times)."""

from __future__ import annotations

import pytest

from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.runtime.outcome import Outcome, SkillLine
from kiosk.runtime.pages import results_page
from tests.language_check import texts

CATALOGS = Catalogs.load(NATIVE_NAMES)
BAR = "The bar shows where you stand among visitors. The wider it is, the less sure we are."
TOO_FEW = "Not enough moments yet to place a skill among visitors. Try another trade to learn more."


def _line(enough: bool) -> SkillLine:
    band = "shown" if enough else "unknown"
    words = "shown" if enough else "not enough to say yet"
    return SkillLine("Solving problems", band, words, ("less often", "more often"),
                     ("You reported the broken fridge.",), "Say what you see.", enough,
                     30.0 if enough else 0.0, 70.0 if enough else 100.0)


@pytest.mark.parametrize("language", sorted(NATIVE_NAMES))
def test_the_bar_is_explained_only_when_one_is_drawn(language: str) -> None:
    words = CATALOGS.words(language)
    bar, too_few = words.gettext(BAR), words.gettext(TOO_FEW)
    assert too_few != TOO_FEW or language == "en"  # translated in every catalogue

    def shown(outcome: Outcome) -> list[str]:
        scene, _targets = results_page(outcome, words)
        return texts(scene.root)

    unplaced = shown(Outcome(skills=(_line(False), _line(False))))
    assert too_few in unplaced and bar not in unplaced
    placed = shown(Outcome(skills=(_line(False), _line(True))))
    assert bar in placed and too_few not in placed
    nothing = shown(Outcome())
    assert bar not in nothing and too_few not in nothing
    assert words.gettext("Not enough answers to say anything yet: try a scenario to the end.") in nothing
