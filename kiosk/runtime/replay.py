"""Replaying a visit's input journal: the same inputs at the same times reach the same states.

A journal is a header line (what the kiosk was: packs and settings) and one entry per input
or state change: {"t", "visit", "state", "input"?}. `replay` feeds each input to a fresh
SessionScreen on a manual clock and compares the state after every entry with the recorded
one; the first difference is reported, not hidden.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kiosk.clock import ManualClock
from kiosk.errors import ContentError
from kiosk.events import decode
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.session import Timing
from kiosk.runtime.session_screen import ScreenSettings, SessionScreen

FORMAT = "nova-journal/2"  # what this kiosk writes and reads: taps on laid-out screens of the recorded size
READS = (FORMAT,)
FIXED_LAYOUT = "nova-journal/1"  # taps on the fixed-coordinate screens, before the layout engine
# A journal holds device inputs (taps, keys, buttons, head poses) and state labels, never the actions
# they lead to, so typing the actions left version 1 unchanged. Laying the screens out for each
# language and shape did not: a tap is a position, and version 1's taps land on other buttons now, so
# version 2 (which records the screen's size) replaced it and version 1 is refused saying why. A change
# to what an entry holds or to the state label gets a new version, and READS says which ones replay.


class JournalError(ContentError):
    """A journal that cannot be read (not a replay's fault: the file)."""


@dataclass(frozen=True)
class Journal:
    header: dict[str, Any]
    entries: list[dict[str, Any]]

    @property
    def visit(self) -> int:
        return int(self.header.get("visit", 1))


def journal_header(settings: ScreenSettings, packs: dict[str, str], default_language: str,
                   kiosk_version: str, display: str = "flat-screen") -> dict[str, Any]:
    return {"format": FORMAT, "kiosk": kiosk_version, "packs": packs, "language": default_language,
            "display": display, "size": list(settings.size),
            "idle_after": settings.timing.idle_after, "warn_for": settings.timing.warn_for,
            "scan_every": settings.scan_every, "retention_days": settings.retention_days,
            "prefs": {name: getattr(settings.defaults, name) for name in Prefs.__dataclass_fields__}}


def screen_settings(header: dict[str, Any]) -> ScreenSettings:
    width, height = header.get("size", (1920, 1080))  # the kiosk's screen: taps are positions on its layout
    return ScreenSettings(Timing(float(header["idle_after"]), float(header["warn_for"])),
                          Prefs(**header.get("prefs", {})), float(header["scan_every"]),
                          int(header.get("retention_days", 30)), (int(width), int(height)))


def parse_journal(lines: Iterable[str], where: str = "<journal>") -> Journal:
    header: dict[str, Any] | None = None
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise JournalError(f"{where}:{number}:{exc.colno}: not JSON ({exc.msg})",
                               hint="journals are written by the kiosk; was this one cut or edited?") from exc
        if header is None:
            _check_format(data, f"{where}:{number}")
            header = data
        elif not isinstance(data.get("t"), int | float) or "state" not in data:
            raise JournalError(f"{where}:{number}: an entry needs `t` and `state`",
                               hint="journals are written by the kiosk; was this one edited?")
        else:
            try:
                if "input" in data:
                    decode(data["input"])
            except (ValueError, TypeError) as exc:
                raise JournalError(f"{where}:{number}: {exc}", hint="journals are written by the kiosk") from exc
            entries.append(data)
    if header is None:
        raise JournalError(f"{where}: empty journal", hint="the visit had no input recorded")
    return Journal(header, entries)


def _check_format(header: Any, where: str) -> None:
    """A journal of another version is refused, saying which version it is and what replays it."""
    found = header.get("format") if isinstance(header, dict) else None
    if found in READS:
        return
    if not isinstance(found, str) or not found.startswith("nova-journal/"):
        raise JournalError(f"{where}: not a kiosk journal (its first line has no `format` {FORMAT})",
                           hint="give a file from the kiosk's [session] replays folder")
    written_by = header.get("kiosk") or "another version"
    if found == FIXED_LAYOUT:
        raise JournalError(f"{where}: journal format {found} (written by kiosk {written_by}) recorded taps on the "
                           f"screens before they were laid out for each language and shape; on this kiosk's "
                           f"screens ({FORMAT}) those taps land on other buttons",
                           hint=f"replay it with `kiosk replay` of the version that wrote it ({written_by}), "
                                "or record the visit again on this one")
    raise JournalError(f"{where}: journal format {found} (written by kiosk {written_by}); this kiosk replays "
                       f"{', '.join(READS)}",
                       hint=f"replay it with `kiosk replay` of the version that wrote it ({written_by}), "
                            "or record the visit again on this one")


@dataclass(frozen=True)
class Divergence:
    entry: int  # 1-based index among the entries
    t: float
    expected: str
    got: str


@dataclass
class ReplayResult:
    states: list[tuple[float, str]] = field(default_factory=list)
    divergence: Divergence | None = None


def replay(journal: Journal, make_screen: Callable[[float, int], SessionScreen],
           on_state: Callable[[float, SessionScreen, dict[str, Any]], None] | None = None) -> ReplayResult:
    """`make_screen(start, first_visit)` builds the screen the kiosk had; `on_state` sees each state
    (screenshots)."""
    result = ReplayResult()
    if not journal.entries:
        return result
    clock = ManualClock(float(journal.entries[0]["t"]))
    screen = make_screen(clock.now(), journal.visit - 1)
    for index, entry in enumerate(journal.entries, 1):
        t = float(entry["t"])
        if t > clock.now():
            clock.advance(t - clock.now())
        screen.update(0.0, t)
        if "input" in entry:
            screen.handle(decode(entry["input"]), t)
        got = screen.state_label()
        result.states.append((t, got))
        if on_state is not None:
            on_state(t, screen, entry)
        if got != entry["state"]:
            result.divergence = Divergence(index, t, str(entry["state"]), got)
            break
    return result
