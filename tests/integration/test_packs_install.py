"""Content updates: verified, staged, swapped atomically, rolled back; unsafe archives refused."""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.commands.packs import PackInstallError, install
from kiosk.credentials import keys as keystore
from kiosk.errors import ContentError
from kiosk.scenario.load import load_pack, load_packs
from kiosk.scenario.manifest import seal
from kiosk.scenario.model import Pack


def _new_version(scenarios: Path, tmp_path: Path, version: str = "1.0.1") -> Path:
    """A copy of the kitchen pack with a new version, sealed, ready to publish."""
    pack = tmp_path / "publish" / "commis-de-cuisine"
    shutil.copytree(scenarios / "commis-de-cuisine", pack)
    yaml = pack / "pack.yaml"
    yaml.write_text(yaml.read_text().replace("version: 1.0.0", f"version: {version}"))
    bank = pack / "scoring.yaml"
    bank.write_text(bank.read_text().replace('scenario_version: "1.0.0"', f'scenario_version: "{version}"'))
    seal(pack)
    return pack


def _zip(folder: Path, target: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(target, "w") as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return target


def test_a_good_pack_is_installed_and_the_old_one_kept(scenarios_copy: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    archive = _zip(_new_version(scenarios_copy, tmp_path), tmp_path / "kitchen.zip")
    installed = install(str(archive), scenarios_copy)
    assert installed.version == "1.0.1" and load_pack(scenarios_copy / "commis-de-cuisine").version == "1.0.1"
    kept = list((scenarios_copy / ".previous").glob("*/commis-de-cuisine"))
    assert len(kept) == 1 and load_pack(kept[0], require_sealed=True).version == "1.0.0"
    packs, errors = load_packs(scenarios_copy)  # the kiosk still sees five packs, staging folders ignored
    assert len(packs) == 5 and not errors
    assert [p.name for p in (scenarios_copy / ".staging").iterdir()] == [".lock"]  # the install lock only
    config = tmp_path / "k.toml"
    config.write_text(f'[content]\nscenarios = "{scenarios_copy}"\n')
    assert main(["--config", str(config), "packs", "rollback", "commis-de-cuisine"]) == 0
    assert load_pack(scenarios_copy / "commis-de-cuisine").version == "1.0.0"
    assert "rolled back commis-de-cuisine to 1.0.0" in capsys.readouterr().out


def test_a_tampered_file_is_refused_and_nothing_changes(scenarios_copy: Path, tmp_path: Path) -> None:
    pack = _new_version(scenarios_copy, tmp_path)
    scenario = pack / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("Le coup de feu du midi", "Le coup de feu du soir"))
    with pytest.raises(PackInstallError, match=r"does not load: .*sha256"):
        install(str(_zip(pack, tmp_path / "bad.zip")), scenarios_copy)
    assert load_pack(scenarios_copy / "commis-de-cuisine").version == "1.0.0"
    assert not (scenarios_copy / ".previous").exists()


@pytest.mark.parametrize(("name", "why"), [("../../evil.txt", "outside the pack"), ("/etc/evil", "outside the pack")])
def test_path_traversal_is_refused(scenarios_copy: Path, tmp_path: Path, name: str, why: str) -> None:
    archive = _zip(_new_version(scenarios_copy, tmp_path), tmp_path / "evil.zip", {name: b"x"})
    with pytest.raises(PackInstallError, match=why):
        install(str(archive), scenarios_copy)
    assert not (tmp_path / "evil.txt").exists()


def test_links_in_archives_are_refused(scenarios_copy: Path, tmp_path: Path) -> None:
    pack = _new_version(scenarios_copy, tmp_path)
    archive = tmp_path / "links.tar.gz"
    with tarfile.open(archive, "w:gz") as t:
        t.add(pack, arcname=pack.name)
        link = tarfile.TarInfo(f"{pack.name}/media/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        t.addfile(link)
    with pytest.raises(PackInstallError, match="link or a device"):
        install(str(archive), scenarios_copy)
    folder = tmp_path / "linked" / "commis-de-cuisine"
    shutil.copytree(pack, folder)
    (folder / "media" / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(PackInstallError, match="symbolic link"):
        install(str(folder), scenarios_copy)


def _tgz(folder: Path, target: Path, extra: dict[str, tuple[bytes, int]] | None = None) -> Path:
    """The pack folder as a .tar.gz, with extra members NAME: (bytes, mode) added after it."""
    with tarfile.open(target, "w:gz") as t:
        t.add(folder, arcname=folder.name)
        for name, (data, mode) in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.uid, info.uname = len(data), mode, 4242, "publisher"
            t.addfile(info, io.BytesIO(data))
    return target


@pytest.mark.parametrize(("name", "why"), [
    ("../../evil.txt", "would be written outside the pack"),
    ("/etc/evil", "would be written outside the pack"),  # tarfile's data filter alone would strip the `/`
    ("commis-de-cuisine/pack.yaml", "`commis-de-cuisine/pack.yaml` appears twice"),  # tar keeps the last one
])
def test_unsafe_tar_members_are_refused_by_name(scenarios_copy: Path, tmp_path: Path, name: str, why: str) -> None:
    archive = _tgz(_new_version(scenarios_copy, tmp_path), tmp_path / "evil.tar.gz", {name: (b"x", 0o644)})
    with pytest.raises(PackInstallError, match=why):
        install(str(archive), scenarios_copy)
    assert not (tmp_path / "evil.txt").exists()
    assert load_pack(scenarios_copy / "commis-de-cuisine").version == "1.0.0"


def test_a_tar_pack_installs_without_the_publishers_owner_or_special_modes(scenarios_copy: Path,
                                                                         tmp_path: Path) -> None:
    """tarfile's data filter: set-user-id and group/other write bits dropped, owner not taken from the archive."""
    def as_published(info: tarfile.TarInfo) -> tarfile.TarInfo:
        if info.name.endswith("pack.yaml"):
            info.mode, info.uid, info.uname = 0o6777, 4242, "publisher"
        return info

    archive = tmp_path / "k.tar.gz"
    with tarfile.open(archive, "w:gz") as t:
        t.add(_new_version(scenarios_copy, tmp_path), arcname="commis-de-cuisine", filter=as_published)
    assert install(str(archive), scenarios_copy, out=io.StringIO()).version == "1.0.1"
    installed = (scenarios_copy / "commis-de-cuisine" / "pack.yaml").stat()
    assert installed.st_mode & 0o7777 == 0o755 and installed.st_uid != 4242


def test_signatures_are_required_when_publisher_keys_are_set(scenarios_copy: Path, tmp_path: Path) -> None:
    pack = _new_version(scenarios_copy, tmp_path)
    publisher = tmp_path / "publisher"
    keystore.generate(publisher)
    trusted = list(keystore.trusted(publisher).values())
    with pytest.raises(PackInstallError, match="not signed"):
        install(str(_zip(pack, tmp_path / "unsigned.zip")), scenarios_copy, publisher_keys=trusted)
    assert main(["pack", "sign", str(pack), "--keys", str(publisher)]) == 0
    stranger = tmp_path / "stranger"
    keystore.generate(stranger)
    with pytest.raises(PackInstallError, match="not signed by a trusted publisher"):
        install(str(_zip(pack, tmp_path / "signed.zip")), scenarios_copy,
                publisher_keys=list(keystore.trusted(stranger).values()))
    assert install(str(_zip(pack, tmp_path / "ok.zip")), scenarios_copy, publisher_keys=trusted).version == "1.0.1"


def test_a_pack_that_fails_once_installed_is_rolled_back(scenarios_copy: Path, tmp_path: Path) -> None:
    archive = _zip(_new_version(scenarios_copy, tmp_path), tmp_path / "kitchen.zip")
    calls = []

    def flaky(path: Path) -> Pack:  # loads in staging, fails in place (e.g. the disk filled up meanwhile)
        calls.append(path)
        if len(calls) == 2:
            raise ContentError("media/card.png: unreadable", "check the disk")
        return load_pack(path)

    with pytest.raises(PackInstallError, match="the previous version is back"):
        install(str(archive), scenarios_copy, loader=flaky)
    assert load_pack(scenarios_copy / "commis-de-cuisine").version == "1.0.0"


def test_the_cli_refuses_plain_http_and_says_why(scenarios_copy: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "k.toml"
    config.write_text(f'[content]\nscenarios = "{scenarios_copy}"\n')
    assert main(["--config", str(config), "packs", "install", "http://example.org/p.zip"]) == 65
    assert "only fetched over https" in capsys.readouterr().err
