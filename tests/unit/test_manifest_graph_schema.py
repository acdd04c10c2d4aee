"""Pack manifests refuse altered packs; graphs draw every pack; the published schema is current."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml

from kiosk.cli import main
from kiosk.commands.content import write_schemas
from kiosk.scenario.esco import read_skills
from kiosk.scenario.graph import to_dot
from kiosk.scenario.load import PackError, inspect_pack, load_pack, load_packs
from kiosk.scenario.manifest import MANIFEST
from kiosk.scenario.schema import pack_schema, scenario_schema
from tests.conftest import REPO, SCENARIOS

PACKS = sorted(p.name for p in SCENARIOS.iterdir() if (p / "pack.yaml").is_file())


def test_load_refuses_a_changed_file_and_names_it(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "aide-a-domicile"
    media = pack / "media" / "arrivee.fr.vtt"
    media.write_text(media.read_text() + "\n00:00:06.000 --> 00:00:07.000\nAjout.\n")
    with pytest.raises(PackError) as info:
        load_pack(pack)
    error = info.value
    assert "`media/arrivee.fr.vtt` does not match its sha256 in the manifest" in str(error)
    assert error.mark.file.endswith(f"aide-a-domicile/{MANIFEST}")
    manifest_lines = (pack / MANIFEST).read_text().splitlines()
    assert '"media/arrivee.fr.vtt"' in manifest_lines[error.mark.line - 1]
    assert "kiosk pack seal" in error.hint
    assert error.exit_code == 65


def test_missing_and_unlisted_files_are_refused(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "agent-logistique"
    (pack / "media" / "card.png").unlink()
    (pack / "extra.yaml").write_text("x: 1\n")
    messages = [d.message for d in inspect_pack(pack, require_sealed=True).errors]
    assert "`media/card.png` is listed in the manifest but missing from the pack" in messages
    assert "`extra.yaml` is not in the pack's manifest" in messages


def test_unsealed_pack_is_refused_by_the_kiosk_but_fine_for_tools(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "commis-de-cuisine"
    (pack / MANIFEST).unlink()
    with pytest.raises(PackError, match="not sealed"):
        load_pack(pack)
    assert load_pack(pack, require_sealed=False).sealed is False


def test_one_tampered_pack_never_stops_the_others(scenarios_copy: Path) -> None:
    scenario = scenarios_copy / "electricien-batiment" / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("20 cm", "25 cm"))
    packs, errors = load_packs(scenarios_copy)
    assert sorted(p.id for p in packs) == [p for p in PACKS if p != "electricien-batiment"]
    assert len(errors) == 1 and "scenario.yaml` does not match" in str(errors[0])


def test_seal_command_reseals_after_an_edit(scenarios_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = scenarios_copy / "conducteur-routier"
    scenario = pack / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("Une livraison à Lyon", "Une livraison à Lille"))
    assert main(["pack", "seal", str(pack)]) == 0
    assert load_pack(pack).scenario.title.get("fr") == "Une livraison à Lille"
    scenario.write_text(scenario.read_text().replace("start: depart", "start: nulle-part"))
    assert main(["pack", "seal", str(pack)]) == 65  # a pack with errors is not sealed
    assert "not sealed" in capsys.readouterr().out


@pytest.mark.parametrize("pack", PACKS)
def test_graph_shows_every_step_branch_and_skill(published_scenarios: Path, pack: str) -> None:
    loaded = load_pack(published_scenarios / pack)
    dot = to_dot(loaded, read_skills(), "en")
    for step in loaded.scenario.steps:
        assert f'"{step.id}" [' in dot
        for target, _ in step.successors():
            assert f'"{step.id}" -> "{target}"' in dot
    for code in {c for o in loaded.scenario.observables.values() for c in o.skills}:
        assert f"<b>{code}</b>" in dot  # in the legend
        assert f"{code}+" in dot  # on an answer
    assert "© European Union" in dot


@pytest.mark.parametrize("pack", PACKS)
def test_graph_command_draws_svg_with_graphviz(published_scenarios: Path, tmp_path: Path, pack: str) -> None:
    out = tmp_path / f"{pack}.svg"
    assert main(["graph", str(published_scenarios / pack), "-o", str(out)]) == 0
    svg = ET.parse(out).getroot()
    titles = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")}
    assert {s.id for s in load_pack(published_scenarios / pack).scenario.steps} <= titles


def test_graph_png_and_bad_suffix(published_scenarios: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.png"
    assert main(["graph", str(published_scenarios / "commis-de-cuisine"), "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["graph", str(published_scenarios / "commis-de-cuisine"), "-o", str(tmp_path / "g.gif")]) == 1


def test_published_schemas_are_current(tmp_path: Path) -> None:
    for path in write_schemas(tmp_path):
        committed = REPO / "docs" / "schema" / path.name
        assert committed.read_text() == path.read_text(), f"run `kiosk schema` to update {committed}"


@pytest.mark.parametrize("pack", PACKS)
def test_sample_packs_validate_against_the_published_schema(pack: str) -> None:
    folder = SCENARIOS / pack
    jsonschema.validate(yaml.safe_load((folder / "pack.yaml").read_text()), pack_schema())
    jsonschema.validate(yaml.safe_load((folder / "scenario.yaml").read_text()), scenario_schema())


def test_schema_rejects_what_the_loader_rejects() -> None:
    data = yaml.safe_load((SCENARIOS / "commis-de-cuisine" / "scenario.yaml").read_text())
    data["steps"][0]["nxt"] = "brief"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, scenario_schema())
    assert json.loads(json.dumps(scenario_schema()))["$defs"]["step"]["allOf"]
