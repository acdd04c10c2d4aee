"""`kiosk lint`: the sample packs pass; broken copies give the right located error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import Inspection, inspect_pack

PACKS = ["agent-logistique", "aide-a-domicile", "commis-de-cuisine", "conducteur-routier", "electricien-batiment"]
SKILLS = read_skills()


def _inspect(pack_dir: Path) -> Inspection:
    return inspect_pack(pack_dir, SKILLS, check_manifest=False)


def _edit(path: Path, old: str, new: str, count: int = 1) -> tuple[int, int]:
    """Replace the first `old`; return the (line, col) where it was."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def test_lint_passes_on_the_five_sample_packs(published_scenarios: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--strict", "--require-sealed", str(published_scenarios)]) == 0
    out = capsys.readouterr().out
    assert "lint: 5 pack(s), 0 error(s), 0 warning(s)" in out
    for pack in PACKS:
        assert re.search(rf"^ok  {pack} \d+\.\d+\.\d+: 1[2-7] steps, skills( T\d\.\d){{4,}}, sealed$", out, re.M), pack


@pytest.mark.parametrize("pack", PACKS)
def test_sample_pack_has_real_content(published_scenarios: Path, pack: str) -> None:
    loaded = _inspect(published_scenarios / pack).pack
    assert loaded is not None
    scenario = loaded.scenario
    assert 8 <= len(scenario.steps) <= 17
    assert {"fr", "en"} <= set(scenario.languages)
    assert len({code for o in scenario.observables.values() for code in o.skills}) >= 4
    kinds = {s.kind for s in scenario.steps}
    assert {"choice", "ordering", "hotspot", "end"} <= kinds
    assert kinds & {"video", "video360"} and kinds & {"timed_choice"}


@pytest.mark.parametrize("pack", PACKS)
def test_bad_reference_is_located_with_a_suggestion(scenarios_copy: Path, pack: str) -> None:
    scenario = scenarios_copy / pack / "scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    target = re.findall(r"^    next: (\S+)$", text, re.M)[2]
    line, col = _edit(scenario, f"    next: {target}\n", f"    next: {target}x\n")
    errors = [e for e in _inspect(scenarios_copy / pack).errors if e.check == "reference"]
    assert len(errors) == 1
    assert (errors[0].mark.line, errors[0].mark.col) == (line, col + len("    next: "))
    assert errors[0].message == f"next: `{target}x` is not a step of this scenario"
    assert errors[0].hint == f"did you mean `{target}`?"


@pytest.mark.parametrize("pack", PACKS)
def test_missing_translation_is_located(scenarios_copy: Path, pack: str) -> None:
    scenario = scenarios_copy / pack / "scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    match = re.search(r"^    text:\n      fr: .*\n(      en: .*\n)", text, re.M)
    assert match is not None
    line = text.count("\n", 0, match.start()) + 2  # the text block starts on the `fr:` line
    scenario.write_text(text[:match.start(1)] + text[match.end(1):], encoding="utf-8")
    errors = [e for e in _inspect(scenarios_copy / pack).errors if e.check == "translation"]
    assert [(e.message, e.mark.line, e.mark.col) for e in errors] == [("missing translation `en`", line, 7)]


@pytest.mark.parametrize("pack", PACKS)
def test_wrong_type_is_located(scenarios_copy: Path, pack: str) -> None:
    scenario = scenarios_copy / pack / "scenario.yaml"
    line, col = _edit(scenario, "    seconds: ", "    seconds: vite #")
    errors = _inspect(scenarios_copy / pack).errors
    assert len(errors) == 1 and errors[0].check == "schema"
    assert (errors[0].mark.line, errors[0].mark.col) == (line, col + len("    seconds: "))
    assert errors[0].message.endswith("seconds: expected a number, got the text 'vite'")


