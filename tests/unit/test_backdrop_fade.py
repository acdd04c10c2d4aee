"""Which stages are drawn as the fade between two kept stages (render/backdrop.py `stage_fade`): a
dissolve's two scenes on one rectangle, the new one partly transparent over the opaque old one."""

from __future__ import annotations

import numpy as np

from kiosk.render.backdrop import stage_fade
from kiosk.render.batcher import Batch
from kiosk.render.images import OwnPicture
from kiosk.render.text import ROW


def _picture(alpha: float, rect: tuple[float, ...] = (0, 0, 1920, 1080), texture: float = 1.0) -> list[float]:
    row = [0.0] * ROW
    row[0:4] = rect
    row[4:8] = (0.0, 0.0, 1.0, 1.0)
    row[8:12] = (0.5, 0.5, 0.5, alpha)  # the veil's shade; the opacity
    row[15] = texture
    return row


def _stage(*scene_rows: list[float], people: int = 2) -> list[Batch]:
    face = _picture(1.0, (300, 324, 378, 756), 0.0)
    return [Batch(-2, "image", np.array(scene_rows, np.float32)),
            Batch(-1, "image", np.array([face] * people, np.float32))]


def test_a_dissolve_splits_into_the_stage_before_and_the_stage_after() -> None:
    stage = _stage(_picture(1.0, texture=1.0), _picture(0.3, texture=2.0))
    fade = stage_fade(stage)
    assert fade is not None and fade.alpha == np.float32(0.3)
    assert fade.start[0].rows.tolist() == [_picture(1.0, texture=1.0)]  # the old scene alone
    assert fade.end[0].rows[:, 15].tolist() == [1.0, 2.0]  # the new one whole over it
    assert fade.end[0].rows[1, 11] == 1.0 and fade.end[0].rows[1, 8] == np.float32(0.5)  # still veiled
    assert fade.start[1:] == stage[1:] and fade.end[1:] == stage[1:]  # the same people on both
    assert stage[0].rows[1, 11] == np.float32(0.3)  # the frame's own rows are left as they were


def test_only_a_dissolve_is_a_fade() -> None:
    assert stage_fade([]) is None
    assert stage_fade(_stage(_picture(1.0))) is None  # a still scene
    assert stage_fade(_stage(_picture(1.0), _picture(1.0))) is None  # the dissolve is over
    assert stage_fade(_stage(_picture(0.8), _picture(0.3))) is None  # the old scene shows what is under it
    assert stage_fade(_stage(_picture(1.0), _picture(0.3, (40, 0, 1920, 1080)))) is None  # a slide
    shapes = [Batch(-2, "shape", np.array([_picture(1.0)], np.float32)), *_stage(_picture(1.0), _picture(0.3))]
    assert stage_fade(shapes) is None  # something under the scenes


def test_an_opaque_new_scene_hides_the_old_one_in_the_end_stage() -> None:
    stage = _stage(_picture(1.0, texture=1.0), _picture(0.3, texture=2.0))
    fade = stage_fade(stage, opaque=lambda texture: texture == 2)
    assert fade is not None and fade.end[0].rows[:, 15].tolist() == [2.0] and fade.end[0].rows[0, 11] == 1.0
    assert fade.start[0].rows[:, 15].tolist() == [1.0]
    only_old = stage_fade(stage, opaque=lambda texture: texture == 1)  # the old one's opacity says nothing
    assert only_old is not None and len(only_old.end[0].rows) == 2
    rounded = _picture(0.3, texture=2.0)
    rounded[12] = 24.0  # rounded corners show what is under them
    corners = stage_fade(_stage(_picture(1.0, texture=1.0), rounded), opaque=lambda texture: True)
    assert corners is not None and len(corners.end[0].rows) == 2


def test_an_own_picture_knows_whether_it_has_a_translucent_pixel() -> None:
    pixels = np.full((600, 900, 4), 255, np.uint8)
    holed = pixels.copy()
    holed[590, 3, 3] = 128  # in the last strip
    pictures = [OwnPicture(1, pixels, 900, 600), OwnPicture(2, holed, 900, 600)]
    for picture in pictures:
        strips = 0
        while not picture.ready:
            picture.next_strip()
            strips += 1
        assert strips > 1  # decided strip by strip as they are uploaded
    assert [p.opaque for p in pictures] == [True, False]
