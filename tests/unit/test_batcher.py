from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.render.atlas import Atlas, ShelfPacker
from kiosk.render.batcher import FrameBuilder
from kiosk.render.images import ImageLibrary
from kiosk.render.text import FontFiles, TextEngine
from kiosk.render.viewport import Viewport
from kiosk.view.nodes import Button, Column, Group, Image, Panel, ProgressBar, Rect, Scene, Shapes, Text
from tests.conftest import ASSETS, SCENARIOS

RED = (1.0, 0.0, 0.0, 1.0)


@pytest.fixture
def builder() -> FrameBuilder:
    text = TextEngine(FontFiles.bundled(ASSETS), Atlas(1024, 1024, 1, "glyph"))
    images = ImageLibrary([ASSETS / "images", SCENARIOS], Atlas(1024, 1024, 4, "image"))
    return FrameBuilder(text, images)


@given(st.lists(st.tuples(st.integers(1, 300), st.integers(1, 300)), max_size=60))
def test_packed_regions_never_overlap_and_stay_inside(sizes: list[tuple[int, int]]) -> None:
    packer = ShelfPacker(512, 512)
    placed = [r for w, h in sizes if (r := packer.pack(w, h)) is not None]
    for r in placed:
        assert r.x >= 0 and r.x + r.w <= 512 and r.y >= 0 and r.y + r.h <= 512
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            assert a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y


def test_atlas_hands_each_picture_over_once_and_keeps_no_copy() -> None:
    atlas = Atlas(64, 64, 1, "t")
    region = atlas.add(np.full((5, 7), 200, np.uint8))  # a glyph's 2-D bitmap
    assert region is not None and atlas.waiting_bytes() == 35
    cleared, uploads = atlas.take_uploads()
    assert not cleared and [u.region for u in uploads] == [region]
    assert uploads[0].pixels.shape == (5, 7, 1) and uploads[0].pixels.min() == 200
    assert atlas.take_uploads() == (False, []) and atlas.waiting_bytes() == 0
    assert atlas.add(np.zeros((100, 4, 1), np.uint8)) is None


def test_text_layout_wraps_aligns_and_is_cached(builder: FrameBuilder) -> None:
    engine = builder.text
    one = engine.layout("Électricien du bâtiment", 32)
    assert one.lines == 1 and len(one.rows) == len("Électricien du bâtiment".replace(" ", ""))  # spaces draw nothing
    wrapped = engine.layout("Électricien du bâtiment", 32, max_width=one.width * 0.6)
    assert wrapped.lines == 2 and wrapped.height == pytest.approx(2 * 32 * 1.25)
    centred = engine.layout("abc", 32, align="center")
    assert centred.rows[:, 0].min() < 0 < centred.rows[:, 0].max()
    assert engine.layout("Électricien du bâtiment", 32) is one


def test_fallback_face_draws_arabic_and_cyrillic(builder: FrameBuilder) -> None:
    engine = builder.text
    for text in ("مرحبا", "Привіт"):
        layout = engine.layout(text, 40)
        assert len(layout.rows) == len(text)
        assert layout.width > 40


def test_batches_group_by_layer_then_material(builder: FrameBuilder) -> None:
    scene = Scene(Group((
        Text(0, 0, "Hi", layer=1),
        Panel(Rect(0, 0, 10, 10), RED, layer=1),
        Image(Rect(0, 0, 10, 10), "commis-de-cuisine/media/card.png"),
        Panel(Rect(5, 5, 10, 10), RED),
    )))
    batches = builder.build(scene)
    assert [(b.layer, b.material) for b in batches] == [(0, "shape"), (0, "image"), (1, "shape"), (1, "text")]
    assert [len(b.rows) for b in batches] == [1, 1, 1, 2]


def test_group_offset_and_opacity_apply_to_children(builder: FrameBuilder) -> None:
    panel = Panel(Rect(10, 20, 30, 40), RED, radius=4)
    rows = builder.build(Scene(Group((Group((panel,), dx=100, dy=200, opacity=0.5),))))[0].rows
    assert rows[0, 0:4].tolist() == [110, 220, 30, 40]
    assert rows[0, 11] == pytest.approx(0.5)
    assert rows[0, 12] == 4


