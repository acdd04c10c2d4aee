"""Draws the cast of the sample packs as flat SVG half-body portraits (small text files, committed to git).

One person is a `Person` (skin, hair, age, clothes); each is drawn with four expressions
(neutral, happy, worried, annoyed) that change only the eyes, eyebrows and mouth, so a
face stays the same person and reads at a glance. The visitor is never drawn: scenes are
seen in the first person.

Run again after changing a design: `python scripts/draw_cast.py` (then `scripts/draw_scenes.py`
for the attract pictures that reuse the cast, and `scripts/draw_sheets.py` for the contact sheets).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "scenarios"
EXPRESSIONS = ("neutral", "happy", "worried", "annoyed")
WIDTH, HEIGHT = 600, 800  # portrait canvas; the head sits in the upper half, shoulders reach the bottom edge
INK = "#2b2a36"  # eyes, brows: a soft near-black rather than pure black
LIP = "#9a3f4a"

# Skin tones, light to deep (flat fills; shading is derived from them).
SKIN = {
    "porcelain": "#f5d9c8",
    "light": "#efc8aa",
    "warm-light": "#e8b994",
    "olive": "#d3a27a",
    "tan": "#bf8660",
    "brown": "#9a6140",
    "deep": "#6f4329",
    "very-deep": "#563220",
}


@dataclass(frozen=True)
class Person:
    """Everything that makes one character recognisable; expressions are added on top."""

    key: str
    skin: str  # a SKIN key
    hair: str  # short | long | bob | curly | bun | bald | hijab | pixie | fade
    hair_colour: str
    age: int
    outfit: str  # chef | hivis | tunic | overalls | driver | cardigan | polo | shirt | server
    colour: str  # main colour of the clothes
    accent: str = "#e07a5f"  # a second colour: neckerchief, piping, undershirt
    glasses: bool = False
    beard: str = ""  # "" | full | stubble | moustache
    hat: str = ""  # "" | toque
    headset: bool = False
    build: float = 1.0  # shoulder width, 1 = average


def mix(colour: str, other: str, amount: float) -> str:
    """`colour` moved `amount` (0..1) of the way towards `other`."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b, strict=True))


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def shade(colour: str, amount: float = 0.18) -> str:
    return mix(colour, "#3a2030", amount)


def light(colour: str, amount: float = 0.25) -> str:
    return mix(colour, "#ffffff", amount)


# ---------------------------------------------------------------------------------------------- body


