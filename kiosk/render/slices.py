"""Large rounded rectangles drawn in two passes, so most of their pixels skip the distance field.

A shape's quad is shaded by a signed distance field for its rounded, anti-aliased edge; on a
software rasteriser (llvmpipe) that field is about a fifth of the catalogue's frame, though only
the pixels near the edge need it. A batch of large shapes that do not overlap one another is
therefore drawn as every shape's core — its rect inset by its radius (or border) and two pixels,
where the field gives full coverage anyway — flat-coloured, without blending when all are opaque,
then every shape's four edge bands around it, shaded as before. Core and bands tile the rect
exactly (their shared edges are computed by the same expression, so each pixel is drawn once), and
since no two shapes overlap, drawing all cores first changes no pixel. Small shapes (the many tiny
gauges of a busy screen) keep one quad: more pieces would cost llvmpipe more vertex work than they
save.
"""

from __future__ import annotations

from dataclasses import dataclass

import moderngl
import numpy as np
import numpy.typing as npt

WHOLE, CORES, BANDS = 0, 1, 2  # the meshes of shape_meshes(), in order
SLICE_MIN_AREA = 64.0 * 64.0  # mean shape area (design units²) from which a batch is drawn in two passes
SLICE_MAX_SHAPES = 128  # the overlap check is pairwise
_LAYOUT = ("2f 2f", ("in_corner", "in_inset"))


@dataclass(frozen=True)
class Mesh:
    """The vertices every instance of a draw is made of."""

    buffer: moderngl.Buffer
    layout: str  # moderngl's format, e.g. "2f"
    names: tuple[str, ...]
    mode: int
    vertices: int


Edge = tuple[tuple[float, float], tuple[float, float]]  # (corner, inset) at both ends, along one axis


def _piece(x: Edge, y: Edge) -> list[tuple[float, float, float, float]]:
    """Two triangles between two (corner, inset) edges across and two down."""
    (x0, ix0), (x1, ix1) = x
    (y0, iy0), (y1, iy1) = y
    a, b, c, d = (x0, y0, ix0, iy0), (x1, y0, ix1, iy0), (x0, y1, ix0, iy1), (x1, y1, ix1, iy1)
    return [a, b, c, b, d, c]


OUTER_NEAR, INNER_NEAR, INNER_FAR, OUTER_FAR = (0.0, 0.0), (0.0, 1.0), (1.0, -1.0), (1.0, 0.0)
WHOLE_SPAN: Edge = (OUTER_NEAR, OUTER_FAR)
INNER_SPAN: Edge = (INNER_NEAR, INNER_FAR)


def core_vertices() -> npt.NDArray[np.float32]:
    """(corner x, corner y, inset x, inset y) per vertex: a vertex lies at rect + corner × size + inset × the
    band's width (SHAPE_VERTEX)."""
    return np.array(_piece(INNER_SPAN, INNER_SPAN), np.float32)


def band_vertices() -> npt.NDArray[np.float32]:
    """The four bands around the core: top and bottom across the whole width, left and right between them."""
    pieces = [_piece(WHOLE_SPAN, (OUTER_NEAR, INNER_NEAR)), _piece(WHOLE_SPAN, (INNER_FAR, OUTER_FAR)),
              _piece((OUTER_NEAR, INNER_NEAR), INNER_SPAN), _piece((INNER_FAR, OUTER_FAR), INNER_SPAN)]
    return np.array([v for piece in pieces for v in piece], np.float32)


def shape_meshes(ctx: moderngl.Context) -> tuple[Mesh, Mesh, Mesh]:
    """The one-quad mesh (inset 0), the cores and the bands."""
    whole = np.array([(0, 0, 0, 0), (1, 0, 0, 0), (0, 1, 0, 0), (1, 1, 0, 0)], np.float32)
    cores, bands = core_vertices(), band_vertices()
    return (Mesh(ctx.buffer(whole.tobytes()), *_LAYOUT, moderngl.TRIANGLE_STRIP, 4),
            Mesh(ctx.buffer(cores.tobytes()), *_LAYOUT, moderngl.TRIANGLES, len(cores)),
            Mesh(ctx.buffer(bands.tobytes()), *_LAYOUT, moderngl.TRIANGLES, len(bands)))


def sliced(rows: npt.NDArray[np.float32]) -> bool:
    """Whether a batch of shapes is drawn in two passes: large on average, and no two overlap (else a core
    drawn first could end up under an earlier shape's band)."""
    if not 0 < len(rows) <= SLICE_MAX_SHAPES or float((rows[:, 2] * rows[:, 3]).mean()) < SLICE_MIN_AREA:
        return False
    left, top = rows[:, 0], rows[:, 1]
    right, bottom = left + rows[:, 2], top + rows[:, 3]
    apart = ((right[:, None] <= left[None, :]) | (right[None, :] <= left[:, None])
             | (bottom[:, None] <= top[None, :]) | (bottom[None, :] <= top[:, None]))
    np.fill_diagonal(apart, True)
    return bool(apart.all())
