"""End to end: complete visits on the GL renderer in French, English and Arabic, every screen
compared with its golden image; an idle reset mid-scenario; a language switch mid-scenario;
the bundled sample journal replayed by `kiosk replay` to identical states and screenshots.

KIOSK_UPDATE_GOLDEN=1 rewrites the goldens (look at them before checking them in). The screenshots in
docs/screens/ come from `kiosk screens --out docs/screens`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kiosk.render.capture import image_difference, read_png
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.actions import Intent, Proceed, ShowSector, Toggle, TogglePref
from kiosk.runtime.replay import journal_header
from kiosk.runtime.session_screen import ScreenSettings
from tests.conftest import ASSETS, REPO
from tests.golden_images import check_golden
from tests.visit_kit import Kit, make_kit, start_scenario

pytestmark = pytest.mark.gl
SIZE = (480, 270)
GOLDEN = REPO / "tests" / "golden" / "session"
SAMPLE_JOURNAL = REPO / "assets" / "replays" / "sample-visit.jsonl"


@pytest.fixture(scope="module")
def renderer(gl_context: object, published_scenarios: Path) -> GLRenderer:
    return GLRenderer(gl_context, SIZE, [ASSETS / "images", published_scenarios],  # type: ignore[arg-type]
                      FontFiles.bundled(ASSETS))


def _check_golden(name: str, pixels: np.ndarray) -> None:
    check_golden(GOLDEN / name, pixels)


def _shoot(kit: Kit, renderer: GLRenderer, name: str) -> np.ndarray:
    scene = kit.pilot.view()
    renderer.draw(scene)
    while renderer.waiting():  # SVG pictures (the attract scenes, a stage) arrive off the frame thread
        renderer.images.vectors.wait(60)
        renderer.draw(scene)
    pixels = renderer.read_pixels()
    _check_golden(f"{name}.png", pixels)
    return pixels


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_a_complete_visit_matches_the_golden_image_of_every_screen(
        language: str, published_scenarios: Path, tmp_path: Path, renderer: GLRenderer) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    p = kit.pilot
    shots = {"attract": _shoot(kit, renderer, f"{language}-01-attract")}
    p.tap_at(960, 540)
    p.tap(Intent("language", language))  # → consent; the language page was shown in French
    p.tap(Intent("back"))
    shots["language"] = _shoot(kit, renderer, f"{language}-02-language")
    p.tap(Intent("next"))
    p.tap(Toggle("phone"))
    shots["consent"] = _shoot(kit, renderer, f"{language}-03-consent")
    p.tap(Proceed())
    shots["catalogue"] = _shoot(kit, renderer, f"{language}-04-catalogue")
    p.tap(Intent("trade", "commis-de-cuisine"))
    shots["trade"] = _shoot(kit, renderer, f"{language}-05-trade")
    p.tap(Intent("next"))
    p.answer_step()
    shots["play"] = _shoot(kit, renderer, f"{language}-06-play")
    p.answer_scenario()
    for page, number in (("debrief", "06b"), ("results", "07"), ("offers", "08"), ("handoff", "09"), ("thanks", "10")):
        assert p.page() == page
        shots[page] = _shoot(kit, renderer, f"{language}-{number}-{page}")
        p.tap(Intent("next"))
    assert p.page() == "attract"
    assert kit.db.execute("SELECT status FROM sessions").fetchall() == [("completed",)]
    distinct = {name: int(np.abs(img.astype(int) - shots["attract"].astype(int)).sum()) for name, img in shots.items()}
    assert all(v > 0 for k, v in distinct.items() if k != "attract")  # every screen really differs


def test_idle_reset_mid_scenario_shows_the_countdown_then_the_attract_screen(
        published_scenarios: Path, tmp_path: Path, renderer: GLRenderer) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    p = kit.pilot
    start_scenario(p, "fr", "electricien-batiment")
    p.answer_step()
    p.wait(62)
    _shoot(kit, renderer, "fr-11-idle-warning")
    p.wait(14)
    assert p.page() == "attract"
    assert kit.db.execute("SELECT status FROM sessions").fetchall() == [("abandoned",)]


def test_language_switch_mid_scenario_and_accessibility_views(
        published_scenarios: Path, tmp_path: Path, renderer: GLRenderer) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    p = kit.pilot
    p.tap_at(960, 540)
    p.tap(TogglePref("large_text"))
    p.tap(TogglePref("high_contrast"))
    _shoot(kit, renderer, "fr-12-accessible-language")
    p.tap(Intent("language", "fr"))
    p.tap(Proceed())
    p.tap(ShowSector("hotellerie-restauration"))  # larger text: fewer cards a page
    p.tap(Intent("trade", "commis-de-cuisine"))
    p.tap(Intent("next"))
    p.answer_step()
    step = kit.screen.play.step_id if kit.screen.play else ""
    p.tap(Intent("language", "ar"))
    assert kit.screen.play is not None and kit.screen.play.step_id == step
    _shoot(kit, renderer, "ar-13-play-switched-accessible")


def _sample_journal(published_scenarios: Path, tmp_path: Path) -> list[str]:
    """A visit through every screen with every kind of input: taps, keys, board buttons, a language switch;
    then the next visitor's idle reset."""
    kit = make_kit(published_scenarios, tmp_path / "sample.db", ScreenSettings(defaults=Prefs()))
    p = kit.pilot
    p.board("select")
    p.tap(Intent("language", "fr"))
    p.tap(Toggle("phone"))
    p.press("return")
    p.tap(ShowSector("hotellerie-restauration"))
    p.tap(Intent("trade", "commis-de-cuisine"))
    p.tap(Intent("next"))
    p.answer_scenario()
    p.tap(Intent("next"))  # the key moments, then the results
    p.tap(Intent("language", "en"))
    p.tap(Intent("back"))
    p.tap(ShowSector(""))
    p.tap(Intent("trade", "agent-logistique"))
    p.tap(Intent("next"))
    p.answer_scenario()
    for page in ("debrief", "results", "offers", "handoff", "thanks"):  # every screen, the QR hand-off included
        assert p.page() == page
        p.tap(Intent("next"))
    p.tap_at(960, 540)  # the next visitor, who walks away: the idle countdown, then the reset
    p.wait(80)
    header = journal_header(kit.screen.settings, {k: v.version for k, v in kit.screen.packs.items()}, "fr", "sample")
    return [json.dumps({**header, "visit": 1}), *(json.dumps(e) for e in kit.journal)]


