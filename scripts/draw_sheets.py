"""Rasterises the packs' cast and scenes into one contact sheet per pack, docs/screens/cast/<pack>.png.

Rows are characters, columns the four expressions; the pack's scenes follow underneath.
Needs `resvg-py` (the SVG renderer the kiosk uses) and Pillow. Run after `scripts/draw_cast.py`
and `scripts/draw_scenes.py`: `python scripts/draw_sheets.py`.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import resvg_py
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw_cast import CAST, EXPRESSIONS, ROOT

OUT = ROOT.parent / "docs" / "screens" / "cast"
CELL_W, CELL_H = 180, 240
SCENE_W, SCENE_H = 360, 203
PAD = 12
BACKGROUND = (233, 236, 241)
LABEL = (60, 64, 80)


def rasterise(svg: Path, width: int, height: int) -> Image.Image:
    png = resvg_py.svg_to_bytes(svg_path=str(svg), width=width, height=height)
    return Image.open(io.BytesIO(bytes(png))).convert("RGBA")


def sheet(pack: str) -> Image.Image:
    people = CAST[pack]
    scenes = sorted((ROOT / pack / "media" / "scenes").glob("*.svg"))
    per_row = max(1, (len(EXPRESSIONS) * (CELL_W + PAD)) // (SCENE_W + PAD))
    scene_rows = -(-len(scenes) // per_row)
    width = PAD + len(EXPRESSIONS) * (CELL_W + PAD) + 120
    height = PAD + 24 + len(people) * (CELL_H + PAD) + scene_rows * (SCENE_H + PAD + 20)
    image = Image.new("RGBA", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for col, expression in enumerate(EXPRESSIONS):
        draw.text((120 + PAD + col * (CELL_W + PAD), PAD), expression, fill=LABEL)
    for row, person in enumerate(people):
        y = PAD + 24 + row * (CELL_H + PAD)
        draw.text((PAD, y + CELL_H // 2), person.key, fill=LABEL)
        for col, expression in enumerate(EXPRESSIONS):
            x = 120 + PAD + col * (CELL_W + PAD)
            draw.rounded_rectangle((x, y, x + CELL_W, y + CELL_H), 10, fill=(250, 250, 252))
            face = rasterise(ROOT / pack / "media" / "cast" / f"{person.key}-{expression}.svg", CELL_W, CELL_H)
            image.alpha_composite(face, (x, y))
    top = PAD + 24 + len(people) * (CELL_H + PAD)
    for i, scene in enumerate(scenes):
        x = PAD + (i % per_row) * (SCENE_W + PAD)
        y = top + (i // per_row) * (SCENE_H + PAD + 20)
        draw.text((x, y), scene.stem, fill=LABEL)
        image.alpha_composite(rasterise(scene, SCENE_W, SCENE_H), (x, y + 16))
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for pack in CAST:
        target = OUT / f"{pack}.png"
        sheet(pack).convert("RGB").quantize(colors=256).save(target, optimize=True)
        print(f"{target}: {target.stat().st_size // 1024} KiB")
