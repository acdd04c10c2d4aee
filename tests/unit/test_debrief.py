"""The debrief after a scenario: which key moments are replayed (furthest from the best answer first,
one done well when there is one), in what words, on what screen; and the pack rules `kiosk lint`
applies to `debrief:` texts, which `kiosk pack translate` exports like every other text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.actions import Intent
from kiosk.runtime.debrief import MAX_CARDS, Moment, cards, choose, moments
from kiosk.runtime.debrief_view import debrief_page
from kiosk.scenario.esco import read_skills
from kiosk.scenario.evidence import Observation, observe
from kiosk.scenario.load import inspect_pack
from kiosk.scenario.model import Scenario
from kiosk.scenario.translate import export_catalog
from tests.unit.test_scoring_estimate import KITCHEN, REPO_SCENARIOS

CATALOGS = Catalogs.load(NATIVE_NAMES)
SCENARIO = KITCHEN.scenario


def _answer(scenario: Scenario, answers: dict[str, tuple[str, ...]]) -> list[Observation]:
    return [o for step_id, answer in answers.items() for o in observe(scenario, scenario.step(step_id), answer)]


@st.composite
def found_moments(draw: st.DrawFn) -> list[Moment]:
    steps = draw(st.lists(st.sampled_from([f"s{i}" for i in range(8)]), unique=True, max_size=8))
    return [Moment(step, (), draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])), int(step[1:])) for step in steps]


@settings(max_examples=200, deadline=None)
@given(found_moments(), st.integers(1, 4))
def test_the_furthest_from_the_best_come_first_and_one_done_well_is_kept(found: list[Moment], limit: int) -> None:
    chosen = choose(found, limit)
    assert len(chosen) == min(limit, len(found)) and len({m.step for m in chosen}) == len(chosen)
    if any(m.done_well for m in found):
        assert any(m.done_well for m in chosen)  # what went well is always said
    others = [m for m in chosen if not m.done_well]
    assert [m.share for m in others] == sorted(m.share for m in others)
    left_out = [m for m in found if m not in chosen and not m.done_well]
    assert all(m.share >= max((o.share for o in others), default=0.0) for m in left_out)


def test_moments_count_the_first_answer_and_only_debriefed_steps() -> None:
    observations = _answer(SCENARIO, {"livraison": ("accepter",), "allergene": ("rien",), "lina": ("aider",)})
    observations += _answer(SCENARIO, {"livraison": ("refuser",)})  # a second try measures learning, not the skill
    found = {m.step: m for m in moments(SCENARIO, observations)}
    assert set(found) == {"livraison"}  # allergene and lina have no debrief
    assert found["livraison"].share == 0.0 and found["livraison"].answer == ("accepter",)


def test_cards_say_what_the_visitor_did_and_what_a_professional_would_do() -> None:
    observations = _answer(SCENARIO, {"hygiene": ("poubelle",), "livraison": ("accepter",),
                                      "coup-de-feu": ("oui-chef",)})
    words = CATALOGS.words("fr")
    made = cards(SCENARIO, observations, words)
    assert [c.done_well for c in made] == [False, False, True]
    livraison, hygiene, rush = made
    assert livraison.moment == SCENARIO.debriefs["livraison"].moment.get("fr")
    assert livraison.did == SCENARIO.step("livraison").options()[0].text.get("fr")  # "Je signe…"
    assert livraison.professional == "Je refuse la caisse et je préviens le chef."  # `best: refuser`
    assert hygiene.professional == SCENARIO.debriefs["hygiene"].professional.get("fr")  # type: ignore[union-attr]
    assert rush.why.startswith("Répondre « Oui chef ! »")
    easy = cards(SCENARIO, observations, words, easy=True)
    assert easy[0].why == SCENARIO.debriefs["livraison"].why.falc["fr"] != livraison.why
    timed_out = cards(SCENARIO, _answer(SCENARIO, {"coup-de-feu": ()}), words)
    assert timed_out[0].did == "Le temps s'est écoulé avant une réponse."


def test_an_ordering_moment_shows_the_order_given() -> None:
    electrician = inspect_pack(REPO_SCENARIOS / "electricien-batiment", check_manifest=False).draft
    assert electrician is not None
    scenario = electrician.scenario
    given_order = ("condamner", "separer", "identifier", "verifier", "terre")
    card, = cards(scenario, _answer(scenario, {"consignation": given_order}), CATALOGS.words("en"))
    items = {i.id: i.text.get("en") for i in scenario.step("consignation").items}  # type: ignore[attr-defined]
    assert card.did.startswith(f"1. {items['condamner']} · 2. {items['separer']} · 3. ")
    assert card.did.count(" · ") == 4 and not card.done_well


@pytest.mark.parametrize("language", ["fr", "ar", "uk"])
def test_the_debrief_screen_never_says_wrong_and_has_one_big_button(language: str) -> None:
    observations = _answer(SCENARIO, {"hygiene": ("evier",), "livraison": ("attendre",),
                                      "coup-de-feu": ("oui-chef",)})
    words = CATALOGS.words(language)
    made = cards(SCENARIO, observations, words)
    scene, targets = debrief_page(made, words, Prefs())
    assert scene.labels == ("debrief", "cards:3", "card:another-way", "card:another-way", "card:well")
    assert [t.action for t in targets if t.action == Intent("next")]
    assert all(t.rect.w >= 44 and t.rect.h >= 44 for t in targets)
    large, _ = debrief_page(made, words, Prefs(large_text=True))
    assert large.labels[1] == "cards:2"  # larger text: two wider cards
    empty, _ = debrief_page((), words, Prefs())
    assert empty.labels[:2] == ("debrief", "cards:0")


def _inspect(pack_dir: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    path = pack_dir / "scenario.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    inspection = inspect_pack(pack_dir, read_skills(), check_manifest=False)
    return [(d.severity, d.check, d.message) for d in inspection.diagnostics]


def test_lint_names_a_best_answer_that_is_not_an_answer(scenarios_copy: Path) -> None:
    found = _inspect(scenarios_copy / "commis-de-cuisine", "      best: refuser\n", "      best: refuse\n")
    assert ("error", "reference", "best: `refuse` is not an answer of step `livraison`") in found


def test_lint_warns_when_a_measured_skill_has_no_debrief(scenarios_copy: Path) -> None:
    """Without the hygiene and delivery debriefs, health and safety and dealing with problems are
    measured but never explained; the rush's debrief still covers the other three skills."""
    pack = scenarios_copy / "commis-de-cuisine"
    text = (pack / "scenario.yaml").read_text(encoding="utf-8")
    for step in ("hygiene", "livraison"):
        start = text.index("    debrief:", text.index(f"  - id: {step}"))
        text = text[:start] + text[text.index("\n\n", start) + 1:]
    (pack / "scenario.yaml").write_text(text, encoding="utf-8")
    found = _inspect(pack, "format: nova-scenario/1", "format: nova-scenario/1")
    warned = sorted(m.split(" (")[0] for s, c, m in found if c == "debrief" and s == "warning")
    assert warned == ["skill T2.3", "skill T6.1"]
    assert not [d for d in found if d[0] == "error"]


