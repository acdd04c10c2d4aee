"""`kiosk bench table`: issue 24's table from the files of several `kiosk bench all --json` runs.

Each row takes one figure from each run (a run's own median where the bench made several
alternated passes), prints min / median / max over the runs, the target, and whether the target
was met — in every run, in some, or in none — computed from the figures, never written by hand.
A figure a run's file lacks (a bench changed its output, or did not run) is said to be missing.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError

Figures = Mapping[str, Any]


def _at(figures: Figures, *path: str | int) -> Any:
    """figures[path[0]][path[1]]…, or None where any step is missing."""
    value: Any = figures
    for step in path:
        if isinstance(value, Mapping) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and -len(value) <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def _number(value: Any) -> float | None:
    """A figure as one number: a list of alternated passes gives its median."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, list) and value and all(isinstance(v, int | float) and not isinstance(v, bool)
                                                 for v in value):
        return float(statistics.median(value))
    return None


def _scene(figures: Figures, prefix: str, field: str) -> float | None:
    """A field of the render bench's first scene whose name starts with `prefix`."""
    scenes = _at(figures, "render", "scenes")
    if not isinstance(scenes, list):
        return None
    found = next((s for s in scenes if isinstance(s, Mapping) and str(s.get("name", "")).startswith(prefix)), None)
    return None if found is None else _number(found.get(field))


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


@dataclass(frozen=True)
class Row:
    figure: str
    target: str
    read: Callable[[Figures], float | None]
    meets: Callable[[float], bool]
    digits: int = 2
    unit: str = ""


def _ratio_over(path: tuple[str, ...]) -> Callable[[Figures], float | None]:
    return lambda f: _number(_at(f, *path))


ROWS: tuple[Row, ...] = (
    Row("1080p decode + draw ÷ raw decode (best decoder)", "≥ 0.9",
        _ratio_over(("video", "1080p", "decode_draw_ratio")), lambda v: v >= 0.9),
    Row("720p decode + draw ÷ raw decode (best decoder)", "≥ 0.9",
        _ratio_over(("video", "720p", "decode_draw_ratio")), lambda v: v >= 0.9),
    Row("frames missed at 60 Hz, 1080p30", "0",
        _ratio_over(("video", "realtime", "1080p30", "missed")), lambda v: v == 0, 0),
    Row("frames missed at 60 Hz, 720p30", "0",
        _ratio_over(("video", "realtime", "720p30", "missed")), lambda v: v == 0, 0),
    Row("board → screen handler p99 over the bare pty's, headless", "≤ 2 ms",
        _ratio_over(("input", "handler_p99_over_pty_ms")), lambda v: v <= 2.0, 2, " ms"),
    Row("board → screen handler p99 over the bare pty's, window", "≤ 2 ms",
        _ratio_over(("input", "window_handler_p99_over_pty_ms")), lambda v: v <= 2.0, 2, " ms"),
    Row("idle CPU, attract screen with a board, headless", "≤ 3 % of a core",
        lambda f: _percent(_number(_at(f, "input", "idle_cpu_with_board"))), lambda v: v <= 3.0, 1, " %"),
    Row("idle CPU, attract screen with a board, window", "≤ 3 % of a core",
        lambda f: _percent(_number(_at(f, "input", "idle_cpu_with_board_window"))), lambda v: v <= 3.0, 1, " %"),
    Row("Python CPU per frame, 1000 widgets changing (build included)", "≤ 2 ms",
        lambda f: _scene(f, "stress 1000 changing", "build_cpu_ms"), lambda v: v <= 2.0, 2, " ms"),
    Row("Python CPU per frame, 1000 widgets, every node rebuilt", "≤ 2 ms",
        lambda f: _scene(f, "stress 1000 widgets (all rebuilt)", "build_cpu_ms"), lambda v: v <= 2.0, 2, " ms"),
    Row("catalogue frame ÷ bare quad", "≤ 1.3",
        lambda f: _scene(f, "catalogue", "ratio_to_quad"), lambda v: v <= 1.3),
    Row("cold start to READY ÷ bare process", "≤ 3×",
        _ratio_over(("start", "ratio")), lambda v: v <= 3.0, 2, "×"),
    Row("cold start to READY", "≤ 1.0 s",
        _ratio_over(("start", "kiosk_ready_s")), lambda v: v <= 1.0, 2, " s"),
    Row("RSS after idling on the attract screen", "≤ 200 MB",
        _ratio_over(("memory", "rss_idle_mb")), lambda v: v <= 200.0, 0, " MB"),
    Row("RSS growth over the scripted visits, after warm-up", "≤ 2 MB",
        _ratio_over(("memory", "visit_rss_growth_mb")), lambda v: v <= 2.0, 1, " MB"),
    Row("`kiosk bench all` duration", "< 300 s",
        _ratio_over(("seconds",)), lambda v: v < 300.0, 0, " s"),
)


