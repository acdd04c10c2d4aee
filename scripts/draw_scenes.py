"""Draws the packs' backgrounds (media/scenes/*.svg, 1920x1080) and one attract picture per trade.

Same flat style as the cast (scripts/draw_cast.py): soft colours, simple shapes, no outlines.
The lower third of each background stays calm (floor, counter, dashboard) because the dialogue
text sits there and the characters stand in front. `attract.svg` is the trade's main scene with
its cast smiling, for the idle attract screen.

Run again after changing a design: `python scripts/draw_scenes.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw_cast import CAST, HEIGHT, ROOT, WIDTH, light, portrait_body, shade

W, H = 1920, 1080


def svg(title: str, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}">'
            f"<title>{title}</title>{body}</svg>\n")


def rect(x: float, y: float, w: float, h: float, fill: str, rx: float = 0, extra: str = "") -> str:
    return f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="{rx:g}" fill="{fill}"{extra}/>'


def poly(points: list[tuple[float, float]], fill: str, extra: str = "") -> str:
    return f'<polygon points="{" ".join(f"{x:.0f},{y:.0f}" for x, y in points)}" fill="{fill}"{extra}/>'


def circle(x: float, y: float, r: float, fill: str, extra: str = "") -> str:
    return f'<circle cx="{x:g}" cy="{y:g}" r="{r:g}" fill="{fill}"{extra}/>'


def window(x: float, y: float, w: float, h: float, frame: str = "#f4f1ea") -> str:
    """A daylight window: sky, a far city line, a frame with a cross bar."""
    sky = rect(x, y, w, h, "#bfe0f0")
    hills = poly([(x, y + h * 0.75), (x + w * 0.3, y + h * 0.6), (x + w * 0.6, y + h * 0.7), (x + w, y + h * 0.55),
                  (x + w, y + h), (x, y + h)], "#a7cfa0")
    blocks = "".join(rect(x + w * f, y + h * (0.45 + 0.1 * (i % 3)), w * 0.12, h, "#d6dde6")
                     for i, f in enumerate((0.08, 0.3, 0.55, 0.78)))
    cloud = circle(x + w * 0.3, y + h * 0.2, h * 0.07, "#ffffff") + circle(x + w * 0.36, y + h * 0.18, h * 0.09,
                                                                          "#ffffff")
    clip = f'<clipPath id="w{x:.0f}{y:.0f}"><rect x="{x}" y="{y}" width="{w}" height="{h}"/></clipPath>'
    inside = f'{clip}<g clip-path="url(#w{x:.0f}{y:.0f})">{sky}{cloud}{blocks}{hills}</g>'
    bars = (rect(x - 14, y - 14, w + 28, 14, frame) + rect(x - 14, y + h, w + 28, 18, frame)
            + rect(x - 14, y, 14, h, frame) + rect(x + w, y, 14, h, frame) + rect(x + w / 2 - 6, y, 12, h, frame))
    return inside + bars


# ---------------------------------------------------------------------------------------------- kitchen


def kitchen() -> str:
    tiles = "".join(f'<path d="M 0 {y} H {W}" stroke="#ffffff" stroke-width="3"/>' for y in range(60, 620, 70))
    tiles += "".join(f'<path d="M {x} 0 V 620" stroke="#ffffff" stroke-width="3"/>' for x in range(70, W, 100))
    pots = "".join(
        rect(x, 300 - h, w, h, c, 10) + rect(x - 12, 300 - h + 12, w + 24, 10, shade(c, 0.2), 5)
        for x, w, h, c in ((220, 120, 90, "#c9d1d9"), (380, 90, 70, "#d98e5a"), (510, 140, 110, "#b8c1cb"),
                           (1400, 110, 80, "#d98e5a"), (1540, 130, 100, "#c9d1d9"))
    )
    utensils = "".join(
        f'<path d="M {x} 330 V 470" stroke="#8c96a3" stroke-width="8" stroke-linecap="round"/>'
        + circle(x, 480, 18, "#8c96a3") for x in (760, 800, 840)
    )
    hood = (poly([(820, 0), (1100, 0), (1180, 200), (740, 200)], "#c3cbd4")
            + rect(730, 200, 460, 34, "#aeb7c2", 8) + rect(760, 234, 400, 10, "#ffd98a", 4, ' opacity="0.8"'))
    stove = (rect(760, 560, 400, 60, "#5b6470", 8) + circle(860, 575, 34, "#3f4650") + circle(1060, 575, 34, "#3f4650")
             + rect(800, 520, 130, 50, "#b8c1cb", 10) + rect(930, 535, 70, 12, "#8c96a3", 6)
             + "".join(f'<path d="M {x} 500 q -20 -40 0 -80 q 20 -40 0 -80" stroke="#ffffff" stroke-width="10" '
                       'fill="none" stroke-linecap="round" opacity="0.6"/>' for x in (840, 880)))
    board = (rect(1260, 580, 260, 36, "#d9a66b", 10) + circle(1310, 572, 22, "#e4574a")
             + circle(1360, 576, 18, "#7bb661") + circle(1400, 574, 20, "#f2c14e")
             + rect(1440, 568, 60, 10, "#9aa3ad", 4))
    ticket_rail = rect(300, 120, 380, 16, "#aeb7c2", 8) + "".join(
        rect(320 + i * 90, 136, 60, 80, "#fbfaf6", 3) for i in range(4))
    counter = (rect(0, 620, W, 44, "#cfd6dd") + rect(0, 664, W, 416, "#a9b3be")
               + "".join(rect(x, 700, 300, 330, "#b5bec8", 12) + rect(x + 120, 730, 60, 12, "#8c96a3", 6)
                         for x in range(40, W, 330)))
    return svg("Cuisine", rect(0, 0, W, 620, "#e5ece8") + tiles + window(1620, 120, 240, 300)
               + hood + ticket_rail + pots + utensils + counter + stove + board)


# ---------------------------------------------------------------------------------------------- warehouse


def project(x: float, y: float, z: float) -> tuple[float, float]:
    """A point of the aisle (metres: x across, y up from the floor, z ahead) on the screen; eye at 1.6 m."""
    f = 900.0
    return 960 + x * f / z, 540 + (1.6 - y) * f / z


def warehouse() -> str:
    far, near = 34.0, 1.4
    floor = poly([project(-4, 0, near), project(-4, 0, far), project(4, 0, far), project(4, 0, near)], "#b9bec4")
    lines = "".join(poly([project(x, 0, near), project(x, 0, far), project(x + 0.15, 0, far),
                          project(x + 0.15, 0, near)], "#f2c14e") for x in (-2.4, 2.25))
    ceiling = rect(0, 0, W, H, "#b9bec4") + rect(0, 0, W, 540, "#dfe4ea")
    lamps = "".join(poly([project(-0.8, 7, z), project(0.8, 7, z), project(0.8, 7, z + 1.2),
                          project(-0.8, 7, z + 1.2)], "#fff6d6") for z in (3, 7, 12, 18, 26))
    back = poly([project(-4, 0, far), project(-4, 9, far), project(4, 9, far), project(4, 0, far)], "#c9d3dc")
    racks = []
    boxes = ["#c89f68", "#d7b47e", "#b98c55", "#e0c08f"]
    for side in (-1, 1):
        x_front, x_back = side * 2.9, side * 3.9
        zs = [3.2 + 2.7 * i for i in range(12)]
        for i, (z0, z1) in enumerate(pairwise(zs)):
            if z1 > far:
                break
            for level, (y0, y1) in enumerate(((0.15, 1.45), (1.75, 3.05), (3.35, 4.65))):
                if (i + level) % 5 == 3:
                    continue  # an empty slot now and then
                colour = boxes[(i * 3 + level) % len(boxes)]
                racks.append(poly([project(x_front, y0, z0 + 0.2), project(x_front, y1, z0 + 0.2),
                                   project(x_front, y1, z1 - 0.2), project(x_front, y0, z1 - 0.2)], colour))
                if y1 < 1.6:  # the lid shows only below eye level
                    racks.append(poly([project(x_front, y1, z0 + 0.2), project(x_back, y1, z0 + 0.2),
                                       project(x_back, y1, z1 - 0.2), project(x_front, y1, z1 - 0.2)],
                                      light(colour, 0.2)))
            for y in (0.15, 1.6, 3.2, 4.8):
                racks.append(poly([project(x_front, y, z0), project(x_front, y - 0.15, z0),
                                   project(x_front, y - 0.15, z1), project(x_front, y, z1)], "#e8833a"))
        for z in zs:
            if z > far:
                break
            a, b = project(x_front, 0, z), project(x_front, 5.0, z)
            width = max(3.0, 0.12 * 900 / z)
            racks.append(rect(min(a[0], a[0] - side * width), b[1], width, a[1] - b[1], "#2f5d8a"))
    pallet = (poly([project(1.2, 0, 5), project(1.2, 0.15, 5), project(2.2, 0.15, 5), project(2.2, 0, 5)], "#a57a48")
              + poly([project(1.25, 0.15, 5), project(1.25, 1.0, 5), project(2.15, 1.0, 5), project(2.15, 0.15, 5)],
                     "#d7b47e"))
    # no lettering anywhere: pictures must not need fonts nor a language
    sign = rect(880, 120, 160, 70, "#2f5d8a", 10) + poly([(920, 145), (990, 145), (990, 130), (1020, 155),
                                                          (990, 180), (990, 165), (920, 165)], "#ffffff")
    return svg("Entrepôt", ceiling + back + lamps + floor + lines + "".join(racks) + pallet + sign)


# ---------------------------------------------------------------------------------------------- road haulage


def sky(top: str = "#9fd0ea", bottom: str = "#dff0f7", height: float = 640) -> str:
    grad = (f'<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{top}"/>'
            f'<stop offset="1" stop-color="{bottom}"/></linearGradient>')
    clouds = "".join(circle(x, y, r, "#ffffff", ' opacity="0.9"') for x, y, r in
                     ((300, 160, 50), (360, 140, 70), (430, 165, 45), (1400, 110, 40), (1460, 95, 60),
                      (1520, 115, 42)))
    return f"<defs>{grad}</defs>" + rect(0, 0, W, height, "url(#sky)") + clouds


def depot() -> str:
    building = rect(0, 200, W, 480, "#d9dee4") + rect(0, 180, W, 30, "#8ea1b3")
    doors = ""
    for i, x in enumerate(range(120, W - 200, 430)):
        doors += rect(x, 330, 300, 350, "#7f93a8") + "".join(
            rect(x, y, 300, 6, "#6f8398") for y in range(350, 680, 40))
        doors += rect(x - 20, 310, 340, 20, "#f2c14e") + "".join(
            circle(x + 130 + 24 * k, 270, 9, "#2f5d8a") for k in range(i + 1))
    trailer = (rect(1390, 300, 380, 420, "#f6f6f3", 10) + rect(1390, 300, 380, 40, "#c4473a", 10)
               + rect(1578, 340, 4, 380, "#c9ced4") + rect(1400, 720, 360, 40, "#3f4650", 6)
               + rect(1420, 650, 50, 30, "#e4574a", 6) + rect(1690, 650, 50, 30, "#e4574a", 6)
               + circle(1460, 780, 44, "#2b2f36") + circle(1700, 780, 44, "#2b2f36"))
    pallets = "".join(rect(x, 640, 150, 40, "#a57a48", 4) + rect(x + 5, 540, 140, 100, "#d7b47e", 6)
                      + rect(x + 5, 580, 140, 8, "#c4473a") for x in (180, 360))
    ground = rect(0, 680, W, 400, "#9aa1a9") + "".join(
        rect(x, 860, 160, 16, "#f4f1ea", 4) for x in range(60, W, 320))
    return svg("Dépôt", sky(height=680) + building + doors + ground + trailer + pallets)


def cab() -> str:
    road = (rect(0, 470, W, 330, "#a7cfa0")
            + poly([(900, 470), (1020, 470), (1700, 820), (220, 820)], "#7b838d")
            + "".join(poly([(958 - 4 * k, 480 + 60 * k), (962 + 4 * k, 480 + 60 * k),
                            (966 + 6 * k, 510 + 60 * k), (954 - 6 * k, 510 + 60 * k)], "#f4f1ea")
                      for k in range(1, 6)))
    hills = (poly([(0, 480), (300, 390), (620, 470), (960, 410), (1300, 470), (1640, 380), (W, 460), (W, 490),
                   (0, 490)], "#8fbf8a"))
    truck_ahead = rect(930, 440, 60, 50, "#f6f6f3", 4) + rect(932, 488, 56, 8, "#3f4650")
    sign = (rect(1420, 300, 220, 110, "#2f6fb0", 10) + rect(1520, 410, 16, 90, "#8c96a3")
            + '<path d="M 1480 390 V 340 M 1460 356 L 1480 330 L 1500 356 M 1580 390 V 350 Q 1580 330 1600 330" '
              'stroke="#ffffff" stroke-width="10" fill="none" stroke-linecap="round"/>')
    pillars = (poly([(0, 0), (190, 0), (90, 820), (0, 820)], "#3f4650")
               + poly([(W, 0), (W - 190, 0), (W - 90, 820), (W, 820)], "#3f4650")
               + rect(0, 0, W, 60, "#3f4650") + rect(700, 60, 520, 46, "#565f6b", 12))
    # gauges and phone sit just under the windscreen: the bottom quarter stays plain for the dialogue
    dash = (poly([(0, 740), (W, 740), (W, H), (0, H)], "#4a525d")
            + rect(0, 722, W, 40, "#5b6470", 16)
            + rect(420, 770, 300, 60, "#3a4049", 24)
            + circle(500, 800, 22, "#eef1f4", ' opacity="0.9"') + circle(640, 800, 22, "#eef1f4", ' opacity="0.9"')
            + '<path d="M 500 800 l 14 -10 M 640 800 l -6 -16" stroke="#e4574a" stroke-width="5" '
              'stroke-linecap="round"/>'
            + rect(1390, 660, 150, 150, "#2b2f36", 18) + rect(1402, 672, 126, 104, "#7fb6dd", 10)
            + circle(1465, 712, 22, "#f2c14e") + rect(1435, 746, 60, 10, "#ffffff", 5))
    return svg("Cabine", sky(height=480) + hills + road + truck_ahead + sign + pillars + dash)


def rest_area() -> str:
    """A motorway rest area: parked lorries, trees, a small building, a picnic table."""
    trees = "".join(rect(x + 18, 420, 24, 140, "#8a5a34") + circle(x + 30, 380, 80, c) + circle(x - 20, 420, 56, c)
                    for x, c in ((120, "#7bb661"), (560, "#8fc46f"), (1780, "#7bb661")))
    building = (rect(760, 360, 420, 240, "#f4f1ea", 12) + poly([(740, 370), (970, 280), (1200, 370)], "#c4473a")
                + rect(820, 440, 120, 160, "#7fb6dd", 6) + rect(1000, 430, 130, 90, "#7fb6dd", 6)
                )
    lorry = (rect(1260, 330, 420, 230, "#f6f6f3", 10) + rect(1260, 330, 420, 30, "#2f5d8a", 10)
             + rect(1680, 390, 150, 170, "#2f5d8a", 16) + rect(1700, 410, 90, 70, "#bfe0f0", 8)
             + circle(1340, 580, 40, "#2b2f36") + circle(1580, 580, 40, "#2b2f36") + circle(1760, 580, 40, "#2b2f36"))
    ground = rect(0, 540, W, 540, "#9aa1a9") + rect(0, 520, W, 60, "#8fbf8a") + "".join(
        rect(x, 760, 12, 200, "#f4f1ea", 4) for x in range(940, W, 260))
    table = (rect(300, 640, 260, 26, "#a57a48", 8) + rect(320, 666, 20, 80, "#8a5a34")
             + rect(520, 666, 20, 80, "#8a5a34") + rect(270, 706, 320, 18, "#a57a48", 6))
    lawn = '<ellipse cx="420" cy="700" rx="360" ry="90" fill="#8fbf8a"/>'
    return svg("Aire de repos", sky(height=560) + ground + lawn + trees + building + lorry + table)


# ---------------------------------------------------------------------------------------------- building site


def site() -> str:
    wall = rect(0, 0, W, 760, "#e9e2d6") + "".join(
        rect(x, y, w, h, "#ddd4c5", 20) for x, y, w, h in ((140, 90, 260, 150), (1040, 420, 300, 120),
                                                          (1500, 60, 200, 110)))
    channels = ('<path d="M 560 0 V 330 H 900 V 560" stroke="#cfc4b3" stroke-width="26" fill="none"/>'
                '<path d="M 560 0 V 330 H 900 V 560" stroke="#f08a3c" stroke-width="8" fill="none"/>'
                + rect(870, 540, 60, 60, "#f4f1ea", 10) + rect(980, 540, 60, 60, "#f4f1ea", 10)
                + '<path d="M 930 570 H 980" stroke="#cfc4b3" stroke-width="20"/>')
    board = (rect(240, 300, 280, 360, "#c9ced4", 14) + rect(262, 322, 236, 316, "#eef0f2", 8)
             + "".join(rect(280 + 22 * i, y, 16, 46, "#ffffff", 3, ' stroke="#aab3bd" stroke-width="2"')
                       for y in (350, 440, 530) for i in range(9))
             + rect(280, 420, 200, 8, "#aab3bd") + rect(280, 510, 200, 8, "#aab3bd")
             + '<path d="M 330 638 q 20 60 -20 120 M 380 638 q -10 70 30 120" stroke="#3b7dd8" stroke-width="8" '
               'fill="none"/>')
    win = window(1300, 150, 420, 380)
    floor = rect(0, 760, W, 320, "#cfc8bb") + poly([(0, 820), (W, 800), (W, H), (0, H)], "#ded8cc")
    ladder = ('<g stroke="#f2c14e" stroke-width="22" stroke-linecap="round" fill="none">'
              '<path d="M 1160 880 L 1250 380 L 1340 880"/>'
              + "".join(f'<path d="M {1160 + 90 * t:.0f} {880 - 500 * t:.0f} H {1340 - 90 * t:.0f}"/>'
                        for t in (0.2, 0.4, 0.6, 0.8)) + "</g>")
    reel = circle(1560, 860, 90, "#f08a3c") + circle(1560, 860, 36, "#c96a2a") + circle(1560, 860, 14, "#3f4650")
    toolbox = (rect(620, 830, 240, 110, "#c4473a", 12) + rect(690, 800, 100, 30, "#3f4650", 8)
               + rect(620, 860, 240, 10, "#a93a2f"))
    return svg("Chantier", wall + channels + board + win + floor + ladder + reel + toolbox)


# ---------------------------------------------------------------------------------------------- home


def living_room() -> str:
    wall = rect(0, 0, W, 760, "#e4ecdf") + "".join(
        circle(x, y, 6, "#d3dfcc") for x in range(60, W, 120) for y in range(60, 740, 120))
    skirting = rect(0, 740, W, 24, "#f4f1ea")
    win = window(760, 130, 420, 420)
    curtains = (poly([(700, 100), (800, 100), (770, 600), (690, 600)], "#d9826a")
                + poly([(1220, 100), (1140, 100), (1170, 600), (1250, 600)], "#d9826a") + rect(680, 92, 590, 16,
                                                                                            "#a57a48", 8))
    frames = (rect(240, 200, 180, 140, "#a57a48", 8) + rect(256, 216, 148, 108, "#f2e4cf", 4)
              + circle(310, 270, 26, "#e8b994") + circle(360, 276, 22, "#9a6140")
              + rect(460, 230, 120, 150, "#a57a48", 8) + rect(474, 244, 92, 122, "#bfe0f0", 4)
              + poly([(474, 366), (520, 300), (566, 366)], "#8fbf8a"))
    clock = circle(1500, 220, 70, "#f4f1ea") + circle(1500, 220, 60, "#ffffff") + (
        '<path d="M 1500 220 V 182 M 1500 220 L 1526 236" stroke="#3f4650" stroke-width="8" '
        'stroke-linecap="round"/>')
    floor = rect(0, 764, W, 316, "#c9a27a") + "".join(
        f'<path d="M 0 {y} H {W}" stroke="#b88f66" stroke-width="4"/>' for y in range(820, H, 70))
    rug = '<ellipse cx="980" cy="960" rx="520" ry="90" fill="#b5706a"/>' + (
        '<ellipse cx="980" cy="960" rx="440" ry="66" fill="#c98a7e"/>')
    armchair = (rect(1380, 520, 340, 300, "#e0b04f", 50) + rect(1330, 620, 90, 240, "#c9963a", 40)
                + rect(1680, 620, 90, 240, "#c9963a", 40) + rect(1420, 700, 260, 120, "#eac06a", 30)
                + rect(1400, 850, 24, 60, "#8a5a34", 8) + rect(1676, 850, 24, 60, "#8a5a34", 8))
    lamp = (rect(260, 520, 16, 340, "#8a5a34") + poly([(190, 420), (346, 420), (310, 530), (226, 530)], "#f2d59a")
            + rect(220, 850, 96, 20, "#8a5a34", 8))
    table = (rect(420, 700, 200, 24, "#a57a48", 8) + rect(440, 724, 20, 140, "#8a5a34")
             + rect(580, 724, 20, 140, "#8a5a34") + rect(490, 630, 70, 70, "#d9826a", 12)
             + circle(505, 600, 34, "#7bb661") + circle(545, 590, 38, "#8fc46f"))
    return svg("Salon", wall + skirting + win + curtains + frames + clock + floor + rug + lamp + table + armchair)


def landing() -> str:
    wall = rect(0, 0, W, 760, "#efe6d8") + rect(0, 430, W, 330, "#d8c7ad")
    doors = "".join(rect(x, 180, 260, 580, "#8a5a34", 10) + rect(x + 20, 200, 220, 540, "#9c6a40", 6)
                    + circle(x + 220, 480, 12, "#f2c14e") + rect(x + 100, 240, 60, 26, "#f4f1ea", 4)
                    for x in (220, 1440))
    mailboxes = "".join(rect(640 + 110 * i, 280 + 80 * j, 96, 66, "#6f8398", 6) + rect(660 + 110 * i, 296 + 80 * j,
                                                                                        56, 8, "#3f4650", 4)
                        for i in range(4) for j in range(2))
    stairs = "".join(poly([(1100 + 40 * k, 760 - 50 * k), (1340, 760 - 50 * k), (1340, 720 - 50 * k),
                           (1100 + 40 * k, 720 - 50 * k)], light("#b9a78c", 0.1 * (k % 2))) for k in range(8))
    rail = '<path d="M 1080 640 L 1360 300" stroke="#5b6470" stroke-width="14" stroke-linecap="round"/>'
    floor = rect(0, 760, W, 320, "#b9bec4") + "".join(
        rect(x, 760, 4, 320, "#a9aeb4") for x in range(0, W, 160))
    bins = (rect(740, 620, 150, 200, "#3d8c6e", 16) + rect(730, 600, 170, 30, "#2f6f57", 10)
            + rect(920, 640, 140, 180, "#f2c14e", 16) + rect(910, 620, 160, 30, "#d9a93a", 10))
    plant = rect(140, 640, 70, 100, "#d9826a", 10) + circle(175, 600, 50, "#7bb661") + circle(150, 570, 30, "#8fc46f")
    return svg("Palier", wall + doors + mailboxes + stairs + rail + floor + bins + plant)


SCENES: dict[str, dict[str, Callable[[], str]]] = {
    "commis-de-cuisine": {"cuisine": kitchen},
    "agent-logistique": {"entrepot": warehouse},
    "conducteur-routier": {"depot": depot, "cabine": cab, "aire": rest_area},
    "electricien-batiment": {"chantier": site},
    "aide-a-domicile": {"salon": living_room, "palier": landing},
}


def attract(pack: str) -> str:
    """The trade's first scene with its cast smiling at the visitor, for the idle attract screen."""
    scene = next(iter(SCENES[pack].values()))()
    inner = scene[scene.index("<title>"): scene.rindex("</svg>")]
    people = CAST[pack]
    height = 640
    width = height * WIDTH / HEIGHT
    figures = ""
    for i, person in enumerate(people):
        x = W / 2 + (i - (len(people) - 1) / 2) * width * 0.95 - width / 2
        figures += (f'<svg x="{x:.0f}" y="{H - height}" width="{width:.0f}" height="{height}" '
                    f'viewBox="0 0 {WIDTH} {HEIGHT}">{portrait_body(person, "happy")}</svg>')
    return svg(f"{pack}: attract", inner.replace("<title>", "<desc>").replace("</title>", "</desc>", 1) + figures)


def write_scenes(root: Path = ROOT) -> list[Path]:
    written = []
    for pack, scenes in SCENES.items():
        folder = root / pack / "media" / "scenes"
        folder.mkdir(parents=True, exist_ok=True)
        for name, draw in scenes.items():
            path = folder / f"{name}.svg"
            path.write_text(draw(), encoding="utf-8")
            written.append(path)
        path = folder / "attract.svg"
        path.write_text(attract(pack), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    paths = write_scenes()
    print(f"wrote {len(paths)} scenes under {ROOT}/*/media/scenes/")
