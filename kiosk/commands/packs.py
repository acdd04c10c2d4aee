"""`kiosk packs install FILE|URL` and `kiosk packs rollback ID`: content updates that cannot break
a kiosk.

1. Fetch (https or a local .zip/.tar.gz/.tgz or folder) into a staging folder beside the packs.
2. Unpack refusing absolute paths, `..`, symlinks, hard links, devices, and oversized archives
   (tar members go through tarfile's "data" filter under the pack's stricter rules).
3. Verify: the manifest's sha256 for every file, and its Ed25519 signature (`manifest.json.sig`)
   when publisher keys are configured; then load the pack exactly as the kiosk would.
4. Swap between sessions: the new version and the current one are exchanged atomically and the
   current one goes into `.previous/` (kiosk/scenario/swap.py: journalled, so that a kill at any
   instant is finished or undone by the next start or install; the kiosk reads packs when it
   returns to its attract screen).
5. Load the installed pack once more; if that fails, put the previous version back.

One install at a time (a lock in `.staging/`); each starts by clearing what a killed one left
there, and the whole install has a deadline (`--deadline`, 15 minutes by default) that a server
trickling bytes cannot stretch. Damaged archives (bad deflate data, truncated gzip, a file and a
folder of the same name) and unusable publisher keys are refusals, not tracebacks.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, TextIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.commands import arguments
from kiosk.credentials.keys import jwk_public_key
from kiosk.errors import ContentError, KioskError
from kiosk.scenario.load import PACK_FILE, load_pack
from kiosk.scenario.manifest import MANIFEST
from kiosk.scenario.model import Pack
from kiosk.scenario.swap import PREVIOUS, STAGING, Swap, manifest_hash, staging_lock, swap, tidy

MAX_ARCHIVE_BYTES = 2 * 1024**3  # unpacked, all files together
MAX_FILES = 5000
DEADLINE_S = 15 * 60.0  # a 2 GB pack over a slow 4G link; a server trickling bytes is cut here
_CHUNK = 1024 * 1024


class PackInstallError(ContentError):
    """The pack was refused; the kiosk keeps serving what it had."""


class _Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.clock, self.seconds, self.end = clock, seconds, clock() + seconds

    def left(self) -> float:
        remaining = self.end - self.clock()
        if remaining <= 0:
            raise PackInstallError(f"refused: the install took longer than its deadline of {self.seconds:.0f} s",
                                   "check the network and the server, or give a longer --deadline")
        return remaining


def install(source: str, scenarios: Path, *, publisher_keys: list[dict[str, str]] | None = None,
            loader: Callable[[Path], Pack] = load_pack, out: TextIO | None = None,
            now: Callable[[], datetime] = lambda: datetime.now(UTC), deadline_s: float = DEADLINE_S,
            clock: Callable[[], float] = time.monotonic) -> Pack:
    out = out or sys.stdout
    deadline = _Deadline(deadline_s, clock)
    try:
        with staging_lock(scenarios, wait=False) as held:
            if not held:
                raise PackInstallError(f"another `kiosk packs install` or rollback is running on {scenarios}",
                                       "wait for it to finish, then try again")
            for line in tidy(scenarios):  # what a killed install left: finished or undone, debris removed
                out.write(f"packs: {line}\n")
            return _install_locked(source, scenarios, publisher_keys, loader, out, now, deadline)
    except OSError as exc:  # a full disk, a read-only folder: the staging copy is gone, the packs as they were
        raise PackInstallError(f"cannot install into {scenarios}: {exc.strerror or exc} "
                               f"({exc.filename or scenarios})", "free some space or check the folder's "
                               "permissions, then install again") from exc


def _install_locked(source: str, scenarios: Path, publisher_keys: list[dict[str, str]] | None,
                    loader: Callable[[Path], Pack], out: TextIO, now: Callable[[], datetime],
                    deadline: _Deadline) -> Pack:
    staging_root = scenarios / STAGING
    with tempfile.TemporaryDirectory(dir=staging_root) as work:
        unpacked = _unpack(_fetch(source, Path(work), deadline), Path(work) / "unpacked", deadline)
        pack_dir = _pack_root(unpacked)
        if publisher_keys is not None:
            _check_signature(pack_dir, publisher_keys)
        try:
            staged = loader(pack_dir)  # manifest hashes + every content rule, as the kiosk loads it
        except ContentError as exc:
            raise PackInstallError(f"{source}: the pack does not load: {exc.message}", exc.hint) from exc
        deadline.left()
        target = scenarios / staged.id
        stamp = now().strftime("%Y%m%dT%H%M%S%f")
        final_stage = staging_root / f"{staged.id}-{staged.version}-{stamp}"
        pack_dir.rename(final_stage)
    # .previous/<time>/<id>: the folder keeps the pack's name, so the old version still loads as is
    backup = swap(Swap(staged.id, final_stage, target, scenarios / PREVIOUS / stamp / staged.id,
                       manifest_hash(final_stage)), scenarios)
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
    keys = [_publisher_key(p) for p in sorted(folder.glob("*.jwk"))]
    if not keys:
        raise PackInstallError(f"no publisher keys in {folder}", "copy the publisher's .jwk files there, or unset "
                               "packs.publisher_keys")
    return keys


def _publisher_key(path: Path) -> dict[str, str]:
    """One .jwk file, checked to be a usable Ed25519 public key: a damaged one is named, not a traceback."""
    hint = "replace it with the .jwk the publisher gave (`kiosk keys show` on their side), or remove it"
    try:
        with path.open("rb") as f:
            jwk = json.loads(f.read(64 * 1024))
        if not isinstance(jwk, dict) or not isinstance(jwk.get("x"), str):
            raise ValueError("not a JWK object with an `x`")
        jwk_public_key(jwk)  # kty/crv checked, and the 32 key bytes decoded
    except (OSError, ValueError, RecursionError) as exc:
        raise PackInstallError(f"publisher key {path}: unusable ({exc})", hint) from exc
    except KioskError as exc:  # CredentialError: not an Ed25519 key
        raise PackInstallError(f"publisher key {path}: {exc.message}", hint) from exc
    return jwk


def rollback(pack_id: str, scenarios: Path, *, loader: Callable[[Path], Pack] = load_pack,
             out: TextIO | None = None) -> Pack:
    out = out or sys.stdout
    with staging_lock(scenarios, wait=False) as held:
        if not held:
            raise PackInstallError(f"a `kiosk packs install` is running on {scenarios}", "wait for it, then roll back")
        for line in tidy(scenarios):
            out.write(f"packs: {line}\n")
        kept = sorted((scenarios / PREVIOUS).glob(f"*/{pack_id}"))
        if not kept:
            raise PackInstallError(f"no previous version of {pack_id} to go back to", "see `ls scenarios/.previous`")
        aside = scenarios / PREVIOUS / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") / pack_id
        swap(Swap(pack_id, kept[-1], scenarios / pack_id, aside, manifest_hash(kept[-1])), scenarios)
    pack = loader(scenarios / pack_id)
    out.write(f"rolled back {pack.id} to {pack.version}\n")
    return pack


def _fetch(source: str, work: Path, deadline: _Deadline) -> Path:
    if source.startswith("https://"):
        target = work / (PurePosixPath(source.split("?", maxsplit=1)[0]).name or "pack.zip")
        try:
            with urllib.request.urlopen(source, timeout=min(60.0, deadline.left())) as response, \
                    target.open("wb") as f:
                copy_within(response, f, deadline)
        except OSError as exc:
            raise PackInstallError(f"{source}: download failed ({exc})", "check the address and the network") from exc
        return target
    if source.startswith("http://"):
        raise PackInstallError(f"{source}: packs are only fetched over https", "use the https:// address")
    path = Path(source)
    if not path.exists():
        raise PackInstallError(f"{source}: no such file or folder", "give a .zip, .tar.gz or a pack folder")
    return path


def copy_within(source: IO[bytes], target: IO[bytes], deadline: _Deadline) -> int:
    """Copy until the end or the deadline. `read1` returns what one read brought (a server sending a
    byte every 2 s cannot keep `read(n)` waiting for n), so the deadline is checked at least that often."""
    read = getattr(source, "read1", source.read)
    copied = 0
    while True:
        deadline.left()
        chunk = read(_CHUNK)
        if not chunk:
            return copied
        target.write(chunk)
        copied += len(chunk)


def _safe_name(name: str) -> PurePosixPath:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or name.startswith("\\") or (len(name) > 1 and name[1] == ":"):
        raise PackInstallError(f"refused: `{name}` would be written outside the pack", "rebuild the archive")
    return pure


def _unpack(archive: Path, into: Path, deadline: _Deadline) -> Path:
    into.mkdir()
    try:
        return _unpack_checked(archive, into, deadline)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, zlib.error, EOFError) as exc:
        raise PackInstallError(f"{archive.name}: the archive is damaged ({exc or type(exc).__name__})",
                               "download it again; if it stays damaged, ask the publisher for a new one") from exc
    except (NotADirectoryError, IsADirectoryError, FileExistsError) as exc:
        name = Path(exc.filename or "?").relative_to(into) if exc.filename else "?"
        raise PackInstallError(f"{archive.name}: refused: `{name}` appears twice, or as both a file and a folder",
                               "rebuild the archive from the pack folder") from exc


def _unpack_checked(archive: Path, into: Path, deadline: _Deadline) -> Path:
    if archive.is_dir():
        for path in archive.rglob("*"):
            if path.is_symlink():
                raise PackInstallError(f"refused: `{path}` is a symbolic link", "packs contain plain files only")
        shutil.copytree(archive, into / archive.name)
        return into
    if zipfile.is_zipfile(archive):
        _unzip(archive, into, deadline)
        return into
    if tarfile.is_tarfile(archive):
        with tarfile.open(archive) as t:
            policy = _TarPolicy(deadline)
            for member in t:  # read as it comes: a truncated archive fails here, as an error
                t.extract(member, into, filter=policy)
        return into
    raise PackInstallError(f"{archive.name}: not a .zip or .tar.gz archive", "publish packs with `kiosk pack seal` "
                           "then zip the pack folder")


def _unzip(archive: Path, into: Path, deadline: _Deadline) -> None:
    """By hand: zipfile's own extraction quietly rewrites `/abs` and `../` names where a pack is refused."""
    total = count = 0
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            name = _safe_name(info.filename)
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise PackInstallError(f"refused: `{info.filename}` is a symbolic link",
                                       "packs contain plain files only")
            total, count = total + info.file_size, count + 1
            _limits(total, count)
            destination = into / name
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, destination.open("xb") as dst:
                    copy_within(src, dst, deadline)


