"""WebVTT captions: parsed once into cues, looked up by media time (pure).

Errors name the file and line, with a hint; the clip then plays without captions rather
than not at all.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.errors import ContentError

_TIME = re.compile(r"^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$")
_TAG = re.compile(r"</?[^>]+>")


class CaptionError(ContentError):
    pass


@dataclass(frozen=True, slots=True)
class Cue:
    start: float
    end: float
    text: str


def _seconds(value: str, where: str) -> float:
    match = _TIME.match(value.strip())
    if match is None:
        raise CaptionError(f"{where}: bad timestamp {value.strip()!r}", hint="write times as 00:00:03.000 or "
                                                                               "00:03.000")
    hours, minutes, seconds, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def parse_vtt(text: str, source: str = "<captions>") -> tuple[Cue, ...]:
    lines = text.replace("\r\n", "\n").lstrip("\ufeff").split("\n")
    if not lines or not lines[0].startswith("WEBVTT"):
        raise CaptionError(f"{source}:1: not a WebVTT file", hint="the first line must be WEBVTT")
    cues: list[Cue] = []
    index = 1
    while index < len(lines):
        line = lines[index]
        if "-->" not in line:
            index += 1
            continue
        where = f"{source}:{index + 1}"
        start_text, _, rest = line.partition("-->")
        start, end = _seconds(start_text, where), _seconds(rest.split()[0] if rest.split() else "", where)
        if end <= start:
            raise CaptionError(f"{where}: the cue ends ({end:.3f} s) before it starts ({start:.3f} s)",
                               hint="swap the two times")
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip():
            body.append(_TAG.sub("", lines[index]).strip())
            index += 1
        cues.append(Cue(start, end, "\n".join(body)))
    return tuple(sorted(cues, key=lambda c: c.start))


def cue_at(cues: Sequence[Cue], t: float) -> str | None:
    """The caption on screen at media time `t` (overlapping cues: the latest started)."""
    started = bisect.bisect_right([c.start for c in cues], t)
    for cue in reversed(cues[:started]):
        if t < cue.end:
            return cue.text
    return None


def next_change(cues: Sequence[Cue], t: float) -> float | None:
    """When the caption shown next changes (a cue starts or ends after `t`)."""
    times = [x for c in cues for x in (c.start, c.end) if x > t]
    return min(times) if times else None
