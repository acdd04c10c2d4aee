"""`kiosk bench render`, staging part: how long resvg takes to rasterise a scene at 1920×1080 and
3840×2160, a staged dialogue's frame against the bare full-screen quad, and the frames around a
scene change to an SVG background never rasterised before (it must stream in without a hitch).

The art is drawn here (a scene with a few dozen shapes and gradients, two characters with two
faces each), so the bench runs on any checkout; the sample packs' own art is measured when a pack
stages a dialogue.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kiosk.bench.scenes import BenchScene
from kiosk.render.renderer import GLRenderer
from kiosk.render.vector import rasterise_to
from kiosk.runtime.stage_view import Face, StageMoment, stage_nodes
from kiosk.scenario.model import Character, Place, Placement, Stage, Text, Transition
from kiosk.view import theme
from kiosk.view.nodes import Column, Group, Image, Node, Panel, Rect, Scene
from kiosk.view.nodes import Text as TextNode

FULL = Rect(0.0, 0.0, 1920.0, 1080.0)
HITCH = 1.5  # a frame this many times the steady frame is a visible hitch


def scene_svg(sky: str, floor: str, nonce: str = "") -> str:
    """A kitchen-like backdrop: gradients, tiles, shelves, pans; `nonce` makes its content (and hash) new."""
    tiles = "".join(f'<rect x="{x}" y="{y}" width="76" height="56" rx="4" fill="#ffffff" opacity="0.18"/>'
                    for x in range(0, 1920, 80) for y in range(120, 560, 60))
    shelves = "".join(f'<rect x="{x}" y="{y}" width="420" height="18" rx="6" fill="#6d4c41"/>'
                      f'<circle cx="{x + 80}" cy="{y - 40}" r="38" fill="#b0bec5"/>'
                      f'<circle cx="{x + 220}" cy="{y - 30}" r="28" fill="#90a4ae"/>'
                      for x in (120, 760, 1400) for y in (260, 420))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1920 1080" width="1920" height="1080">'
            f'<!-- {nonce} --><defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">'
            f'<stop offset="0" stop-color="{sky}"/><stop offset="1" stop-color="#ffffff"/></linearGradient>'
            f'<radialGradient id="lamp" cx="0.5" cy="0.2" r="0.6"><stop offset="0" stop-color="#fff8e1" '
            f'stop-opacity="0.8"/><stop offset="1" stop-color="#fff8e1" stop-opacity="0"/></radialGradient></defs>'
            f'<rect width="1920" height="720" fill="url(#sky)"/>{tiles}{shelves}'
            f'<rect y="720" width="1920" height="360" fill="{floor}"/>'
            f'<rect width="1920" height="1080" fill="url(#lamp)"/></svg>')


def character_svg(body: str, mouth: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 800" width="400" height="800">'
            f'<path d="M60 800 L60 420 Q200 300 340 420 L340 800 Z" fill="{body}"/>'
            f'<circle cx="200" cy="220" r="140" fill="#a1665e"/><path d="M70 170 Q200 40 330 170" fill="#3e2723"/>'
            f'<circle cx="150" cy="210" r="14" fill="#212121"/><circle cx="250" cy="210" r="14" fill="#212121"/>'
            f'<path d="{mouth}" stroke="#212121" stroke-width="14" fill="none" stroke-linecap="round"/></svg>')


SMILE, WORRY = "M130 280 Q200 340 270 280", "M130 300 Q200 260 270 300"


class StagedBench:
    """The art in a temporary pack folder, and the cast and scenes that name it."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="kiosk-bench-stage-")
        self.root = Path(self._folder.name)
        media = self.root / "bench" / "media"
        media.mkdir(parents=True)
        (media / "kitchen.svg").write_text(scene_svg("#80cbc4", "#455a64"))
        for who, colour in (("chef", "#e53935"), ("lina", "#00897b")):
            for face, mouth in (("neutral", "M140 290 L260 290"), ("happy", SMILE), ("worried", WORRY)):
                (media / f"{who}-{face}.svg").write_text(character_svg(colour, mouth))
        name = Text(MappingProxyType({"fr": "x"}))
        self.cast = {who: Character(who, name, MappingProxyType({f: f"media/{who}-{f}.svg"
                                                                 for f in ("neutral", "happy", "worried")}))
                     for who in ("chef", "lina")}
        self.scenes: dict[str, Place] = {"kitchen": Place("kitchen", "media/kitchen.svg")}
        self.stage = Stage("kitchen", (Placement("chef", "left"), Placement("lina", "right", "worried")))
        self.add_scene("hall", scene_svg("#b39ddb", "#37474f"))

    def add_scene(self, name: str, svg: str) -> None:
        (self.root / "bench" / "media" / f"{name}.svg").write_text(svg)
        self.scenes[name] = Place(name, f"media/{name}.svg")

    def nodes(self, moment: StageMoment) -> list[Node]:
        return stage_nodes(moment, self.cast, self.scenes, lambda path: f"bench/{path}")

    def dialogue(self, frame: int) -> Scene:
        """A staged dialogue as play_view draws one: the stage, a veil, the lines over it. The stage
        stands still (what the visitor sees while reading); the speaker changes every 60 frames."""
        moment = StageMoment(self.stage, 10.0, FULL, speaker="chef" if frame % 120 < 60 else "lina",
                             faces={"lina": Face("happy", "worried", 10.0)}, veil=0.5)
        return self.with_lines(moment)

    def entrance(self, frame: int) -> Scene:
        """The same dialogue while the two characters walk in and Lina's face cross-fades: the stage
        moves every frame (drawn from scratch each time)."""
        since = (frame % 24) / 60  # within MOVE_SECONDS: both still on their way
        moment = StageMoment(self.stage, since, FULL, speaker="chef",
                             faces={"lina": Face("happy", "worried", since)}, veil=0.5)
        return self.with_lines(moment)

    def before_dissolve(self) -> Scene:
        """The still stage `dissolve` starts from: the same people and lines in the first scene."""
        return self.with_lines(StageMoment(self.stage, 10.0, FULL, speaker="chef", veil=0.5))

    def dissolve(self, frame: int) -> Scene:
        """The same dialogue while the scene dissolves into another one (0.6 s; two full-screen pictures)."""
        hall = Stage("hall", self.stage.characters, Transition("dissolve", 0.6))
        moment = StageMoment(hall, 0.05 + (frame % 30) / 60, FULL, self.stage, speaker="chef", veil=0.5)
        return self.with_lines(moment)

    def with_lines(self, moment: StageMoment) -> Scene:
        lines = (TextNode(0, 0, "Chef", 30, theme.ACCENT, "bold"),
                 TextNode(0, 0, "Bonjour ! Aujourd'hui tu es au garde-manger avec Lina.", 38, theme.TEXT,
                          max_width=1584),
                 TextNode(0, 0, "Lina", 30, theme.ACCENT, "bold"),
                 TextNode(0, 0, "Salut ! On a du monde à midi, on va devoir s'organiser.", 38, theme.TEXT,
                          max_width=1584))
        return Scene(Group((*self.nodes(moment), Column(168, 160, lines, gap=18),
                            Panel(Rect(1380, 940, 420, 100), theme.ACCENT, radius=20))), theme.BACKGROUND)

    def close(self) -> None:
        self._folder.cleanup()


