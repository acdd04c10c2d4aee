"""Pack manifests: the sha256 of every file, written when a pack is sealed for publishing
and checked when it is loaded, so a kiosk never serves a half-copied or altered pack.

`manifest.json` holds one file per line, so an error can point at the line of the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from kiosk.errors import ContentError
from kiosk.scenario.diagnostics import Reporter
from kiosk.scenario.source import Mark

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "nova-manifest/1"
_IGNORED_SUFFIXES = ("~", ".swp", ".tmp")
_IGNORED_NAMES = {MANIFEST, MANIFEST + ".sig", ".DS_Store", "Thumbs.db"}  # the signature signs the manifest


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pack_files(pack_dir: Path) -> Iterator[str]:
    """Every file of the pack, relative with '/', skipping editor leftovers and hidden files."""
    for path in sorted(pack_dir.rglob("*")):
        rel = path.relative_to(pack_dir)
        if not path.is_file() or path.name in _IGNORED_NAMES or path.name.endswith(_IGNORED_SUFFIXES):
            continue
        if any(part.startswith(".") for part in rel.parts):
            continue
        yield rel.as_posix()


def render_manifest(pack_id: str, hashes: dict[str, str]) -> str:
    lines = [f'  {json.dumps(name)}: "{digest}"' for name, digest in sorted(hashes.items())]
    return (f'{{\n"format": "{MANIFEST_FORMAT}",\n"pack": {json.dumps(pack_id)},\n"files": {{\n'
            + ",\n".join(lines) + "\n}\n}\n")


def seal(pack_dir: Path) -> Path:
    """Write the pack's manifest.json from the files as they are now."""
    if not (pack_dir / "pack.yaml").is_file():
        raise ContentError(f"{pack_dir}: not a scenario pack (no pack.yaml)", hint="give the pack's folder")
    hashes = {name: sha256_file(pack_dir / name) for name in pack_files(pack_dir)}
    target = pack_dir / MANIFEST
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(render_manifest(pack_dir.name, hashes), encoding="utf-8")
    tmp.replace(target)  # atomic: a reader sees the old manifest or the new one
    return target


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 1


def verify(pack_dir: Path, report: Reporter, *, required: bool) -> bool:
    """Compare the files with the manifest; report each difference. True when sealed and intact."""
    path = pack_dir / MANIFEST
    seal_hint = f"run `kiosk pack seal {pack_dir}` when you are done editing " \
        "(not edited on purpose? reinstall the pack)"
    if not path.is_file():
        if required:
            report.error(Mark(str(path), 1, 1), "the pack is not sealed (no manifest.json)",
                         f"publish it with `kiosk pack seal {pack_dir}`", "manifest")
        else:
            report.warning(Mark(str(path), 1, 1), "the pack is not sealed (no manifest.json)",
                           f"seal it before publishing: `kiosk pack seal {pack_dir}`", "manifest")
        return False
    text = path.read_text(encoding="utf-8", errors="replace")
    report.sources[str(path)] = text
    try:
        data = json.loads(text)
        files = data["files"]
        if data.get("format") != MANIFEST_FORMAT or not isinstance(files, dict):
            raise ValueError(data.get("format"))
    except (ValueError, KeyError, TypeError, AttributeError):
        report.error(Mark(str(path), 1, 1), "manifest.json is not a Nova pack manifest", seal_hint, "manifest")
        return False
    ok = True
    present = set(pack_files(pack_dir))
    for name, digest in sorted(files.items()):
        mark = Mark(str(path), _line_of(text, json.dumps(name)), 3)
        if name not in present:
            report.error(mark, f"`{name}` is listed in the manifest but missing from the pack", seal_hint, "manifest")
            ok = False
        elif sha256_file(pack_dir / name) != digest:
            report.error(mark, f"`{name}` does not match its sha256 in the manifest (changed since sealing)",
                         seal_hint, "manifest")
            ok = False
    for name in sorted(present - set(files)):
        report.error(Mark(str(pack_dir / name), 1, 1), f"`{name}` is not in the pack's manifest", seal_hint,
                     "manifest")
        ok = False
    return ok
