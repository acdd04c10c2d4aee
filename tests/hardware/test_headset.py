"""Headsets: the simulated twin's poses and wear sensor, eye views, and OpenXR with no runtime."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from hardware.headset.base import Headset, HeadsetStatus, Pose, WearMonitor
from hardware.headset.openxr import OpenXRHeadset
from hardware.headset.simulated import Keyframe, SimulatedHeadset


@pytest.mark.parametrize(("yaw", "pitch"), [(0, 0), (90, 0), (-45, 20), (170, -30), (-179, 60)])
def test_pose_yaw_pitch_round_trip(yaw: float, pitch: float) -> None:
    got = Pose.looking(yaw, pitch).yaw_pitch()
    assert got == pytest.approx((yaw, pitch), abs=1e-9)


def test_the_simulated_headset_follows_its_script_the_short_way_round() -> None:
    headset: Headset = SimulatedHeadset([Keyframe(0, yaw=170), Keyframe(2, yaw=-170, pitch=10, battery=0.5)])
    assert headset.start(100.0) == HeadsetStatus.READY
    sample = headset.poll(101.0)
    assert sample.pose is not None
    yaw, pitch = sample.pose.yaw_pitch()
    assert yaw == pytest.approx(180.0, abs=1e-6) or yaw == pytest.approx(-180.0, abs=1e-6)  # via 180, not via 0
    assert pitch == pytest.approx(5.0) and sample.battery == pytest.approx(0.75)
    assert headset.poll(150.0).pose is not None and headset.poll(150.0).pose.yaw_pitch()[0] == pytest.approx(-170)


def test_taking_the_headset_off_is_seen_once_each_way() -> None:
    headset = SimulatedHeadset([Keyframe(0), Keyframe(5, worn=False), Keyframe(9, worn=True)])
    headset.start(0.0)
    monitor = WearMonitor()
    moments = [monitor.update(headset.poll(t)) for t in (0, 1, 5, 6, 9, 10)]
    assert moments == [None, None, "taken off", None, "put on", None]
    assert headset.poll(6).status == HeadsetStatus.NOT_WORN and headset.poll(6).pose is None


def test_eye_views_sit_half_an_ipd_either_side_along_the_heads_right() -> None:
    headset = SimulatedHeadset(ipd=0.064)
    pose = Pose.looking(90, 0)  # looking right: the right eye is towards +z... behind the head's right
    left, right = headset.eye_views(pose)
    gap = np.subtract(right.pose.position, left.pose.position)
    assert np.linalg.norm(gap) == pytest.approx(0.064)
    assert gap @ np.array([0.0, 0.0, 1.0]) == pytest.approx(0.064)  # the head's right after a 90° yaw is +z
    assert left.pose.orientation == pose.orientation and left.fov[0] < 0 < left.fov[1]


def test_submit_takes_two_eyes() -> None:
    headset = SimulatedHeadset()
    headset.start()
    eyes = [np.zeros((4, 4, 4), np.uint8), np.full((4, 4, 4), 255, np.uint8)]
    headset.submit(eyes)
    assert headset.submitted[-1][1][0, 0, 0] == 255
    with pytest.raises(ValueError, match="two eye images"):
        headset.submit(eyes[:1])


def test_openxr_with_no_runtime_is_a_clean_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XR_RUNTIME_JSON", raising=False)
    headset = OpenXRHeadset()
    assert headset.start() == HeadsetStatus.NO_RUNTIME
    assert "install and start an OpenXR runtime" in headset.reason
    sample = headset.poll(1.0)
    assert (sample.status, sample.pose, sample.worn) == (HeadsetStatus.NO_RUNTIME, None, False)
    headset.submit([np.zeros((2, 2, 4), np.uint8)] * 2)  # nothing to show, nothing breaks
    headset.stop()
    assert headset.status == HeadsetStatus.STOPPED


def test_openxr_with_a_broken_runtime_is_a_clean_state_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = tmp_path / "broken_runtime.json"
    manifest.write_text(json.dumps({"file_format_version": "1.0.0",
                                    "runtime": {"library_path": str(tmp_path / "libmissing.so")}}))
    monkeypatch.setenv("XR_RUNTIME_JSON", str(manifest))
    headset = OpenXRHeadset()
    assert headset.start() == HeadsetStatus.NO_RUNTIME
    assert headset.poll(0.0).pose is None and math.isfinite(0.0)
