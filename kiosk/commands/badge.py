"""`kiosk badge verify`: check a skill credential (Open Badges 3.0, VC-JWT) against this issuer's keys."""

from __future__ import annotations

import argparse

from kiosk.commands import arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="badge_command", required=True, metavar="ACTION")
    verify = what.add_parser("verify", help="signature (this issuer's keys), claims, issuer and validity",
                             epilog="exit codes: 0 valid; 65 invalid (the reason is printed; non-canonical "
                                    "base64url is invalid)")
    verify.add_argument("credential", metavar="FILE|JWT")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands import results

    results.verify_badge(arguments.settings(args), args.credential, results.utc_now())
    return 0
