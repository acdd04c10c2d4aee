"""docs/authoring.md, "Your first pack in 15 minutes", followed literally: its files are written
and its commands run as printed, from a folder laid out like the repository; the output the
guide shows must appear."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from kiosk.cli import main

pytestmark = pytest.mark.gl
REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "authoring.md"


def walkthrough() -> list[tuple[str, str, str]]:
    """(kind, info, body) of each fenced block in the section: `console` or `yaml file=PATH`."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Your first pack in 15 minutes", 1)[1].split("\n## ", 1)[0]
    return [(m.group(1), m.group(2).strip(), m.group(3))
            for m in re.finditer(r"^```(\w+)([^\n]*)\n(.*?)^```$", section, re.S | re.M)]


def test_the_guide_has_a_walkthrough() -> None:
    blocks = walkthrough()
    assert [kind for kind, _, _ in blocks].count("console") >= 4
    assert {info for kind, info, _ in blocks if kind == "yaml"} == {
        "file=scenarios/premier-jour/pack.yaml", "file=scenarios/premier-jour/scenario.yaml"}


def test_first_pack_in_15_minutes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "assets").symlink_to(REPO / "assets")  # the guide runs from the repository root
    monkeypatch.chdir(tmp_path)
    for kind, info, body in walkthrough():
        if kind == "yaml":
            path = tmp_path / info.removeprefix("file=")
            assert path.parent.is_dir(), f"the guide writes {path} before creating its pack"
            path.write_text(body, encoding="utf-8")
            continue
        outputs = []
        for line in body.splitlines():
            if line.startswith("$ "):
                argv = shlex.split(line[2:])
                assert argv[0] == "kiosk"
                assert main(argv[1:]) == 0, line
                outputs.append(capsys.readouterr().out)
        printed = {line.rstrip() for output in outputs for line in output.splitlines()}
        for expected in (line for line in body.splitlines() if line and not line.startswith("$ ")):
            assert expected in printed, (expected, outputs)
    assert (tmp_path / "scenarios" / "premier-jour" / "manifest.json").is_file()
    shots = sorted((tmp_path / "out" / "preview" / "premier-jour").glob("*.png"))
    assert shots and shots[-1].name.endswith("-fin.png")