def torso(p: Person) -> str:
    """Shoulders and chest in the trade's clothes, drawn before the neck and head."""
    shoulders = "M 60 800 C 62 660 140 596 236 576 L 364 576 C 460 596 538 660 540 800 Z"
    c = p.colour
    if p.outfit == "chef":
        return (
            f'<path d="{shoulders}" fill="#f6f3ec"/>'
            f'<path d="M 60 800 C 62 660 140 596 200 584 C 170 650 160 730 170 800 Z" fill="#e4e0d6"/>'
            f'<path d="M 540 800 C 538 660 460 596 400 584 C 430 650 440 730 430 800 Z" fill="#e4e0d6"/>'
            '<path d="M 236 576 L 300 800 L 372 800 L 364 576 Z" fill="#ece8df"/>'
            '<path d="M 236 576 L 300 800" stroke="#d4cfc3" stroke-width="4" fill="none"/>'
            + "".join(
                f'<circle cx="{x}" cy="{y}" r="8" fill="#cfc8b8"/>' for x in (262, 338) for y in (660, 712, 764)
            )
            + f'<path d="M 244 574 L 300 612 L 356 574 L 346 600 L 300 632 L 254 600 Z" fill="{p.accent}"/>'
            '<rect x="236" y="556" width="128" height="30" rx="14" fill="#f6f3ec"/>'
        )
    if p.outfit == "hivis":
        vest = "#f2cf3e" if p.accent == "yellow" else "#f49b45"
        band = "#dfe3e8"
        return (
            f'<path d="{shoulders}" fill="{c}"/>'
            f'<path d="M 236 576 L 270 576 L 286 800 L 110 800 C 100 700 140 620 236 576 Z" fill="{vest}"/>'
            f'<path d="M 364 576 L 330 576 L 314 800 L 490 800 C 500 700 460 620 364 576 Z" fill="{vest}"/>'
            f'<path d="M 116 690 L 284 690 L 286 718 L 110 718 Z" fill="{band}"/>'
            f'<path d="M 484 690 L 316 690 L 314 718 L 490 718 Z" fill="{band}"/>'
            f'<path d="M 106 760 L 286 760 L 287 786 L 104 786 Z" fill="{band}"/>'
            f'<path d="M 494 760 L 314 760 L 313 786 L 496 786 Z" fill="{band}"/>'
            f'<path d="M 254 576 L 300 640 L 346 576 Z" fill="{shade(c, 0.25)}"/>'
        )
    if p.outfit == "tunic":
        return (
            f'<path d="{shoulders}" fill="{c}"/>'
            f'<path d="M 250 576 L 300 666 L 350 576 Z" fill="{SKIN[p.skin]}"/>'
            f'<path d="M 244 576 L 300 680 L 356 576" stroke="{p.accent}" stroke-width="10" fill="none" '
            'stroke-linejoin="round"/>'
            f'<rect x="352" y="690" width="86" height="70" rx="10" fill="{shade(c, 0.12)}"/>'
            f'<rect x="372" y="668" width="8" height="40" rx="4" fill="{p.accent}"/>'
            f'<rect x="388" y="674" width="8" height="34" rx="4" fill="#4d6fa8"/>'
        )
    if p.outfit == "overalls":
        return (
            f'<path d="{shoulders}" fill="{p.accent}"/>'
            f'<path d="M 236 576 L 300 612 L 364 576 L 350 590 L 300 626 L 250 590 Z" fill="{shade(p.accent)}"/>'
            f'<path d="M 180 800 L 196 680 L 404 680 L 420 800 Z" fill="{c}"/>'
            f'<path d="M 196 690 L 150 600 L 188 590 L 232 684 Z" fill="{c}"/>'
            f'<path d="M 404 690 L 450 600 L 412 590 L 368 684 Z" fill="{c}"/>'
            '<circle cx="214" cy="690" r="9" fill="#d9dde3"/><circle cx="386" cy="690" r="9" fill="#d9dde3"/>'
            f'<rect x="256" y="708" width="88" height="62" rx="8" fill="{shade(c, 0.15)}"/>'
            '<rect x="270" y="684" width="9" height="44" rx="3" fill="#f0b441"/>'
            '<rect x="286" y="690" width="7" height="38" rx="3" fill="#e35d4f"/>'
            f'<path d="M 196 742 L 404 742" stroke="{light(c, 0.3)}" stroke-width="4" stroke-dasharray="10 8"/>'
        )
    if p.outfit == "driver":
        return (
            f'<path d="{shoulders}" fill="{c}"/>'
            f'<path d="M 60 800 C 62 700 110 640 170 610 L 200 800 Z" fill="{shade(c, 0.2)}"/>'
            f'<path d="M 540 800 C 538 700 490 640 430 610 L 400 800 Z" fill="{shade(c, 0.2)}"/>'
            f'<path d="M 232 560 L 300 600 L 368 560 L 372 600 L 300 640 L 228 600 Z" fill="{shade(c, 0.3)}"/>'
            '<path d="M 300 620 L 300 800" stroke="#d9dde3" stroke-width="6"/>'
            f'<rect x="340" y="668" width="66" height="34" rx="6" fill="{p.accent}"/>'
        )
    if p.outfit == "cardigan":
        return (
            f'<path d="{shoulders}" fill="{p.accent}"/>'
            f'<path d="M 250 578 Q 300 640 350 578" fill="none" stroke="{shade(p.accent, 0.15)}" stroke-width="10"/>'
            f'<path d="M 60 800 C 62 660 140 596 236 576 L 286 800 Z" fill="{c}"/>'
            f'<path d="M 540 800 C 538 660 460 596 364 576 L 314 800 Z" fill="{c}"/>'
            + "".join(f'<circle cx="{274 + (y - 660) // 12}" cy="{y}" r="7" fill="{light(c, 0.4)}"/>'
                      for y in (680, 730, 780))
        )
    if p.outfit == "polo":
        return (
            f'<path d="{shoulders}" fill="{c}"/>'
            f'<path d="M 244 572 L 300 606 L 270 636 Z" fill="{shade(c, 0.15)}"/>'
            f'<path d="M 356 572 L 300 606 L 330 636 Z" fill="{shade(c, 0.15)}"/>'
            f'<rect x="290" y="604" width="20" height="80" rx="6" fill="{shade(c, 0.1)}"/>'
            f'<circle cx="300" cy="630" r="5" fill="{light(c, 0.5)}"/><circle cx="300" cy="660" r="5" '
            f'fill="{light(c, 0.5)}"/><rect x="360" y="680" width="56" height="14" rx="7" fill="{p.accent}"/>'
        )
    if p.outfit == "server":
        return (
            f'<path d="{shoulders}" fill="#f7f5f0"/>'
            f'<path d="M 250 576 L 300 620 L 350 576 L 342 596 L 300 634 L 258 596 Z" fill="#e6e2da"/>'
            f'<path d="M 60 800 C 62 660 140 596 200 586 L 296 800 Z" fill="{c}"/>'
            f'<path d="M 540 800 C 538 660 460 596 400 586 L 304 800 Z" fill="{c}"/>'
            f'<path d="M 290 640 L 300 628 L 310 640 L 300 652 Z" fill="{p.accent}"/>'
        )
    # shirt: open collar under a soft jumper
    return (
        f'<path d="{shoulders}" fill="{c}"/>'
        f'<path d="M 240 580 Q 300 670 360 580 Z" fill="{p.accent}"/>'
        f'<path d="M 244 574 L 300 626 L 268 640 Z" fill="{light(p.accent, 0.4)}"/>'
        f'<path d="M 356 574 L 300 626 L 332 640 Z" fill="{light(p.accent, 0.4)}"/>'
        f'<path d="M 236 584 Q 300 690 364 584" fill="none" stroke="{shade(c, 0.15)}" stroke-width="12"/>'
    )


