"""`kiosk pack translate export|import`: a pack's texts out to a PO file for a translator, and back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from kiosk.errors import ContentError
from kiosk.scenario.translate import export_catalog, import_catalog, write_catalog

EXIT_INCOMPLETE = 1  # --strict and some texts still untranslated, fuzzy or stale


def export_po(pack_dir: Path, language: str, output: Path | None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    catalog = export_catalog(pack_dir, language)
    target = output or Path(f"{pack_dir.resolve().name}.{language}.po")
    target.write_bytes(write_catalog(catalog))
    missing = sum(1 for message in catalog if message.id and not message.string)
    out.write(f"{target}: {len(catalog)} texts, {missing} to translate into {language}\n")
    return 0


def import_po(pack_dir: Path, po_file: Path, language: str, *, strict: bool = False, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        po = po_file.read_bytes()
    except OSError as exc:
        raise ContentError(f"{po_file}: cannot be read ({exc.strerror})", hint="give the PO file to import") from exc
    report = import_catalog(pack_dir, po, language)
    for line in report.lines():
        out.write(line + "\n")
    if report.written:
        out.write("run `kiosk lint` on the pack, then `kiosk pack seal` when you are done\n")
    return EXIT_INCOMPLETE if strict and not report.complete else 0
