"""Generate the media the sample scenario packs refer to, then seal the packs that lint clean.

Large media stay out of git: each pack's YAML names its clips and pictures, and this
script draws whatever is missing — H.264 clips with a sound track (ffmpeg), 360°
equirectangular pictures with the hotspots drawn where the scenario places them, and
illustrations. Clips carry a sync mark: a white frame border and a 50 ms beep at the
start of every second, so A/V offset can be measured on them.

    .venv/bin/python scripts/make_sample_media.py [--force] [--no-seal] [PACK ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import numpy as np
import pygame

from kiosk.commands.content import content_errors
from kiosk.scenario.load import find_packs, inspect_pack
from kiosk.scenario.manifest import seal
from kiosk.scenario.model import DialogueStep, HotspotStep, Pack, Step, VideoStep

REPO = Path(__file__).resolve().parents[1]
FONT = REPO / "assets" / "fonts" / "NotoSans-Regular.ttf"
FONT_BOLD = REPO / "assets" / "fonts" / "NotoSans-Bold.ttf"
FPS = 25
CLIP_SIZE = (960, 540)
CLIP_360_SIZE = (1280, 640)
PANORAMA_SIZE = (2048, 1024)
DEFAULT_SECONDS = 6.0
PALETTE = [(38, 70, 83), (42, 157, 143), (233, 196, 106), (244, 162, 97), (231, 111, 81)]


def _font(size: int, bold: bool = False) -> pygame.font.Font:
    return pygame.font.Font(str(FONT_BOLD if bold else FONT), size)


def _vtt_seconds(path: Path) -> float | None:
    """End time of the last cue of a WebVTT file."""
    if not path.is_file():
        return None
    ends = re.findall(r"--> (\d+):(\d\d):(\d\d)\.(\d{3})", path.read_text(encoding="utf-8"))
    if not ends:
        return None
    h, m, s, ms = (int(v) for v in ends[-1])
    return h * 3600 + m * 60 + s + ms / 1000


def _blit_wrapped(surface: pygame.Surface, text: str, font: pygame.font.Font, rect: pygame.Rect,
                  colour: tuple[int, int, int]) -> None:
    words, line, y = text.split(), "", rect.top
    for word in [*words, ""]:
        trial = f"{line} {word}".strip()
        if word and font.size(trial)[0] <= rect.width:
            line = trial
            continue
        surface.blit(font.render(line, True, colour), (rect.left, y))
        y += font.get_linesize()
        line = word


def _flat_frame(title: str, subtitle: str, t: float, seconds: float, hue: int) -> pygame.Surface:
    w, h = CLIP_SIZE
    surface = pygame.Surface(CLIP_SIZE)
    base, accent = PALETTE[hue % len(PALETTE)], PALETTE[(hue + 2) % len(PALETTE)]
    column = np.linspace(0.0, 1.0, h)[None, :, None]
    pixels = (np.array(base)[None, None, :] * (1 - 0.5 * column)).astype(np.uint8)
    pygame.surfarray.blit_array(surface, np.broadcast_to(pixels, (w, h, 3)).copy())
    x = int((t / seconds) * (w + 200)) - 100  # a shape crossing the screen: motion to see drops by
    pygame.draw.circle(surface, accent, (x, int(h * 0.7)), 60)
    surface.blit(_font(44, bold=True).render(title, True, (255, 255, 255)), (48, 40))
    _blit_wrapped(surface, subtitle, _font(26), pygame.Rect(48, 110, w - 96, 200), (235, 235, 235))
    surface.blit(_font(22).render(f"{t:5.2f} s", True, (255, 255, 255)), (w - 130, h - 44))
    if t % 1.0 < 1.0 / FPS:  # sync mark, with the beep
        pygame.draw.rect(surface, (255, 255, 255), surface.get_rect(), 12)
    return surface


def _equirect_background(size: tuple[int, int], hue: int) -> pygame.Surface:
    w, h = size
    surface = pygame.Surface(size)
    rows = np.linspace(90.0, -90.0, h)  # pitch of each row
    wall, floor = np.array(PALETTE[hue % len(PALETTE)]), np.array((70, 60, 55))
    sky = np.array((225, 230, 235))
    colours = np.where(rows[:, None] > 35, sky, np.where(rows[:, None] > -25, wall, floor))
    shade = (0.75 + 0.25 * np.cos(np.radians(rows)))[:, None]
    pixels = (colours * shade).astype(np.uint8)  # (h, 3)
    pygame.surfarray.blit_array(surface, np.broadcast_to(pixels[None, :, :], (w, h, 3)).copy())
    for yaw in range(-180, 180, 30):  # vertical guides every 30°: the room's corners and columns
        x = int((yaw + 180) / 360 * w)
        pygame.draw.line(surface, (255, 255, 255), (x, int(h * 0.3)), (x, int(h * 0.64)), 1)
    return surface


def _to_xy(yaw: float, pitch: float, size: tuple[int, int]) -> tuple[int, int]:
    w, h = size
    return int((yaw + 180) / 360 * w) % w, int((90 - pitch) / 180 * h)


def panorama(step: HotspotStep, hue: int) -> pygame.Surface:
    surface = _equirect_background(PANORAMA_SIZE, hue)
    for index, spot in enumerate(step.spots):
        x, y = _to_xy(spot.yaw, spot.pitch, PANORAMA_SIZE)
        colour = PALETTE[(hue + index + 1) % len(PALETTE)]
        r = int(spot.radius / 360 * PANORAMA_SIZE[0])
        pygame.draw.rect(surface, colour, pygame.Rect(x - r, y - r // 2, 2 * r, r), border_radius=12)
        label = _font(22, bold=True).render(spot.text.get("fr"), True, (20, 20, 20))
        surface.blit(label, (x - label.get_width() // 2, y + r // 2 + 8))
    return surface


def _encode(path: Path, size: tuple[int, int], seconds: float, frames: list[bytes]) -> None:
    """Pipe raw RGB frames into ffmpeg: H.264 picture + AAC sound with a beep each second."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        sys.exit("make_sample_media: ffmpeg is missing (apt install ffmpeg, or run scripts/setup.sh)")
    audio = f"aevalsrc='0.4*sin(2*PI*880*t)*lt(mod(t\\,1)\\,0.05)+0.05*sin(2*PI*220*t)':s=48000:d={seconds}"
    cmd = [ffmpeg, "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{size[0]}x{size[1]}",
           "-r", str(FPS), "-i", "-", "-f", "lavfi", "-i", audio, "-c:v", "libx264", "-preset", "veryfast",
           "-pix_fmt", "yuv420p", "-profile:v", "main", "-c:a", "aac", "-b:a", "96k", "-shortest",
           "-movflags", "+faststart", str(path)]
    with subprocess.Popen(cmd, stdin=subprocess.PIPE) as proc:
        assert proc.stdin is not None
        for frame in frames:
            proc.stdin.write(frame)
        proc.stdin.close()
        if proc.wait() != 0:
            sys.exit(f"make_sample_media: ffmpeg failed on {path}")


