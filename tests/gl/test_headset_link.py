"""The headset as input and output on a 360° step: the pose turns the view, taking it off pauses the
scenario, and each eye is rendered and handed to the (simulated) headset."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.headset.simulated import Keyframe, SimulatedHeadset
from kiosk.app.headset import HeadsetLink
from kiosk.media.deck import MediaDeck
from kiosk.render.stereo import StereoRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.actions import LOOK
from kiosk.scenario.model import HotspotStep
from kiosk.view.nodes import Button, Group, Node, placed
from tests.conftest import ASSETS
from tests.visit_kit import make_kit, start_scenario

pytestmark = pytest.mark.gl


def _leaves(group: Group) -> list[Node]:
    return [node for node, _, _ in placed(group)]


def test_head_turns_the_360_view_removal_pauses_and_eyes_are_submitted(
        gl_context: object, published_scenarios: Path, tmp_path: Path) -> None:
    kit = make_kit(published_scenarios, tmp_path / "k.db")
    p = kit.pilot
    start_scenario(p, "fr", "commis-de-cuisine")
    headset = SimulatedHeadset([Keyframe(0.0, yaw=0.0), Keyframe(1.0, yaw=90.0, pitch=10.0),
                                Keyframe(2.0, yaw=90.0, pitch=10.0, worn=False),
                                Keyframe(3.0, yaw=90.0, pitch=10.0, worn=True)])
    stereo = StereoRenderer(gl_context, (160, 180), [published_scenarios], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                            lens=None)
    deck = MediaDeck(published_scenarios, stereo.eye.update_stream, stereo.eye.drop_stream)
    link = HeadsetLink(headset, kit.screen.handle, kit.screen.view, stereo)
    try:
        link.tick(p.now)  # not immersive yet: the head turns nothing, nothing is journaled
        assert kit.screen.look.yaw == 0.0
        scenario = kit.screen.packs["commis-de-cuisine"].scenario
        while kit.screen.play is not None and not isinstance(scenario.step(kit.screen.play.step_id), HotspotStep):
            p.answer_step()
        assert kit.screen.play is not None and any(t.action == LOOK for t in p.targets())
        step = scenario.step(kit.screen.play.step_id)
        assert isinstance(step, HotspotStep)
        deck.show({f"commis-de-cuisine/{step.image}": False}, p.now)
        headset.start(p.now)
        for _ in range(31):  # one second at 30 Hz
            link.tick(p.now)
            p.wait(1 / 30, tick=1 / 30)
        assert kit.screen.look.yaw == pytest.approx(90.0, abs=1.0)
        assert kit.screen.look.pitch == pytest.approx(10.0, abs=1.0)
        assert link.frames > 20 and headset.submitted[-1][0].shape == (180, 160, 4)
        area = next(t.rect for t in p.targets() if t.action == LOOK)
        over_view = sorted(n.label for n in _leaves(kit.screen.view(p.now).root) if isinstance(n, Button)
                           and area.x <= n.rect.x + n.rect.w / 2 <= area.x + area.w
                           and area.y <= n.rect.y + n.rect.h / 2 <= area.y + area.h)
        assert over_view and link.eye_scenes is not None
        for eye in link.eye_scenes:  # the hotspot numbers over the view are in each eye too
            assert sorted(n.label for n in _leaves(eye.root) if isinstance(n, Button)) == over_view
        for _ in range(31):  # the headset comes off
            link.tick(p.now)
            p.wait(1 / 30, tick=1 / 30)
        assert kit.screen.play is not None and kit.screen.play.paused_at is not None
        frames = link.frames
        for _ in range(31):  # and back on
            link.tick(p.now)
            p.wait(1 / 30, tick=1 / 30)
        assert kit.screen.play is not None and kit.screen.play.paused_at is None and link.frames > frames
        looks = [e for e in kit.journal if e.get("input", {}).get("type") == "HeadsetLook"]
        assert 0 < len(looks) < 100  # small movements are not sent
    finally:
        deck.stop()
        stereo.release()
