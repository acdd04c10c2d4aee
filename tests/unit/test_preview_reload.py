"""Live reload under the frame loop, on a manual clock: no GL, no waiting."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kiosk.clock import ManualClock
from kiosk.commands.preview import PackWatcher, PreviewSummary, playable, reloader
from kiosk.events import InputEvent
from kiosk.runtime import play
from kiosk.runtime.loop import FrameLoop, FramePacer
from kiosk.runtime.preview import PreviewScreen
from kiosk.scenario.load import inspect_pack
from tests.frame_kit import RecordingRenderer


def test_live_reload_under_the_frame_loop(scenarios_copy: Path, tmp_path: Path) -> None:
    """The preview's loop polls the files: a save shows the new text on the same step; a
    broken save shows the error in a banner and keeps the last good version playing."""
    pack_dir = scenarios_copy / "electricien-batiment"
    scenario = pack_dir / "scenario.yaml"
    clock = ManualClock()
    screen = PreviewScreen(playable(inspect_pack(pack_dir, check_manifest=False)), 0.0, lambda media: None)
    screen.state = play.jump(screen.pack.scenario, screen.state, "hauteur", 0.0)
    recorder = RecordingRenderer()
    drawn = recorder.drawn

    edits = {1.2: ("Le plan de travail est à 90 cm", "Le plan de travail est à 85 cm"),
             2.2: ("start: chantier", "start: chantie")}

    def wait(timeout: float | None) -> Sequence[InputEvent]:  # a trainer saving the file twice
        step = 0.1 if timeout is None else min(timeout, 0.1)
        clock.advance(step)
        for at, (old, new) in list(edits.items()):
            if clock.now() >= at:
                scenario.write_text(scenario.read_text().replace(old, new))
                del edits[at]
        return []

    loop = FrameLoop(screen, recorder, clock, wait, FramePacer(60, 10), ambient=False)
    summary = PreviewSummary("test")
    loop.every(0.5, reloader(screen, PackWatcher(pack_dir), {}, tmp_path, summary))
    loop.run(until=2.0)
    assert summary.reloads == 1
    assert screen.state.step_id == "hauteur"
    assert "85 cm" in str(drawn[-1]) and "90 cm" not in str(drawn[-1])
    loop.run(until=3.0)
    assert screen.error is not None and "start: `chantie` is not a step" in screen.error
    assert "start: `chantie`" in str(drawn[-1]) and "85 cm" in str(drawn[-1])  # banner over the last good pack
