"""`kiosk preview` headless: walks a pack through EGL and saves one screenshot per step;
its watcher reloads on save and reports errors without losing the last good pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.commands.preview import PackWatcher
from kiosk.errors import ContentError
from kiosk.render.capture import read_png
from kiosk.scenario.model import Pack

pytestmark = pytest.mark.gl


def test_headless_preview_walks_the_chosen_branch(published_scenarios: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["preview", str(published_scenarios / "commis-de-cuisine"), "--headless", "--size", "640x360",
                 "--out", str(tmp_path), "--answers", "poubelle+viande,correct,accepter"])
    assert code == 0
    out = capsys.readouterr().out
    assert "path arrivee → brief → hygiene → mise-en-place → livraison → chaine-du-froid → lina" in out
    shots = sorted(p.name for p in (tmp_path / "commis-de-cuisine").glob("*.png"))
    assert shots[0] == "00-arrivee.png" and shots[-1].endswith("-fin.png")
    assert "05-livraison-feedback.png" in shots
    poster = read_png(tmp_path / "commis-de-cuisine" / "00-arrivee.png")
    assert poster.shape == (360, 640, 4)
    centre = poster[120:220, 200:440, :3].reshape(-1, 3)
    assert len({tuple(px) for px in centre[::37]}) > 5  # the poster frame is drawn, not an empty panel


def test_watcher_reloads_on_save_and_reports_errors(scenarios_copy: Path) -> None:
    pack = scenarios_copy / "agent-logistique"
    watcher = PackWatcher(pack)
    assert watcher.poll() is None
    scenario = pack / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("Il reste trois commandes", "Il reste quatre commandes"))
    reloaded = watcher.poll()
    assert isinstance(reloaded, Pack)
    assert "quatre" in (reloaded.scenario.step("rush").text.get("fr") if reloaded.scenario.step("rush").text else "")
    scenario.write_text(scenario.read_text().replace("start: entrepot", "start: entrepo"))
    error = watcher.poll()
    assert isinstance(error, ContentError)
    assert "start: `entrepo` is not a step of this scenario" in str(error)

