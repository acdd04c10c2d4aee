"""Issue 27 item 1: only a proven-damaged SQLite file is ever moved aside; every other store path
that cannot be opened is a clear error that touches nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.store.db import StoreError, open_store


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every entry under root with its content (None for folders), to prove nothing moved."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


def test_a_folder_at_the_store_path_is_refused_and_kept_whole(tmp_path: Path) -> None:
    folder = tmp_path / "kiosk.db"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "a.jpg").write_bytes(b"\xff\xd8 precious")
    before = _tree(tmp_path)
    with pytest.raises(StoreError, match=r"kiosk\.db: is a folder, not a database file; nothing was moved"):
        open_store(folder)
    assert _tree(tmp_path) == before


def test_a_file_that_is_not_sqlite_is_refused_not_moved(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("agency notes, not a database\n" * 200, encoding="utf-8")
    before = _tree(tmp_path)
    with pytest.raises(StoreError, match="not a SQLite database") as caught:
        open_store(notes)
    assert "nothing was moved" in str(caught.value)
    assert _tree(tmp_path) == before


def test_a_locked_database_is_an_error_not_corruption(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    open_store(path).conn.close()
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")  # so that an exclusive lock keeps readers out too
    holder.execute("BEGIN EXCLUSIVE")
    try:
        before = _tree(tmp_path)
        with pytest.raises(StoreError, match=r"cannot be opened .*locked.*nothing was moved"):
            open_store(path, wait=0.05)
        assert _tree(tmp_path) == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_unwritable_store_path_is_an_error_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "var"
    blocker.write_text("a file where the store's folder should be", encoding="utf-8")
    with pytest.raises(StoreError, match=r"var/kiosk\.db: cannot create its folder"):
        open_store(blocker / "kiosk.db")
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_a_damaged_wal_companion_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    open_store(path).conn.close()
    (tmp_path / "kiosk.db-wal").mkdir()
    with pytest.raises(StoreError, match=r"kiosk\.db-wal is not a regular file"):
        open_store(path)
    assert path.is_file() and not list(tmp_path.glob("*.corrupt-*"))


@pytest.mark.parametrize("command", [["sync", "status"], ["sync", "now"], ["export", "out.csv"],
                                     ["run", "--headless", "--duration", "0.1"]])
def test_run_and_sync_say_what_is_wrong_with_the_store_path(tmp_path: Path, command: list[str],
                                                            capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "keep.txt").write_text("kept", encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[store]\npath = "{folder}"\n[lrs]\nendpoint = "http://127.0.0.1:9/xAPI/"\n'
                      f'[content]\nscenarios = "{tmp_path / "none"}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(config), *command]) == 74
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("kiosk: error: store ") and "is a folder" in err
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "kept"