def _spread(values: Sequence[float], digits: int, unit: str) -> str:
    if len(values) == 1:
        return f"{values[0]:.{digits}f}{unit}"
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{low:.{digits}f} / {mid:.{digits}f} / {high:.{digits}f}{unit}"


def _verdict(met: int, measured: int, runs: int) -> str:
    missing = "" if measured == runs else f"; not measured in {runs - measured} of {runs}"
    counted = f"{measured} of {measured} run{'s' if measured > 1 else ''}"
    if measured == 0:
        return "not measured"
    if met == measured:
        return f"met ({counted}{missing})"
    if met == 0:
        return f"missed ({counted}{missing})"
    return f"met in {met} of {measured} runs{missing}"


def _settings(runs: Sequence[Figures]) -> list[str]:
    """What the runs were asked to measure, where it changes a row's meaning (durations, counts)."""
    notes = []
    for label, path, unit in (("real-time video", ("video", "seconds"), " s"),
                              ("idle before the RSS reading", ("memory", "idle_seconds"), " s"),
                              ("visits", ("memory", "visits"), ""), ("warm-up visits", ("memory", "warm_up"), "")):
        seen = sorted({v for v in (_number(_at(r, *path)) for r in runs) if v is not None})
        if seen:
            notes.append(f"{label}: {' / '.join(f'{v:g}{unit}' for v in seen)}")
    return notes


def table(runs: Sequence[Figures]) -> str:
    """The issue's rows as Markdown, from the figures of `runs` (each a `bench all --json` file's content)."""
    if not runs:
        raise KioskError("no runs to tabulate", hint="give the files `kiosk bench all --json FILE` wrote")
    lines = [f"| figure | min / median / max over {len(runs)} run{'s' if len(runs) > 1 else ''} | target | |",
             "|---|---|---|---|"]
    for row in ROWS:
        values = [v for v in (row.read(r) for r in runs) if v is not None]
        shown = _spread(values, row.digits, row.unit) if values else "—"
        met = sum(1 for v in values if row.meets(v))
        lines.append(f"| {row.figure} | {shown} | {row.target} | {_verdict(met, len(values), len(runs))} |")
    notes = _settings(runs)
    if notes:
        lines += ["", "Runs: " + "; ".join(notes) + "."]
    return "\n".join(lines) + "\n"


def read_runs(paths: Sequence[Path]) -> list[Figures]:
    runs: list[Figures] = []
    for path in paths:
        try:
            figures = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise KioskError(f"cannot read {path}: {error.strerror}") from None
        except json.JSONDecodeError as error:
            raise KioskError(f"{path} is not JSON ({error.msg}, line {error.lineno})",
                             hint="give the files `kiosk bench all --json FILE` wrote") from None
        if not isinstance(figures, dict):
            raise KioskError(f"{path} holds no figures (a JSON object is expected)",
                             hint="give the files `kiosk bench all --json FILE` wrote")
        runs.append(figures)
    return runs