def test_lint_asks_every_language_of_a_debrief_text(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "commis-de-cuisine"
    found = _inspect(pack, '        uk: "Рибу привезли теплішою, ніж дозволено."\n', "")
    assert ("error", "translation", "missing translation `uk`") in found


def test_a_debrief_on_a_step_nobody_answers_is_never_shown(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "commis-de-cuisine"
    text = (pack / "scenario.yaml").read_text(encoding="utf-8")
    start = text.index("    debrief:", text.index("  - id: livraison"))
    block = text[start:text.index("\n\n", start) + 1].replace("      best: refuser\n",
                                                             "      professional: {fr: a, en: a, ar: a, uk: a}\n")
    found = _inspect(pack, "    next: brief\n", "    next: brief\n" + block)
    assert ("warning", "debrief", "step `arrivee` gives no evidence: its debrief is never shown") in found


def test_translators_get_the_debrief_texts(tmp_path: Path) -> None:
    catalog = export_catalog(REPO_SCENARIOS / "commis-de-cuisine", "uk")
    contexts = {m.context for m in catalog if m.id}
    assert {"scenario:steps[livraison].debrief.moment", "scenario:steps[livraison].debrief.why",
            "scenario:steps[livraison].debrief.why.falc", "scenario:steps[hygiene].debrief.professional"} <= contexts
    assert MAX_CARDS == 3
