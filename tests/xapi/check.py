"""Checking statements with what the kiosk did not write.

- `independent_problems`: Learning Locker's `xapi-validation` (npm), run by node: xAPI 1.0.3 rules.
- `video_profile_problems`: the xAPI Video Profile's statement templates and patterns
  (https://w3id.org/xapi/video, v1.0.3: "Statement Templates", "Patterns", and the extension
  definitions), written here from the profile's text, not from the kiosk's builders: required
  extensions per verb, value ranges, and the order of a video session (initialized first,
  terminated last, played/paused alternating, completed once and only past the threshold, progress
  matching the played segments and never going back).
- `empty_objects`: paths of `{}`, `[]` or `""` (LRS models refuse them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("NOVA_TEST_CACHE", HERE.parents[1] / ".cache"))
XAPI_VALIDATION = "xapi-validation@2.1.4"
VIDEO = "https://w3id.org/xapi/video"
EXT = VIDEO + "/extensions/"
VIDEO_TYPE = VIDEO + "/activity-type/video"
VERBS = {"http://adlnet.gov/expapi/verbs/initialized": "initialized", VIDEO + "/verbs/played": "played",
         VIDEO + "/verbs/paused": "paused", VIDEO + "/verbs/seeked": "seeked",
         "http://adlnet.gov/expapi/verbs/completed": "completed",
         "http://adlnet.gov/expapi/verbs/terminated": "terminated"}
SEGMENTS = re.compile(r"^(\d+(\.\d+)?\[\.\]\d+(\.\d+)?)(\[,\]\d+(\.\d+)?\[\.\]\d+(\.\d+)?)*$")


def validator_module() -> Path:
    """`xapi-validation` as scripts/setup.sh installs it (installed here too if a checkout lacks it)."""
    folder = CACHE / "xapi-validation"
    module = folder / "node_modules" / "xapi-validation"
    if not (module / "package.json").exists():
        npm = shutil.which("npm")
        assert npm is not None, "npm is missing: run scripts/setup.sh (Debian nodejs + npm)"
        subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder),
                        XAPI_VALIDATION], check=True, capture_output=True, timeout=300)
    return module


def independent_problems(statements: Sequence[dict[str, Any]]) -> list[list[str]]:
    """One list of problems per statement (empty when valid) from `xapi-validation`."""
    node = shutil.which("node") or shutil.which("nodejs")
    assert node is not None, "node is missing: run scripts/setup.sh (Debian nodejs)"
    done = subprocess.run([node, str(HERE / "validate.js"), str(validator_module())], input=json.dumps(statements),
                          capture_output=True, text=True, check=True, timeout=120)
    problems: list[list[str]] = json.loads(done.stdout)
    return problems


def empty_objects(value: object, path: str = "") -> list[str]:
    """Paths of `{}`, `[]` and (outside extensions) `""`: xAPI LRS models refuse empty values."""
    if isinstance(value, dict):
        return ([path or "."] if not value else []) + [p for k, v in value.items()
                                                       for p in empty_objects(v, f"{path}.{k}")]
    if isinstance(value, list):
        return ([path] if not value else []) + [p for i, v in enumerate(value)
                                                for p in empty_objects(v, f"{path}[{i}]")]
    return [path] if value == "" and ".extensions." not in path else []


def _segments(text: str) -> list[tuple[float, float]]:
    return [(float(a), float(b)) for a, b in (part.split("[.]") for part in text.split("[,]"))] if text else []


def _covered(segments: Iterable[tuple[float, float]]) -> float:
    total, reach = 0.0, 0.0
    for start, end in sorted(segments):
        begin = max(start, reach)
        if end > begin:
            total, reach = total + end - begin, end
    return total


def _statement_problems(s: dict[str, Any], verb: str) -> list[str]:
    where = f"{verb} {s.get('id')}"
    problems = []
    context, result = s.get("context", {}), s.get("result", {})
    cext, rext = context.get("extensions", {}), result.get("extensions", {})
    if s["object"].get("definition", {}).get("type") != VIDEO_TYPE:
        problems.append(f"{where}: object is not a video activity")
    categories = [a.get("id") for a in context.get("contextActivities", {}).get("category", [])]
    if VIDEO not in categories:
        problems.append(f"{where}: the profile is not in context.contextActivities.category")
    if not isinstance(cext.get(EXT + "session-id"), str) or not context.get("registration"):
        problems.append(f"{where}: session-id and registration are required")
    needs_length = verb in ("initialized", "paused", "completed", "terminated")
    length = cext.get(EXT + "length")
    if needs_length and not (isinstance(length, int | float) and length >= 0):
        problems.append(f"{where}: context extension length is required")
    required = {"initialized": (), "played": ("time",), "paused": ("time", "progress", "played-segments"),
                "seeked": ("time-from", "time-to"), "completed": ("time", "progress", "played-segments"),
                "terminated": ("time", "progress", "played-segments")}[verb]
    problems += [f"{where}: result extension {name} is missing" for name in required if EXT + name not in rext]
    if verb == "initialized" and result:
        problems.append(f"{where}: initialized carries no result")
    if verb == "completed":
        if result.get("completion") is not True or not result.get("duration"):
            problems.append(f"{where}: completed needs result.completion true and result.duration")
        if EXT + "completion-threshold" not in cext:
            problems.append(f"{where}: completed states its completion-threshold")
    limit = float(length) if isinstance(length, int | float) else float("inf")
    for name in ("time", "time-from", "time-to"):
        if name in (n.removeprefix(EXT) for n in rext) and not 0 <= rext[EXT + name] <= limit:
            problems.append(f"{where}: {name} {rext[EXT + name]} is outside the clip (0..{limit})")
    for value, name in ((rext.get(EXT + "progress"), "progress"), (cext.get(EXT + "completion-threshold"),
                                                                   "completion-threshold")):
        if value is not None and not 0 <= value <= 1:
            problems.append(f"{where}: {name} {value} is outside 0..1")
    segments = rext.get(EXT + "played-segments")
    if segments is not None:
        if segments and not SEGMENTS.match(segments):
            problems.append(f"{where}: played-segments {segments!r} is not start[.]end[,]…")
        elif any(not 0 <= a <= b <= limit for a, b in _segments(segments)):
            problems.append(f"{where}: played-segments {segments!r} has a segment outside the clip")
    return problems


def video_profile_problems(statements: Sequence[dict[str, Any]]) -> list[str]:
    """`statements` in the order they happened; only the Video Profile's (by category) are checked."""
    sessions: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    problems: list[str] = []
    for s in statements:
        categories = [a.get("id") for a in s.get("context", {}).get("contextActivities", {}).get("category", [])]
        if VIDEO not in categories and s["object"].get("definition", {}).get("type") != VIDEO_TYPE:
            continue
        verb = VERBS.get(s["verb"]["id"])
        if verb is None:
            problems.append(f"{s['id']}: verb {s['verb']['id']} is not one the kiosk's video statements use")
            continue
        problems += _statement_problems(s, verb)
        session = str(s.get("context", {}).get("extensions", {}).get(EXT + "session-id"))
        sessions.setdefault(session, []).append((verb, s))
    for session, seen in sessions.items():
        verbs = [v for v, _ in seen]
        if verbs[0] != "initialized" or verbs.count("initialized") != 1:
            problems.append(f"session {session}: starts with {verbs[0]}, not one initialized")
        if verbs.count("terminated") != 1 or verbs[-1] != "terminated":
            problems.append(f"session {session}: {verbs} does not end with one terminated")
        if verbs.count("completed") > 1:
            problems.append(f"session {session}: completed more than once")
        playing, progress, segments = False, 0.0, ""
        for verb, s in seen:
            rext = s.get("result", {}).get("extensions", {})
            length = float(s["context"]["extensions"].get(EXT + "length", 0.0))
            if verb == "played":
                if playing:
                    problems.append(f"session {session}: played while already playing")
                playing = True
            elif verb == "paused":
                if not playing:
                    problems.append(f"session {session}: paused while not playing")
                playing = False
            elif verb == "terminated":
                playing = False
            if EXT + "played-segments" in rext:
                now = rext[EXT + "played-segments"]
                if not now.startswith(segments):
                    problems.append(f"session {session}: played-segments {now!r} rewrites {segments!r}")
                segments = now
                share = _covered(_segments(now)) / length if length > 0 else 1.0
                if abs(share - rext[EXT + "progress"]) > 0.002:
                    problems.append(f"session {session}: progress {rext[EXT + 'progress']} but the segments "
                                    f"cover {share:.3f}")
            if EXT + "progress" in rext:
                if rext[EXT + "progress"] + 1e-9 < progress:
                    problems.append(f"session {session}: progress went back to {rext[EXT + 'progress']}")
                progress = rext[EXT + "progress"]
            if verb == "completed":
                threshold = s["context"]["extensions"].get(EXT + "completion-threshold", 1.0)
                if rext.get(EXT + "progress", 0.0) + 1e-9 < threshold:
                    problems.append(f"session {session}: completed at progress {rext.get(EXT + 'progress')} "
                                    f"below its threshold {threshold}")
    return problems
