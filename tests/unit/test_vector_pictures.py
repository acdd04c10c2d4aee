"""SVG pictures: rasterised at the drawn size in a worker process, cached by content hash and size,
shown when ready (never as a placeholder box); PNG, JPEG and WebP still decoded as before."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.render.atlas import Atlas
from kiosk.render.images import ImageLibrary
from kiosk.render.vector import VectorPictures, cache_name, raster_size
from tests.stage_kit import backdrop, face


class NoRasteriser(Executor):
    """Proves a picture came from the disk cache: any rasterising fails the test."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        raise AssertionError("rasterised again although the cache holds it")


@pytest.fixture(scope="module")
def worker() -> Iterator[Executor]:
    """One rasterising process for the module (the kiosk has one too): spawning costs seconds here."""
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    yield pool
    pool.shutdown()


def _ready(pictures: VectorPictures, source: Path, size: tuple[int, int]) -> np.ndarray:
    deadline = time.monotonic() + 60
    while (pixels := pictures.pixels(source, size)) is None:
        assert time.monotonic() < deadline and not pictures.failed(source, size)
        pictures.wait(1.0)
        time.sleep(0.01)
    return pixels


def test_an_svg_is_rasterised_off_thread_cached_and_read_back_from_the_cache(tmp_path: Path,
                                                                              worker: Executor) -> None:
    source = tmp_path / "scene.svg"
    source.write_text(backdrop("#ff0000", "#0000ff"))
    cache = tmp_path / "raster"
    pictures = VectorPictures(cache, rasteriser=worker)
    try:
        assert pictures.pixels(source, (320, 184)) is None  # started, not ready: the frame goes on
        pixels = _ready(pictures, source, (320, 184))
    finally:
        pictures.close()
    assert pixels.shape == (180, 320, 4)  # 16:9 kept inside the asked box
    assert tuple(pixels[10, 10]) == (255, 0, 0, 255) and tuple(pixels[170, 10]) == (0, 0, 255, 255)
    cached = cache / cache_name(source.read_bytes(), (320, 184))
    read = cv2.imread(str(cached))
    assert cached.is_file() and read is not None and read.shape[:2] == (180, 320)

    again = VectorPictures(cache, rasteriser=NoRasteriser())
    try:
        assert np.array_equal(_ready(again, source, (320, 184)), pixels)
        source.write_text(backdrop("#00ff00", "#0000ff"))  # the trainer edits the picture: drawn again
        with pytest.raises(AssertionError, match="rasterised again"):
            again.pixels(source, (320, 184))
    finally:
        again.close()


def test_a_broken_svg_is_reported_once_and_left_out(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                    worker: Executor) -> None:
    source = tmp_path / "broken.svg"
    source.write_text("<svg this is not")
    pictures = VectorPictures(tmp_path / "raster", rasteriser=worker)
    try:
        pictures.pixels(source, (64, 64))
        pictures.wait(60)
        assert pictures.pixels(source, (64, 64)) is None and pictures.failed(source, (64, 64))
    finally:
        pictures.close()
    assert "broken.svg not drawn" in caplog.text


def test_the_image_library_draws_svg_at_the_screen_size_and_still_reads_bitmaps(tmp_path: Path,
                                                                                worker: Executor) -> None:
    (tmp_path / "cast").mkdir()
    (tmp_path / "cast" / "lina.svg").write_text(face("#2a9d8f", "M65 125 Q100 160 135 125"))
    cv2.imwrite(str(tmp_path / "card.webp"), np.full((20, 30, 3), (0, 128, 255), np.uint8))
    cv2.imwrite(str(tmp_path / "card.jpg"), np.full((20, 30, 3), 200, np.uint8))
    library = ImageLibrary([tmp_path], Atlas(1024, 1024, 4, "image"), VectorPictures(tmp_path / "raster", worker),
                           scale=2.0)
    try:
        assert library.uv("card.webp") is not None and library.uv("card.jpg") is not None
        assert library.uv("cast/lina.svg", (100, 200)) is None and library.pending("cast/lina.svg")
        library.vectors.wait(60)
        deadline = time.monotonic() + 60
        while (uv := library.uv("cast/lina.svg", (100, 200))) is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert not library.pending("cast/lina.svg") and not library.waiting()
        u0, v0, u1, v1, texture = uv
        assert texture == 0  # a character shares the atlas
        assert (round((u1 - u0) * 1024), round((v1 - v0) * 1024)) == (200, 400)  # 2 screen px per design px
    finally:
        library.vectors.close()


def test_raster_sizes_round_up_so_near_sizes_share_a_picture() -> None:
    assert raster_size(1919.6, 1080) == (1920, 1080) and raster_size(443.1, 886.2) == (448, 888)
    assert raster_size(0.2, 3) == (8, 8)


def test_the_atlas_uploads_only_the_pixels_a_new_picture_took() -> None:
    atlas = Atlas(64, 64, 4, "image")
    atlas.add(np.zeros((10, 20, 4), np.uint8))
    assert [(u.region.x, u.region.y, u.region.w, u.region.h) for u in atlas.take_uploads()[1]] == [(0, 0, 20, 10)]
    atlas.add(np.zeros((8, 12, 4), np.uint8))  # beside the first, on the same shelf
    assert [(u.region.x, u.region.y, u.region.w, u.region.h) for u in atlas.take_uploads()[1]] == [(21, 0, 12, 8)]
    assert atlas.take_uploads() == (False, [])
    atlas.add(np.zeros((8, 12, 4), np.uint8))
    atlas.reset()  # what was waiting is dropped, and the texture is cleared before anything new
    assert atlas.take_uploads() == (True, [])


def test_preparing_fills_the_disk_cache_and_keeps_no_pixels(tmp_path: Path, worker: Executor) -> None:
    (tmp_path / "scene.svg").write_text(backdrop("#ff0000", "#0000ff"))
    library = ImageLibrary([tmp_path], Atlas(256, 256, 4, "image"), VectorPictures(tmp_path / "raster", worker),
                           scale=0.5)
    try:
        library.prepare("scene.svg", (320, 180))
        library.prepare("missing.svg", (320, 180))  # logged, nothing else
        library.vectors.wait(60)
        assert [p.name.split("-")[1] for p in (tmp_path / "raster").glob("*.png")] == ["160x96.png"]
        assert not library.waiting() and library.atlas.take_uploads() == (False, [])  # nothing decoded, nothing added
    finally:
        library.vectors.close()


def test_the_image_library_grows_a_small_atlas_for_a_tall_picture(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "card.png"), np.full((20, 30, 3), 200, np.uint8))
    cv2.imwrite(str(tmp_path / "scene.png"), np.full((100, 60, 3), 90, np.uint8))
    library = ImageLibrary([tmp_path], Atlas(128, 32, 4, "image", max_height=256))
    card = library.uv("card.png")
    assert card is not None and library.atlas.height == 32  # small pictures: the atlas stays small
    scene = library.uv("scene.png")
    assert scene is not None and library.atlas.height == 128  # grown twice, to the first height it fits in
    assert round((scene[3] - scene[1]) * 128) == 100
    again = library.uv("card.png")  # drawn again from the grown atlas, at its new place
    assert again is not None and round((again[3] - again[1]) * 128) == 20