def neck(p: Person) -> str:
    s = SKIN[p.skin]
    return (
        f'<path d="M 262 440 L 338 440 L 344 590 Q 300 614 256 590 Z" fill="{shade(s, 0.12)}"/>'
        f'<path d="M 262 470 Q 300 512 338 470 L 338 450 L 262 450 Z" fill="{shade(s, 0.22)}"/>'
    )


# ---------------------------------------------------------------------------------------------- head

HEAD = (300, 360, 114, 134)  # cx, cy, rx, ry
BEHIND_TORSO = ("hijab", "long")  # these fall onto the shoulders, so the clothes overlap them
HEAD_PLACEMENT = "translate(300 384) scale(1.1) translate(-300 -360)"


def head(p: Person) -> str:
    s = SKIN[p.skin]
    cx, cy, rx, ry = HEAD
    ears = "".join(
        f'<ellipse cx="{x}" cy="378" rx="22" ry="30" fill="{s}"/>'
        f'<ellipse cx="{x}" cy="380" rx="10" ry="16" fill="{shade(s, 0.12)}"/>'
        for x in (cx - rx + 2, cx + rx - 2)
    )
    face = f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" fill="{s}"/>'
    nose = f'<path d="M 292 392 Q 300 414 314 404" fill="none" stroke="{shade(s, 0.28)}" stroke-width="6" ' \
        'stroke-linecap="round"/>'
    lines = ""
    if p.age >= 55:
        w = shade(s, 0.3)
        lines = (
            f'<path d="M 226 386 l -9 4 M 374 386 l 9 4" stroke="{w}" stroke-width="3" stroke-linecap="round" '
            'opacity="0.6"/>'
            f'<path d="M 262 300 Q 300 292 338 300" stroke="{w}" stroke-width="3" fill="none" '
            'stroke-linecap="round" opacity="0.6"/>'
            f'<path d="M 264 418 Q 252 440 262 458 M 336 418 Q 348 440 338 458" stroke="{w}" stroke-width="3" '
            'fill="none" stroke-linecap="round" opacity="0.7"/>'
        )
    if p.hair in ("hijab", "long", "bob"):
        return face + nose + lines  # the scarf or the hair covers the ears
    return ears + face + nose + lines


