"""scripts/complexity.py, the gate scripts/test.sh runs: modules up to 400 lines, functions up to
cyclomatic complexity 15 (radon's measure), the worst five printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.complexity import main

REPO = Path(__file__).resolve().parents[2]


def _branchy(name: str, branches: int) -> str:
    """A function of cyclomatic complexity 1 + branches."""
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(branches))
    return f"def {name}(x: int) -> int:\n{body}    return -1\n"


def test_a_function_over_15_fails_the_gate_and_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "fine.py").write_text(_branchy("calm", 14), encoding="utf-8")  # complexity 15: at the bar
    (tmp_path / "knotty.py").write_text("\n\n" + _branchy("tangle", 15), encoding="utf-8")  # 16
    assert main(["--paths", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"over complexity 15: {tmp_path / 'knotty.py'}:3 tangle (16)" in out
    assert f"   15  {tmp_path / 'fine.py'}:1 calm" in out  # listed among the worst, yet at the bar: not over it
    assert not [line for line in out.splitlines() if line.startswith("over") and "calm" in line]


def test_methods_are_measured_with_their_class_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    method = "class Screen:\n" + "".join("    " + line + "\n" for line in _branchy("handle", 20).splitlines())
    (tmp_path / "screen.py").write_text(method.replace("(x: int)", "(self, x: int)"), encoding="utf-8")
    assert main(["--paths", str(tmp_path / "screen.py")]) == 1
    assert "Screen.handle (21)" in capsys.readouterr().out


def test_a_module_over_400_lines_fails_the_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "long.py").write_text("x = 1\n" * 401, encoding="utf-8")
    (tmp_path / "short.py").write_text("x = 1\n" * 400, encoding="utf-8")
    assert main(["--paths", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"over 400 lines: {tmp_path / 'long.py'} (401)" in out and "over 400 lines: " + str(tmp_path / "short.py") \
        not in out


def test_only_the_worst_five_are_listed_when_all_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(8):
        (tmp_path / f"m{i}.py").write_text(_branchy(f"f{i}", i) + "\n" * i, encoding="utf-8")
    assert main(["--paths", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    listed = out.split("most complex functions")[1].splitlines()[1:6]
    assert [line.split()[-1] for line in listed] == ["f7", "f6", "f5", "f4", "f3"]
    assert "all under the bars" in out


def test_the_areas_already_brought_under_the_bars_stay_there(capsys: pytest.CaptureFixture[str]) -> None:
    """The whole tree is gated in scripts/test.sh; these parts were brought under the bars first."""
    areas = ["kiosk/cli.py", "kiosk/commands", "kiosk/config.py", "kiosk/ops", "kiosk/credentials", "kiosk/matching",
             "kiosk/insights", "hardware"]
    code = main(["--paths", *(str(REPO / area) for area in areas)])
    assert code == 0, capsys.readouterr().out