class _TarPolicy:
    """tarfile's "data" filter (no owners or special modes, no devices, no path or link leading outside)
    under the pack's own rules: the name itself stays inside (the filter would strip a leading `/`), plain
    files and folders only, each file once, the size and count limits, and the deadline between members."""

    def __init__(self, deadline: _Deadline) -> None:
        self.deadline, self.total, self.files = deadline, 0, set[PurePosixPath]()

    def __call__(self, member: tarfile.TarInfo, into: str) -> tarfile.TarInfo:
        self.deadline.left()
        name = _safe_name(member.name)
        if not (member.isfile() or member.isdir()):
            raise PackInstallError(f"refused: `{member.name}` is a link or a device", "packs contain plain files only")
        if member.isfile() and name in self.files:
            raise PackInstallError(f"refused: `{member.name}` appears twice, or as both a file and a folder",
                                   "rebuild the archive from the pack folder")
        self.files.add(name)
        self.total += member.size
        _limits(self.total, len(self.files))
        try:
            return tarfile.data_filter(member, into)
        except tarfile.FilterError as exc:
            raise PackInstallError(f"refused: `{member.name}`: {exc}", "rebuild the archive from the pack folder") \
                from exc


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


def _restore(target: Path, backup: Path | None) -> None:
    failed = target.with_name(target.name + ".failed")
    shutil.rmtree(failed, ignore_errors=True)
    target.rename(failed)
    if backup is not None:
        backup.rename(target)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("install: fetch (https or a file), refuse unsafe archives, verify the manifest (and its "
                          "signature when packs.publisher_keys is set), load-test, swap atomically, roll back if the "
                          "installed pack fails to load.")
    parser.epilog = "exit codes: 0 installed; 65 refused (the kiosk keeps what it had)"
    what = parser.add_subparsers(dest="packs_command", required=True, metavar="ACTION")
    install_parser = what.add_parser("install", help="install a pack from FILE.zip|FILE.tar.gz|FOLDER|https URL")
    install_parser.add_argument("source", metavar="FILE|URL")
    install_parser.add_argument("--deadline", type=arguments.positive, default=900.0, metavar="SECONDS",
                                help="give up (keeping what the kiosk has) after this long (default 900)")
    rollback_parser = what.add_parser("rollback", help="go back to the version installed before")
    rollback_parser.add_argument("pack_id", metavar="PACK_ID")


def run(args: argparse.Namespace) -> int:
    chosen = arguments.settings(args)
    if args.packs_command == "install":
        install(args.source, chosen.content.scenarios,
                publisher_keys=publisher_keys(chosen.packs.publisher_keys), deadline_s=args.deadline)
    else:
        rollback(args.pack_id, chosen.content.scenarios)
    return 0
