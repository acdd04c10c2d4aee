"""The `kiosk` command: the global options, one subcommand per entry of `kiosk.commands.commands_dict`,
and the one place where errors become one-line messages and exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hardware.errors import HardwareError
from kiosk import __version__
from kiosk.commands import commands_dict, load_command
from kiosk.config import load_settings
from kiosk.errors import KioskError
from kiosk.ops.logs import configure as configure_logs
from kiosk.scenario.load import PackError


class CommandParser(argparse.ArgumentParser):
    """A subcommand's parser that asks its module for its options only when that command is parsed or
    its help is shown: `kiosk sync now` never imports the renderer that `kiosk preview` needs."""

    def __init__(self, *args: Any, command: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._command = command  # None: an inner parser (`kiosk pack translate`), declared by its command

    def _declare(self) -> None:
        if self._command is not None:
            module = load_command(self._command)
            self._command = None
            module.add_arguments(self)
            self.set_defaults(command_run=module.run)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        self._declare()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._declare()
        return super().format_help()

    def format_usage(self) -> str:
        self._declare()
        return super().format_usage()


class _Parsers(dict[str, "argparse.ArgumentParser | None"]):
    """Subcommand name → its parser, made when the command is chosen: an `ArgumentParser` costs
    ~1-4 ms (argparse looks its messages up with gettext, on disk, at each), and `kiosk run`
    needs one of 25 (docs/performance.md, cold start)."""

    def __init__(self, make: Callable[[str], argparse.ArgumentParser]) -> None:
        super().__init__()
        self._make = make

    def __getitem__(self, name: str) -> argparse.ArgumentParser:
        parser = super().__getitem__(name)
        if parser is None:
            parser = self._make(name)
            self[name] = parser
        return parser


class _Commands(argparse._SubParsersAction):  # type: ignore[type-arg]  # argparse's own subcommand action
    """Declares each subcommand (its name and one-line help) without building its parser."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_parser_map = self.choices = _Parsers(
            lambda name: CommandParser(prog=f"{self._prog_prefix} {name}", command=name))

    def declare(self, name: str, summary: str) -> None:
        self._choices_actions.append(self._ChoicesPseudoAction(name, (), summary))
        self._name_parser_map[name] = None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Nova Kiosk: job-discovery kiosk engine.")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", type=Path, help="TOML settings file (default: built-in settings)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    parser.add_argument("--log-format", choices=("text", "json"),
                        help="text on stderr, or one JSON object per line on stdout (default: ops.log_format)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", action=_Commands)
    assert isinstance(commands, _Commands)
    for name, info in commands_dict.items():
        commands.declare(name, info.summary)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    log_format = args.log_format
    if log_format is None:
        try:
            log_format = load_settings(args.config).ops.log_format
        except KioskError:
            log_format = "text"  # the command itself reports the configuration error
    args.log_format = log_format
    configure_logs(log_format, args.verbose)
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    try:
        code: int = args.command_run(args)
        return code
    except PackError as exc:  # content errors get the full compiler-style report
        print(exc.report(), file=sys.stderr)
        return exc.exit_code
    except (KioskError, HardwareError) as exc:  # hardware/ has its own root: it never imports the engine
        print(f"kiosk: error: {exc}", file=sys.stderr)  # one line: what went wrong, then (hint: what to do)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