def test_graph_faults_unreachable_dead_end_and_loop(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "commis-de-cuisine"
    scenario = pack / "scenario.yaml"
    _edit(scenario, "    next: fin\n\n  - id: fin", "    next: rangement\n\n  - id: fin")  # debrief ⇄ rangement
    _edit(scenario, "    next: coup-de-feu\n", "\n")  # `lina`: answers without a `next`
    result = _inspect(pack)
    messages = {e.message: e.severity for e in result.diagnostics}
    assert messages["loop without exit: debrief → rangement never reaches an end"] == "error"
    assert messages["step `fin` can never be reached"] == "warning"
    assert messages["dead end: answer `aider` of step `lina` leads nowhere"] == "error"


def test_dead_end_and_duplicate_ids(tmp_path: Path, scenarios_copy: Path) -> None:
    pack = scenarios_copy / "agent-logistique"
    scenario = pack / "scenario.yaml"
    _edit(scenario, "  - id: paul\n", "  - id: quantite\n")
    messages = [e.message for e in _inspect(pack).errors]
    assert "duplicate step id `quantite`" in messages


def test_skill_with_too_few_observations_is_an_error(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "commis-de-cuisine"
    _edit(pack / "scenario.yaml", "  solution-panne:\n    skills: [T2.3]",
          "  solution-panne:\n    skills: [T2.3, T3.4]")
    errors = [e for e in _inspect(pack).errors if e.check == "evidence"]
    assert len(errors) == 1
    assert errors[0].message == "skill T3.4 (demonstrating willingness to learn) is observed in only 1 step(s): " \
                                "panne"
    assert "3 independent observations" in errors[0].hint


def test_timer_too_short_to_read_slowly(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "commis-de-cuisine"
    line, col = _edit(pack / "scenario.yaml", "seconds: 35", "seconds: 12")
    (error,) = _inspect(pack).errors
    assert error.check == "timer" and (error.mark.line, error.mark.col) == (line, col + len("seconds: "))
    assert "timer of 12 s is too short" in error.message
    assert re.search(r"allow at least \d+ s", error.hint)


def test_missing_media_and_unknown_observable(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "conducteur-routier"
    (pack / "media" / "camion-360.jpg").unlink()
    _edit(pack / "scenario.yaml", "evidence: {gere-fatigue: 2}", "evidence: {gere-fatige: 2}")
    errors = {e.check: e for e in _inspect(pack).errors}
    assert errors["media"].message == "missing media `media/camion-360.jpg`"
    assert errors["reference"].message == "unknown observable `gere-fatige`"
    assert errors["reference"].hint == "did you mean `gere-fatigue`?"


def test_unknown_esco_code_and_group_warning(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "aide-a-domicile"
    _edit(pack / "scenario.yaml", "skills: [T4.5]", "skills: [T4.5, T4]")
    _edit(pack / "scenario.yaml", "skills: [T4.1]", "skills: [T4.9]")
    result = _inspect(pack)
    assert any(e.message == "`T4.9` is not an ESCO transversal skill code" for e in result.errors)
    assert any("`T4` is a whole skill group" in w.message for w in result.warnings)


def test_lint_exit_codes_and_json(scenarios_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = scenarios_copy / "commis-de-cuisine"
    assert main(["lint", str(pack)]) == 0
    (pack / "media" / "unused.png").write_bytes(b"")  # not in the manifest: an error
    assert main(["lint", "--format", "json", str(pack)]) == 65
    findings = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert findings[-1]["check"] == "manifest" and findings[-1]["severity"] == "error"
    (pack / "media" / "unused.png").unlink()
    (pack / "manifest.json").unlink()
    assert main(["lint", str(pack)]) == 0  # unsealed is a warning...
    assert main(["lint", "--strict", str(pack)]) == 1  # ...which --strict fails on
    assert main(["lint", str(scenarios_copy / "nothing-here")]) == 65


def test_a_missing_attract_scene_is_a_located_error(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "commis-de-cuisine"
    line, col = _edit(pack / "pack.yaml", "attract: media/scenes/attract.svg", "attract: media/scenes/attrat.svg")
    (error,) = _inspect(pack).errors
    assert error.check == "media" and error.message == "missing media `media/scenes/attrat.svg`"
    assert (error.mark.line, error.mark.col) == (line, col + len("attract: "))
    _edit(pack / "pack.yaml", "attract: media/scenes/attrat.svg", "attract: media/scenes/attract.mp4")
    (error,) = _inspect(pack).errors
    assert error.message.startswith("`media/scenes/attract.mp4`: a picture must be .svg or .png")


def test_every_sample_pack_names_its_attract_scene(published_scenarios: Path) -> None:
    for pack in PACKS:
        served = _inspect(published_scenarios / pack).pack
        assert served is not None and served.trade.attract == "media/scenes/attract.svg"
