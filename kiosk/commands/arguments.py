"""Argument types and option groups that several `kiosk` commands share."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from kiosk.config import Settings, load_settings
from kiosk.errors import KioskError


def size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x720, got {text!r}") from None
    if not (160 <= w <= 7680 and 120 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"size {w}x{h} is out of range (160x120 .. 7680x4320)")
    return w, h


def positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("expected a positive number")
    return value


def count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("expected a whole number ≥ 1")
    return value


def settings(args: argparse.Namespace) -> Settings:
    """The settings of the global --config (built-in settings without it)."""
    return load_settings(args.config)


def lrs_arguments(parser: argparse.ArgumentParser, lrs_help: str) -> None:
    """--lrs URL and its basic-auth credentials, as every command that reads or fills an LRS takes them."""
    parser.add_argument("--lrs", metavar="URL", help=lrs_help)
    parser.add_argument("--user", default="", help="basic auth user for --lrs")
    parser.add_argument("--password", default="", help="basic auth password for --lrs")


def lrs_source(parser: argparse.ArgumentParser) -> None:
    """--lrs and its time window, the other source of the answers `--responses FILE.csv` names."""
    lrs_arguments(parser, "instead of --responses: every kiosk's answers, read from this LRS's xAPI statements "
                          "(e.g. https://lrs.example.org/xAPI/)")
    parser.add_argument("--since", default="", metavar="TIME", help="with --lrs: statements after this ISO time")
    parser.add_argument("--until", default="", metavar="TIME", help="with --lrs: statements up to this ISO time")


def responses_source(args: argparse.Namespace, packs: Sequence[Path], folder: str) -> Path:
    """--responses FILE, or (--lrs) the same rows read from the LRS into a file in `folder`."""
    if bool(args.lrs) == bool(args.responses):
        raise KioskError("give --responses FILE.csv or --lrs URL (one of them)",
                         hint="--lrs reads every kiosk's answers from the LRS")
    if not args.lrs:
        return Path(args.responses)
    from kiosk.commands.insights import responses_from_lrs
    from kiosk.sync.client import LrsClient

    return responses_from_lrs(LrsClient(args.lrs, args.user, args.password), packs,
                              Path(folder) / "lrs-responses.csv", since=args.since, until=args.until)
