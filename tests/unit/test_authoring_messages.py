"""The traps that cost a first pack several lint rounds each get a message that says what to do:
an apostrophe inside single quotes, a shortened or misplaced pack.yaml key, a credit of 0, the
manifest after every edit, a mistyped `--answers` id."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.commands.preview import answer_step, playable
from kiosk.errors import ContentError
from kiosk.runtime import play
from kiosk.runtime.preview import PreviewScreen
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import inspect_pack

SKILLS = read_skills()
PACK = "commis-de-cuisine"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_apostrophe_inside_single_quotes_gets_its_own_hint(scenarios_copy: Path) -> None:
    scenario = scenarios_copy / PACK / "scenario.yaml"
    _replace(scenario, "      fr: Mettez votre mise en place dans l'ordre.", "      fr: 'Mettez l'ordre.'")
    errors = inspect_pack(scenarios_copy / PACK, SKILLS, check_manifest=False).errors
    assert len(errors) == 1
    error = errors[0]
    assert error.message == "YAML syntax: this apostrophe ends the text opened with a single quote (')"
    assert "double quotes" in error.hint and "’" in error.hint and "indentation" not in error.hint
    line = scenario.read_text(encoding="utf-8").splitlines()[error.mark.line - 1]
    assert line[error.mark.col - 1] == "'" and line[error.mark.col:].startswith("ordre")


def test_other_yaml_syntax_errors_keep_the_indentation_hint(scenarios_copy: Path) -> None:
    scenario = scenarios_copy / PACK / "scenario.yaml"
    _replace(scenario, "    type: ordering\n", "    type: ordering: x\n")
    errors = inspect_pack(scenarios_copy / PACK, SKILLS, check_manifest=False).errors
    assert len(errors) == 1 and "indentation" in errors[0].hint


@pytest.mark.parametrize(("old", "new", "hint"), [
    ("  card_image: media/card.png", "  card: media/card.png", "did you mean `card_image`?"),
    ("  card_image: media/card.png", "  card-image: media/card.png", "did you mean `card_image`?"),
    ("  sector: hotellerie-restauration", "  sector: hotellerie-restauration\n  source: DARES",
     "`source` goes inside `shortage:`"),
    ("version: 1.0.0", "version: 1.0.0\nverison: 2", "did you mean `version`?"),
])
def test_unknown_pack_keys_get_did_you_mean(scenarios_copy: Path, old: str, new: str, hint: str) -> None:
    _replace(scenarios_copy / PACK / "pack.yaml", old, new)
    errors = inspect_pack(scenarios_copy / PACK, SKILLS, check_manifest=False).errors
    unknown = [e for e in errors if "unknown key" in e.message]
    assert unknown and unknown[0].hint.startswith(hint), [(e.message, e.hint) for e in errors]


def test_a_credit_of_zero_says_credits_start_at_one(scenarios_copy: Path) -> None:
    _replace(scenarios_copy / PACK / "scenario.yaml", "evidence: {controle-temperature: 1}",
             "evidence: {controle-temperature: 0}")
    errors = inspect_pack(scenarios_copy / PACK, SKILLS, check_manifest=False).errors
    assert len(errors) == 1
    assert errors[0].message.endswith("credit 0: credits start at 1")
    assert "gets 0 by itself" in errors[0].hint and "see docs" not in errors[0].hint


def test_manifest_differences_come_after_the_content_errors(scenarios_copy: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    pack = scenarios_copy / PACK
    _replace(pack / "scenario.yaml", "    next: livraison\n", "    next: livraisn\n")
    assert main(["lint", str(pack)]) == 65
    out = capsys.readouterr().out
    assert out.index("`livraisn` is not a step") < out.index("does not match its sha256")
    assert f"run `kiosk pack seal {pack}` when you are done editing" in out
    checks = [d.check for d in inspect_pack(pack, SKILLS).diagnostics]
    assert checks[0] == "reference" and checks[-1] == "manifest"
    assert checks == sorted(checks, key=lambda check: check == "manifest")  # every manifest finding last


def test_an_unknown_answer_id_is_an_error_naming_the_choices(published_scenarios: Path) -> None:
    screen = PreviewScreen(playable(inspect_pack(published_scenarios / PACK, SKILLS, check_manifest=False)), 0.0,
                           lambda media: None)
    screen.state = play.jump(screen.pack.scenario, screen.state, "livraison", 0.0)
    with pytest.raises(ContentError) as caught:
        answer_step(screen, ["refuse"], 1.0)
    assert str(caught.value) == "--answers: `refuse` is not an answer of step `livraison` " \
                                "(hint: its answers are: accepter, refuser, attendre)"
    screen.state = play.jump(screen.pack.scenario, screen.state, "hygiene", 0.0)
    with pytest.raises(ContentError, match=r"`viandes` is not an answer of step `hygiene`.*several picks: a\+b"):
        answer_step(screen, ["poubelle+viandes"], 1.0)
    screen.state = play.jump(screen.pack.scenario, screen.state, "mise-en-place", 0.0)
    with pytest.raises(ContentError, match="write `correct`"):
        answer_step(screen, ["corect"], 1.0)
    screen.state = play.jump(screen.pack.scenario, screen.state, "livraison", 0.0)
    answer_step(screen, ["refuser"], 1.0)
    assert screen.state.feedback is not None  # a known id is answered: refuser has feedback


@pytest.mark.parametrize(("line", "hint"), [
    ("    text: {fr: Mettez dans l'ordre., en: In what order?}", "inside the short form { ... } a `?` ends the text"),
    ("    text: {fr: Le chef dit : rangez, en: Tidy up}", "a space then `:` (French typography)"),
])
def test_french_punctuation_in_yaml_gets_its_own_hint(scenarios_copy: Path, line: str, hint: str) -> None:
    scenario = scenarios_copy / PACK / "scenario.yaml"
    prompt = "    text:\n      fr: Mettez votre mise en place dans l'ordre.\n      en: Put your prep in order."
    _replace(scenario, prompt, line)
    errors = inspect_pack(scenarios_copy / PACK, SKILLS, check_manifest=False).errors
    assert len(errors) == 1 and errors[0].hint.startswith(hint) and "double quotes" in errors[0].hint


@pytest.mark.parametrize(("old", "hint"), [
    ("format: nova-pack/1\n", "add `format: nova-pack/1`"),
    ("  sector: hotellerie-restauration\n", "add `sector: hotellerie-restauration`"),
    ("  card_image: media/card.png\n", "add `card_image: media/card.png`"),
])
def test_a_missing_pack_key_hint_shows_it_written(scenarios_copy: Path, old: str, hint: str) -> None:
    _replace(scenarios_copy / PACK / "pack.yaml", old, "")
    errors = inspect_pack(scenarios_copy / PACK, SKILLS, check_manifest=False).errors
    assert len(errors) == 1 and errors[0].hint.startswith(hint) and "pack.yaml" in errors[0].hint
