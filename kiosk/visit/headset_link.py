"""The headset as an input and an output: its wear sensor and head pose become input events for
the session screen (journaled like any other input), and while a 360° view is on screen and the
headset is worn, each eye is rendered and handed to it."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from hardware.headset.base import Headset, HeadsetStatus, WearMonitor
from kiosk.events import HeadsetLook, HeadsetWorn, InputEvent
from kiosk.render.stereo import StereoRenderer
from kiosk.runtime.immersion import immersive_eye
from kiosk.view.nodes import Panorama, Scene, media_nodes

LOOK_STEP = 0.5  # degrees: smaller head movements are not sent (they would only fill the journal)


def panorama_of(scene: Scene) -> Panorama | None:
    return next((node for node in media_nodes(scene) if isinstance(node, Panorama)), None)


class HeadsetLink:
    def __init__(self, headset: Headset, send: Callable[[InputEvent, float], None], view: Callable[[float], Scene],
                 stereo: StereoRenderer | None = None) -> None:
        self.headset = headset
        self.send = send  # the screen's handle()
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
        sample = self.headset.poll(now)
        self.status = sample.status
        change = self.monitor.update(sample)
        if change is not None:
            self.worn = change == "put on"
            self.send(HeadsetWorn(self.worn, now), now)
        elif self.monitor.worn is not None:
            self.worn = self.monitor.worn
        if not self.worn or sample.pose is None or sample.status != HeadsetStatus.READY:
            return
        yaw, pitch = sample.pose.yaw_pitch()
        if self.sent is None or max(abs(yaw - self.sent[0]), abs(pitch - self.sent[1])) >= LOOK_STEP:
            self.sent = (yaw, pitch)
            self.send(HeadsetLook(round(yaw, 2), round(pitch, 2), now), now)
        scene = self.view(now)
        panorama = panorama_of(scene)
        if self.stereo is None or panorama is None:
            return
        size = (float(self.stereo.eye_size[0]), float(self.stereo.eye_size[1]))
        scenes = []
        for eye in self.headset.eye_views(sample.pose):
            fov = math.degrees(eye.fov[2] - eye.fov[3])
            yaw, pitch = eye.pose.yaw_pitch()
            # The flat view follows the head (HeadsetLook), so its hotspot numbers and captions sit at
            # the right angles to within LOOK_STEP: each eye shows them over the sphere.
            scenes.append(immersive_eye(scene, replace(panorama, yaw=yaw, pitch=pitch), fov, size))
        self.eye_scenes = (scenes[0], scenes[1])
        left, right, _ = self.stereo.render(scenes[0], scenes[1])
        self.headset.submit([left, right])
        self.frames += 1
