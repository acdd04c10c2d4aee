"""`kiosk erase`: erase one visit here and withdraw it from the LRS (voiding statements)."""

from __future__ import annotations

import argparse

from kiosk.commands import arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("registration", metavar="REGISTRATION", help="the visit's id (from its QR code or export)")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.sync import erase_visit

    return erase_visit(arguments.settings(args), args.registration)
