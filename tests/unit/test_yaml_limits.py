"""Issue 27 item 6: hostile scenario and scoring YAML meets a located error naming the limit, fast,
instead of minutes of CPU, gigabytes of memory or a traceback."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.scenario.manifest import seal
from kiosk.scenario.source import LIMITS, LocatedError, parse

PACK = "commis-de-cuisine"


def _laughs(levels: int = 9) -> str:
    lines = ['lol0: &l0 "lol"']
    lines += [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


HOSTILE_SCENARIOS = {
    # name: (text appended to scenario.yaml, or a whole replacement starting with "=", limit named)
    "billion laughs": (_laughs(), "limit: values"),
    "a million aliases": ("refs: [" + ", ".join(["*l0"] * 1_000_000) + "]\n", "limit: file size"),
    "2000 aliases": ("anchor: &l0 x\nrefs: [" + ", ".join(["*l0"] * 2000) + "]\n", "limit: aliases"),
    "1000 levels of nesting": ("deep: " + "[" * 1000 + "]" * 1000 + "\n", "limit: nesting depth"),
    "a 20 MB string": ("long: " + "x" * 20_000_000 + "\n", "limit: file size"),
    "a 50,000-character text": ("long: " + "x" * 50_000 + "\n", "limit: text length"),
    "100,000 steps": ("=format: nova-scenario/1\nsteps:\n" + "  - {}\n" * 100_000, "limit: file size"),
    "1,000 steps": ("=format: nova-scenario/1\nsteps:\n" + "  - {}\n" * 1000, "limit: number of steps"),
    "60,000 values": ("many: [" + "1," * 60_000 + "]\n", "limit: values"),
    "a 5,000-digit integer": ("big: " + "9" * 5000 + "\n", "limit: integer digits"),
    "!!float x": ("odd: !!float x\n", "cannot be read as float"),
    "1.0e+400": ("huge: 1.0e+400\n", "not a finite number"),
}


@pytest.mark.parametrize("case", list(HOSTILE_SCENARIOS))
def test_hostile_scenario_yaml_is_a_located_error_naming_the_limit(case: str, scenarios_copy: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    text, named = HOSTILE_SCENARIOS[case]
    scenario = scenarios_copy / PACK / "scenario.yaml"
    scenario.write_text(text[1:] if text.startswith("=") else scenario.read_text(encoding="utf-8") + text,
                        encoding="utf-8")
    started = time.monotonic()
    assert main(["lint", "--format", "json", str(scenarios_copy / PACK)]) == 65
    assert time.monotonic() - started < 10
    findings = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    first = next(f for f in findings if f["severity"] == "error")
    assert first["file"] == str(scenario) and first["line"] >= 1 and first["col"] >= 1
    assert named in first["message"] + " " + first["hint"], first


@pytest.mark.parametrize(("value", "named"), [("!!float x", "cannot be read as float"),
                                               ("9" * 5000, "limit: integer digits"),
                                               ("[" * 2000 + "]" * 2000, "limit: nesting depth")])
def test_hostile_scoring_yaml_is_a_located_lint_error(value: str, named: str, scenarios_copy: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    bank = scenarios_copy / PACK / "scoring.yaml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("version: 1\n", f"version: {value}\n"),
                    encoding="utf-8")
    seal(scenarios_copy / PACK)  # the manifest agrees: only the bank's own content is wrong
    assert main(["lint", str(scenarios_copy / PACK)]) == 65
    out = capsys.readouterr().out
    assert re.search(rf"^{re.escape(str(bank))}:7:\d+: error: [^/]+$", out, re.M), out
    assert named in out


def test_a_scoring_file_that_is_not_utf8_is_a_located_finding(scenarios_copy: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    bank = scenarios_copy / PACK / "scoring.yaml"
    bank.write_bytes(bank.read_bytes().replace(b"version: 1\n", b"version: 1 # caf\xe9\n"))
    seal(scenarios_copy / PACK)
    assert main(["lint", "--format", "json", str(scenarios_copy / PACK)]) == 65
    captured = capsys.readouterr()
    finding = json.loads(captured.out.splitlines()[0])
    assert (finding["file"], finding["line"], finding["col"]) == (str(bank), 7, 17) and not captured.err
    assert finding["message"] == "byte 0xe9 is not UTF-8 text"


def test_a_located_error_on_a_megabyte_line_shows_only_the_part_around_it() -> None:
    with pytest.raises(LocatedError) as caught:
        parse("a: [" + "1, " * 20_000 + "!!float x]", "big.yaml")
    assert caught.value.mark.line == 1 and max(map(len, caught.value.snippet.splitlines())) < 200


def test_the_limits_leave_room_for_the_sample_packs() -> None:
    for scenario in Path("scenarios").glob("*/scenario.yaml"):
        text = scenario.read_text(encoding="utf-8")
        assert len(text.encode()) * 7 < LIMITS.file_bytes  # in four languages, room to grow seven times
        parse(text, str(scenario))  # no limit reached
