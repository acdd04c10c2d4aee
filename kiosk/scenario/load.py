"""Loading a scenario pack: read, parse, validate against the schema, build the model,
apply the content rules, read its item bank (scoring.yaml), verify the manifest. `inspect_pack` reports everything (for
`kiosk lint`); `load_pack` returns a servable pack or raises the first error.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from kiosk.errors import ContentError
from kiosk.scenario import build
from kiosk.scenario.checks import REQUIRED_LANGUAGES, FileExists, ScenarioChecker, check_trade
from kiosk.scenario.diagnostics import Diagnostic, Reporter, from_located
from kiosk.scenario.esco import Skill, read_skills
from kiosk.scenario.item_bank import BANK_FILE, ItemBank, read_bank_file
from kiosk.scenario.manifest import verify
from kiosk.scenario.model import Pack
from kiosk.scenario.source import LocatedError, Mark, YNode, parse, read_text
from kiosk.scenario.validate import validate
from kiosk.scenario.validated import DEFAULT_CACHE, manifest_digest, read_validated, write_validated

log = logging.getLogger(__name__)
PACK_FILE = "pack.yaml"


class PackError(ContentError):
    """A pack that cannot be served; `diagnostics` holds every finding, errors first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        first = next((d for d in diagnostics if d.severity == "error"), diagnostics[0])
        more = len([d for d in diagnostics if d.severity == "error"]) - 1
        suffix = f" (and {more} more error{'s' if more > 1 else ''}: run `kiosk lint`)" if more > 0 else ""
        super().__init__(f"{first.mark}: {first.message}{suffix}", first.hint)
        self.diagnostics = diagnostics
        self.mark = first.mark

    def report(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


@dataclass
class Inspection:
    pack_dir: Path
    pack: Pack | None = None  # None when the pack has errors: it must not be served
    draft: Pack | None = None  # the pack as written, whenever it passed the schema (tools use it)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    manifest: str | None = None  # sha256 of its manifest.json, when asked for (validated-pack cache)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


MAX_STEPS = 300  # the sample scenarios have 8-15 steps; a visit lasts minutes


def _read(path: Path, report: Reporter, trusted: bool = False) -> YNode | None:
    try:
        source = read_text(path)
    except LocatedError as exc:  # too large, or not UTF-8
        report.found.append(from_located(exc, "file"))
        return None
    except FileNotFoundError:
        report.error(Mark(str(path), 1, 1), "file not found", "check the file name (paths are relative to the pack)",
                     "file")
        return None
    except OSError as exc:
        report.error(Mark(str(path), 1, 1), f"cannot read the file ({exc})", "check the file", "file")
        return None
    report.sources[str(path)] = source
    try:
        return parse(source, str(path), trusted=trusted)
    except LocatedError as exc:
        report.found.append(from_located(exc, "syntax"))
        return None


def _exists_in(pack_dir: Path) -> FileExists:
    root = pack_dir.resolve()

    def exists(relative: str) -> bool:
        if PurePosixPath(relative).is_absolute() or ".." in PurePosixPath(relative).parts:
            return False
        return (root / relative).is_file()
    return exists


def inspect_pack(pack_dir: Path, skills: Mapping[str, Skill] | None = None, *, require_sealed: bool = False,
                 check_manifest: bool = True, validated: Collection[str] | None = None) -> Inspection:
    """Every finding about one pack; the pack itself when it has no errors. `validated`: manifest
    digests that passed the schemas before: such a pack, when its files still match its manifest,
    skips the schema check and is parsed by libyaml (every other check still runs)."""
    report = Reporter()
    result = Inspection(pack_dir)
    skills = read_skills() if skills is None else skills
    intact: bool | None = None  # the manifest check, when it was made first
    if check_manifest and validated is not None:
        result.manifest = manifest_digest(pack_dir)
        if result.manifest in validated and verify(pack_dir, Reporter(), required=True):
            intact = True

    def conforms(root: YNode, which: str) -> bool:
        return intact is True or validate(root, which, report)

    pack_root = _read(pack_dir / PACK_FILE, report, intact is True)
    if pack_root is not None and conforms(pack_root, "pack"):
        pack_id = build.pack_id_and_version(pack_root)[0]
        if pack_id != pack_dir.name:
            report.error(pack_root.at(["id"]).mark, f"pack id `{pack_id}` differs from its folder `{pack_dir.name}`",
                         f"rename the folder or write `id: {pack_dir.name}`", "reference")
        scenario_root = _read(build.scenario_path(pack_dir, pack_root), report, intact is True)
        if scenario_root is not None and _few_enough_steps(scenario_root, report) \
                and conforms(scenario_root, "scenario"):
            result.draft = _checked_pack(pack_dir, pack_root, scenario_root, skills, report, intact,
                                         require_sealed if check_manifest else None)
            if not report.errors:
                result.pack = result.draft
    result.diagnostics = in_report_order(report.found)
    return result


def _checked_pack(pack_dir: Path, pack_root: YNode, scenario_root: YNode, skills: Mapping[str, Skill],
                  report: Reporter, intact: bool | None, require_sealed: bool | None) -> Pack:
    """The pack built from its schema-valid files, after every check of its content.
    `require_sealed` None: the manifest is not checked (the pack counts as not sealed)."""
    pack_id, version = build.pack_id_and_version(pack_root)
    scenario = build.scenario(scenario_root)
    trade = build.trade(pack_root)
    exists = _exists_in(pack_dir)
    ScenarioChecker(scenario, scenario_root, skills, exists, report).run()
    check_trade(trade, pack_root, scenario.languages or REQUIRED_LANGUAGES, exists, report)
    bank = _read_bank(pack_dir, pack_id, report, intact is True)
    sealed = (intact or verify(pack_dir, report, required=require_sealed)) if require_sealed is not None else False
    return Pack(pack_id, version, pack_dir, trade, scenario, sealed, bank)


def _read_bank(pack_dir: Path, pack_id: str, report: Reporter, trusted: bool = False) -> ItemBank | None:
    """The pack's scoring.yaml, parsed once here: a broken one is an error of the pack (file:line:col),
    so the kiosk refuses it at load instead of failing at the end of a visit."""
    path = pack_dir / BANK_FILE
    try:
        return read_bank_file(path, pack_id, trusted=trusted)
    except LocatedError as exc:
        report.found.append(from_located(exc, "scoring"))
    except OSError as exc:
        report.error(Mark(str(path), 1, 1), f"cannot read the file ({exc})", "check the file", "scoring")
    return None


def in_report_order(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Errors before warnings, by place; the manifest last: while a trainer edits, it differs on every
    save, and sealing is the last thing to do."""
    return sorted(diagnostics, key=lambda d: (d.check == "manifest", d.severity != "error", d.mark.file,
                                              d.mark.line, d.mark.col))


def _few_enough_steps(root: YNode, report: Reporter) -> bool:
    """Checked before the schema, which would otherwise look at every one of 100,000 steps."""
    steps = root.get("steps")
    if steps is not None and isinstance(steps.value, list) and len(steps.value) > MAX_STEPS:
        report.error(steps.mark, f"{len(steps.value)} steps: more than the limit of {MAX_STEPS}",
                     "split the scenario into several packs (limit: number of steps)", "limit")
        return False
    return True


def load_pack(pack_dir: Path, skills: Mapping[str, Skill] | None = None, *, require_sealed: bool = True) -> Pack:
    """A pack ready to serve, or PackError with its first error (and all findings)."""
    return _servable(inspect_pack(pack_dir, skills, require_sealed=require_sealed))


def _servable(inspection: Inspection) -> Pack:
    if inspection.pack is None:
        raise PackError(inspection.diagnostics)
    return inspection.pack


def find_packs(paths: list[Path]) -> list[Path]:
    """Pack folders named by `paths`: a pack folder, its pack.yaml, or a folder of packs."""
    found: list[Path] = []
    for path in paths:
        if path.is_file() and path.name == PACK_FILE:
            found.append(path.parent)
        elif (path / PACK_FILE).is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if (p / PACK_FILE).is_file()))
        elif path.is_file() and path.parent.joinpath(PACK_FILE).is_file():
            found.append(path.parent)  # e.g. scenario.yaml
        else:
            raise ContentError(f"{path}: no scenario pack here", hint="give a pack folder or a folder of packs")
    return list(dict.fromkeys(found))


def load_packs(root: Path, skills: Mapping[str, Skill] | None = None, *,
               require_sealed: bool = True, cache: Path | None = DEFAULT_CACHE) -> tuple[list[Pack], list[PackError]]:
    """Every servable pack under `root` (shortage first) and the errors of the others: one
    bad pack never stops the kiosk from serving the good ones. `cache`: where the manifests of packs
    that passed the schemas are remembered (kiosk/scenario/validated.py); None validates every pack."""
    skills = read_skills() if skills is None else skills
    packs: list[Pack] = []
    errors: list[PackError] = []
    known = read_validated(cache) if cache is not None else frozenset()
    passed: set[str] = set()
    for pack_dir in sorted(p for p in root.iterdir() if (p / PACK_FILE).is_file()) if root.is_dir() else []:
        try:
            inspection = inspect_pack(pack_dir, skills, require_sealed=require_sealed,
                                      validated=known if cache is not None else None)
            pack = _servable(inspection)
        except PackError as exc:
            log.error("pack skipped: %s", exc)
            errors.append(exc)
            continue
        packs.append(pack)
        if pack.sealed and inspection.manifest is not None:
            passed.add(inspection.manifest)
    if cache is not None and passed != known:  # only the packs there now: the file stays small
        write_validated(cache, passed)
    packs.sort(key=lambda p: (-p.trade.shortage_level, p.trade.title.get("fr")))
    return packs, errors