def rasterisation_ms(sizes: tuple[tuple[int, int], ...] = ((1920, 1080), (3840, 2160)),
                     repeats: int = 3) -> dict[str, float]:
    """resvg alone, in this process, on the bench's kitchen scene: median milliseconds per size."""
    svg = scene_svg("#80cbc4", "#455a64").encode()
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for width, height in sizes:
            samples = []
            for _ in range(repeats):
                start = time.perf_counter()
                rasterise_to(svg, (width, height), Path(folder) / "out.png")
                samples.append(time.perf_counter() - start)
            found[f"{width}x{height}"] = statistics.median(samples) * 1000
    return found


def scene_change_frames(renderer: GLRenderer, bench: StagedBench, after: int = 90,
                        change_at: int = 30, timeout: float = 60.0, held_still: bool = False) -> dict[str, Any]:
    """Frames paced at 60 Hz around a change to a scene never rasterised before, under the same people
    and lines: the old scene stays (still, so kept and copied) while the new one is rasterised in the
    worker, decoded and uploaded a strip per frame into its own texture; then it dissolves in over
    0.6 s, and `after` frames are drawn from its start (`timeout`: seconds to wait for it). The frame
    times, the longest, and how many were hitches or over 16.7 ms. `held_still`: the screen held still
    just before the change (a visitor reading), so the loop let the kept stage go (renderer.still())."""
    nonce = uuid.uuid4().hex  # a new content hash: the raster cache cannot have it
    name = f"fresh-{nonce[:12]}"  # a new file too: the picture library keeps what it has seen by name
    bench.add_scene(name, scene_svg("#ffcc80", "#5d4037", nonce))
    fresh = Stage(name, bench.stage.characters, Transition("dissolve", 0.6))
    picture = bench.nodes(StageMoment(fresh, 10.0, FULL))[0]
    assert isinstance(picture, Image)
    times: list[float] = []
    cpu: list[float] = []  # the frame thread's CPU time per frame (what the machine's load does not inflate)
    ready_at: int | None = None  # the first frame of the dissolve
    deadline = time.monotonic() + timeout
    frame = -1
    while (ready_at is None or frame + 1 < ready_at + after) and time.monotonic() < deadline:
        frame += 1
        t0, c0 = time.perf_counter(), time.thread_time()
        if ready_at is None and frame >= change_at \
                and renderer.images.uv(picture.source, (picture.rect.w, picture.rect.h)) is not None:
            ready_at = frame  # asked for at the change; whole in its texture now
        if ready_at is None:
            scene = bench.before_dissolve()  # the old scene until the new one is ready
        else:  # the same people and lines while the place changes under them
            scene = bench.with_lines(StageMoment(fresh, (frame - ready_at) / 60, FULL, bench.stage,
                                                 speaker="chef", veil=0.5))
        renderer.draw(scene)
        renderer.finish()
        if held_still and frame == change_at - 1:
            renderer.still()  # what the loop does after a frame when nothing moves
        took = time.perf_counter() - t0
        times.append(took)
        cpu.append(time.thread_time() - c0)
        time.sleep(max(0.0, 1 / 60 - took))
    return {**_scene_change_summary(times, change_at, ready_at),
            "waiting_max_cpu_ms": max(cpu[change_at:ready_at or len(cpu)], default=0.0) * 1000,
            "textures_made_ahead": renderer.spares.made}


