"""`kiosk bench table`: issue 24's table computed from `kiosk bench all --json` files.

The fixture is the file a real (short) `kiosk bench all --json` run wrote on the project's VM
(tests/data/bench/README.md says which); the other runs are that file with one figure changed,
so each test knows what the table must say."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.bench.table import ROWS, read_runs, table
from kiosk.cli import main
from kiosk.errors import KioskError

RUN = Path(__file__).resolve().parents[1] / "data" / "bench" / "all-short.json"


@pytest.fixture
def run() -> dict[str, Any]:
    figures: dict[str, Any] = json.loads(RUN.read_text(encoding="utf-8"))
    return figures


def _row(markdown: str, figure: str) -> list[str]:
    line = next(line for line in markdown.splitlines() if line.startswith(f"| {figure} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def _catalogue(figures: dict[str, Any]) -> dict[str, Any]:
    scene: dict[str, Any] = next(s for s in figures["render"]["scenes"] if s["name"].startswith("catalogue"))
    return scene


def test_a_real_run_gives_every_row_of_the_issue_a_figure(run: dict[str, Any]) -> None:
    markdown = table([run])
    for row in ROWS:
        figure, value, target, verdict = _row(markdown, row.figure)
        assert value != "—" and verdict != "not measured", figure
        assert target == row.target
    # one run: its own value, not a spread; a ratio of alternated passes is that run's median
    ratios = sorted(run["start"]["ratio"])
    assert _row(markdown, "cold start to READY ÷ bare process")[1] == f"{ratios[len(ratios) // 2]:.2f}×"
    assert "visits: " in markdown and "real-time video: " in markdown


def test_three_runs_give_min_median_max_and_how_many_met_the_target(run: dict[str, Any]) -> None:
    runs = [copy.deepcopy(run) for _ in range(3)]
    for figures, ratio in zip(runs, (1.25, 1.9, 1.4), strict=True):
        _catalogue(figures)["ratio_to_quad"] = ratio
    cells = _row(table(runs), "catalogue frame ÷ bare quad")
    assert cells[1:] == ["1.25 / 1.40 / 1.90", "≤ 1.3", "met in 1 of 3 runs"]
    for figures in runs:
        _catalogue(figures)["ratio_to_quad"] = 1.1
    assert _row(table(runs), "catalogue frame ÷ bare quad")[3] == "met (3 of 3 runs)"
    for figures in runs:
        _catalogue(figures)["ratio_to_quad"] = 2.0
    assert _row(table(runs), "catalogue frame ÷ bare quad")[3] == "missed (3 of 3 runs)"


def test_a_figure_missing_from_a_run_is_said_to_be_missing(run: dict[str, Any]) -> None:
    without = copy.deepcopy(run)
    del without["memory"]["visit_rss_growth_mb"]
    cells = _row(table([run, without]), "RSS growth over the scripted visits, after warm-up")
    assert cells[3] == "met (1 of 1 run; not measured in 1 of 2)"
    assert _row(table([without]), "RSS growth over the scripted visits, after warm-up")[1:] == \
        ["—", "≤ 2 MB", "not measured"]


def test_files_that_are_not_bench_figures_are_refused_with_a_hint(tmp_path: Path) -> None:
    broken, listed = tmp_path / "broken.json", tmp_path / "list.json"
    broken.write_text("{", encoding="utf-8")
    listed.write_text("[1, 2]", encoding="utf-8")
    for path, message in ((broken, "is not JSON"), (listed, "holds no figures"),
                          (tmp_path / "absent.json", "cannot read")):
        with pytest.raises(KioskError, match=message):
            read_runs([path])
    with pytest.raises(KioskError, match="no runs"):
        table([])


def test_the_command_prints_the_table_of_the_files_given(run: dict[str, Any], tmp_path: Path) -> None:
    files = []
    for index, growth in enumerate((0.4, 3.0, 0.1)):
        figures = copy.deepcopy(run)
        figures["memory"]["visit_rss_growth_mb"] = growth
        files.append(tmp_path / f"run{index}.json")
        files[-1].write_text(json.dumps(figures), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["bench", "table", *map(str, files)]) == 0
    assert out.getvalue().startswith("| figure | min / median / max over 3 runs | target | |")
    assert _row(out.getvalue(), "RSS growth over the scripted visits, after warm-up")[1:] == \
        ["0.1 / 0.4 / 3.0 MB", "≤ 2 MB", "met in 2 of 3 runs"]
