"""`kiosk bench`: performance benchmarks, each printing its figures (docs/performance.md)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.commands import arguments
from kiosk.errors import KioskError

if TYPE_CHECKING:
    from kiosk.sync.client import LrsClient

Actions = argparse._SubParsersAction  # argparse exports no public name for it
BENCH_MEDIA = Path(".cache") / "bench-media"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="bench", required=True, metavar="WHAT")
    render = what.add_parser("render", help="GL render loop vs bare quad vs pygame software blits; a staged "
                             "dialogue, an SVG scene change, resvg rasterisation times; the Python time of each screen "
                             "change, layout included")
    render.add_argument("--size", type=arguments.size, default=(1920, 1080), help="target size (default 1920x1080)")
    render.add_argument("--frames", type=int, default=60, help="frames measured per scene (default 60)")
    render.add_argument("--idle-seconds", type=float, default=16.0,
                        help="how long to measure the idle attract screen (0 to skip; default 16)")
    sync = what.add_parser("sync", help="drain a backlog into an LRS: batched vs one per request")
    sync.add_argument("--statements", type=arguments.count, default=10_000, help="backlog size (default 10000)")
    sync.add_argument("--single", type=arguments.count, default=500,
                      help="statements sent one per request for the comparison (default 500)")
    arguments.lrs_arguments(sync, "an LRS xAPI endpoint (default: start a local Ralph)")
    video = what.add_parser("video", help="H.264 decode vs the kiosk's path (decode + draw every frame: frames "
                                          "scaled for the screen and copied in, against the clip's own frames drawn "
                                          "by the shaders), real-time presentation (drops, CPU), playlist gap, "
                                          "A/V offset")
    video.add_argument("--seconds", type=float, default=60.0, help="real-time presentation length (default 60)")
    video.add_argument("--runs", type=arguments.count, default=5,
                       help="alternated runs of each throughput measure, medians reported (default 5)")
    scoring = what.add_parser("scoring", help="calibration time and peak memory on a large simulated export "
                                              "(kiosk scoring calibrate --dry-run in a child)")
    scoring.add_argument("packs", nargs="*", type=Path, default=[Path("scenarios")], metavar="PACK")
    scoring.add_argument("--people", type=arguments.count, default=10_000, help="visits (default 10000)")
    scoring.add_argument("--seed", type=int, default=0)
    insights = what.add_parser("insights", help="statements read per second from an LRS by `kiosk insights`; time "
                                                "for 100k (extrapolated)")
    insights.add_argument("--statements", type=arguments.count, default=10_000,
                          help="statements stored and read (measured at half and full; default 10000)")
    arguments.lrs_arguments(insights, "an LRS xAPI endpoint to fill (default: a local Ralph)")
    _machine_arguments(what)


def _machine_arguments(what: Actions[argparse.ArgumentParser]) -> None:
    """The benches of the kiosk process itself: input latency, start-up, memory, and all of them at once."""
    latency = what.add_parser("input", help="button latency: board frame on a pty → driver queue, and → the session "
                                            "screen's handler in the real frame loop (p50/p99); idle CPU with a "
                                            "board")
    latency.add_argument("--samples", type=arguments.count, default=2000,
                         help="button events to the driver (default 2000)")
    latency.add_argument("--loop-samples", type=arguments.count, default=300,
                         help="button events through the frame loop to the screen (default 300)")
    latency.add_argument("--idle-seconds", type=arguments.positive, default=10.0,
                         help="idle CPU measured with the board connected (default 10)")
    start = what.add_parser("start", help="process start → first frame and READY=1 (NOTIFY_SOCKET), against a bare "
                                          "moderngl + pygame process")
    start.add_argument("--runs", type=arguments.count, default=3, help="alternated starts of each (default 3)")
    memory = what.add_parser("memory", help="RSS at READY=1 and after idling, and its growth over scripted visits "
                                            "through the real screens")
    memory.add_argument("--idle-seconds", type=arguments.positive, default=120.0,
                        help="idle time before the second RSS reading (default 120)")
    memory.add_argument("--visits", type=arguments.count, default=1000, help="scripted visits (default 1000)")
    memory.add_argument("--warm-up", type=arguments.count, default=100,
                        help="visits walked before the growth is counted (default 100)")
    every = what.add_parser("all", help="every bench above but sync, in one run; --json writes every figure",
                            description="Runs render, video, input, start and memory with the sample counts of "
                                        "docs/performance.md (aimed at 5 minutes on the project's 2-core VM; the "
                                        "1,100 visits alone need ~110 ms of CPU each), without the comparisons "
                                        "that are no row of issue 24's table (render's pygame software renderer "
                                        "and resvg times, video's one-frame costs, playlist gap and A/V offset: "
                                        "the benches alone give them); the memory bench's kiosk idles alongside "
                                        "the timing benches, its visits come last. Prints each bench's time and "
                                        "the total.")
    every.add_argument("--json", type=Path, metavar="FILE", help="write every figure to FILE (JSON)")
    every.add_argument("--seconds", type=arguments.positive, default=10.0,
                       help="real-time video presentation length (default 10)")
    every.add_argument("--idle-seconds", type=arguments.positive, default=120.0,
                       help="memory: idle time before the second RSS reading (default 120)")
    every.add_argument("--visits", type=arguments.count, default=1000, help="memory: scripted visits (default 1000)")
    table = what.add_parser("table", help="issue 24's table (Markdown) from the files of several `bench all --json` "
                                          "runs: min / median / max per figure, its target, met or missed",
                            description="Reads the JSON files `kiosk bench all --json FILE` wrote (one per run) and "
                                        "prints each figure's min / median / max over the runs (a run's own median "
                                        "where a bench made alternated passes), its target, and in how many runs "
                                        "the target was met.")
    table.add_argument("runs", nargs="+", type=Path, metavar="FILE", help="a `bench all --json` file")


def run(args: argparse.Namespace) -> int:
    BENCHES[args.bench](args)
    return 0


def _render(args: argparse.Namespace, frames: int, idle_seconds: float, comparisons: bool = True) -> dict[str, Any]:
    from kiosk.bench.render import run_render_bench
    from kiosk.runtime.attract import cards_from_trades
    from kiosk.scenario.catalog import discover_trades

    settings = arguments.settings(args)
    trades, _ = discover_trades(settings.content.scenarios)
    cards = cards_from_trades([(t.text("title", "fr"), t.text("pitch", "fr"), t.card_image, t.rome,
                                t.shortage_level) for t in trades])
    if not cards:
        raise KioskError(f"no trades found under {settings.content.scenarios}",
                         hint="run from the repository root, or set content.scenarios in the config")
    return run_render_bench(settings.content.assets, settings.content.scenarios, cards,
                            getattr(args, "size", (1920, 1080)), frames, idle_seconds, offers=settings.offers.path,
                            comparisons=comparisons)


def _lrs(args: argparse.Namespace) -> Callable[[], AbstractContextManager[LrsClient]]:
    """The LRS a bench fills: the one named by --lrs, else a local Ralph started for the bench."""
    from contextlib import nullcontext

    from kiosk.bench.sync import local_ralph
    from kiosk.sync.client import LrsClient

    if not args.lrs:
        return local_ralph
    given = LrsClient(args.lrs, args.user, args.password)
    return lambda: nullcontext(given)


def _sync(args: argparse.Namespace) -> None:
    from kiosk.bench.sync import run_sync_bench

    run_sync_bench(_lrs(args), args.statements, single=args.single)


def _insights(args: argparse.Namespace) -> None:
    from kiosk.bench.insights import run_insights_bench

    run_insights_bench(_lrs(args), args.statements)


def _video(args: argparse.Namespace) -> None:
    from kiosk.bench.video import run_video_bench

    settings = arguments.settings(args)
    run_video_bench(settings.content.assets, settings.content.scenarios, BENCH_MEDIA, args.seconds, args.runs)


def _scoring(args: argparse.Namespace) -> None:
    from kiosk.bench.scoring import run_scoring_bench

    run_scoring_bench(args.packs, args.people, args.seed)


def _input(args: argparse.Namespace) -> None:
    from kiosk.bench.input import run_input_bench

    run_input_bench(arguments.settings(args), args.samples, args.loop_samples, args.idle_seconds)


def _start(args: argparse.Namespace) -> None:
    from kiosk.bench.start import run_start_bench

    run_start_bench(arguments.settings(args), args.runs)


def _memory(args: argparse.Namespace) -> None:
    from kiosk.bench.start import run_memory_bench

    run_memory_bench(arguments.settings(args), args.idle_seconds, args.visits, args.warm_up)


def _table(args: argparse.Namespace) -> None:
    from kiosk.bench.table import read_runs, table

    print(table(read_runs(args.runs)), end="")


def _all(args: argparse.Namespace) -> None:
    import json

    figures = _all_figures(args)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"figures: {args.json}")


# `bench all`'s sample counts, chosen to fit its 5 minutes (docs/performance.md says why each suffices).
ALL_RENDER_FRAMES = 20  # alternated scene / bare-quad frames per scene: the ratio is a median of 20 pairs
ALL_VIDEO_RUNS, ALL_VIDEO_CLIP_SECONDS = 3, 2.0  # alternated throughput passes on 60-frame clips
ALL_INPUT = (1000, 300, 10.0)  # pty and driver events, presses through the loop, idle CPU seconds
ALL_STARTS = 3  # alternated bare / kiosk starts
ALL_WARM_UP = 100  # visits before the RSS growth is counted


def _all_figures(args: argparse.Namespace) -> dict[str, Any]:
    """The memory bench's kiosk is started first and idles on its attract screen (one process, a few
    per cent of a core) while the timing benches run, instead of 2 minutes of waiting at the end; the
    visits (CPU-bound, in this process) come last, so that no timing bench runs beside them."""
    import time

    from kiosk.bench.input import run_input_bench
    from kiosk.bench.start import idle_kiosk, run_memory_bench, run_start_bench
    from kiosk.bench.video import run_video_bench

    settings = arguments.settings(args)
    started = time.perf_counter()
    figures: dict[str, Any] = {}
    took: dict[str, float] = {}

    def timed(name: str, bench: Callable[[], dict[str, Any]]) -> None:
        began = time.perf_counter()
        figures[name] = bench()
        took[name] = time.perf_counter() - began
        print(f"({name}: {took[name]:.0f} s; {time.perf_counter() - started:.0f} s since the start)\n")

    with idle_kiosk(settings, args.idle_seconds) as idle:
        took["idle kiosk started"] = time.perf_counter() - started
        print(f"(the memory bench's kiosk idles alongside the benches below for {args.idle_seconds:g} s)\n")
        # idle CPU: the input bench's row; no pygame software or resvg comparisons (no row of the table)
        timed("render", lambda: _render(args, ALL_RENDER_FRAMES, 0.0, comparisons=False))
        timed("video", lambda: run_video_bench(settings.content.assets, settings.content.scenarios, BENCH_MEDIA,
                                               args.seconds, ALL_VIDEO_RUNS, clip_seconds=ALL_VIDEO_CLIP_SECONDS,
                                               compare_upload=False, extras=False))
        timed("input", lambda: run_input_bench(settings, *ALL_INPUT))
        timed("start", lambda: run_start_bench(settings, ALL_STARTS))
        timed("memory", lambda: run_memory_bench(settings, args.idle_seconds, args.visits,
                                                 min(ALL_WARM_UP, args.visits), idle))
    figures["seconds"] = time.perf_counter() - started
    figures["seconds_by_bench"] = took
    print(f"kiosk bench all: {figures['seconds']:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in took.items())})")
    return figures


BENCHES: dict[str, Callable[[argparse.Namespace], object]] = {
    "render": lambda args: _render(args, args.frames, args.idle_seconds),
    "sync": _sync, "video": _video, "scoring": _scoring, "insights": _insights, "input": _input,
    "start": _start, "memory": _memory, "all": _all, "table": _table,
}