def test_large_static_group_is_compiled_once_and_reused(builder: FrameBuilder) -> None:
    grid = Group(tuple(Panel(Rect(i * 10, 0, 8, 8), RED) for i in range(50)))
    first = builder.build(Scene(Group((Group((grid,), dy=0),))))[0].rows.copy()
    compiled = builder._cache[id(grid)][1]
    moved = builder.build(Scene(Group((Group((grid,), dy=-7),))))[0].rows
    assert builder._cache[id(grid)][1] is compiled  # not walked again
    np.testing.assert_allclose(moved[:, 1], first[:, 1] - 7)
    builder.build(Scene(Group(())))
    assert id(grid) not in builder._cache  # unused for a frame: dropped


def test_painters_order_survives_cached_groups(builder: FrameBuilder) -> None:
    grid = Group(tuple(Panel(Rect(i, 0, 1, 1), RED) for i in range(10)))
    over = Panel(Rect(500, 500, 5, 5), (0.0, 1.0, 0.0, 1.0))
    rows = builder.build(Scene(Group((grid, over))))[0].rows
    assert rows[-1, 0] == 500  # drawn last, so on top


def test_widgets_lower_to_primitives(builder: FrameBuilder) -> None:
    batches = builder.build(Scene(Group((
        Button(Rect(0, 0, 400, 100), "Go", RED, focused=True),
        ProgressBar(Rect(0, 200, 100, 10), 0.5, RED, (0.2, 0.2, 0.2, 1.0)),
    ))))
    shapes = batches[0].rows
    assert len(shapes) == 4  # focus ring, button, track, fill
    assert shapes[3, 2] == 50  # half-full bar
    text = batches[1].rows
    assert text[:, 1].min() > 0 and text[:, 1].max() < 100  # label centred inside the button


def test_column_flows_wrapped_text_downwards(builder: FrameBuilder) -> None:
    long = "un titre assez long pour passer sur deux lignes"
    col = Column(0, 0, (Text(0, 0, long, 40, max_width=300), Text(0, 0, "X", 40)), gap=10)
    rows = builder.build(Scene(Group((col,))))[0].rows
    height = builder.text.layout(long, 40, max_width=300).height
    assert rows[-1, 1] > height  # the "X" sits below both lines of the title


def test_missing_image_becomes_a_placeholder_shape(builder: FrameBuilder) -> None:
    batches = builder.build(Scene(Group((Image(Rect(0, 0, 50, 50), "nope.png"),))))
    assert [(b.material, len(b.rows)) for b in batches] == [("shape", 1)]


def test_unknown_node_type_is_refused(builder: FrameBuilder) -> None:
    with pytest.raises(TypeError, match="cannot draw"):
        builder.build(Scene(Group(("text",))))  # type: ignore[arg-type]


def test_viewport_letterboxes_and_maps_touches_back() -> None:
    vp = Viewport.fit((1000, 1000))
    assert (vp.w, vp.h, vp.x) == (1000, 562, 0)
    x, y = vp.to_design(500, 500, 1000)
    assert x == pytest.approx(960) and y == pytest.approx(540, abs=2)


