"""`kiosk lint` and the languages the kiosk offers: a pack that lacks one names each missing text;
captions are checked per declared language."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.cli import main
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import inspect_pack

PACK = "commis-de-cuisine"


def _without_arabic(pack_dir: Path) -> int:
    """Drop `ar` from the pack (declared language and every block text in Arabic); return how many texts lost it."""
    (pack_dir / "manifest.json").unlink(missing_ok=True)  # edited, so no longer sealed
    removed = 0
    for name in ("scenario.yaml", "pack.yaml"):
        path = pack_dir / name
        text = path.read_text(encoding="utf-8").replace("languages: [fr, en, ar, uk]", "languages: [fr, en, uk]")
        text, count = re.subn(r"^ +ar: .*\n", "", text, flags=re.M)
        removed += count
        path.write_text(text, encoding="utf-8")
    return removed


def test_a_pack_without_an_offered_language_names_each_missing_text(scenarios_copy: Path) -> None:
    pack_dir = scenarios_copy / PACK
    removed = _without_arabic(pack_dir)
    inspection = inspect_pack(pack_dir, read_skills(), check_manifest=False)
    missing = [w for w in inspection.warnings if w.message.startswith("no `ar` (العربية) text for")]
    assert not inspection.errors and inspection.draft is not None
    scenario, trade = inspection.draft.scenario, inspection.draft.trade
    texts = [scenario.title, *(t for step in scenario.steps for t in step.texts()),
             *(o.describe for o in scenario.observables.values()), trade.title, trade.pitch,
             *(t for debrief in scenario.debriefs.values() for t in debrief.texts())]
    lacking = {(t.mark.file, t.mark.line) for t in texts if "ar" not in t.values}
    assert removed > 20 and len(lacking) > 20
    assert {(w.mark.file, w.mark.line) for w in missing} == lacking  # each text without Arabic, and only those
    first = missing[0]
    assert first.mark.file.endswith(".yaml") and first.mark.line > 0
    assert "kiosk pack translate export PACK --lang ar" in first.hint
    assert re.search(r"for “.+”$", first.message)  # the French source, shortened, says which text
    assert main(["lint", str(pack_dir)]) == 0  # a warning...
    assert main(["lint", "--strict", str(pack_dir)]) == 1  # ...an error under --strict


def test_each_declared_language_needs_captions_for_each_clip(scenarios_copy: Path) -> None:
    scenario = scenarios_copy / PACK / "scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    match = re.search(r"(captions: \{.*), uk: (media/[^}]+\.uk\.vtt)\}", text)
    assert match is not None
    scenario.write_text(text.replace(match.group(0), match.group(1) + "}"), encoding="utf-8")
    inspection = inspect_pack(scenarios_copy / PACK, read_skills(), check_manifest=False)
    warned = [w for w in inspection.warnings if w.check == "translation"]
    assert len(warned) == 1 and warned[0].message.startswith("no `uk` captions for `media/")
    assert warned[0].mark.line == text.count("\n", 0, match.start()) + 1
    assert ".uk.vtt" in warned[0].hint


def test_the_five_packs_offer_every_language_the_kiosk_offers(published_scenarios: Path) -> None:
    for pack_dir in sorted(p for p in published_scenarios.iterdir() if (p / "pack.yaml").exists()):
        inspection = inspect_pack(pack_dir, read_skills(), check_manifest=False)
        assert not [w for w in inspection.warnings if w.check == "translation"], pack_dir.name
