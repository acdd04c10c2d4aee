"""`kiosk packs install FILE|URL` and `kiosk packs rollback ID`: content updates that cannot break
a kiosk.

1. Fetch (https or a local .zip/.tar.gz/.tgz or folder) into a staging folder beside the packs.
2. Unpack refusing absolute paths, `..`, symlinks, hard links, devices, and oversized archives.
3. Verify: the manifest's sha256 for every file, and its Ed25519 signature (`manifest.json.sig`)
   when publisher keys are configured; then load the pack exactly as the kiosk would.
4. Swap between sessions: the current version is renamed into `.previous/`, the new one into
   place (renames on one filesystem; the kiosk reads packs when it returns to its attract screen).
5. Load the installed pack once more; if that fails, put the previous version back.
"""

from __future__ import annotations

import shutil
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TextIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.credentials.keys import jwk_public_key
from kiosk.errors import ContentError
from kiosk.scenario.load import PACK_FILE, load_pack
from kiosk.scenario.manifest import MANIFEST
from kiosk.scenario.model import Pack

MAX_ARCHIVE_BYTES = 2 * 1024**3  # unpacked, all files together
MAX_FILES = 5000
STAGING, PREVIOUS = ".staging", ".previous"


class PackInstallError(ContentError):
    """The pack was refused; the kiosk keeps serving what it had."""


def install(source: str, scenarios: Path, *, publisher_keys: list[dict[str, str]] | None = None,
            loader: Callable[[Path], Pack] = load_pack, out: TextIO | None = None,
            now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Pack:
    out = out or sys.stdout
    staging_root = scenarios / STAGING
    staging_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=staging_root) as work:
        unpacked = _unpack(_fetch(source, Path(work)), Path(work) / "unpacked")
        pack_dir = _pack_root(unpacked)
        if publisher_keys is not None:
            _check_signature(pack_dir, publisher_keys)
        try:
            staged = loader(pack_dir)  # manifest hashes + every content rule, as the kiosk loads it
        except ContentError as exc:
            raise PackInstallError(f"{source}: the pack does not load: {exc.message}", exc.hint) from exc
        target = scenarios / staged.id
        final_stage = staging_root / f"{staged.id}-{staged.version}-{now().strftime('%Y%m%dT%H%M%S%f')}"
        pack_dir.rename(final_stage)
    backup = _swap(final_stage, target, scenarios / PREVIOUS, now)
    try:
        installed = loader(target)
    except ContentError as exc:
        _restore(target, backup)
        raise PackInstallError(f"{staged.id} {staged.version} failed to load once installed ({exc.message}): "
                               "the previous version is back", exc.hint) from exc
    out.write(f"installed {installed.id} {installed.version}"
              + (f" (previous version kept in {backup})" if backup else "") + "\n")
    return installed


def sign(pack_dir: Path, keys_folder: Path, out: TextIO | None = None) -> Path:
    """Publisher side: sign a sealed pack's manifest with the key in `keys_folder` (`kiosk keys` format)."""
    from kiosk.credentials.keys import active

    manifest = pack_dir / MANIFEST
    if not manifest.is_file():
        raise PackInstallError(f"{pack_dir}: not sealed", f"run `kiosk pack seal {pack_dir}` first")
    signature = pack_dir / (MANIFEST + ".sig")
    signature.write_bytes(active(keys_folder).private.sign(manifest.read_bytes()))
    (out or sys.stdout).write(f"signed: {signature}\n")
    return signature


def publisher_keys(folder: Path) -> list[dict[str, str]] | None:
    """The trusted publisher keys (JWK files), or None when the kiosk does not require signatures."""
    if not str(folder) or str(folder) == ".":
        return None
    import json

    keys = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.jwk"))]
    if not keys:
        raise PackInstallError(f"no publisher keys in {folder}", "copy the publisher's .jwk files there, or unset "
                               "packs.publisher_keys")
    return keys


def rollback(pack_id: str, scenarios: Path, *, loader: Callable[[Path], Pack] = load_pack,
             out: TextIO | None = None) -> Pack:
    out = out or sys.stdout
    kept = sorted((scenarios / PREVIOUS).glob(f"*/{pack_id}"))
    if not kept:
        raise PackInstallError(f"no previous version of {pack_id} to go back to", "see `ls scenarios/.previous`")
    current = scenarios / pack_id
    aside = scenarios / PREVIOUS / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") / pack_id
    if current.exists():
        aside.parent.mkdir(parents=True)
        current.rename(aside)
    kept[-1].rename(current)
    pack = loader(current)
    out.write(f"rolled back {pack.id} to {pack.version}\n")
    return pack


