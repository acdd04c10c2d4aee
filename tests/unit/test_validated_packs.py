"""Sealed packs that passed the schemas are remembered by their manifest's sha256 (start-up time):
the schema check is skipped only while the manifest and the files are the ones that passed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.scenario import load
from kiosk.scenario.load import load_packs
from kiosk.scenario.manifest import seal
from kiosk.scenario.source import YNode, parse
from kiosk.scenario.validated import manifest_digest, read_validated

PACK = "commis-de-cuisine"


@pytest.fixture
def schema_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the real schema validation ran on."""
    seen: list[str] = []
    real = load.validate

    def counting(root: load.YNode, which: str, report: load.Reporter) -> bool:
        seen.append(f"{root.mark.file}:{which}")
        return real(root, which, report)
    monkeypatch.setattr(load, "validate", counting)
    return seen


def test_a_second_start_skips_the_schemas_of_unchanged_sealed_packs(scenarios_copy: Path, tmp_path: Path,
                                                                     schema_checks: list[str]) -> None:
    cache = tmp_path / "var" / "validated-packs.json"
    first, errors = load_packs(scenarios_copy, cache=cache)
    assert not errors and len(first) == 5
    assert len(schema_checks) == 10  # pack.yaml and scenario.yaml of each pack
    assert read_validated(cache) == {manifest_digest(p.root) for p in first}

    schema_checks.clear()
    second, errors = load_packs(scenarios_copy, cache=cache)
    assert not errors and schema_checks == []
    assert [p.id for p in second] == [p.id for p in first]
    assert second[0].scenario == first[0].scenario and all(p.sealed for p in second)


def test_a_resealed_pack_is_validated_again_and_a_schema_error_refuses_it(scenarios_copy: Path, tmp_path: Path,
                                                                          schema_checks: list[str]) -> None:
    cache = tmp_path / "validated-packs.json"
    load_packs(scenarios_copy, cache=cache)
    pack_yaml = scenarios_copy / PACK / "pack.yaml"
    pack_yaml.write_text(pack_yaml.read_text(encoding="utf-8").replace("version: 1.0.0", "version: [1]"),
                         encoding="utf-8")
    seal(scenarios_copy / PACK)  # a trainer's mistake, sealed: the manifest's hash changes
    schema_checks.clear()
    packs, errors = load_packs(scenarios_copy, cache=cache)
    assert [e.mark.file for e in errors] == [str(pack_yaml)] and "version" in str(errors[0])
    assert len(packs) == 4 and schema_checks == [f"{pack_yaml}:pack"]
    assert manifest_digest(scenarios_copy / PACK) not in read_validated(cache)


def test_a_file_changed_behind_a_remembered_manifest_is_checked_in_full_and_refused(
        scenarios_copy: Path, tmp_path: Path, schema_checks: list[str]) -> None:
    cache = tmp_path / "validated-packs.json"
    load_packs(scenarios_copy, cache=cache)
    scenario_yaml = scenarios_copy / PACK / "scenario.yaml"
    scenario_yaml.write_text(scenario_yaml.read_text(encoding="utf-8").replace("\nsteps:", "\nstepz:", 1),
                             encoding="utf-8")  # not resealed
    schema_checks.clear()
    packs, errors = load_packs(scenarios_copy, cache=cache)
    assert len(packs) == 4 and len(errors) == 1
    assert f"{scenario_yaml}:scenario" in schema_checks  # not trusted: the schema ran again
    assert any(d.check == "schema" for d in errors[0].diagnostics)


@pytest.mark.parametrize("content", ["not json", '{"format": "nova-validated-packs/1", "schemas": "old", '
                                                 '"manifests": []}', "[]"])
def test_a_damaged_or_outdated_cache_only_means_validating_again(content: str, scenarios_copy: Path, tmp_path: Path,
                                                                 schema_checks: list[str]) -> None:
    cache = tmp_path / "validated-packs.json"
    cache.write_text(content, encoding="utf-8")
    packs, errors = load_packs(scenarios_copy, cache=cache)
    assert len(packs) == 5 and not errors and len(schema_checks) == 10
    assert len(json.loads(cache.read_text(encoding="utf-8"))["manifests"]) == 5


def test_a_cache_that_cannot_be_written_does_not_stop_the_kiosk(scenarios_copy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    packs, errors = load_packs(scenarios_copy, cache=blocker / "validated-packs.json")
    assert len(packs) == 5 and not errors


def test_libyaml_reads_every_sample_file_exactly_as_the_bounded_parser(published_scenarios: Path) -> None:
    """Values, key order and every line:column mark: diagnostics point at the same places."""
    files = sorted(published_scenarios.glob("*/*.yaml"))
    assert len(files) >= 15
    for path in files:
        text = path.read_text(encoding="utf-8")
        bounded, fast = parse(text, str(path)), parse(text, str(path), trusted=True)
        assert fast.plain() == bounded.plain() and list(fast.plain()) == list(bounded.plain())
        assert _marks(fast) == _marks(bounded)


def _marks(node: YNode) -> list[object]:
    out: list[object] = [node.mark, node.key_marks]
    children = node.value.values() if isinstance(node.value, dict) else \
        node.value if isinstance(node.value, list) else []
    for child in children:
        out.extend(_marks(child))
    return out
