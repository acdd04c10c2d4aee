"""Located errors for authored YAML, and fuzzing: bad input gives a place and a hint, never a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import Inspection, inspect_pack
from kiosk.scenario.source import LocatedError, parse
from tests.conftest import SCENARIOS

PACK_SOURCE = SCENARIOS / "commis-de-cuisine"
GOOD_PACK = (PACK_SOURCE / "pack.yaml").read_text(encoding="utf-8")
GOOD_SCENARIO = (PACK_SOURCE / "scenario.yaml").read_text(encoding="utf-8")
SKILLS = read_skills()


def _pack(tmp_path: Path, pack: str = GOOD_PACK, scenario: str = GOOD_SCENARIO) -> Path:
    folder = tmp_path / "commis-de-cuisine"
    if not folder.exists():
        shutil.copytree(PACK_SOURCE, folder, ignore=shutil.ignore_patterns("manifest.json"))
    (folder / "pack.yaml").write_text(pack, encoding="utf-8")
    (folder / "scenario.yaml").write_text(scenario, encoding="utf-8")
    return folder


def _inspect(tmp_path: Path, **texts: str) -> Inspection:
    return inspect_pack(_pack(tmp_path, **texts), SKILLS, check_manifest=False)


def _line_col(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1 + offset
    raise AssertionError(needle)


def test_values_keep_their_line_and_column() -> None:
    root = parse("a: 1\nb:\n  c: [x, y]\n", "f.yaml")
    c = root.get("b").get("c")  # type: ignore[union-attr]
    assert (c.mark.line, c.mark.col) == (3, 6)  # type: ignore[union-attr]
    assert [item.value for item in c.value] == ["x", "y"]  # type: ignore[union-attr]
    assert root.get("b").key_mark("c").col == 3  # type: ignore[union-attr]


def test_wrong_shortage_level_points_at_the_value(tmp_path: Path) -> None:
    result = _inspect(tmp_path, pack=GOOD_PACK.replace("level: 4", "level: 7"))
    (error,) = result.errors
    assert (error.mark.line, error.mark.col) == _line_col(GOOD_PACK, "level: 4", len("level: "))
    assert error.mark.file.endswith("commis-de-cuisine/pack.yaml")
    assert "trade.shortage.level: 7 is out of range" in error.message
    assert "^" in error.render() and "hint:" in error.render()


def test_missing_french_title_is_located(tmp_path: Path) -> None:
    result = _inspect(tmp_path, pack=GOOD_PACK.replace("title: {fr: Commis de cuisine, ", "title: {"))
    (error,) = result.errors
    assert error.message == "missing translation `fr`"
    assert error.mark.line == _line_col(GOOD_PACK, "title: {fr")[0]


def test_syntax_error_is_located_with_a_hint(tmp_path: Path) -> None:
    result = _inspect(tmp_path, pack=GOOD_PACK.replace("  sector: hotellerie-restauration", "  sector: [unclosed"))
    (error,) = result.errors
    assert "YAML syntax" in error.message
    assert error.mark.line >= _line_col(GOOD_PACK, "sector:")[0]
    assert "indentation" in error.hint


def test_duplicate_key_names_the_first_one(tmp_path: Path) -> None:
    result = _inspect(tmp_path, pack=GOOD_PACK.replace("  rome: G1602\n", "  rome: G1602\n  rome: G1603\n"))
    (error,) = result.errors
    assert "duplicate key `rome`" in error.message
    assert f"line {_line_col(GOOD_PACK, 'rome: G1602')[0]}" in error.hint


def test_control_character_is_located(tmp_path: Path) -> None:
    result = _inspect(tmp_path, pack=GOOD_PACK.replace("Kitchen assistant", "Kitchen\x1fassistant"))
    (error,) = result.errors
    assert "character U+001F is not allowed" in error.message
    assert error.mark.line == _line_col(GOOD_PACK, "Kitchen assistant")[0]


def test_empty_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    assert "empty" in _inspect(tmp_path, scenario="").errors[0].message


def test_unquoted_comma_in_a_flow_text_gets_a_specific_hint(tmp_path: Path) -> None:
    broken = GOOD_SCENARIO.replace('{fr: "Rien, je commence directement.",', "{fr: Rien, je commence directement.,")
    (error,) = _inspect(tmp_path, scenario=broken).errors
    assert "unknown key `je commence directement.`" in error.message
    assert "quotes" in error.hint


def test_yaml_booleans_in_texts_get_a_quoting_hint(tmp_path: Path) -> None:
    broken = GOOD_SCENARIO.replace("title:\n  fr: Le coup de feu du midi", "title:\n  fr: no")
    (error,) = _inspect(tmp_path, scenario=broken).errors
    assert "title.fr: expected text, got the boolean false" in error.message
    assert "quotes" in error.hint


def test_unknown_step_type_suggests_the_closest(tmp_path: Path) -> None:
    broken = GOOD_SCENARIO.replace("type: ordering", "type: odering")
    errors = _inspect(tmp_path, scenario=broken).errors
    assert any("`odering` is not allowed here" in e.message and "did you mean `ordering`" in e.hint for e in errors)


def _mutations(text: str) -> st.SearchStrategy[str]:
    lines = text.splitlines()

    def mutate(ops: list[tuple[int, int, str]]) -> str:
        out = list(lines)
        for kind, index, chunk in ops:
            i = index % max(1, len(out))
            if kind == 0 and out:
                del out[i]
            elif kind == 1:
                out.insert(i, chunk)
            elif kind == 2 and out:
                cut = len(chunk) % (len(out[i]) + 1)
                out[i] = out[i][:cut] + chunk + out[i][cut:]
            elif out:
                out[i], out[-1] = out[-1], out[i]
        return "\n".join(out)

    alphabet = st.sampled_from([*":{}[]-#&*!|>'\"%@`, \t\nabcé0123", "next: ", "fr:", "type: ", "  ", "\x00",
                                "- id: x", "evidence: {entraide: 9}"])
    chunk = st.lists(alphabet, max_size=12).map("".join)
    return st.lists(st.tuples(st.integers(0, 3), st.integers(0, 400), chunk), min_size=1, max_size=6).map(mutate)


def _check_outcome(result: Inspection) -> None:
    """Either a servable pack, or errors that each name a file, line and column, with a hint."""
    if result.pack is not None:
        assert not result.errors
        return
    assert result.errors
    for error in result.errors:
        assert error.mark.file.endswith((".yaml", ".json")), error
        assert error.mark.line >= 1 and error.mark.col >= 1
        assert error.hint, error


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(_mutations(GOOD_SCENARIO), st.text(max_size=300)))
def test_mutated_or_random_scenarios_never_crash_the_loader(tmp_path: Path, text: str) -> None:
    _check_outcome(_inspect(tmp_path, scenario=text))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_mutations(GOOD_PACK))
def test_mutated_pack_metadata_never_crashes_the_loader(tmp_path: Path, text: str) -> None:
    _check_outcome(_inspect(tmp_path, pack=text))


@pytest.mark.slow  # 500 more mutations in CI: 1,500 took over 300 s (the timeout) on a loaded 2-core machine
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_mutations(GOOD_SCENARIO))
def test_many_more_mutations_never_crash_the_loader(tmp_path: Path, text: str) -> None:
    _check_outcome(_inspect(tmp_path, scenario=text))


def test_parse_errors_are_located_errors() -> None:
    with pytest.raises(LocatedError) as info:
        parse("a: [1, 2\n", "x.yaml")
    assert info.value.mark.file == "x.yaml"