def test_the_bundled_sample_journal_replays_to_identical_states_and_screenshots(
        published_scenarios: Path, tmp_path: Path) -> None:
    lines = _sample_journal(published_scenarios, tmp_path)
    if os.environ.get("KIOSK_UPDATE_GOLDEN"):
        SAMPLE_JOURNAL.parent.mkdir(parents=True, exist_ok=True)
        SAMPLE_JOURNAL.write_text("\n".join(lines) + "\n", encoding="utf-8")
    recorded = SAMPLE_JOURNAL.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["state"] for x in recorded[1:]] == [json.loads(x)["state"] for x in lines[1:]], \
        "the sample journal is stale: run the tests with KIOSK_UPDATE_GOLDEN=1"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[content]\nscenarios = "{published_scenarios}"\nassets = "{ASSETS}"\n', encoding="utf-8")
    runs = []
    for name in ("one", "two"):
        done = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "replay", str(SAMPLE_JOURNAL),
                               "--screenshots", str(tmp_path / name), "--size", "320x180"],
                              check=False, capture_output=True, text=True, timeout=240, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "identical to the visit" in done.stdout and "→ play (fr) commis-de-cuisine" in done.stdout
        runs.append(sorted((tmp_path / name).glob("*.png")))
    assert len(runs[0]) == len(recorded) - 1 and [p.name for p in runs[0]] == [p.name for p in runs[1]]
    assert any("handoff" in p.name for p in runs[0])  # the sample visit reaches every screen
    for a, b in zip(*runs, strict=True):
        if "handoff" in a.name:  # a replay signs a fresh credential (new ids, new time): another QR code
            assert image_difference(read_png(a), read_png(b))[1] < 0.2, a.name
            continue
        assert image_difference(read_png(a), read_png(b)) == (0.0, 0.0), a.name
    broken = tmp_path / "broken.jsonl"
    entry = json.loads(recorded[6])
    broken.write_text("\n".join([*recorded[:6], json.dumps({**entry, "state": "catalogue|elsewhere"}),
                                 *recorded[7:]]) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "replay", str(broken)],
                          check=False, capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert done.returncode == 1 and "entry 6" in done.stderr


def test_a_trainer_watches_a_visit_in_a_window(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kiosk", "replay", str(SAMPLE_JOURNAL), "--watch", "--speed", "40",
                           "--size", "480x270", "--screenshots", str(tmp_path)], cwd=REPO, check=False,
                          capture_output=True, text=True, timeout=240,
                          env={**os.environ, "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"})
    assert done.returncode == 0, done.stderr
    shots = sorted(tmp_path.glob("*.png"))
    assert shots and read_png(shots[-1]).shape == (270, 480, 4)
    assert read_png(shots[len(shots) // 2])[:, :, :3].std() > 10  # the window's frames are real pictures


@pytest.mark.parametrize("language", ["ar", "uk"])
def test_arabic_and_ukrainian_visits_through_a_dialogue_and_a_360_step(
        language: str, published_scenarios: Path, tmp_path: Path, renderer: GLRenderer) -> None:
    """The screens of issue 18's done-when, in ar and uk :
    a dialogue step, a 360° step, results, offers and the hand-off."""
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    p = kit.pilot
    start_scenario(p, language, "commis-de-cuisine", phone=True)
    p.answer_step()
    assert kit.screen.play is not None and kit.screen.play.step_id == "brief"  # Chef Karim and Lina speak
    _shoot(kit, renderer, f"{language}-14-play-dialogue")
    p.answer_scenario()
    assert p.page() == "debrief"
    _shoot(kit, renderer, f"{language}-14b-debrief")
    p.tap(Intent("next"))
    p.tap(Intent("back"))
    p.tap(Intent("trade", "agent-logistique"))
    p.tap(Intent("next"))
    assert kit.screen.play is not None and kit.screen.play.step_id == "entrepot"  # the warehouse in 360°
    _first_frames(kit, published_scenarios, renderer)
    _shoot(kit, renderer, f"{language}-15-play-360")
    p.answer_scenario()
    p.tap(Intent("next"))  # the key moments
    for page, number in (("results", "16"), ("offers", "17"), ("handoff", "18")):  # two trades played
        assert p.page() == page
        _shoot(kit, renderer, f"{language}-{number}-{page}")
        p.tap(Intent("next"))
    assert p.page() == "thanks"


def _first_frames(kit: Kit, scenarios: Path, *renderers: GLRenderer) -> None:
    """The clips on screen stand still at their first frame (no media deck runs in these tests)."""
    import cv2

    from kiosk.view.nodes import media_nodes

    for node in media_nodes(kit.pilot.view()):
        capture = cv2.VideoCapture(str(scenarios / node.stream))
        ok, frame = capture.read()
        capture.release()
        assert ok, node.stream
        for renderer in renderers:
            renderer.update_stream(node.stream, cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA))
