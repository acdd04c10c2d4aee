"""The packs' drawn cast and scenes: in step with their generator, self-contained, and faces that change
only where an expression lives (eyes, brows, mouth).

The SVG files are committed; scripts/draw_cast.py and scripts/draw_scenes.py write them. Pictures are
parsed by the standard library's XML parser and rasterised by resvg, neither of which drew them.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from scripts import draw_cast, draw_scenes

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def committed(kind: str) -> list[Path]:
    return sorted(SCENARIOS.glob(f"*/media/{kind}/*.svg"))


def test_committed_pictures_are_what_the_generators_draw(tmp_path: Path) -> None:
    written = draw_cast.write_cast(tmp_path) + draw_scenes.write_scenes(tmp_path)
    fresh = {p.relative_to(tmp_path): p.read_bytes() for p in written}
    on_disk = {p.relative_to(SCENARIOS): p.read_bytes() for p in committed("cast") + committed("scenes")}
    assert sorted(fresh) == sorted(on_disk), "run scripts/draw_cast.py and scripts/draw_scenes.py, then commit"
    stale = [str(path) for path, data in fresh.items() if on_disk[path] != data]
    assert not stale, f"edited by hand or not regenerated: {stale}"


def test_every_pack_has_at_least_three_people_with_four_expressions() -> None:
    for pack in sorted(p.name for p in SCENARIOS.iterdir() if (p / "scenario.yaml").is_file()):
        people = {p.name.rsplit("-", 1)[0] for p in (SCENARIOS / pack / "media" / "cast").glob("*.svg")}
        assert len(people) >= 3, pack
        for person in people:
            for expression in draw_cast.EXPRESSIONS:
                assert (SCENARIOS / pack / "media" / "cast" / f"{person}-{expression}.svg").is_file()
        assert (SCENARIOS / pack / "media" / "scenes" / "attract.svg").is_file(), pack


@pytest.mark.parametrize(("kind", "size"), [("cast", (600, 800)), ("scenes", (1920, 1080))])
def test_pictures_are_self_contained_svg_of_the_expected_shape(kind: str, size: tuple[int, int]) -> None:
    pictures = committed(kind)
    assert pictures
    for path in pictures:
        root = ET.parse(path).getroot()
        assert root.tag == f"{SVG_NS}svg", path
        assert root.get("viewBox") == f"0 0 {size[0]} {size[1]}", path
        for element in root.iter():
            # no lettering (a picture must not need a font nor speak one language), no outside files
            assert element.tag != f"{SVG_NS}text", path
            assert element.tag != f"{SVG_NS}image", path
            assert element.get("href") is None and element.get(XLINK_HREF) is None, path


def render(path: Path, width: int, height: int) -> np.ndarray:
    resvg_py = pytest.importorskip("resvg_py")
    png = resvg_py.svg_to_bytes(svg_path=str(path), width=width, height=height)
    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGBA"), dtype=np.int16)


def test_expressions_change_the_face_and_nothing_else() -> None:
    width, height = 150, 200  # a quarter of the drawing: enough to see a mouth move
    # where eyes, brows and mouth sit on the canvas (the head is placed by draw_cast.HEAD_PLACEMENT)
    face = (slice(int(height * 0.36), int(height * 0.66)), slice(int(width * 0.3), int(width * 0.7)))
    for portrait in sorted(committed("cast")):
        if not portrait.stem.endswith("-neutral"):
            continue
        person = portrait.stem.removesuffix("-neutral")
        pictures = {e: render(portrait.with_name(f"{person}-{e}.svg"), width, height) for e in draw_cast.EXPRESSIONS}
        neutral = pictures["neutral"]
        assert neutral[..., 3].mean() > 40, f"{person}: the portrait is nearly empty"
        for expression, picture in pictures.items():
            if expression == "neutral":
                continue
            outside = np.abs(picture - neutral)
            outside[face] = 0
            assert outside.max() == 0, f"{person} {expression}: changed outside the face"
            changed = (np.abs(picture[face] - neutral[face]).max(axis=2) > 24).mean()
            assert changed > 0.02, f"{person} {expression}: hardly differs from neutral ({changed:.1%} of the face)"


def test_scenes_keep_the_lower_band_calm_for_the_dialogue() -> None:
    """The dialogue text sits in the bottom quarter: fewer colour edges there than in the picture above."""
    for scene in committed("scenes"):
        if scene.stem == "attract":
            continue  # the attract picture has no dialogue; its people stand at the bottom
        pixels = render(scene, 480, 270)[..., :3]
        edges = (np.abs(np.diff(pixels, axis=1)).max(axis=2) > 30).astype(float)
        lower, upper = edges[int(270 * 0.75):].mean(), edges[: int(270 * 0.75)].mean()
        assert lower <= upper * 1.2, f"{scene.parent.parent.parent.name}/{scene.stem}: busy bottom band"
