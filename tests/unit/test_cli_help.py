"""Every `kiosk ... --help` keeps its options and subcommands.

The expected sets in tests/data/cli_help_options.json were read from the help pages of the
single-file cli.py, before the commands moved into one module each behind a registry. This test
reads the help pages the way a user does (`kiosk pack translate export --help`), walking every
subcommand it finds there, so a lost option, metavar, choice or subcommand fails it.

Regenerate the file only when a command's options change on purpose:
    .venv/bin/python -m tests.unit.test_cli_help > tests/data/cli_help_options.json
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path

import pytest

from kiosk.cli import main

EXPECTED = Path(__file__).resolve().parents[1] / "data" / "cli_help_options.json"
SECTIONS = ("positional arguments:", "options:")


def help_page(path: tuple[str, ...]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as stop:
        main([*path, "--help"])
    assert stop.value.code == 0, f"kiosk {' '.join(path)} --help exited {stop.value.code}"
    return out.getvalue()


def read_page(page: str) -> dict[str, list[str]]:
    """The option invocations (`-o FILE, --output FILE`, `{text,json}`) and subcommands of one help page.

    argparse indents an invocation by 2 and a subcommand by 4; deeper lines continue a help text."""
    invocations: list[str] = []
    commands: list[str] = []
    in_section = False
    for line in page.splitlines():
        if line in SECTIONS:
            in_section = True
            continue
        if not line.strip():
            in_section = False
            continue
        if not in_section:
            continue
        indent = len(line) - len(line.lstrip(" "))
        words = line.strip()
        if indent == 2:
            invocations.append(words.split("  ")[0])
        elif indent == 4:
            commands.append(words.split()[0])
    return {"options": sorted(invocations), "commands": commands}


def walk(path: tuple[str, ...] = ()) -> dict[str, dict[str, list[str]]]:
    page = read_page(help_page(path))
    found = {" ".join(path): page}
    for command in page["commands"]:
        found.update(walk((*path, command)))
    return found


@pytest.fixture
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one invocation per line, whatever the terminal


@pytest.mark.usefixtures("wide_terminal")
def test_every_help_page_keeps_its_options_and_subcommands() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    found = walk()
    assert sorted(found) == sorted(expected), "commands added or lost"
    for command, page in expected.items():
        assert found[command]["options"] == page["options"], f"kiosk {command} --help"
        assert sorted(found[command]["commands"]) == sorted(page["commands"]), f"kiosk {command} --help"


@pytest.mark.usefixtures("wide_terminal")
def test_the_walk_reads_nested_commands_and_their_options() -> None:
    """The reader itself: a nested page's options are found, so an empty walk cannot pass."""
    found = walk(("pack",))
    assert "pack translate export" in found
    assert "-o FILE.po, --output FILE.po" in found["pack translate export"]["options"]
    assert "--lang LANG" in found["pack translate export"]["options"]


if __name__ == "__main__":
    os.environ["COLUMNS"] = "200"
    json.dump(walk(), sys.stdout, indent=1, ensure_ascii=False)
    print()