def _fetch(source: str, work: Path) -> Path:
    if source.startswith("https://"):
        target = work / PurePosixPath(source.split("?", maxsplit=1)[0]).name
        try:
            with urllib.request.urlopen(source, timeout=60) as response, target.open("wb") as f:
                shutil.copyfileobj(response, f)
        except OSError as exc:
            raise PackInstallError(f"{source}: download failed ({exc})", "check the address and the network") from exc
        return target
    if source.startswith("http://"):
        raise PackInstallError(f"{source}: packs are only fetched over https", "use the https:// address")
    path = Path(source)
    if not path.exists():
        raise PackInstallError(f"{source}: no such file or folder", "give a .zip, .tar.gz or a pack folder")
    return path


def _safe_name(name: str) -> PurePosixPath:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or name.startswith("\\") or (len(name) > 1 and name[1] == ":"):
        raise PackInstallError(f"refused: `{name}` would be written outside the pack", "rebuild the archive")
    return pure


def _unpack(archive: Path, into: Path) -> Path:
    into.mkdir()
    total = count = 0
    if archive.is_dir():
        for path in archive.rglob("*"):
            if path.is_symlink():
                raise PackInstallError(f"refused: `{path}` is a symbolic link", "packs contain plain files only")
        shutil.copytree(archive, into / archive.name)
        return into
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                name = _safe_name(info.filename)
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise PackInstallError(f"refused: `{info.filename}` is a symbolic link",
                                           "packs contain plain files only")
                total, count = total + info.file_size, count + 1
                _limits(total, count)
                if not info.is_dir():
                    destination = into / name
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(info) as src, destination.open("wb") as dst:
                        shutil.copyfileobj(src, dst)
        return into
    if tarfile.is_tarfile(archive):
        with tarfile.open(archive) as t:
            for member in t.getmembers():
                name = _safe_name(member.name)
                if not (member.isfile() or member.isdir()):
                    raise PackInstallError(f"refused: `{member.name}` is a link or a device",
                                           "packs contain plain files only")
                total, count = total + member.size, count + 1
                _limits(total, count)
                if member.isfile():
                    source = t.extractfile(member)
                    assert source is not None
                    destination = into / name
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with source, destination.open("wb") as dst:
                        shutil.copyfileobj(source, dst)
        return into
    raise PackInstallError(f"{archive.name}: not a .zip or .tar.gz archive", "publish packs with `kiosk pack seal` "
                           "then zip the pack folder")


def _limits(total: int, count: int) -> None:
    if total > MAX_ARCHIVE_BYTES or count > MAX_FILES:
        raise PackInstallError("refused: the archive unpacks to more than 2 GB or 5000 files",
                               "check that it really is a scenario pack")


def _pack_root(unpacked: Path) -> Path:
    roots = [p.parent for p in unpacked.rglob(PACK_FILE)]
    if len(roots) != 1:
        raise PackInstallError(f"expected exactly one pack.yaml in the archive, found {len(roots)}",
                               "zip one pack folder at a time")
    return roots[0]


def _check_signature(pack_dir: Path, keys: list[dict[str, str]]) -> None:
    manifest, signature = pack_dir / MANIFEST, pack_dir / (MANIFEST + ".sig")
    if not manifest.is_file() or not signature.is_file():
        raise PackInstallError("refused: the pack is not signed (manifest.json.sig is missing)",
                               "ask the publisher for a signed pack")
    data, sig = manifest.read_bytes(), signature.read_bytes()
    for jwk in keys:
        key: Ed25519PublicKey = jwk_public_key(jwk)
        try:
            key.verify(sig, data)
            return
        except InvalidSignature:
            continue
    raise PackInstallError("refused: manifest.json is not signed by a trusted publisher",
                           "check the publisher keys in the config")


def _swap(staged: Path, target: Path, previous_root: Path, now: Callable[[], datetime]) -> Path | None:
    backup = None
    if target.exists():
        # .previous/<time>/<id>: the folder keeps the pack's name, so the old version still loads as is
        backup = previous_root / now().strftime("%Y%m%dT%H%M%S%f") / target.name
        backup.parent.mkdir(parents=True)
        target.rename(backup)
    try:
        staged.rename(target)
    except OSError:
        if backup is not None:
            backup.rename(target)
        raise
    return backup


def _restore(target: Path, backup: Path | None) -> None:
    failed = target.with_name(target.name + ".failed")
    shutil.rmtree(failed, ignore_errors=True)
    target.rename(failed)
    if backup is not None:
        backup.rename(target)
