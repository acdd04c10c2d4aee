"""A large picture's texture is made before its pixels arrive, on a frame of its own, and an evicted
picture's texture is kept for the next one of its size (render/spares.py): making a full-screen
texture is llvmpipe's costliest call of a scene change (8 ms of CPU at 1920×1080 here, 31 ms at 4K)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pygame
import pytest

from kiosk.render import vector
from kiosk.render.images import MAX_OWN_TEXTURES
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.view.nodes import Group, Image, Rect, Scene
from tests.conftest import ASSETS


def _renderer(gl_context: object, root: Path, tmp_path: Path) -> GLRenderer:
    return GLRenderer(gl_context, (320, 180), [root], FontFiles.bundled(ASSETS),  # type: ignore[arg-type]
                      raster_cache=tmp_path / "raster")


def test_a_scene_being_decoded_has_its_texture_made_ahead_and_its_strips_go_into_it(
        gl_context: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.bench.stage import StagedBench

    gate = threading.Event()  # holds the decoding, as a large PNG on a busy machine takes frames to decode
    decode = vector.decode_png
    monkeypatch.setattr(vector, "decode_png", lambda path: gate.wait(60) and decode(path))
    bench = StagedBench()
    renderer = _renderer(gl_context, bench.root, tmp_path)
    scene = Scene(Group((Image(Rect(0, 0, 1920, 1080), "bench/media/kitchen.svg", detail=0.5, layer=-2),)))
    try:
        renderer.draw(scene)  # asked for: rasterised in the worker process, then decoded
        deadline = time.monotonic() + 60
        while not renderer.images.coming and time.monotonic() < deadline:
            time.sleep(0.02)
            renderer.draw(scene)
        (size,) = renderer.images.coming  # drawn: its size read from the PNG's header
        assert renderer.spares.made == 0  # not on the frame that learnt it
        renderer.draw(scene)  # the next frame makes its texture, nothing else
        assert renderer.spares.made == 1 and not renderer.own_textures
        assert [texture.size for texture in renderer.spares.textures()] == [size]
        made = {texture.glo for texture in renderer.spares.textures()}
        renderer.draw(scene)
        assert renderer.spares.made == 1  # one texture per picture on its way
        gate.set()
        while renderer.waiting():
            renderer.images.vectors.wait(60)
            renderer.draw(scene)
        assert {texture.glo for texture in renderer.own_textures.values()} == made  # the strips went into it
        assert len(renderer.spares) == 0 and not renderer.images.coming
        assert renderer.read_pixels()[90, 160, :3].any()  # the scene shows
    finally:
        gate.set()
        renderer.release()
        bench.close()


def test_an_evicted_pictures_texture_is_taken_by_the_next_one_of_its_size(gl_context: object, tmp_path: Path) -> None:
    for index in range(MAX_OWN_TEXTURES + 1):
        surface = pygame.Surface((400, 200))
        surface.fill((40 * index, 0, 0))
        pygame.image.save(surface, str(tmp_path / f"scene{index}.png"))
    renderer = _renderer(gl_context, tmp_path, tmp_path)
    textures = []
    try:
        for index in range(MAX_OWN_TEXTURES + 1):  # backdrops at half detail: each in its own texture
            scene = Scene(Group((Image(Rect(0, 0, 1920, 1080), f"scene{index}.png", detail=0.5),)))
            renderer.draw(scene)
            while renderer.waiting():
                renderer.draw(scene)
            textures.append({texture.glo for texture in renderer.own_textures.values()})
        assert len(renderer.own_textures) == MAX_OWN_TEXTURES
        assert textures[-1] == textures[-2] and textures[0] <= textures[-1]  # the first one's texture holds the fifth
        assert renderer.spares.made == 0 and len(renderer.spares) == 0
        assert renderer.read_pixels()[90, 160, 0] == 40 * MAX_OWN_TEXTURES  # and shows it whole
    finally:
        renderer.release()


def test_a_still_screen_lets_its_spare_textures_go(gl_context: object, tmp_path: Path) -> None:
    """An idle kiosk keeps no spare texture (each is a screen's worth of the process's memory on llvmpipe):
    the loop's `still()` frees them; a scene on its way gets its texture made ahead again."""
    renderer = _renderer(gl_context, tmp_path, tmp_path)
    try:
        renderer.spares.keep(gl_context.texture((400, 200), 4))  # type: ignore[attr-defined]
        assert len(renderer.spares) == 1
        renderer.still()
        assert len(renderer.spares) == 0
    finally:
        renderer.release()
