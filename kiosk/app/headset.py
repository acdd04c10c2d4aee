"""The headset as an input and an output: its wear sensor and head pose become input events for
the session screen (through the device hub, journaled like any other input), and while a 360° view
is on screen and the headset is worn, each eye is rendered and handed to it.

An OpenXR session is paced by the frame thread, so the headset is polled there (30 Hz), not on a
thread of its own: its events go into the hub and are delivered before the eyes are drawn."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import replace

from hardware.headset.base import Headset, HeadsetStatus, Pose, WearMonitor
from hardware.headset.openxr import OpenXRHeadset
from hardware.headset.simulated import Keyframe, SimulatedHeadset
from kiosk.config import Settings
from kiosk.events import HeadsetLook, HeadsetWorn, InputEvent
from kiosk.render.renderer import GLRenderer
from kiosk.render.stereo import StereoRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.immersion import immersive_eye
from kiosk.view.nodes import Panorama, Scene, media_nodes

log = logging.getLogger("kiosk")

LOOK_STEP = 0.5  # degrees: smaller head movements are not sent (they would only fill the journal)


def panorama_of(scene: Scene) -> Panorama | None:
    return next((node for node in media_nodes(scene) if isinstance(node, Panorama)), None)


class HeadsetLink:
    def __init__(self, headset: Headset, send: Callable[[InputEvent, float], None], view: Callable[[float], Scene],
                 stereo: StereoRenderer | None = None, deliver: Callable[[], None] | None = None) -> None:
        self.headset = headset
        self.send = send  # into the device hub (or straight to a screen's handle(), in tests)
        self.deliver = deliver  # hands what the hub holds to the screen now: the eyes see this tick's look
        self.view = view
        self.stereo = stereo
        self.monitor = WearMonitor()
        self.worn = False
        self.sent: tuple[float, float] | None = None
        self.frames = 0
        self.eye_scenes: tuple[Scene, Scene] | None = None  # the last frame's, for tests and logs
        self.status = HeadsetStatus.STOPPED

    @property
    def health(self) -> str:
        """For /healthz: a present headset is "connected" whether or not someone wears it."""
        return "connected" if self.status in (HeadsetStatus.READY, HeadsetStatus.NOT_WORN) else str(self.status)

    def tick(self, now: float) -> None:
        pose = self._sense(now)
        if pose is not None:
            self._render_eyes(pose, now)

    def _sense(self, now: float) -> Pose | None:
        """Wear and look changes sent as events; the pose when someone wears a ready headset."""
        sample = self.headset.poll(now)
        self.status = sample.status
        change = self.monitor.update(sample)
        sent = False
        if change is not None:
            self.worn = change == "put on"
            self.send(HeadsetWorn(self.worn, now), now)
            sent = True
        elif self.monitor.worn is not None:
            self.worn = self.monitor.worn
        pose = sample.pose if self.worn and sample.status == HeadsetStatus.READY else None
        if pose is not None:
            yaw, pitch = pose.yaw_pitch()
            if self.sent is None or max(abs(yaw - self.sent[0]), abs(pitch - self.sent[1])) >= LOOK_STEP:
                self.sent = (yaw, pitch)
                self.send(HeadsetLook(round(yaw, 2), round(pitch, 2), now), now)
                sent = True
        if sent and self.deliver is not None:
            self.deliver()
        return pose

    def _render_eyes(self, pose: Pose, now: float) -> None:
        scene = self.view(now)
        panorama = panorama_of(scene)
        if self.stereo is None or panorama is None:
            return
        size = (float(self.stereo.eye_size[0]), float(self.stereo.eye_size[1]))
        scenes = []
        for eye in self.headset.eye_views(pose):
            fov = math.degrees(eye.fov[2] - eye.fov[3])
            yaw, pitch = eye.pose.yaw_pitch()
            # The flat view follows the head (HeadsetLook), so its hotspot numbers and captions sit at
            # the right angles to within LOOK_STEP: each eye shows them over the sphere.
            scenes.append(immersive_eye(scene, replace(panorama, yaw=yaw, pitch=pitch), fov, size))
        self.eye_scenes = (scenes[0], scenes[1])
        left, right, _ = self.stereo.render(scenes[0], scenes[1])
        self.headset.submit([left, right])
        self.frames += 1

SIMULATED_LOOK = tuple(Keyframe(float(t), yaw=yaw, pitch=pitch) for t, yaw, pitch in
                       ((0, 0, 0), (6, 60, 5), (12, 120, -5), (18, 180, 0), (24, -120, 10), (30, -60, 0), (36, 0, 0)))


def start_headset(kind: str, send: Callable[[InputEvent, float], None], view: Callable[[float], Scene],
                  deliver: Callable[[], None], renderer: GLRenderer, settings: Settings,
                  clock: Callable[[], float]) -> tuple[HeadsetLink, Callable[[], None]] | str:
    """The link and how to stop it, or why there is no headset (for /healthz)."""
    # `[devices] headset`: a real OpenXR headset, or the simulated one looking slowly around (demos).
    headset: Headset = OpenXRHeadset() if kind == "openxr" else SimulatedHeadset(SIMULATED_LOOK)
    status = headset.start(clock())
    if status in (HeadsetStatus.NO_RUNTIME, HeadsetStatus.NO_DEVICE):
        log.error("headset: %s; the kiosk runs without it", status)
        return str(status)
    eye = (960, 1080) if kind == "openxr" else (480, 540)
    stereo = StereoRenderer(renderer.ctx, eye, [settings.content.assets / "images", settings.content.scenarios],
                            FontFiles.bundled(settings.content.assets), lens=None, frames=renderer.frames)
    link = HeadsetLink(headset, send, view, stereo, deliver)

    def stop() -> None:
        headset.stop()
        stereo.release()

    return link, stop
