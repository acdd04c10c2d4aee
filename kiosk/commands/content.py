"""Trainers' tools: `kiosk lint`, `kiosk graph`, `kiosk pack seal`, `kiosk schema`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from kiosk.errors import ContentError
from kiosk.scenario.diagnostics import Diagnostic
from kiosk.scenario.esco import read_skills
from kiosk.scenario.graph import render_graph, to_dot
from kiosk.scenario.load import Inspection, PackError, find_packs, in_report_order, inspect_pack
from kiosk.scenario.manifest import seal
from kiosk.scenario.schema import pack_schema, scenario_schema

EXIT_OK = 0
EXIT_WARNINGS = 1  # --strict and warnings only
EXIT_ERRORS = ContentError.exit_code  # 65, EX_DATAERR


def lint(paths: Sequence[Path], *, strict: bool = False, output: str = "text", require_sealed: bool = False,
         credits: bool = False, out: TextIO | None = None) -> int:
    """Check packs; print every finding; return the exit code CI should see."""
    out = out or sys.stdout
    skills = read_skills()
    inspections = [inspect_pack(p, skills, require_sealed=require_sealed) for p in find_packs(list(paths))]
    for inspection in inspections:
        _add_bank_findings(inspection)
    if not inspections:
        raise ContentError(f"no scenario packs under {', '.join(map(str, paths))}",
                           hint="give a pack folder (with pack.yaml) or a folder of packs")
    errors = sum(len(i.errors) for i in inspections)
    warnings = sum(len(i.warnings) for i in inspections)
    if output == "json":
        _print_json(inspections, out)
    else:
        for inspection in inspections:
            _print_text(inspection, out)
            if credits and inspection.pack is not None:
                from kiosk.commands.scoring import credit_tables

                out.writelines(f"  credits {line}\n" for line in credit_tables(inspection.pack))
        out.write(f"lint: {len(inspections)} pack(s), {errors} error(s), {warnings} warning(s)\n")
    if errors:
        return EXIT_ERRORS
    return EXIT_WARNINGS if strict and warnings else EXIT_OK


def _print_json(inspections: Sequence[Inspection], out: TextIO) -> None:
    """One JSON object per finding and line, for editors and CI annotations."""
    for inspection in inspections:
        for d in inspection.diagnostics:
            out.write(json.dumps({"pack": inspection.pack_dir.name, "severity": str(d.severity),
                                  "file": d.mark.file, "line": d.mark.line, "col": d.mark.col,
                                  "check": d.check, "message": d.message, "hint": d.hint},
                                 ensure_ascii=False) + "\n")


def _add_bank_findings(inspection: Inspection) -> None:
    from kiosk.commands.scoring import bank_findings

    if inspection.pack is None:
        return
    inspection.diagnostics = in_report_order(inspection.diagnostics + bank_findings(inspection.pack))
    if inspection.errors:
        inspection.pack = None


def _print_text(inspection: Inspection, out: TextIO) -> None:
    for diagnostic in inspection.diagnostics:
        out.write(diagnostic.render() + "\n\n")
    pack = inspection.pack
    if pack is not None:
        skills = sorted({c for o in pack.scenario.observables.values() for c in o.skills})
        sealed = "sealed" if pack.sealed else "not sealed"
        out.write(f"ok  {inspection.pack_dir.name} {pack.version}: {len(pack.scenario.steps)} steps, "
                  f"skills {' '.join(skills)}, {sealed}\n")
    else:
        out.write(f"BAD {inspection.pack_dir.name}: {len(inspection.errors)} error(s)\n")


def graph(pack_dir: Path, out_path: Path, language: str) -> Path:
    inspection = inspect_pack(pack_dir, check_manifest=False)
    pack = inspection.draft
    if pack is None:  # errors before the model could be built: nothing to draw
        raise PackError(inspection.diagnostics)
    return render_graph(to_dot(pack, read_skills(), language), out_path)


def inspect_all(pack_dir: Path, *, check_manifest: bool = True) -> Inspection:
    """Every finding `kiosk lint` reports about one pack, scoring.yaml's included."""
    inspection = inspect_pack(pack_dir, check_manifest=check_manifest)
    _add_bank_findings(inspection)
    return inspection


def content_errors(pack_dir: Path) -> list[Diagnostic]:
    """What `kiosk lint` would call an error, the manifest aside: a pack with any must not be sealed."""
    return inspect_all(pack_dir, check_manifest=False).errors


def seal_packs(paths: Sequence[Path], out: TextIO | None = None) -> int:
    out = out or sys.stdout
    code = EXIT_OK
    for pack_dir in find_packs(list(paths)):
        errors = content_errors(pack_dir)
        if errors:
            out.write(f"not sealed: {pack_dir} has {len(errors)} error(s); run `kiosk lint {pack_dir}`\n")
            code = EXIT_ERRORS
            continue
        out.write(f"sealed: {seal(pack_dir)}\n")
    return code


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in (("pack.schema.json", pack_schema()), ("scenario.schema.json", scenario_schema())):
        path = out_dir / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
