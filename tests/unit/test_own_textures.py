"""Large pictures (full-screen scenes) get their own textures, uploaded a strip per frame: the
allocation decision, without GL."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame
import pytest

from kiosk.render import images
from kiosk.render.atlas import Atlas
from kiosk.render.images import MAX_OWN_TEXTURES, STRIP_BYTES, ImageLibrary, OwnPicture, needs_own_texture
from kiosk.render.renderer import IMAGE_ATLAS_SIZE


def test_two_4k_scenes_of_a_dissolve_take_their_own_textures_and_the_cast_shares_the_atlas() -> None:
    atlas = (IMAGE_ATLAS_SIZE, IMAGE_ATLAS_SIZE)
    assert needs_own_texture(3840, 2160, *atlas) and needs_own_texture(1920, 1080, *atlas)
    assert IMAGE_ATLAS_SIZE < 2 * 2160  # two 4K scenes (each nearly the atlas's width) do not fit one above the other
    assert not needs_own_texture(760, 1512, *atlas)  # a 4K character: 12 of them (3 people × 4 faces) fit
    assert not needs_own_texture(1280, 720, *atlas)  # a 720p scene: two fit beside the cast
    assert needs_own_texture(5000, 100, *atlas)  # wider than the atlas
    assert not needs_own_texture(640, 360, 1024, 1024)  # a card in a small atlas: under a million pixels


def _png(folder: Path, name: str, size: tuple[int, int], colour: tuple[int, int, int]) -> None:
    surface = pygame.Surface(size)
    surface.fill(colour)
    pygame.image.save(surface, str(folder / name))


def test_a_large_picture_shows_only_once_every_strip_is_uploaded(tmp_path: Path) -> None:
    _png(tmp_path, "scene.png", (256, 2 * STRIP_BYTES // (256 * 4) + 5), (200, 100, 50))
    library = ImageLibrary([tmp_path], Atlas(256, 256, 4, "image"))
    assert library.uv("scene.png") is None and library.pending("scene.png")  # pixels in, not uploaded
    strips = []
    while uploads := library.uploads():
        assert library.uv("scene.png") is None  # never shown half uploaded
        strips.append(uploads[0].next_strip())
    assert [top for top, _rows in strips] == [0, 2048, 4096]  # 2 MiB of 256-px rows a frame
    whole = np.concatenate([rows for _top, rows in strips])
    assert whole.shape == (4101, 256, 4) and (whole[..., :3] == (200, 100, 50)).all()
    placed = library.uv("scene.png")
    assert placed is not None and placed[:4] == (0.0, 0.0, 1.0, 1.0) and placed.texture > 0
    assert not library.pending("scene.png") and library.atlas.packer._next_y == 0  # the atlas untouched
    assert library.own[next(iter(library.own))].pixels is None  # the CPU copy is dropped once uploaded


def test_own_textures_are_capped_and_the_least_recently_shown_is_freed(tmp_path: Path) -> None:
    library = ImageLibrary([tmp_path], Atlas(64, 64, 4, "image"))
    ids = []
    for index in range(MAX_OWN_TEXTURES + 1):
        _png(tmp_path, f"s{index}.png", (64, 80), (index, 0, 0))  # taller than the atlas
        assert library.uv(f"s{index}.png") is None
        while uploads := library.uploads():
            uploads[0].next_strip()
        placed = library.uv(f"s{index}.png")
        assert placed is not None
        ids.append(placed.texture)
        if index == 1:
            assert library.uv("s0.png") is not None  # shown again: s1 is now the least recent
    assert len(set(ids)) == len(ids) and len(library.own) == MAX_OWN_TEXTURES
    assert library.released == [ids[1]]  # s1, not s0, was least recently shown


@pytest.mark.parametrize("width", [1920, 3840])
def test_a_strip_is_at_most_the_upload_budget(width: int) -> None:
    picture = OwnPicture(1, np.zeros((width * 9 // 16, width, 4), np.uint8), width, width * 9 // 16)
    sizes = []
    while not picture.ready:
        sizes.append(picture.next_strip()[1].nbytes)
    assert max(sizes) <= images.STRIP_BYTES and sum(sizes) == width * (width * 9 // 16) * 4


def test_a_backdrop_at_half_detail_takes_a_small_own_texture_filtered_up(tmp_path: Path) -> None:
    """The attract screen's scenes: a quarter of the pixels, in a texture of their own (never growing the
    shared atlas), sampled with filtering since a texel covers four screen pixels."""
    _png(tmp_path, "scene.png", (400, 200), (10, 20, 30))
    atlas = Atlas(512, 128, 4, "image", max_height=512)
    library = ImageLibrary([tmp_path], atlas)
    assert library.uv("scene.png", (400, 200), 0.5) is None  # into its own texture, uploading
    (picture,) = library.uploads()
    assert (picture.width, picture.height) == (200, 104)  # half each way (rounded up to the size step)
    assert not picture.exact and atlas.height == 128 and atlas.packer._next_y == 0  # the atlas untouched

