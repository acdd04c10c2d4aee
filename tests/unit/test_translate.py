"""Pack translation through PO files: export, import, round trip, and what a translator is told."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.errors import ContentError
from kiosk.scenario.load import inspect_pack
from kiosk.scenario.translate import export_catalog, import_catalog, write_catalog

PACKS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PACKS / "commis-de-cuisine", tmp_path / "commis-de-cuisine",
                                ignore=shutil.ignore_patterns("manifest.json")))


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def _yaml_bytes(pack: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(pack.glob("*.yaml"))}


def test_exporting_and_importing_a_language_already_written_leaves_the_pack_byte_identical(pack: Path) -> None:
    before = _yaml_bytes(pack)
    po = write_catalog(export_catalog(pack, "en"))
    report = import_catalog(pack, po, "en")
    assert report.applied > 40  # every English text went through the YAML writer
    assert report.written == []
    assert _yaml_bytes(pack) == before


def test_a_translated_catalogue_lands_in_the_yaml_next_to_the_source_and_declares_the_language(pack: Path) -> None:
    catalog = export_catalog(pack, "es")  # a language the bundled packs do not have yet
    for message in catalog:
        if message.id:
            message.string = f"[es] {message.id}"
    report = import_catalog(pack, write_catalog(catalog), "es")
    assert report.complete and report.language_added
    scenario = (pack / "scenario.yaml").read_text(encoding="utf-8")
    assert scenario.startswith("# yaml-language-server")  # the trainer's comments survive
    assert "languages: [fr, en, ar, uk, es]" in scenario
    assert "en: The open bin next to the worktop, ar: سلّة المهملات المفتوحة بجانب طاولة العمل, " \
           "uk: Відкритий смітник біля робочого столу, es: '[es] La poubelle ouverte près du plan de travail'}" \
           in scenario  # flow style kept, the new language after the ones already written
    inspection = inspect_pack(pack, check_manifest=False)
    assert inspection.pack is not None, [str(d) for d in inspection.errors]
    step = next(s for s in inspection.pack.scenario.steps if s.id == "livraison")
    assert step.text.get("es") == f"[es] {step.text.get('fr')}"


def test_untranslated_and_stale_texts_are_named_by_file_and_line_and_the_language_is_not_declared(
        pack: Path) -> None:
    catalog = export_catalog(pack, "es")
    for message in catalog:
        if message.id and message.context != "scenario:steps[panne].text":
            message.string = f"[es] {message.id}"
    po = write_catalog(catalog)
    scenario = pack / "scenario.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace(
        "Bonjour ! Aujourd'hui tu es au garde-manger", "Salut ! Aujourd'hui tu es au garde-manger"), encoding="utf-8")
    report = import_catalog(pack, po, "es")
    panne = _line_of(scenario, "fr: En plein service, la salamandre")
    brief = _line_of(scenario, "fr: Salut ! Aujourd'hui tu es au garde-manger")
    assert report.untranslated == [f"scenario.yaml:{panne}: scenario:steps[panne].text"]
    assert report.stale == [f"scenario.yaml:{brief}: scenario:steps[brief].lines[0].says"]
    assert not report.language_added
    assert "languages: [fr, en, ar, uk]" in scenario.read_text(encoding="utf-8")
    assert any("not added to `languages:`" in line for line in report.lines())


def test_exported_catalogues_pass_msgfmt_check(pack: Path, tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt (Debian gettext) is missing: scripts/setup.sh installs it")
    for language in ("en", "ar", "uk"):
        path = tmp_path / f"{language}.po"
        path.write_bytes(write_catalog(export_catalog(pack, language)))
        result = subprocess.run([msgfmt, "-c", "--statistics", "-o", "/dev/null", str(path)],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert "translated message" in result.stderr


def test_the_catalogue_tells_translators_who_speaks_in_which_step(pack: Path) -> None:
    catalog = read_po(__import__("io").BytesIO(write_catalog(export_catalog(pack, "uk"))))
    line = catalog.get("Salut ! On a du monde à midi, on va devoir s'organiser.",
                       context="scenario:steps[brief].lines[1].says")
    assert line is not None
    assert "step brief (dialogue)" in line.auto_comments
    assert "spoken by Lina" in line.auto_comments
    assert any(comment.startswith("en: Hi! We're fully booked") for comment in line.auto_comments)
    assert line.locations == [("scenario.yaml", _line_of(pack / "scenario.yaml", "fr: Salut ! On a du monde"))]


def test_a_catalogue_for_another_language_is_refused(pack: Path) -> None:
    po = write_catalog(export_catalog(pack, "ar"))
    with pytest.raises(ContentError, match="for ar, not uk"):
        import_catalog(pack, po, "uk")


@pytest.mark.parametrize("name", sorted(p.name for p in PACKS.iterdir() if (p / "pack.yaml").is_file()))
def test_every_bundled_pack_round_trips_each_of_its_languages_byte_identically(name: str, tmp_path: Path) -> None:
    pack = Path(shutil.copytree(PACKS / name, tmp_path / name, ignore=shutil.ignore_patterns("media")))
    before = _yaml_bytes(pack)
    for language in ("en", "ar", "uk"):
        report = import_catalog(pack, write_catalog(export_catalog(pack, language)), language)
        assert report.complete, (name, language, report.lines())
    assert _yaml_bytes(pack) == before, name
