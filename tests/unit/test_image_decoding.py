"""Pictures are decoded by pygame (start-up time); an independent decoder, OpenCV, must see the
very same pixels, straight and premultiplied alpha alike."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.errors import AssetError
from kiosk.render.images import load_rgba_premultiplied

ROOT = Path(__file__).resolve().parents[2]


def _opencv(path: Path) -> np.ndarray:
    data = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if data.ndim == 2:
        return np.asarray(cv2.cvtColor(data, cv2.COLOR_GRAY2RGBA))
    if data.shape[2] == 3:
        return np.asarray(cv2.cvtColor(data, cv2.COLOR_BGR2RGBA))
    rgba = cv2.cvtColor(data, cv2.COLOR_BGRA2RGBA)
    alpha = rgba[:, :, 3:4].astype(np.uint16)
    rgba[:, :, :3] = (rgba[:, :, :3].astype(np.uint16) * alpha // 255).astype(np.uint8)
    return np.asarray(rgba)


def test_every_sample_picture_decodes_to_opencvs_pixels() -> None:
    pictures = sorted(p for p in (ROOT / "scenarios").rglob("*") if p.suffix in (".png", ".jpg", ".jpeg"))
    assert {p.suffix for p in pictures} >= {".png", ".jpg"}
    for path in pictures:
        assert np.array_equal(load_rgba_premultiplied(path), _opencv(path)), path


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_grey_colour_and_translucent_pngs(channels: int, tmp_path: Path) -> None:
    rng = np.random.default_rng(channels)
    pixels = rng.integers(0, 256, (37, 53, channels) if channels > 1 else (37, 53), dtype=np.uint8)
    path = tmp_path / "p.png"
    assert cv2.imwrite(str(path), pixels)
    ours = load_rgba_premultiplied(path)
    assert ours.shape == (37, 53, 4) and np.array_equal(ours, _opencv(path))


def test_a_broken_picture_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(AssetError, match=r"card\.png"):
        load_rgba_premultiplied(path)


@pytest.mark.parametrize("size", [(264, 120), (100, 50), (517, 17), (1, 1)])
def test_pictures_shrunk_to_their_shown_size_match_opencv_area_averaging(size: tuple[int, int]) -> None:
    """The atlas keeps a poster at the size it is shown; the shrinking must be OpenCV's INTER_AREA
    (an independent implementation) to within rounding, and an opaque picture must stay opaque."""
    from kiosk.render.images import _scaled

    picture = np.random.default_rng(3).integers(0, 256, (333, 560, 4)).astype(np.uint8)
    picture[:, :, 3] = 255
    shrunk = _scaled(picture, size)
    expected = cv2.resize(picture, size, interpolation=cv2.INTER_AREA)
    assert shrunk.shape == expected.shape == (size[1], size[0], 4)
    assert np.abs(shrunk.astype(int) - expected).max() <= 1
    assert shrunk[:, :, 3].min() == 255


def test_an_svgs_drawn_png_is_read_in_place_without_pygames_conversion(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """resvg's RGBA PNGs (every stage picture) are read from the surface's own memory: the conversion
    by `pygame.image.tobytes` holds the GIL, and decoding runs beside the frame loop."""
    import pygame

    from kiosk.render.vector import rasterise_to

    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><rect width="40" height="32" '
           b'fill="#2a9d8f"/><circle cx="48" cy="16" r="12" fill="#e63946" fill-opacity="0.5"/></svg>')
    png = rasterise_to(svg, (64, 32), tmp_path / "drawn.png")

    def refused(*_args: object) -> bytes:
        raise AssertionError("converted by pygame.image.tobytes")

    monkeypatch.setattr(pygame.image, "tobytes", refused)
    assert np.array_equal(load_rgba_premultiplied(png), _opencv(png))
