"""One language registry (issue 17): adding an entry to `kiosk.languages.REGISTRY` — with its
catalogue — is the only change needed to offer a language. In a fresh interpreter that adds
Spanish before anything else reads the registry: the config accepts it, the language switch lists
it in its own words, the session switches to it, the screen shows its catalogue's words, `kiosk
lint` asks every pack for its texts, and statements tag it. Without the entry, none of that."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

PROBE = r'''
import json, sys
from pathlib import Path
import kiosk.languages as languages
if sys.argv[2] == "add":
    languages.REGISTRY = (*languages.REGISTRY, languages.Language("es", "Español", tag="es-ES",
                                                                  locale_dir=Path(sys.argv[1])))
from kiosk.config import parse_settings
from kiosk.errors import ConfigError
from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.runtime import pages
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.actions import Intent
from kiosk.runtime.session import Page, Session, step
from kiosk.scenario.load import inspect_pack
from kiosk.store import xapi

try:
    config = parse_settings('[content]\nlanguage = "es"\n').content.language
except ConfigError as exc:
    config = "refused: " + exc.message
catalogs = Catalogs.load(NATIVE_NAMES)
scene, targets = pages.language_page(catalogs.words("fr"), Prefs())
session, _ = step(Session(Page.CATALOGUE, "fr", 1), Intent("language", "es"), 1.0)
inspection = inspect_pack(Path(sys.argv[3]), check_manifest=False)
visit = xapi.Visit("r", "p", "https://h", "https://b", "es")
print(json.dumps({
    "config": config,
    "switch": [[t.action.name, t.action.arg] for t in targets
               if isinstance(t.action, Intent) and t.action.name == "language"],
    "listed": "Español" in repr(scene),
    "session": session.language,
    "words": catalogs.words("es").gettext("Stop") if "es" in catalogs.languages else None,
    "lint": sum("`es` (Español)" in d.message for d in inspection.warnings),
    "tag": xapi.base_statement(visit, "launched", {"id": "x"}, __import__("datetime").datetime(
        2026, 1, 1, tzinfo=__import__("datetime").UTC), "id")["context"]["language"],
}))
'''

SPANISH_PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: es\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Stop"
msgstr "Parar"
'''


def _probe(tmp_path: Path, mode: str) -> dict[str, object]:
    po = tmp_path / "es" / "LC_MESSAGES" / "kiosk.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text(SPANISH_PO, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path), mode,
                           str(REPO / "scenarios" / "commis-de-cuisine")],
                          capture_output=True, text=True, check=False, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_language_added_to_the_registry_is_offered_everywhere(tmp_path: Path) -> None:
    added = _probe(tmp_path, "add")
    assert added["config"] == "es"
    assert ["language", "es"] in added["switch"]  # type: ignore[operator]
    assert added["listed"] and added["session"] == "es" and added["words"] == "Parar"
    assert isinstance(added["lint"], int) and added["lint"] > 0  # lint asks the pack for its Spanish texts
    assert added["tag"] == "es-ES"


def test_without_the_entry_the_language_is_not_offered(tmp_path: Path) -> None:
    plain = _probe(tmp_path, "none")
    assert str(plain["config"]).startswith("refused")
    assert ["language", "es"] not in plain["switch"]  # type: ignore[operator]
    assert not plain["listed"] and plain["session"] == "fr" and plain["words"] is None and plain["lint"] == 0
