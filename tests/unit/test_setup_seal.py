"""Setup seals only the bundled packs that lint clean, and says which it skipped and why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import _media_script


def test_setup_seals_clean_packs_and_names_the_others(published_scenarios: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "scenarios"
    for pack in ("agent-logistique", "commis-de-cuisine"):
        shutil.copytree(published_scenarios / pack, root / pack, ignore=shutil.ignore_patterns("manifest.json"))
    scenario = root / "commis-de-cuisine" / "scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace("    next: livraison\n", "    next: livraisn\n", 1), encoding="utf-8")
    assert _media_script().main([str(root)]) == 0
    out = capsys.readouterr().out
    assert (root / "agent-logistique" / "manifest.json").is_file()
    assert not (root / "commis-de-cuisine" / "manifest.json").exists()
    assert "agent-logistique: 0 file(s) made, sealed manifest.json" in out
    assert "commis-de-cuisine: 0 file(s) made, NOT sealed: 1 lint error(s), first " in out
    assert "next: `livraisn` is not a step of this scenario" in out
    assert out.rstrip().endswith("not sealed (a kiosk will not serve them): commis-de-cuisine")
