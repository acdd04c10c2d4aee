"""Staging in the scenario format: what loads, and one located lint finding per rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.scenario.diagnostics import Diagnostic
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import inspect_pack
from kiosk.scenario.model import ChoiceStep, DialogueStep
from tests.stage_kit import edit, write_staged_pack

SKILLS = read_skills()


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return write_staged_pack(tmp_path)


def _findings(pack: Path, check: str | None = None) -> list[Diagnostic]:
    found = inspect_pack(pack, SKILLS, check_manifest=False).diagnostics
    return [d for d in found if "observed in only" not in d.message and d.check != "debrief"
            and (check is None or d.check == check)]


def _where(d: Diagnostic) -> tuple[str, int, int]:
    return Path(d.mark.file).name, d.mark.line, d.mark.col


def test_the_staged_pack_loads_clean_with_its_cast_scenes_and_reactions(pack: Path) -> None:
    assert _findings(pack) == []
    draft = inspect_pack(pack, SKILLS, check_manifest=False).draft
    assert draft is not None
    scenario = draft.scenario
    assert set(scenario.cast) == {"karim", "lina"} and scenario.scenes["cuisine"].ambient == "media/sounds/cuisine.ogg"
    brief = scenario.step("brief")
    assert isinstance(brief, DialogueStep) and brief.stage is not None
    assert brief.stage.transition.kind == "dissolve" and brief.stage.transition.seconds == 0.6
    assert [(p.who, p.at, p.expression) for p in brief.stage.characters] == \
        [("karim", "left", "neutral"), ("lina", "right", "worried")]
    assert brief.lines[0].speaker.get("ar") == "الشيف كريم" and brief.lines[0].expression == "happy"
    question = scenario.step("question")
    assert isinstance(question, ChoiceStep) and not question.fixed_order
    reaction = question.choices[0].reaction
    assert reaction is not None and reaction.says is not None and reaction.says.get("uk") == "Дякую!"
    assert scenario.stages_in_force()["question"] == (brief.stage,)  # the stage persists
    assert scenario.step("salle").stage.transition.seconds == 0.5  # type: ignore[union-attr]  # the default


def test_missing_expression_picture_is_located(pack: Path) -> None:
    (pack / "media" / "cast" / "karim-happy.svg").unlink()
    text = (pack / "scenario.yaml").read_text()
    line = text[:text.index("happy: media/cast/karim-happy.svg")].count("\n") + 1
    [found] = _findings(pack)
    assert (found.severity, _where(found), found.message) == \
        ("error", ("scenario.yaml", line, 14), "missing picture of karim happy `media/cast/karim-happy.svg`")


def test_unknown_character_is_located_with_a_suggestion(pack: Path) -> None:
    line, col = edit(pack / "scenario.yaml", "{who: karim, at: left", "{who: karin, at: left")
    found = _findings(pack, "reference")
    assert [(_where(d), d.message, d.hint) for d in found] == \
        [(("scenario.yaml", line, col + len("{who: ")), "unknown character `karin`", "did you mean `karim`?")]


def test_unknown_scene_is_located(pack: Path) -> None:
    line, col = edit(pack / "scenario.yaml", "scene: salle", "scene: terrasse")
    [found] = _findings(pack)
    assert (_where(found), found.message) == (("scenario.yaml", line, col + len("scene: ")),
                                               "unknown scene `terrasse`")
    assert "scenes:" in found.hint


def test_a_character_speaking_off_stage_is_located(pack: Path) -> None:
    scenario = pack / "scenario.yaml"
    text = scenario.read_text()
    at = text.index("      - who: karim\n        says: {fr: Au service")
    line = text[:at].count("\n") + 1
    scenario.write_text(text[:at] + "      - who: lina\n        says: {fr: Au service" +
                        text[at + len("      - who: karim\n        says: {fr: Au service"):])
    [found] = _findings(pack)
    assert (_where(found), found.message, found.check) == \
        (("scenario.yaml", line, 14), "`lina` speaks but is not on stage (scene `salle`)", "staging")


def test_a_reaction_by_someone_off_stage_is_located(pack: Path) -> None:
    scenario = pack / "scenario.yaml"
    edit(scenario, "    type: choice\n",
         "    type: choice\n    stage: {scene: cuisine, characters: [{who: karim, at: left}]}\n")
    line, col = edit(scenario, "reaction: {who: lina", "reaction: {who: lina")
    [found] = _findings(pack)
    assert (_where(found), found.message) == (("scenario.yaml", line, col + len("reaction: {who: ")),
                                               "`lina` reacts but is not on stage (scene `cuisine`)")


def test_a_cast_name_missing_a_kiosk_language_is_located(pack: Path) -> None:
    line, col = edit(pack / "scenario.yaml", "{fr: Lina, en: Lina, ar: لينا, uk: Ліна}",
                     "{fr: Lina, en: Lina, ar: لينا}")
    [found] = _findings(pack)
    assert (_where(found), found.message) == (("scenario.yaml", line, col), "missing translation `uk`")


def test_an_undeclared_expression_is_located(pack: Path) -> None:
    line, col = edit(pack / "scenario.yaml", "{who: lina, at: right, expression: worried}",
                     "{who: lina, at: right, expression: angry}")
    [found] = _findings(pack)
    assert (_where(found), found.message) == (("scenario.yaml", line, col + len("{who: lina, at: right, expression: ")),
                                               "`lina` has no `angry` expression")
    assert "media/cast/lina-angry.svg" in found.hint


def test_two_characters_on_one_place_are_located(pack: Path) -> None:
    line, col = edit(pack / "scenario.yaml", "{who: lina, at: right", "{who: lina, at: left")
    [found] = _findings(pack)
    assert (_where(found), found.message) == (("scenario.yaml", line, col + len("{who: lina, at: ")),
                                               "`lina` and `karim` both stand left")


def test_a_line_needs_a_speaker_or_a_cast_member(pack: Path) -> None:
    edit(pack / "scenario.yaml", "      - who: lina\n", "      - \n")
    found = _findings(pack)
    assert found and found[0].severity == "error" and found[0].check == "schema"


def _question(number: int, best: int) -> str:
    options = "".join(f"      - id: o{i}\n        text: {{fr: r{i}, en: a{i}, ar: ج{i}, uk: в{i}}}\n" +
                      ("        evidence: {ecoute: 2}\n" if i == best else "") for i in range(3))
    return (f"  - id: q{number}\n    type: choice\n    order: fixed\n"
            f"    text: {{fr: q{number}, en: q{number}, ar: س{number}, uk: п{number}}}\n"
            f"    options:\n{options}    next: {'fin' if number == 3 else f'q{number + 1}'}\n")


@pytest.mark.parametrize(("bests", "warned"), [((0, 0, 1), True), ((0, 1, 2), False)])
def test_the_best_answer_always_in_the_same_place_is_warned(pack: Path, bests: tuple[int, ...], warned: bool) -> None:
    scenario = pack / "scenario.yaml"
    edit(scenario, "    next: salle\n", "    next: q1\n")
    edit(scenario, "  - id: fin\n", "".join(_question(n + 1, best) for n, best in enumerate(bests)) + "  - id: fin\n")
    found = _findings(pack, "pattern")
    if not warned:
        assert found == []
        return
    text = scenario.read_text()
    [warning] = found
    assert warning.severity == "warning"
    assert (_where(warning), warning.message) == \
        (("scenario.yaml", text[:text.index("  - id: q1")].count("\n") + 1, 5),
         "the best-credited answer is answer 1 in 2 of 3 fixed-order steps")


def test_translators_get_the_cast_names_and_the_reactions(pack: Path) -> None:
    import io

    from babel.messages.pofile import read_po

    from kiosk.scenario.translate import export_catalog, import_catalog, write_catalog

    catalog = read_po(io.BytesIO(write_catalog(export_catalog(pack, "es"))))
    by_context = {m.context: m for m in catalog if m.id}
    name = by_context["scenario:cast.karim.name"]
    assert name.id == "Chef Karim" and any("character's name" in c for c in name.auto_comments)
    reaction = by_context["scenario:steps[question].options[a].reaction.says"]
    assert reaction.id == "Merci !" and any("spoken by Lina, looking happy" in c for c in reaction.auto_comments)
    line = by_context["scenario:steps[brief].lines[0].says"]
    assert any("spoken by Chef Karim, looking happy" in c for c in line.auto_comments)
    for message in catalog:
        if message.id:
            message.string = f"ES {message.id}"
    import_catalog(pack, write_catalog(catalog), "es")
    text = (pack / "scenario.yaml").read_text(encoding="utf-8")
    assert "es: ES Chef Karim" in text and "es: ES Merci !" in text
