"""The command registry: each `kiosk` subcommand is one module, found through `commands_dict`, and
loaded only when asked for."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import kiosk.commands
from kiosk.cli import main
from kiosk.commands import commands_dict, load_command


def test_every_registered_command_declares_its_options_and_its_run() -> None:
    for name in commands_dict:
        module = load_command(name)
        assert callable(module.add_arguments), name
        assert callable(module.run), name


def test_every_command_module_is_registered() -> None:
    """A module that declares a command but is missing from the registry would be silently unreachable."""
    declared = set()
    for found in pkgutil.iter_modules(kiosk.commands.__path__):
        module = importlib.import_module(f"kiosk.commands.{found.name}")
        if hasattr(module, "add_arguments") and hasattr(module, "run"):
            declared.add(module.__name__)
    assert declared == {info.module for info in commands_dict.values()}


def test_a_command_loads_only_its_own_module() -> None:
    """`kiosk sync --help` must not pay for the renderer or the psychometrics that other commands import."""
    code = ("import sys; from kiosk.cli import main\n"
            "try:\n    main(['sync', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('kiosk.commands.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            timeout=60).stdout.splitlines()[-1]
    assert "kiosk.commands.sync" in loaded
    for other in ("kiosk.commands.preview", "kiosk.commands.report", "kiosk.commands.replay", "kiosk.commands.bench"):
        assert other not in loaded


def test_nested_commands_still_reach_their_handlers(capsys: pytest.CaptureFixture[str]) -> None:
    """Parsing goes through the lazily declared parsers down to the innermost action's options."""
    with pytest.raises(SystemExit) as stop:
        main(["pack", "translate", "export", "scenarios/commis-de-cuisine"])  # --lang is required
    assert stop.value.code == 2
    assert "--lang" in capsys.readouterr().err


def test_an_unknown_command_is_refused_with_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["frobnicate"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'frobnicate'" in err and "doctor" in err


def test_every_bench_has_its_runner() -> None:
    """`kiosk bench WHAT` dispatches through a table: a bench declared without a runner would fail only when run."""
    import argparse

    from kiosk.commands import bench

    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    declared = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert set(declared) == set(bench.BENCHES)