def hair_back(p: Person) -> str:
    h = p.hair_colour
    d = shade(h, 0.15)
    if p.hair in ("long", "bob"):
        bottom = 560 if p.hair == "long" else 480
        return (
            f'<path d="M 176 330 C 170 230 230 200 300 200 C 370 200 430 230 424 330 L 432 {bottom} '
            f'Q 300 {bottom + 30} 168 {bottom} Z" fill="{d}"/>'
        )
    if p.hair == "short":  # a little volume beyond the head's outline
        return f'<ellipse cx="300" cy="300" rx="124" ry="92" fill="{h}"/>'

    if p.hair == "curly":
        bumps = [(300, 214, 66), (226, 236, 58), (374, 236, 58), (190, 300, 52), (410, 300, 52),
                 (186, 362, 40), (414, 362, 40), (258, 212, 50), (342, 212, 50)]
        return "".join(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{h}"/>' for x, y, r in bumps)
    if p.hair == "hijab":
        return (
            f'<path d="M 160 370 C 150 220 230 190 300 190 C 370 190 450 220 440 370 C 440 470 420 540 470 600 '
            f'C 420 640 180 640 130 600 C 180 540 160 470 160 370 Z" fill="{h}"/>'
        )
    if p.hair == "bun":
        return f'<circle cx="300" cy="196" r="50" fill="{h}"/><circle cx="300" cy="196" r="30" fill="{d}" ' \
            'opacity="0.35"/>'
    return ""


def hair_front(p: Person) -> str:
    h = p.hair_colour
    if p.hair in ("short", "fade"):
        top = 226 if p.hair == "short" else 232
        side = 330 if p.hair == "short" else 320
        return (
            f'<path d="M 186 {side} C 178 {top + 30} 230 {top - 8} 300 {top - 8} C 372 {top - 8} 424 {top + 30} '
            f'414 {side} C 404 300 396 276 350 270 C 310 266 250 290 206 306 Z" fill="{h}"/>'
            f'<path d="M 236 268 C 270 244 320 238 360 248" stroke="{light(h, 0.18)}" stroke-width="7" '
            'fill="none" stroke-linecap="round"/>'
        )
    if p.hair == "pixie":
        return (
            f'<path d="M 184 350 C 172 250 228 214 300 214 C 380 214 430 254 416 350 C 404 310 398 296 384 290 '
            f'C 330 300 260 270 230 300 C 212 318 196 330 184 350 Z" fill="{h}"/>'
            f'<path d="M 230 300 C 260 262 300 252 340 262" stroke="{light(h, 0.2)}" stroke-width="8" '
            'fill="none" stroke-linecap="round"/>'
        )
    if p.hair in ("long", "bob"):  # parted in the middle, falling over the ears
        bottom = 500 if p.hair == "long" else 452
        return (
            f'<path d="M 178 {bottom} C 160 330 196 212 300 212 C 404 212 440 330 422 {bottom} L 398 {bottom} '
            f'C 404 340 370 270 304 258 L 296 258 C 230 270 196 340 202 {bottom} Z" fill="{h}"/>'
            f'<path d="M 296 222 C 250 232 220 262 206 310" stroke="{light(h, 0.2)}" stroke-width="7" '
            'fill="none" stroke-linecap="round"/>'
        )
    if p.hair == "bun":
        return (
            f'<path d="M 188 350 C 180 250 230 220 300 220 C 370 220 420 250 412 350 C 400 296 360 262 300 262 '
            f'C 240 262 200 296 188 350 Z" fill="{h}"/>'
            f'<path d="M 300 222 L 300 262" stroke="{shade(h, 0.2)}" stroke-width="4"/>'
        )
    if p.hair == "curly":
        curls = [(232, 262, 30), (268, 246, 30), (306, 242, 30), (344, 248, 30), (376, 266, 30),
                 (204, 296, 26), (398, 298, 26)]
        return "".join(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{h}"/>' for x, y, r in curls)
    if p.hair == "bald":
        return (
            f'<path d="M 188 330 C 188 300 196 290 204 286 L 204 400 L 188 398 Z" fill="{h}"/>'
            f'<path d="M 412 330 C 412 300 404 290 396 286 L 396 400 L 412 398 Z" fill="{h}"/>'
            f'<ellipse cx="262" cy="262" rx="30" ry="14" fill="#ffffff" opacity="0.18"/>'
        )
    if p.hair == "hijab":
        return (
            f'<path d="M 190 350 C 186 250 236 222 300 222 C 364 222 414 250 410 350 C 410 300 370 256 300 254 '
            f'C 230 256 190 300 190 350 Z" fill="{light(h, 0.12)}"/>'
            f'<path d="M 186 420 C 200 500 250 534 300 536 C 350 534 400 500 414 420 C 420 500 400 560 300 574 '
            f'C 200 560 180 500 186 420 Z" fill="{h}"/>'
        )
    return ""


def beard(p: Person) -> str:
    if not p.beard:
        return ""
    h = p.hair_colour
    if p.beard == "moustache":
        return f'<path d="M 262 432 Q 300 414 338 432 Q 320 440 300 432 Q 280 440 262 432 Z" fill="{h}"/>'
    if p.beard == "stubble":  # a shadow of the skin's own tone, kept inside the face
        cx, cy, rx, ry = HEAD
        clip = f"stubble-{p.key}"
        return (
            f'<clipPath id="{clip}"><ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}"/></clipPath>'
            f'<g clip-path="url(#{clip})" fill="{mix(SKIN[p.skin], h, 0.3)}" opacity="0.8">'
            '<path d="M 190 380 C 192 470 240 512 300 514 C 360 512 408 470 410 380 C 400 432 374 470 340 470 '
            'Q 300 462 260 470 C 226 470 200 432 190 380 Z"/>'
            '<path d="M 258 436 Q 300 418 342 436 Q 322 444 300 438 Q 278 444 258 436 Z"/></g>'
        )
    return (
        f'<g><path d="M 190 380 C 192 470 240 512 300 514 C 360 512 408 470 410 380 '
        f'C 400 432 374 470 340 470 Q 300 462 260 470 C 226 470 200 432 190 380 Z" fill="{h}"/>'
        f'<path d="M 258 436 Q 300 418 342 436 Q 322 444 300 438 Q 278 444 258 436 Z" fill="{h}"/></g>'
    )


def hat(p: Person) -> str:
    if p.hat != "toque":
        return ""
    return (
        '<path d="M 200 258 C 150 220 170 140 230 150 C 240 100 330 90 350 140 C 410 120 450 200 400 258 Z" '
        'fill="#fbfaf6"/>'
        '<rect x="198" y="236" width="204" height="46" rx="12" fill="#efebe2"/>'
        '<path d="M 260 236 L 256 160 M 340 236 L 346 160" stroke="#e2ddd2" stroke-width="5"/>'
    )


def glasses(p: Person) -> str:
    if not p.glasses:
        return ""
    frame = "#3c4a63"
    return (
        f'<g fill="#ffffff" fill-opacity="0.18" stroke="{frame}" stroke-width="6">'
        '<rect x="218" y="340" width="72" height="54" rx="20"/><rect x="310" y="340" width="72" height="54" rx="20"/>'
        '</g>'
        f'<path d="M 290 362 Q 300 354 310 362 M 218 358 L 192 350 M 382 358 L 408 350" stroke="{frame}" '
        'stroke-width="6" fill="none"/>'
    )


def headset(p: Person) -> str:
    if not p.headset:
        return ""
    return (
        '<path d="M 180 380 C 170 220 430 220 420 380" stroke="#3f4656" stroke-width="14" fill="none"/>'
        '<rect x="166" y="350" width="30" height="62" rx="12" fill="#3f4656"/>'
        '<rect x="404" y="350" width="30" height="62" rx="12" fill="#3f4656"/>'
        '<path d="M 182 408 Q 196 470 262 468" stroke="#3f4656" stroke-width="7" fill="none"/>'
        '<circle cx="266" cy="468" r="10" fill="#5b6478"/>'
    )


# ---------------------------------------------------------------------------------------------- face


def eyes(p: Person, expression: str) -> str:
    s = SKIN[p.skin]
    out = []
    for x in (256, 344):
        if expression == "happy":  # closed, smiling eyes read as joy from across a room
            out.append(f'<path d="M {x - 16} 372 Q {x} 352 {x + 16} 372" stroke="{INK}" stroke-width="8" '
                       'fill="none" stroke-linecap="round"/>')
            continue
        ry = 16 if expression == "worried" else 14
        out.append(f'<ellipse cx="{x}" cy="368" rx="12" ry="{ry}" fill="{INK}"/>'
                   f'<circle cx="{x + 4}" cy="362" r="4" fill="#ffffff"/>')
        if expression == "annoyed":  # a heavy upper lid: unimpressed, not hostile
            out.append(f'<path d="M {x - 18} 350 L {x + 18} 350 L {x + 18} 366 Q {x} 360 {x - 18} 366 Z" '
                       f'fill="{s}"/><path d="M {x - 15} 365 Q {x} 359 {x + 15} 365" stroke="{INK}" '
                       'stroke-width="4" fill="none" stroke-linecap="round"/>')
    return "".join(out)


def brows(p: Person, expression: str) -> str:
    colour = p.hair_colour if p.hair not in ("bald", "hijab") else shade(SKIN[p.skin], 0.55)
    if p.hair == "hijab":
        colour = INK
    elif luminance(colour) > 0.6:  # white or blond brows would vanish on the face
        colour = shade(colour, 0.45)
    y = {"neutral": 322, "happy": 314, "worried": 322, "annoyed": 328}[expression]
    # (outer end, inner end) heights: worried lifts the inner ends, annoyed lowers them
    tilt = {"neutral": (0, -2), "happy": (2, -2), "worried": (8, -10), "annoyed": (-3, 6)}[expression]
    out = []
    for side in (-1, 1):
        outer = 300 + side * 78
        inner = 300 + side * 22
        yo, yi = y + tilt[0], y + tilt[1]
        mid = (outer + inner) / 2
        out.append(f'<path d="M {outer} {yo} Q {mid} {min(yo, yi) - 10} {inner} {yi}" stroke="{colour}" '
                   'stroke-width="10" fill="none" stroke-linecap="round"/>')
    return "".join(out)


def mouth(p: Person, expression: str) -> str:
    if expression == "happy":
        return (
            f'<path d="M 262 436 Q 300 446 338 436 Q 334 484 300 486 Q 266 484 262 436 Z" fill="{LIP}"/>'
            '<path d="M 266 438 Q 300 448 334 438 L 332 452 Q 300 460 268 452 Z" fill="#ffffff"/>'
            '<path d="M 280 474 Q 300 468 320 474 Q 310 484 300 484 Q 290 484 280 474 Z" fill="#e07b86"/>'
        )
    if expression == "worried":
        return (f'<path d="M 278 458 Q 289 446 300 452 Q 311 458 322 446" stroke="{LIP}" stroke-width="7" '
                'fill="none" stroke-linecap="round"/>')
    if expression == "annoyed":
        return (f'<path d="M 276 454 Q 300 448 324 456" stroke="{LIP}" stroke-width="7" fill="none" '
                'stroke-linecap="round"/>')
    return (f'<path d="M 272 446 Q 300 462 328 446" stroke="{LIP}" stroke-width="7" fill="none" '
            'stroke-linecap="round"/>')


def cheeks(p: Person, expression: str) -> str:
    opacity = {"happy": 0.35, "neutral": 0.18, "worried": 0.12, "annoyed": 0.22}[expression]
    return "".join(f'<ellipse cx="{x}" cy="414" rx="24" ry="14" fill="#e8707a" opacity="{opacity}"/>'
                   for x in (232, 368))


def portrait_body(p: Person, expression: str) -> str:
    """The SVG elements of one portrait (no <svg> wrapper), in painting order."""
    face = "".join([
        "" if p.hair in BEHIND_TORSO else hair_back(p),
        head(p), cheeks(p, expression), hair_front(p), hat(p), beard(p),
        eyes(p, expression), brows(p, expression), mouth(p, expression), glasses(p), headset(p),
    ])
    # The head is drawn around (300, 360) and placed a little lower and larger: a short neck and a big
    # head read friendlier and keep the face legible when the portrait is small on screen.
    return "".join([
        f'<g transform="{HEAD_PLACEMENT}">{hair_back(p)}</g>' if p.hair in BEHIND_TORSO else "",
        f'<g transform="translate(300 0) scale({p.build} 1) translate(-300 0)">{torso(p)}</g>' if p.build != 1
        else torso(p),
        neck(p), f'<g transform="{HEAD_PLACEMENT}">{face}</g>',
    ])


def portrait(p: Person, expression: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'
        f"<title>{p.key} ({expression})</title>{portrait_body(p, expression)}</svg>\n"
    )


# ---------------------------------------------------------------------------------------------- the cast

CAST: dict[str, list[Person]] = {
    "commis-de-cuisine": [
        Person("karim", "tan", "short", "#2a211e", 48, "chef", "#f6f3ec", accent="#3d7ea6", beard="full",
               hat="toque", build=1.06),
        Person("lina", "warm-light", "bun", "#4a2e22", 23, "chef", "#f6f3ec", accent="#e07a5f", build=0.9),
        Person("awa", "deep", "curly", "#1f1a1c", 32, "server", "#2f3b4c", accent="#c2553f", build=0.92),
    ],
    "agent-logistique": [
        Person("nadia", "olive", "hijab", "#6f5a8e", 40, "hivis", "#2f4a6b", accent="yellow", build=0.94),
        Person("paul", "light", "bald", "#b9b4ae", 57, "hivis", "#5d6670", accent="orange", glasses=True,
               beard="moustache", build=1.08),
        Person("minh", "warm-light", "short", "#1e1b1f", 20, "hivis", "#3d8c6e", accent="yellow", build=0.96),
    ],
    "conducteur-routier": [
        Person("malik", "very-deep", "fade", "#17120f", 33, "polo", "#2f5d8a", accent="#f2b84b", beard="stubble",
               headset=True, build=1.03),
        Person("franck", "light", "short", "#8a6f5a", 51, "driver", "#c4473a", accent="#f2f2f2", beard="stubble",
               build=1.08),
        Person("leroy", "olive", "short", "#e8e6e2", 63, "shirt", "#55707f", accent="#cfe0ee", glasses=True),
    ],
    "electricien-batiment": [
        Person("sandrine", "porcelain", "pixie", "#a4532f", 45, "overalls", "#27406b", accent="#7fa8c9", build=0.95),
        Person("yanis", "brown", "curly", "#2b1d16", 17, "overalls", "#3b4454", accent="#f08a3c", build=0.93),
        Person("nguyen", "warm-light", "short", "#77716c", 68, "shirt", "#7d9a6a", accent="#f3efe6",
               beard="moustache", build=0.96),
    ],
    "aide-a-domicile": [
        Person("martin", "porcelain", "curly", "#ecebea", 84, "cardigan", "#a58bc4", accent="#f3e9dc",
               glasses=True, build=0.88),
        Person("fatou", "deep", "long", "#1d1718", 42, "tunic", "#6fb3b0", accent="#f7f3ea", build=0.95),
        Person("petit", "light", "bob", "#c9b38c", 62, "cardigan", "#d9826a", accent="#f2e4cf", build=0.92),
    ],
}


def write_cast(root: Path = ROOT) -> list[Path]:
    written = []
    for pack, people in CAST.items():
        folder = root / pack / "media" / "cast"
        folder.mkdir(parents=True, exist_ok=True)
        for person in people:
            for expression in EXPRESSIONS:
                path = folder / f"{person.key}-{expression}.svg"
                path.write_text(portrait(person, expression), encoding="utf-8")
                written.append(path)
    return written


if __name__ == "__main__":
    paths = write_cast()
    print(f"wrote {len(paths)} portraits under {ROOT}/*/media/cast/")