def test_shapes_columns_batch_like_the_same_panels(builder: FrameBuilder) -> None:
    rects = np.array([[10, 20, 44, 36], [60, 20, 30, 12], [5, 90, 8, 8]], np.float32)
    fills = np.array([[0.2, 0.3, 0.4, 1.0], [1.0, 0.0, 0.0, 0.5], [0.0, 1.0, 0.0, 1.0]], np.float32)
    radii = np.array([8, 6, 0], np.float32)
    edge = (0.9, 0.9, 0.9, 1.0)
    panels = tuple(Panel(Rect(*map(float, r)), (f[0], f[1], f[2], f[3]), float(radius), 2.0, edge)
                   for r, f, radius in zip(rects.tolist(), fills.tolist(), radii.tolist(), strict=True))
    as_panels = builder.build(Scene(Group((Group(panels, dx=3, dy=-4, opacity=0.5),))))
    as_columns = builder.build(Scene(Group((Group((Shapes(rects, fills, radii, 2.0, edge),), dx=3, dy=-4,
                                                  opacity=0.5),))))
    assert [(b.layer, b.material) for b in as_columns] == [(0, "shape")]
    np.testing.assert_allclose(as_columns[0].rows, as_panels[0].rows)
    assert Shapes(rects, fills).rect == Rect(5.0, 20.0, 85.0, 78.0)  # their bounding box


def test_shapes_refuse_columns_that_do_not_line_up() -> None:
    with pytest.raises(ValueError, match="n×4"):
        Shapes(np.zeros((3, 4), np.float32), np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError, match="one radius per rect"):
        Shapes(np.zeros((3, 4), np.float32), np.zeros((3, 4), np.float32), np.zeros(2, np.float32))


def test_pictures_are_kept_at_the_size_they_are_shown(builder: FrameBuilder) -> None:
    images = builder.images
    name = "commis-de-cuisine/media/card.png"  # 560×320
    full = images.uv(name, (560, 320))
    small = images.uv(name, (260, 118))
    assert full is not None and small is not None and small != full
    atlas = images.atlas
    assert round((small[2] - small[0]) * atlas.width) == 264  # 260 rounded up to the 8-pixel step
    assert round((small[3] - small[1]) * atlas.height) == 120
    generation, _ = atlas.generation, atlas.take_uploads()
    assert images.uv(name, (259, 117)) == small  # same step: the same copy, nothing added
    assert (atlas.generation, atlas.take_uploads()) == (generation, (False, []))
    assert images.uv(name, (540, 300)) == full  # barely smaller than the picture: the picture itself


def test_an_atlas_grows_to_its_largest_then_starts_afresh() -> None:
    atlas = Atlas(64, 16, 4, "image", max_height=64)
    assert atlas.add(np.zeros((20, 8, 4), np.uint8)) is None  # too high for 16 rows
    assert atlas.fits(np.zeros((20, 8, 4), np.uint8)) and not atlas.fits(np.zeros((64, 8, 4), np.uint8))
    generation = atlas.generation
    assert atlas.grow() and atlas.height == 32 and atlas.generation == generation + 1
    assert atlas.take_uploads() == (True, [])  # the texture is made anew, blank
    region = atlas.add(np.zeros((20, 8, 4), np.uint8))
    assert region is not None and atlas.uv(region)[3] == 20 / 32
    assert atlas.grow() and atlas.height == 64 and not atlas.grow()  # at its largest: only reset remains


def test_a_text_is_drawn_on_the_layouts_lines_unless_one_does_not_fit(builder: FrameBuilder) -> None:
    """A Text carrying the layout engine's lines is drawn on exactly those; if one of them does not fit its
    width at this pixel size, the text is wrapped afresh (as it was without lines)."""
    text = "Un poisson trop chaud peut rendre les clients malades"
    width = builder.text.layout(text, 32.0, "regular").width
    lines = ("Un poisson trop chaud", "peut rendre les clients malades")
    on_lines = Text(0, 0, text, 32.0, max_width=width + 1, lines=lines)
    assert builder._layout(on_lines).lines == 2  # the renderer alone would fit it on one
    assert builder._layout(Text(0, 0, text, 32.0, max_width=width + 1)).lines == 1
    wide = ("Un poisson trop chaud peut rendre les clients", "malades")  # its first line is wider than 0.7
    too_wide = Text(0, 0, text, 32.0, max_width=width * 0.7, lines=wide)
    afresh = builder.text.layout(text, 32.0, "regular", width * 0.7)
    assert builder._layout(too_wide).lines == afresh.lines == 2 and builder._layout(too_wide).rows.tobytes() == \
        afresh.rows.tobytes()
