"""`kiosk keys`: the Ed25519 keys that sign the skill credentials, and what outside verifiers fetch."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.commands import arguments
from kiosk.errors import ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("generate", "rotate", "show", "publish"),
                        help="generate the first key, rotate to a new one (old credentials still verify), show, "
                             "or publish what outside verifiers fetch (into DIR)")
    parser.add_argument("dir", nargs="?", type=Path, metavar="DIR",
                        help="publish: the web server's document root for the issuer's host; written: the did:web "
                             "document, .well-known/jwks.json (current and past keys), the issuer Profile, the "
                             "criteria page and the verification page (docs/operations.md)")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands import results

    if args.dir is not None and args.action != "publish":
        raise ConfigError(f"`kiosk keys {args.action}` takes no folder", "only `kiosk keys publish DIR` does")
    return results.keys(arguments.settings(args), args.action, args.dir)