def _scene_change_summary(times: list[float], change_at: int, arrival: int | None) -> dict[str, Any]:
    """The frame times split into before the change, waiting for the picture (rasterised, decoded,
    uploaded in strips), the dissolve and after it; `arrival`: the dissolve's first frame (None: the
    picture never arrived)."""
    frames = len(times)
    steady = statistics.median(times[5:change_at])
    end = arrival if arrival is not None else frames
    waiting = times[change_at:end]  # the old scene still shows while the new one is on its way
    dissolving = times[end:end + 36]  # 0.6 s at 60 Hz: two full-screen pictures
    settled = times[end + 37:]
    ms = 1000.0
    return {"steady_ms": steady * ms, "waiting_frames": len(waiting),
            "waiting_max_ms": max(waiting, default=0.0) * ms,
            "arrival_ms": times[arrival] * ms if arrival is not None else None,
            "dissolve_median_ms": statistics.median(dissolving) * ms if dissolving else None,
            "dissolve_max_ms": max(dissolving, default=0.0) * ms,
            "settled_median_ms": statistics.median(settled) * ms if settled else None,
            "hitches": sum(1 for t in waiting if t > HITCH * steady),
            "worst_ms": max(times[change_at:], default=0.0) * ms,
            "over_60hz": sum(1 for t in times[change_at:] if t > 1 / 60), "frames": frames - change_at,
            "waiting_over_60hz": sum(1 for t in waiting if t > 1 / 60)}


def staged_scenes(bench: StagedBench) -> list[BenchScene]:
    """The still stage (kept and copied, render/backdrop.py); people moving over a still scene (the
    scene kept); a scene dissolving under still people (the stage before and after it kept, the one
    laid over the other)."""
    return [BenchScene("staged dialogue (2 characters, SVG)", 9, bench.dialogue),
            BenchScene("staged dialogue, people walking in", 9, bench.entrance),
            BenchScene("staged dialogue, scene dissolving", 9, bench.dissolve)]


def warm(renderer: GLRenderer, scene_at: Callable[[int], Scene], seconds: float = 120.0) -> None:
    """Draw until every picture is rasterised (the steady state a visitor sees)."""
    deadline = time.monotonic() + seconds
    renderer.draw(scene_at(0))
    while renderer.waiting() and time.monotonic() < deadline:
        renderer.images.vectors.wait(seconds)
        renderer.draw(scene_at(0))
