"""Draws the trade card pictures of the sample packs (small PNGs, committed to git).

Run again after changing a design: `python scripts/make_card_images.py`.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

W, H = 560, 320
ROOT = Path(__file__).resolve().parent.parent / "scenarios"


def gradient(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> np.ndarray:
    t = np.linspace(0, 1, H)[:, None, None]
    img = (np.array(top)[None, None, :] * (1 - t) + np.array(bottom)[None, None, :] * t)
    return np.repeat(img, W, axis=1).astype(np.uint8)


def poly(img: np.ndarray, points: list[tuple[int, int]], color: tuple[int, int, int]) -> None:
    cv2.fillPoly(img, [np.array(points, np.int32)], color, lineType=cv2.LINE_AA)


def home_care(img: np.ndarray) -> None:
    poly(img, [(180, 170), (280, 80), (380, 170)], (240, 240, 250))
    cv2.rectangle(img, (200, 170), (360, 270), (240, 240, 250), -1)
    cv2.circle(img, (265, 210), 18, (80, 80, 230), -1, cv2.LINE_AA)
    cv2.circle(img, (295, 210), 18, (80, 80, 230), -1, cv2.LINE_AA)
    poly(img, [(249, 218), (311, 218), (280, 252)], (80, 80, 230))


def kitchen(img: np.ndarray) -> None:
    cv2.ellipse(img, (280, 200), (120, 60), 0, 0, 180, (235, 235, 235), -1, cv2.LINE_AA)
    cv2.rectangle(img, (160, 170), (400, 200), (235, 235, 235), -1)
    cv2.rectangle(img, (130, 176), (165, 190), (200, 200, 200), -1)
    cv2.rectangle(img, (395, 176), (430, 190), (200, 200, 200), -1)
    for x in (230, 280, 330):
        cv2.ellipse(img, (x, 130), (10, 30), 0, 0, 360, (250, 250, 250), 3, cv2.LINE_AA)


def electrician(img: np.ndarray) -> None:
    poly(img, [(300, 50), (200, 180), (270, 180), (240, 280), (360, 130), (285, 130)], (40, 210, 250))


def truck(img: np.ndarray) -> None:
    cv2.rectangle(img, (120, 120), (340, 240), (240, 240, 240), -1)
    poly(img, [(345, 150), (410, 150), (450, 195), (450, 240), (345, 240)], (200, 220, 245))
    cv2.rectangle(img, (365, 160), (405, 190), (120, 90, 60), -1)
    for x in (170, 300, 410):
        cv2.circle(img, (x, 250), 26, (40, 40, 40), -1, cv2.LINE_AA)
        cv2.circle(img, (x, 250), 10, (180, 180, 180), -1, cv2.LINE_AA)


def logistics(img: np.ndarray) -> None:
    for i, (x, y) in enumerate([(150, 180), (250, 180), (200, 100), (350, 180)]):
        shade = (70, 150, 220) if i % 2 else (60, 130, 200)
        cv2.rectangle(img, (x, y), (x + 90, y + 75), shade, -1)
        cv2.line(img, (x + 45, y), (x + 45, y + 30), (230, 230, 230), 4)
    cv2.rectangle(img, (130, 258), (460, 272), (150, 110, 70), -1)


DESIGNS = {
    "aide-a-domicile": ((120, 60, 40), (200, 120, 70), home_care),
    "commis-de-cuisine": ((40, 90, 160), (60, 140, 210), kitchen),
    "electricien-batiment": ((70, 50, 30), (140, 90, 40), electrician),
    "conducteur-routier": ((60, 110, 40), (110, 170, 80), truck),
    "agent-logistique": ((40, 60, 110), (80, 110, 170), logistics),
}


def main() -> None:
    for pack, (top, bottom, draw) in DESIGNS.items():
        img = gradient(top, bottom)
        draw(img)
        out = ROOT / pack / "media" / "card.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(out), img, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        print(out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
