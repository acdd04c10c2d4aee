"""`kiosk bench render`: GL renderer vs a bare full-screen quad vs pygame software blits.

For each scene: Python CPU per frame (batching, then GL submission), the time the GL
driver needs to finish the frame (fill), the full frame, its ratio to a bare textured
full-screen quad on the same context, and the pygame-ce software renderer on the same
scene. Then the idle attract screen's CPU use under the real frame loop.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import moderngl
import numpy as np

from kiosk.bench.scenes import BenchScene, standard_scenes
from kiosk.bench.stage import HITCH, StagedBench, rasterisation_ms, scene_change_frames, staged_scenes, warm
from kiosk.clock import MonotonicClock
from kiosk.events import InputEvent
from kiosk.render import shaders
from kiosk.render.context import create_offscreen_context
from kiosk.render.renderer import GLRenderer
from kiosk.render.software import SoftwareRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.attract import AttractCard, AttractScreen
from kiosk.runtime.loop import FixedStep, FrameLoop, FramePacer


@dataclass(frozen=True)
class SceneResult:
    name: str
    widgets: int
    instances: int
    draws: int
    build_ms: float
    build_cpu_ms: float  # the same, in the thread's CPU time (what other work on the machine does not inflate)
    submit_ms: float
    finish_ms: float
    frame_ms: float
    ratio_to_quad: float
    software_ms: float


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


class BareQuad:
    """One textured quad over the whole target: the least a full-screen frame costs."""

    def __init__(self, ctx: moderngl.Context, fbo: moderngl.Framebuffer, size: tuple[int, int]) -> None:
        self.ctx, self.fbo, self.size = ctx, fbo, size
        self.program = ctx.program(vertex_shader=shaders.BARE_QUAD_VERTEX, fragment_shader=shaders.BARE_QUAD_FRAGMENT)
        self.quad = ctx.buffer(np.array([0, 0, 1, 0, 0, 1, 1, 1], np.float32))
        self.vao = ctx.vertex_array(self.program, [(self.quad, "2f", "in_corner")])
        self.texture = ctx.texture((256, 256), 4, np.full((256, 256, 4), 90, np.uint8).tobytes())

    def frame_seconds(self) -> float:
        start = time.perf_counter()
        self.fbo.use()
        self.ctx.viewport = (0, 0, *self.size)
        self.fbo.clear(0.1, 0.1, 0.1, 1.0)  # a real frame clears first: the baseline pays for it too
        self.texture.use(0)
        self.vao.render(moderngl.TRIANGLE_STRIP)
        self.ctx.finish()
        return time.perf_counter() - start

    def release(self) -> None:
        for obj in (self.vao, self.quad, self.texture, self.program):
            obj.release()


def measure_scene(renderer: GLRenderer, software: SoftwareRenderer | None, bench: BenchScene, frames: int,
                  quad: BareQuad) -> SceneResult:
    """Frames of the scene interleaved with bare-quad frames, so both see the same machine load.
    `build_ms` counts building the scene (the screen's `view`) and batching it. `software`: also draw
    each frame with pygame's software renderer for comparison (None: skipped, `software_ms` is 0)."""
    build, build_cpu, submit, finish, total, soft, baseline = [], [], [], [], [], [], []
    batches = []
    for frame in range(frames + 3):
        t0, c0 = time.perf_counter(), time.thread_time()
        scene = bench.scene_at(frame)  # building the scene is part of the frame's Python
        batches = renderer.prepare(scene)
        t1, c1 = time.perf_counter(), time.thread_time()
        renderer.submit(batches, scene)
        t2 = time.perf_counter()
        renderer.finish()
        t3 = time.perf_counter()
        if software is not None:
            software.draw(scene)
        t4 = time.perf_counter()
        quad_seconds = quad.frame_seconds()
        if frame >= 3:
            baseline.append(quad_seconds)  # the first frames fill the atlases and caches
            build.append(t1 - t0)
            build_cpu.append(c1 - c0)
            submit.append(t2 - t1)
            finish.append(t3 - t2)
            total.append(t3 - t0)
            soft.append(t4 - t3 if software is not None else 0.0)
    frame_ms = _median_ms(total)
    return SceneResult(bench.name, bench.widgets, sum(len(b.rows) for b in batches), len(batches),
                       _median_ms(build), _median_ms(build_cpu), _median_ms(submit), _median_ms(finish), frame_ms,
                       frame_ms / _median_ms(baseline), _median_ms(soft))


def _software(r: SceneResult) -> str:
    """The pygame software columns, or dashes where the comparison was skipped."""
    if r.software_ms == 0:
        return f"{'—':>9} {'—':>7}"
    return f"{r.software_ms:8.2f}m {r.software_ms / r.frame_ms:6.2f}×"


def idle_attract_cpu(renderer: GLRenderer, cards: list[AttractCard], seconds: float) -> tuple[float, int]:
    """Share of one core the real frame loop uses on the attract screen, and frames drawn."""
    clock = MonotonicClock()
    stop = threading.Event()

    def wait(timeout: float | None) -> list[InputEvent]:
        stop.wait(timeout)
        return []

    screen = AttractScreen(cards, start=clock.now() - 7.0)  # first slide one second in
    loop = FrameLoop(screen, renderer, clock, wait, FramePacer(60, 30), FixedStep())
    cpu0, wall0 = time.process_time(), time.perf_counter()
    loop.run(until=clock.now() + seconds)
    renderer.finish()
    return (time.process_time() - cpu0) / (time.perf_counter() - wall0), loop.stats.frames_drawn


@dataclass(frozen=True)
class ScreenChange:
    name: str
    layouts: int  # lay_out calls the change made
    passes: int  # Taffy layouts they ran (a text's height follows the width it is given: kiosk.view.layout)
    layout_ms: float  # of which laying out (wall clock)
    build_ms: float  # building the Scene: the screen's builders, layout included (wall clock)
    batch_ms: float  # batching it for GL: renderer.prepare (wall clock)
    cpu_ms: float  # the CPU time the thread spent on both (what a loaded machine does not inflate)

    @property
    def python_ms(self) -> float:
        return self.build_ms + self.batch_ms


def measure_screen_changes(renderer: GLRenderer, scenarios: Path, offers: Path, size: tuple[int, int],
                           repeats: int) -> list[ScreenChange]:
    """Each screen of a visit (French, every step kind) built afresh, as when the visitor moves to it: the
    session screen's cache is emptied, so the page is laid out again; median of `repeats` rounds. The
    results are scored once beforehand (scoring is not the screen's cost)."""
    import tempfile

    from kiosk.i18n import NATIVE_NAMES, Catalogs, Words
    from kiosk.runtime.gallery import shots
    from kiosk.runtime.outcome import Outcome
    from kiosk.scenario.load import load_packs
    from kiosk.view.layout import COST, forget_layouts
    from kiosk.visit.sample import sample_outcomes

    packs, _errors = load_packs(scenarios)
    catalogs = Catalogs.load(NATIVE_NAMES)
    samples: dict[str, list[tuple[int, int, float, float, float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as folder:
        scored = sample_outcomes(offers, packs, Path(folder))
        kept: dict[tuple[str, bool], Outcome] = {}

        def outcomes(words: Words, easy: bool) -> Outcome:
            key = (words.language, easy)
            if key not in kept:
                kept[key] = scored(words, easy)
            return kept[key]

        for _round in range(repeats + 1):
            changes = shots(packs, catalogs, "fr", "normal", size, outcomes, every_step=False)
            while True:
                forget_layouts()  # laid out afresh: a screen seen before would reuse its boxes
                layouts, passes, spent = COST.layouts, COST.passes, COST.seconds
                t0, c0 = time.perf_counter(), time.thread_time()
                shot = next(changes, None)
                t1 = time.perf_counter()
                if shot is None:
                    break
                renderer.prepare(shot.scene)
                t2, c2 = time.perf_counter(), time.thread_time()
                if _round:  # the first round fills the glyph atlas and the measure caches
                    samples.setdefault(shot.name, []).append((COST.layouts - layouts, COST.passes - passes,
                                                              COST.seconds - spent, t1 - t0, t2 - t1, c2 - c0))
    return [ScreenChange(name, rows[0][0], rows[0][1], _median_ms([r[2] for r in rows]),
                         _median_ms([r[3] for r in rows]), _median_ms([r[4] for r in rows]),
                         _median_ms([r[5] for r in rows]))
            for name, rows in samples.items()]


def _staged_rows(renderer: GLRenderer, software: SoftwareRenderer | None, staged: StagedBench, frames: int,
                 quad: BareQuad, emit: Callable[[str], None]) -> list[SceneResult]:
    """The staged scenes, each also with the stage drawn every frame, and the dissolve's same-run anchor."""
    results: list[SceneResult] = []
    for bench in staged_scenes(staged):
        warm(renderer, bench.scene_at)
        r = measure_scene(renderer, software, bench, frames, quad)
        renderer.backdrop.enabled = False  # the same frames with the stage drawn every frame, as before
        before = measure_scene(renderer, software, bench, frames, quad)
        renderer.backdrop.enabled = True
        results.append(r)
        emit(f"{r.name:38} {r.widgets:7d} {r.instances:6d} {r.draws:5d} {r.build_ms:8.3f}m "
             f"{r.build_cpu_ms:7.3f}m {r.submit_ms:8.3f}m {r.build_ms + r.submit_ms:8.3f}m {r.finish_ms:8.2f}m "
             f"{r.frame_ms:7.2f}m {r.ratio_to_quad:6.2f}× {_software(r)}")
        emit(f"{'  (stage drawn every frame)':38} {'':7} {'':6} {'':5} {before.build_ms:8.3f}m "
             f"{before.build_cpu_ms:7.3f}m {before.submit_ms:8.3f}m {before.build_ms + before.submit_ms:8.3f}m "
             f"{before.finish_ms:8.2f}m {before.frame_ms:7.2f}m {before.ratio_to_quad:6.2f}×")
        results.append(replace(before, name=f"{r.name}, stage drawn every frame"))
        if "dissolving" in r.name:  # the anchor: the old scene kept, the new one and the people over it
            renderer.backdrop.fade_enabled = False
            old_way = measure_scene(renderer, software, bench, frames, quad)
            renderer.backdrop.fade_enabled = True
            emit(f"{'  (old scene kept, new one over it)':38} {'':7} {'':6} {'':5} {old_way.build_ms:8.3f}m "
                 f"{old_way.build_cpu_ms:7.3f}m {old_way.submit_ms:8.3f}m "
                 f"{old_way.build_ms + old_way.submit_ms:8.3f}m {old_way.finish_ms:8.2f}m "
                 f"{old_way.frame_ms:7.2f}m {old_way.ratio_to_quad:6.2f}×")
            results.append(replace(old_way, name=f"{r.name}, old scene kept"))
    return results


def run_render_bench(assets: Path, scenarios: Path, cards: list[AttractCard], size: tuple[int, int],
                     frames: int, idle_seconds: float, emit: Callable[[str], None] = print,
                     offers: Path | None = None, comparisons: bool = True) -> dict[str, Any]:
    """`comparisons`: also draw every frame with pygame's software renderer and time resvg's
    rasterisation (no row of issue 24's table; `kiosk bench all` skips them: about half the bench's time)."""
    ctx = create_offscreen_context()
    fonts = FontFiles.bundled(assets)
    roots = [assets / "images", scenarios]
    renderer = GLRenderer(ctx, size, roots, fonts)
    software = SoftwareRenderer(size, fonts, roots) if comparisons else None
    quad = BareQuad(ctx, renderer.fbo, size)
    quad_ms = _median_ms([quad.frame_seconds() for _ in range(frames)])
    emit(f"GL: {ctx.info['GL_RENDERER']} · {ctx.info['GL_VERSION']} · target {size[0]}×{size[1]} · "
         f"median of {frames} frames")
    emit(f"bare full-screen textured quad: {quad_ms:.2f} ms/frame (the baseline; re-measured between the"
         " frames of each scene for its ratio)")
    emit("")
    header = (f"{'scene':38} {'widgets':>7} {'inst':>6} {'draws':>5} {'py build':>9} {'py CPU':>8} {'GL submit':>9} "
              f"{'CPU total':>9} {'GL finish':>9} {'frame':>8} {'÷ quad':>7} {'pygame sw':>9} {'sw ÷ GL':>7}")
    emit(header)
    emit("-" * len(header))
    results = []
    for bench in standard_scenes(cards):
        r = measure_scene(renderer, software, bench, frames, quad)
        results.append(r)
        emit(f"{r.name:38} {r.widgets:7d} {r.instances:6d} {r.draws:5d} {r.build_ms:8.3f}m {r.build_cpu_ms:7.3f}m "
             f"{r.submit_ms:8.3f}m "
             f"{r.build_ms + r.submit_ms:8.3f}m {r.finish_ms:8.2f}m {r.frame_ms:7.2f}m {r.ratio_to_quad:6.2f}× "
             f"{_software(r)}")
    staged = StagedBench()
    renderer.images.roots.append(staged.root)
    try:
        results.extend(_staged_rows(renderer, software, staged, frames, quad, emit))
        change = scene_change_frames(renderer, staged)
        change_after_still = scene_change_frames(renderer, staged, held_still=True)
    finally:
        staged.close()
    emit("(m = milliseconds. py build: building the Scene and batching it in Python (wall clock); py CPU: the same in")
    emit(" the thread's CPU time. GL submit: the draw calls on")
    emit(" the main thread, which on llvmpipe includes the driver's vertex work. GL finish: waiting for the fill.")
    emit(" frame: all three.)")
    emit("")
    emit(_scene_change_line("", change))
    emit(_scene_change_line(" after the screen held still (the kept stage let go)", change_after_still))
    raster = rasterisation_ms() if comparisons else {}
    if raster:
        emit("resvg rasterisation of the bench's kitchen scene (measured in this process; the kiosk runs it in a "
             "worker process): " + ", ".join(f"{k} {v:.0f} ms" for k, v in raster.items()))
    figures: dict[str, Any] = {"quad_ms": quad_ms, "frames": frames, "size": list(size),
                               "scenes": [asdict(r) for r in results], "scene_change": change,
                               "scene_change_after_still": change_after_still,
                               "rasterise_ms": raster}
    changes = measure_screen_changes(renderer, scenarios, offers or assets / "offers" / "sample-offers.csv", size,
                                     repeats=max(3, min(frames, 9)))
    emit("")
    header = (f"{'screen change':36} {'layouts':>7} {'passes':>6} {'layout':>8} {'build':>8} {'batch':>8} "
              f"{'python':>8} {'CPU':>8}")
    emit(header)
    emit("-" * len(header))
    for c in changes:
        emit(f"{c.name:36} {c.layouts:7d} {c.passes:6d} {c.layout_ms:7.2f}m {c.build_ms:7.2f}m {c.batch_ms:7.2f}m "
             f"{c.python_ms:7.2f}m {c.cpu_ms:7.2f}m")
    worst = max(changes, key=lambda c: c.cpu_ms)
    emit("(a screen change: the page built afresh, layout included, then batched. layout, build, batch, python:")
    emit(" wall clock, which a machine shared with other work inflates; CPU: the thread's own CPU time for all of")
    emit(f" it. Worst: {worst.name}, {worst.cpu_ms:.2f} ms CPU ({worst.python_ms:.2f} ms wall), "
         f"{'within' if worst.cpu_ms <= 1000 / 60 else 'OVER'} one 60 Hz frame of 16.7 ms)")
    figures["screen_changes"] = [{**asdict(c), "python_ms": c.python_ms} for c in changes]
    figures["worst_screen_change_cpu_ms"] = worst.cpu_ms
    if idle_seconds > 0:
        share, drawn = idle_attract_cpu(renderer, cards, idle_seconds)
        figures["idle_attract_cpu"] = share
        emit("")
        emit(f"idle attract screen under the real frame loop: {share * 100:.1f}% of one core over "
             f"{idle_seconds:.0f} s ({drawn} frames drawn, slides every 8 s at 30 fps)")
    quad.release()
    renderer.release()
    return figures


def _scene_change_line(words: str, c: dict[str, Any]) -> str:
    """One scene change's figures (stage.scene_change_frames) as a sentence; `words`: what kind of change."""
    return (f"scene change to a new SVG background{words}, paced at 60 Hz: steady staged frame "
            f"{c['steady_ms']:.2f} ms; {c['waiting_frames']} frames drawn while it was rasterised in the worker, "
            f"decoded and uploaded in strips (longest {c['waiting_max_ms']:.2f} ms, {c['waiting_over_60hz']} over "
            f"16.7 ms, {c['hitches']} hitch(es) > {HITCH}× steady; most frame-thread CPU in one of them "
            f"{c['waiting_max_cpu_ms']:.2f} ms; {c['textures_made_ahead']} texture(s) made ahead), then the dissolve "
            f"(the stage before it kept, the one after it drawn a band a frame, then laid over it): median "
            f"{c['dissolve_median_ms'] or 0:.2f} ms, longest {c['dissolve_max_ms']:.2f} ms; then "
            f"{c['settled_median_ms'] or 0:.2f} ms. Worst frame {c['worst_ms']:.2f} ms, {c['over_60hz']} of "
            f"{c['frames']} frames over 16.7 ms")
