"""Compiled interface catalogues are cached by the PO file's sha256 (start-up time): an edited PO
is compiled again, a damaged or unwritable cache only means compiling again."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.errors import ContentError
from kiosk.i18n import Catalogs

PO = """msgid ""
msgstr ""
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Start"
msgstr "{start}"

msgid "one step"
msgid_plural "{{n}} steps"
msgstr[0] "une étape"
msgstr[1] "{{n}} étapes"
"""


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "state"))
    return tmp_path / "state" / "locale"


def _write_po(folder: Path, start: str) -> None:
    path = folder / "fr" / "LC_MESSAGES" / "kiosk.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PO.format(start=start), encoding="utf-8")


def test_a_catalogue_is_compiled_once_and_again_when_its_po_changes(tmp_path: Path, state: Path) -> None:
    _write_po(tmp_path / "locale", "Commencer")
    words = Catalogs.load(["fr"], tmp_path / "locale").words("fr")
    assert words.gettext("Start") == "Commencer" and words.ngettext("one step", "{n} steps", 2) == "{n} étapes"
    [cached] = state.glob("fr-*.mo")

    cached.write_bytes(cached.read_bytes().replace(b"Commencer", b"Cached!!!"))
    assert Catalogs.load(["fr"], tmp_path / "locale").words("fr").gettext("Start") == "Cached!!!"  # read, not rebuilt

    _write_po(tmp_path / "locale", "Démarrer")
    assert Catalogs.load(["fr"], tmp_path / "locale").words("fr").gettext("Start") == "Démarrer"
    assert [p.name for p in state.glob("fr-*.mo")] != [cached.name] and len(list(state.glob("fr-*.mo"))) == 1


def test_a_damaged_cached_catalogue_is_compiled_again(tmp_path: Path, state: Path) -> None:
    _write_po(tmp_path / "locale", "Commencer")
    Catalogs.load(["fr"], tmp_path / "locale")
    [cached] = state.glob("fr-*.mo")
    cached.write_bytes(b"not a catalogue")
    assert Catalogs.load(["fr"], tmp_path / "locale").words("fr").gettext("Start") == "Commencer"
    assert cached.read_bytes()[:4] == b"\xde\x12\x04\x95"  # the GNU MO magic: rewritten


def test_an_unwritable_cache_still_serves_the_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "file"))
    _write_po(tmp_path / "locale", "Commencer")
    assert Catalogs.load(["fr"], tmp_path / "locale").words("fr").gettext("Start") == "Commencer"


def test_a_broken_po_is_still_a_clear_error(tmp_path: Path, state: Path) -> None:
    path = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "kiosk.po"
    path.parent.mkdir(parents=True)
    path.write_text('msgid "Start"\nmsgtsr "Commencer"\n', encoding="utf-8")  # misspelt keyword
    with pytest.raises(ContentError, match=r"kiosk\.po"):
        Catalogs.load(["fr"], tmp_path / "locale")
    with pytest.raises(ContentError, match="is missing"):
        Catalogs.load(["fr"], tmp_path / "nowhere")