def _rgb_bytes(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


def flat_clip(path: Path, title: str, subtitle: str, seconds: float, hue: int) -> None:
    count = int(seconds * FPS)
    frames = [_rgb_bytes(_flat_frame(title, subtitle, i / FPS, seconds, hue)) for i in range(count)]
    _encode(path, CLIP_SIZE, seconds, frames)


def immersive_clip(path: Path, title: str, seconds: float, hue: int) -> None:
    background = _equirect_background(CLIP_360_SIZE, hue)
    frames = []
    for i in range(int(seconds * FPS)):
        t = i / FPS
        frame = background.copy()
        yaw = -180 + (t / seconds) * 360  # a marker travelling once around the viewer
        pygame.draw.circle(frame, PALETTE[(hue + 3) % len(PALETTE)], _to_xy(yaw, 0, CLIP_360_SIZE), 28)
        text = _font(30, bold=True).render(title, True, (20, 20, 20))
        frame.blit(text, (CLIP_360_SIZE[0] // 2 - text.get_width() // 2, int(CLIP_360_SIZE[1] * 0.22)))
        if t % 1.0 < 1.0 / FPS:
            pygame.draw.rect(frame, (255, 255, 255), frame.get_rect(), 10)
        frames.append(_rgb_bytes(frame))
    _encode(path, CLIP_360_SIZE, seconds, frames)


def illustration(path: Path, title: str, subtitle: str, hue: int) -> None:
    surface = _flat_frame(title, subtitle, 0.5, DEFAULT_SECONDS, hue)
    pygame.image.save(surface, str(path))


def _step_title(pack: Pack, step: Step) -> tuple[str, str]:
    text = step.text.get("fr") if step.text else ""
    if isinstance(step, DialogueStep) and step.lines:
        text = step.lines[0].says.get("fr")
    return pack.trade.title.get("fr"), text


def _sounds() -> Any:
    """scripts/make_sample_sounds.py, loaded by path (this script is loaded by path by the tests too)."""
    spec = importlib.util.spec_from_file_location("make_sample_sounds", Path(__file__).with_name(
        "make_sample_sounds.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_pack_media(pack: Pack, force: bool) -> list[Path]:
    made: list[Path] = []
    hue = sum(map(ord, pack.id))

    def wanted(relative: str) -> Path | None:
        target = pack.root / relative
        if target.exists() and not force:
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        made.append(target)
        return target

    for step in pack.scenario.steps:
        title, subtitle = _step_title(pack, step)
        if isinstance(step, VideoStep) and (target := wanted(step.clip)):
            captions = [_vtt_seconds(pack.root / p) for p in step.captions.values()]
            seconds = max([c for c in captions if c] or [DEFAULT_SECONDS])
            if step.immersive:
                immersive_clip(target, title, seconds, hue)
            else:
                flat_clip(target, title, subtitle, seconds, hue)
        elif isinstance(step, HotspotStep) and (target := wanted(step.image)):
            pygame.image.save(panorama(step, hue), str(target))
        image = getattr(step, "image", None)
        if image and not isinstance(step, HotspotStep) and (target := wanted(image)):
            illustration(target, title, subtitle, hue)
    for place in pack.scenario.scenes.values():  # an ambient a scene names: synthesised from its name
        if place.ambient and (target := wanted(place.ambient)):
            _sounds().make_ambient(target, force=True)
    if pack.trade.video and (target := wanted(pack.trade.video)):
        flat_clip(target, pack.trade.title.get("fr"), pack.trade.pitch.get("fr"), DEFAULT_SECONDS, hue)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("packs", nargs="*", type=Path, default=[REPO / "scenarios"])
    parser.add_argument("--force", action="store_true", help="redraw media that already exist")
    parser.add_argument("--no-seal", action="store_true", help="do not write manifest.json")
    args = parser.parse_args(argv)
    pygame.font.init()
    skipped: list[str] = []
    for pack_dir in find_packs(args.packs):
        inspection = inspect_pack(pack_dir, check_manifest=False)
        if inspection.draft is None:
            print(f"make_sample_media: {pack_dir.name}: skipped, fix it first (kiosk lint {pack_dir})")
            skipped.append(pack_dir.name)
            continue
        made = make_pack_media(inspection.draft, args.force)
        sealed = "" if args.no_seal else _seal_if_clean(pack_dir, skipped)
        print(f"make_sample_media: {pack_dir.name}: {len(made)} file(s) made{sealed}")
    if skipped and not args.no_seal:
        print(f"make_sample_media: not sealed (a kiosk will not serve them): {', '.join(skipped)}")
    return 0


def _seal_if_clean(pack_dir: Path, skipped: list[str]) -> str:
    """Seal a pack only when it lints clean, as `kiosk pack seal` does; say why otherwise."""
    errors = content_errors(pack_dir)
    if errors:
        skipped.append(pack_dir.name)
        first = errors[0]
        return (f", NOT sealed: {len(errors)} lint error(s), first {first.mark}: {first.message} "
                f"(fix them, then `kiosk pack seal {pack_dir}`)")
    return f", sealed {seal(pack_dir).name}"


if __name__ == "__main__":
    raise SystemExit(main())
