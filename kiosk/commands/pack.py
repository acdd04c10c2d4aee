"""`kiosk pack`: the authors' pack tools: seal, sign, translate, and Twine in and out."""

from __future__ import annotations

import argparse
from pathlib import Path

Actions = argparse._SubParsersAction  # argparse exports no public name for it


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="pack_command", required=True, metavar="ACTION")
    seal = what.add_parser("seal", help="write manifest.json (sha256 of every file) to publish a pack")
    seal.add_argument("packs", nargs="+", type=Path, metavar="PACK")
    sign = what.add_parser("sign", help="sign a sealed pack's manifest (publishers; Ed25519)")
    sign.add_argument("pack", type=Path, metavar="PACK")
    sign.add_argument("--keys", type=Path, required=True, help="a key folder made by `kiosk keys generate`")
    _translate_arguments(what)
    _twine_arguments(what)


def _translate_arguments(what: Actions[argparse.ArgumentParser]) -> None:
    translate = what.add_parser(
        "translate", help="a pack's texts to a PO file for translators, and back into the YAML",
        description="export: every text of pack.yaml and the scenario as a PO entry (msgctxt = YAML path, msgid = "
                    "the French source, comments = step, speaker, English). import: write the translations back, "
                    "keeping the YAML's comments, order and formatting; untranslated, fuzzy or stale entries are "
                    "listed by file:line.",
        epilog="exit codes: 0 done; 1 with --strict when some texts are still missing; 65 bad pack or PO file")
    translate_what = translate.add_subparsers(dest="translate_command", required=True, metavar="ACTION")
    export = translate_what.add_parser("export", help="write PACK_ID.LANG.po (or -o FILE)")
    export.add_argument("pack", type=Path, metavar="PACK")
    export.add_argument("--lang", required=True, help="the target language, e.g. uk or ar")
    export.add_argument("-o", "--output", type=Path, metavar="FILE.po")
    merge = translate_what.add_parser("import", help="merge a translated PO file into the pack's YAML")
    merge.add_argument("pack", type=Path, metavar="PACK")
    merge.add_argument("po_file", type=Path, metavar="FILE.po")
    merge.add_argument("--lang", required=True, help="the language of the PO file")
    merge.add_argument("--strict", action="store_true", help="exit 1 while some texts are still missing")


def _twine_arguments(what: Actions[argparse.ArgumentParser]) -> None:
    to_pack = what.add_parser(
        "import-twine", help="turn a Twine story (Twee 3 or published HTML) into a pack",
        description="Passages become steps, links answers, tags step types; the convention for texts, credits "
                    "and media is in docs/authoring.md (Writing in Twine). Media found beside the story are "
                    "copied, missing ones get a placeholder listed in the pack's TODO.md. Ends with `kiosk lint`.",
        epilog="exit codes: 0 imported and lints clean; 65 problems (each as story:passage: message (hint))")
    to_pack.add_argument("story", type=Path, metavar="STORY.twee|STORY.html")
    to_pack.add_argument("-o", "--output", type=Path, required=True, metavar="PACK",
                         help="the pack folder to write, e.g. scenarios/aide-soignant (its name is the pack id)")
    to_pack.add_argument("--trade", metavar="ROME", help="ROME code when the story has no `trade:` in its Pack passage")
    to_pack.add_argument("--force", action="store_true",
                         help="replace pack.yaml and scenario.yaml of an existing pack (old ones kept as *~)")
    to_twine = what.add_parser("export-twine", help="write a pack as a Twine story (Twee 3) to edit in Twine")
    to_twine.add_argument("pack", type=Path, metavar="PACK")
    to_twine.add_argument("-o", "--output", type=Path, metavar="FILE.twee", help="default: beside the pack, ID.twee")


def run(args: argparse.Namespace) -> int:
    if args.pack_command == "translate":
        from kiosk.commands.translate import export_po, import_po

        if args.translate_command == "export":
            return export_po(args.pack, args.lang, args.output)
        return import_po(args.pack, args.po_file, args.lang, strict=args.strict)
    if args.pack_command in ("import-twine", "export-twine"):
        return _twine(args)
    if args.pack_command == "sign":
        from kiosk.commands.packs import sign

        sign(args.pack, args.keys)
        return 0
    from kiosk.commands.content import seal_packs

    return seal_packs(args.packs)


def _twine(args: argparse.Namespace) -> int:
    from kiosk.commands import twine

    if args.pack_command == "import-twine":
        return twine.import_twine(args.story, args.output, rome=args.trade, force=args.force)
    twine.export_twine(args.pack, args.output)
    return 0
