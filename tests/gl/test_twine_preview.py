"""A pack imported from a Twine story plays in `kiosk preview --headless` along the answers given."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main

pytestmark = pytest.mark.gl
STORY = Path(__file__).resolve().parent.parent / "data" / "aide-soignant.twee"


def test_an_imported_twine_story_plays(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "scenarios" / "aide-soignant"
    assert main(["pack", "import-twine", str(STORY), "-o", str(pack)]) == 0
    capsys.readouterr()
    assert main(["preview", str(pack), "--headless", "--size", "640x360", "--out", str(tmp_path / "shots"),
                 "--answers", "a+b+c,correct,b,b,a,a,a+b,a"]) == 0
    out = capsys.readouterr().out
    assert ("path arrivee-dans-le-service → transmissions → chambre-12 → la-toilette → la-sonnette → le-repas → "
            "le-couloir → la-chute → la-famille → les-medicaments → les-transmissions-du-soir → fin-de-journee") in out
    shots = sorted(p.name for p in (tmp_path / "shots" / "aide-soignant").glob("*.png"))
    assert shots[0] == "00-arrivee-dans-le-service.png" and shots[-1].endswith("-fin-de-journee.png")
    assert any(name.endswith("le-repas-feedback.png") for name in shots)  # answer b has feedback
    assert main(["preview", str(pack), "--headless", "--size", "640x360", "--out", str(tmp_path / "shots2"),
                 "--answers", "a+b,correct,a,c"]) == 0
    assert "le-repas → fin-ecourtee" in capsys.readouterr().out  # the second ending
