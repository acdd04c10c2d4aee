"""The two-pass meshes of large shapes (kiosk/render/slices.py): the core and the bands tile the rect
exactly, and only batches of large shapes that do not overlap take them."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kiosk.render.slices import band_vertices, core_vertices, sliced


def _triangles(vertices: np.ndarray, rect: tuple[float, float, float, float], band: tuple[float, float]) -> np.ndarray:
    x, y, w, h = rect
    corner, inset = vertices[:, 0:2], vertices[:, 2:4]
    points = np.array([x, y]) + corner * np.array([w, h]) + inset * np.array(band)  # as SHAPE_VERTEX places them
    return points.reshape(-1, 3, 2)


def _cross(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]


def _area(triangles: np.ndarray) -> float:
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    return float(np.abs(_cross(b - a, c - a)).sum() / 2)


@given(st.floats(1, 500), st.floats(1, 500), st.floats(0, 1), st.floats(0, 1))
def test_core_and_bands_tile_the_rect_once(w: float, h: float, bx: float, by: float) -> None:
    band = (bx * w / 2, by * h / 2)  # the shader clamps the band to half the rect
    rect = (10.0, 20.0, w, h)
    core, bands = _triangles(core_vertices(), rect, band), _triangles(band_vertices(), rect, band)
    assert abs(_area(core) + _area(bands) - w * h) <= 1e-6 * w * h  # all of it, and nothing twice
    assert abs(_area(core) - (w - 2 * band[0]) * (h - 2 * band[1])) <= 1e-6 * w * h
    # Sample points: each inside exactly one triangle of the two meshes.
    rng = np.random.default_rng(0)
    points = rng.uniform((10.0, 20.0), (10.0 + w, 20.0 + h), (200, 2))
    triangles = np.concatenate([core, bands])
    a, b, c = (triangles[None, :, i] for i in range(3))
    p = points[:, None]

    def side(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return _cross(v - u, p - u)

    s1, s2, s3 = side(a, b), side(b, c), side(c, a)
    inside = ((s1 > 0) & (s2 > 0) & (s3 > 0)) | ((s1 < 0) & (s2 < 0) & (s3 < 0))
    on_edge = np.isclose(s1, 0) | np.isclose(s2, 0) | np.isclose(s3, 0)
    counted = inside.sum(axis=1)
    assert ((counted == 1) | on_edge.any(axis=1)).all()


def _rows(rects: list[tuple[float, float, float, float]]) -> np.ndarray:
    rows = np.zeros((len(rects), 16), np.float32)
    if rects:
        rows[:, 0:4] = rects
    return rows


def test_only_large_shapes_apart_are_drawn_in_two_passes() -> None:
    cards = [(x * 300.0, y * 220.0, 280.0, 200.0) for x in range(6) for y in range(4)]
    assert sliced(_rows(cards))
    assert sliced(_rows([(0, 0, 100, 100), (100, 0, 100, 100)]))  # touching is not overlapping
    assert not sliced(_rows([(0, 0, 100, 100), (99, 0, 100, 100)]))  # overlapping by one unit
    assert not sliced(_rows([(x * 50.0, 0.0, 44.0, 36.0) for x in range(30)]))  # small gauges: one quad each
    assert not sliced(_rows([]))
