"""`[devices] headset = "monitor"`: the kiosk's display is a head-mounted display plugged in as a
plain monitor (no OpenXR runtime drives it). Every frame goes out side by side through the lens
pass. A 360° view fills each eye, seen from where the visitor looks (buttons, keys, switch: the
same look the flat screen follows), with what the flat screen draws over it (hotspot numbers,
captions) at the same angles; any other screen is a flat virtual screen in front of both
eyes, so menus, captions and results stay readable. Comfort rules are the headset's: the view
only turns when the visitor turns it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import moderngl

from kiosk.app.headset import panorama_of
from kiosk.config import Settings
from kiosk.render.mapped_frames import MappedFrames
from kiosk.render.renderer import GLRenderer
from kiosk.render.stereo import Lens, Pixels, StereoRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.immersion import immersive_eye
from kiosk.view.layout import design_size
from kiosk.view.nodes import Scene


class SideBySideDisplay:
    """A renderer for the frame loop (`draw`, `present`, `read_pixels`) that shows both eyes."""

    def __init__(self, stereo: StereoRenderer, virtual_screen: GLRenderer, eye_fov: float,
                 present: Callable[[moderngl.Framebuffer], None] | None = None) -> None:
        self.stereo = stereo
        self.virtual_screen = virtual_screen  # eye-sized, laid out like the flat screen (letterboxed)
        self.eye_fov = eye_fov
        self._present = present
        self.immersive = False  # what the last frame showed (tests, logs)

    def draw(self, scene: Scene) -> None:
        panorama = panorama_of(scene)
        if panorama is not None:
            size = (float(self.stereo.eye_size[0]), float(self.stereo.eye_size[1]))
            self.stereo.eye.draw(immersive_eye(scene, panorama, self.eye_fov, size))
            eye = self.stereo.eye
        else:
            self.virtual_screen.draw(scene)
            eye = self.virtual_screen
        self.immersive = panorama is not None
        self.stereo.show_same(eye.fbo)  # a 360° picture has no parallax: both eyes see the same

    def present(self) -> None:
        if self._present is not None:
            self._present(self.stereo.output)
        else:  # headless: waited for, as GLRenderer.present says why
            self.stereo.ctx.finish()

    def read_pixels(self) -> Pixels:
        return self.stereo.read_output()

    def update_stream(self, name: str, frame: Pixels) -> None:
        self.stereo.eye.update_stream(name, frame)
        self.virtual_screen.update_stream(name, frame)

    def drop_stream(self, name: str) -> None:
        self.stereo.eye.drop_stream(name)
        self.virtual_screen.drop_stream(name)

    def release(self) -> None:
        self.stereo.release()
        self.virtual_screen.release()


def side_by_side_display(ctx: moderngl.Context, size: tuple[int, int], settings: Settings, frames: MappedFrames | None,
                         present: Callable[[moderngl.Framebuffer], None] | None) -> SideBySideDisplay:
    """Eyes of half the display's width each, the lens from `[devices]`."""
    devices = settings.devices
    eye = (size[0] // 2, size[1])
    roots: list[Path] = [settings.content.assets / "images", settings.content.scenarios]
    fonts = FontFiles.bundled(settings.content.assets)
    stereo = StereoRenderer(ctx, eye, roots, fonts, lens=Lens(devices.lens_k1, devices.lens_k2, devices.lens_scale),
                            frames=frames)
    # the flat screen floats in each eye, laid out for the whole display's shape (as the session screen is)
    virtual_screen = GLRenderer(ctx, eye, roots, fonts, design=design_size(*size), frames=frames)
    return SideBySideDisplay(stereo, virtual_screen, devices.eye_fov, present)
