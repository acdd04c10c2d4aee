"""Located errors for authored YAML, and fuzzing: bad input gives a place and a hint, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.errors import ContentError
from kiosk.scenario.catalog import TradeSummary, read_trade
from kiosk.scenario.source import LocatedError, parse
from tests.conftest import SCENARIOS

GOOD = (SCENARIOS / "commis-de-cuisine" / "pack.yaml").read_text(encoding="utf-8")


def _pack(tmp_path: Path, text: str) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir(exist_ok=True)
    (pack / "pack.yaml").write_text(text, encoding="utf-8")
    return pack


def _error(tmp_path: Path, text: str) -> LocatedError:
    with pytest.raises(LocatedError) as info:
        read_trade(_pack(tmp_path, text))
    return info.value


def test_values_keep_their_line_and_column() -> None:
    root = parse("a: 1\nb:\n  c: [x, y]\n", "f.yaml")
    c = root.get("b").get("c")  # type: ignore[union-attr]
    assert (c.mark.line, c.mark.col) == (3, 6)  # type: ignore[union-attr]
    assert [item.value for item in c.value] == ["x", "y"]  # type: ignore[union-attr]


def test_wrong_shortage_level_points_at_the_value(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("level: 4", "level: 7"))
    line = next(i for i, text in enumerate(GOOD.splitlines(), 1) if "level: 4" in text)
    assert str(err.mark).endswith(f"pack/pack.yaml:{line}:{GOOD.splitlines()[line - 1].index('4') + 1}")
    assert "expected 1..5, got 7" in err.message
    assert "^" in err.report() and "hint:" in err.report()


def test_missing_french_title_is_located(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("title: {fr: Commis de cuisine, en: Kitchen assistant}",
                                        "title: {en: Kitchen assistant}"))
    assert "trade.title: expected texts per language with at least `fr`" in err.message
    assert err.mark.line == 6


def test_syntax_error_is_located_with_a_hint(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("  sector: hotellerie-restauration", "  sector: [unclosed"))
    assert "YAML syntax" in err.message
    assert err.mark.line >= 11
    assert "indentation" in err.hint


def test_duplicate_key_names_the_first_one(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("  rome: G1602\n", "  rome: G1602\n  rome: G1603\n"))
    assert "duplicate key `rome`" in err.message
    assert "line 5" in err.hint


def test_control_character_is_located(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace("Kitchen assistant", "Kitchen\x1fassistant"))
    assert "character U+001F is not allowed" in err.message
    assert err.mark.line == 6


def test_empty_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    assert "empty" in _error(tmp_path, "").message


def _mutations() -> st.SearchStrategy[str]:
    lines = GOOD.splitlines()

    def mutate(ops: list[tuple[int, int, str]]) -> str:
        out = list(lines)
        for kind, index, text in ops:
            i = index % max(1, len(out))
            if kind == 0 and out:
                del out[i]
            elif kind == 1:
                out.insert(i, text)
            elif kind == 2 and out:
                cut = len(text) % (len(out[i]) + 1)
                out[i] = out[i][:cut] + text + out[i][cut:]
            elif out:
                out[i], out[-1] = out[-1], out[i]
        return "\n".join(out)

    alphabet = st.sampled_from([*":{}[]-#&*!|>'\"%@`, \t\nabcé0123", "level: ", "fr:", "  ", "\x00"])
    chunk = st.lists(alphabet, max_size=12).map("".join)
    return st.lists(st.tuples(st.integers(0, 3), st.integers(0, 100), chunk), max_size=6).map(mutate)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(_mutations(), st.text(max_size=300)))
def test_mutated_or_random_pack_metadata_never_crashes(tmp_path: Path, text: str) -> None:
    try:
        trade = read_trade(_pack(tmp_path, text))
    except ContentError as exc:
        error: ContentError | None = exc
    else:
        error = None
    if error is not None:
        assert "pack.yaml" in str(error)
        assert error.hint
    else:
        assert isinstance(trade, TradeSummary)
        assert 1 <= trade.shortage_level <= 5
        assert trade.title["fr"]
