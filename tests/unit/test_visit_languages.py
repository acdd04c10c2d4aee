"""Done-when check of issue 18: a visit in Arabic and in Ukrainian, through every screen and a scenario of
each pack, shows no Latin-script French or English sentence outside proper names and codes.

Every scene the screen produces (each one the pilot would hand to the renderer) is walked and every Text
node and button label inspected. A text fails when most of its letters are Latin and it contains a common
French or English word; before that check, the names a visitor must see as written are taken out: the
offers' titles, employers and towns (an employer's ad is not translated), ROME codes, brand and language
names, "Oui chef !"-style trade words quoted in «…» with their gloss, units and codes (°C, mA, VAT).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.media.captions import parse_vtt
from kiosk.runtime.actions import Intent
from kiosk.view.nodes import Scene
from tests.language_check import latin_sentence, texts
from tests.visit_kit import Kit, make_kit, read_debrief, start_scenario

PACKS = ["agent-logistique", "aide-a-domicile", "commis-de-cuisine", "conducteur-routier", "electricien-batiment"]


def test_the_check_tells_a_sentence_from_names_and_codes() -> None:
    assert latin_sentence("Choisissez un métier") and latin_sentence("Your badges and the offers")
    assert latin_sentence("اختر Continue to the next step")  # mostly Latin: fails
    assert latin_sentence("not seen this time: ви допомагали колегам")  # English words inside Ukrainian
    assert not latin_sentence("اختر مهنة") and not latin_sentence("Оберіть професію")
    assert not latin_sentence("G1602") and not latin_sentence("230 V · 16 A · 20 °C")
    assert not latin_sentence("Commis de cuisine — Brasserie des Terreaux")  # an offer as the employer wrote it
    assert not latin_sentence("قل «Oui chef !» (نعم يا شيف!)") and not latin_sentence("English")


def walk(kit: Kit, language: str) -> dict[str, list[str]]:
    """The whole visit in `language`; every text shown once the visitor chose it, by screen label."""
    shown: dict[str, list[str]] = {}

    def seen(scene: Scene) -> None:
        if kit.screen.session.language == language:  # not the attract poster and language page before the choice
            shown.setdefault(":".join(scene.labels[:2]) or "?", []).extend(texts(scene.root))

    p = kit.pilot
    p.draw = seen
    kit.screen.captions = lambda path: parse_vtt(path.read_text(encoding="utf-8"), str(path))  # the real files
    start_scenario(p, language, PACKS[0], phone=True)
    p.answer_scenario()
    for pack in PACKS[1:]:
        read_debrief(p)
        assert p.page() == "results"
        p.tap(Intent("back"))  # another trade in the same visit
        p.tap(Intent("trade", pack))
        p.tap(Intent("next"))
        p.answer_scenario()
    for page in ("debrief", "results", "offers", "handoff", "thanks"):
        assert p.page() == page
        seen(p.view())
        p.tap(Intent("next"))
    return shown


@pytest.mark.parametrize("language", ["ar", "uk"])
def test_a_whole_visit_shows_no_french_or_english_sentence(language: str, published_scenarios: Path,
                                                           tmp_path: Path) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    shown = walk(kit, language)
    screens = {label.split(":")[0] for label in shown}
    captions = {text for label, seen_texts in shown.items() for text in seen_texts
                if (published_scenarios / "commis-de-cuisine" / "media" / f"arrivee.{language}.vtt").read_text(
                    encoding="utf-8").count(text) and len(text) > 10}
    assert captions, "the clips' captions in the visitor's language were on screen"
    assert {"consent", "catalogue", "trade", "preview", "debrief", "results", "offers", "handoff", "thanks"} <= screens
    # the attract poster after the visit is the kiosk's own language again, with the call to touch in
    # every language (tests/unit/test_attract_languages.py)
    left = sorted({(label, text) for label, seen_texts in shown.items() for text in seen_texts
                   if latin_sentence(text) and not label.startswith("attract")})
    assert not left, f"{language}: {len(left)} text(s) left in French or English, e.g. {left[:6]}"
