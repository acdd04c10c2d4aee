"""The `kiosk` subcommands, one module each, found through `commands_dict` (as pip's registry).

A command module declares its own options in `add_arguments(parser)` (its description and epilog
too) and does its work in `run(args) -> int`. The registry holds only the module's name and the
one-line summary `kiosk --help` lists, so a command's module, and whatever it imports, is loaded
only when that command is asked for. A new command is one new module and one line here.
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass
from typing import Protocol, cast


class Command(Protocol):
    """What a command module provides (modules satisfy this protocol)."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


@dataclass(frozen=True)
class CommandInfo:
    module: str
    summary: str


def _info(name: str, summary: str) -> CommandInfo:
    return CommandInfo(f"{__name__}.{name}", summary)


# In the order `kiosk --help` lists them.
commands_dict: dict[str, CommandInfo] = {
    "run": _info("run", "run the kiosk (a window if there is a display, else headless)"),
    "lint": _info("lint", "check scenario packs (errors and warnings, file:line:col)"),
    "graph": _info("graph", "draw a scenario: steps, branches, skills each answer feeds"),
    "pack": _info("pack", "scenario pack tools"),
    "new": _info("new", "start new content from a template that lints clean"),
    "packs": _info("packs", "install content updates safely, or go back to the previous version"),
    "schema": _info("schema", "write the JSON Schemas of pack.yaml and scenario.yaml"),
    "preview": _info("preview", "play a scenario pack; reloads when its files change"),
    "scoring": _info("scoring", "item parameters of the skill scoring model: init, simulate, calibrate, validate"),
    "report": _info("report", "psychometric report for trainers: items, reliability, information, DIF "
                              "(PDF, PNG, CSV)"),
    "insights": _info("insights", "agency report from the LRS: visits, languages, funnel, where visitors leave, "
                                  "skills, trades vs offers (HTML, PDF, CSV)"),
    "replay": _info("replay", "play a visit's input journal back: same states, screenshots"),
    "screens": _info("screens", "every screen of a visit as PNG (docs/screens/), or --check the layout of them all"),
    "fleet": _info("fleet", "the operators' dashboard: reads Prometheus, or polls a few kiosks"),
    "config": _info("config", "check a configuration file: every error names the key and the file"),
    "offers": _info("offers", "job offers: import a feed (CSV or JSON), list them"),
    "trainings": _info("trainings", "trainings: import a feed (CSV or JSON), list them"),
    "keys": _info("keys", "the signing keys of the skill credentials (Ed25519)"),
    "badge": _info("badge", "check a skill credential (Open Badges 3.0, VC-JWT)"),
    "results": _info("results", "a scripted visit: play, score, offers, badges, QR, page"),
    "sync": _info("sync", "results outbox and the learning record store (xAPI)"),
    "erase": _info("erase", "erase one visit here and withdraw it from the LRS (voiding)"),
    "export": _info("export", "CSV for the agency (one row per visit and skill)"),
    "bench": _info("bench", "print performance benchmarks"),
    "doctor": _info("doctor", "list devices, their state and versions; run the board's self-test"),
}


def load_command(name: str) -> Command:
    """The module of command `name` (imported now, not before)."""
    return cast(Command, importlib.import_module(commands_dict[name].module))
