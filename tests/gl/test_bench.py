"""The benches measure what they say: a real process's READY=1 on the bench's own socket, a
board press through the real frame loop into the session screen, visits walked to the end."""

from __future__ import annotations

import gc
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.bench.input import loop_latency
from kiosk.bench.start import BARE, running, start_process, visit_rss_growth
from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.render.context import display_available

pytestmark = pytest.mark.gl
REPO = Path(__file__).resolve().parents[2]


def _settings(scenarios: Path) -> Settings:
    base = Settings()
    return replace(base, content=replace(base.content, scenarios=scenarios, assets=REPO / "assets"))


def test_a_process_start_is_timed_to_its_ready_on_the_benchs_socket(tmp_path: Path) -> None:
    started = start_process([sys.executable, "-c", BARE], tmp_path)
    assert 0 < started.ready_s < 60 and started.rss_at_ready_mb > 20  # moderngl + pygame loaded: tens of MB
    with pytest.raises(KioskError, match=r"exited \(3\) before READY=1"):
        start_process([sys.executable, "-c", "raise SystemExit(3)"], tmp_path)


GROWS = """
import os, socket, time
with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
    s.connect(os.environ["NOTIFY_SOCKET"]); s.sendall(b"READY=1")
time.sleep(0.2)
held = bytearray(96 * 1024 * 1024)  # touched: resident
time.sleep(float(os.environ.get("EXIT_AFTER", "30")))
"""


def test_the_idle_reading_is_taken_on_time_while_the_caller_works(tmp_path: Path) -> None:
    with running([sys.executable, "-c", GROWS], tmp_path, idle_seconds=1.5) as figures:
        busy_until = time.perf_counter() + 0.5
        while time.perf_counter() < busy_until:  # the caller's own work (another bench)
            pass
        started = figures()
    assert started.rss_idle_mb is not None and started.rss_idle_mb > started.rss_at_ready_mb + 80


def test_the_idle_rss_is_sampled_on_the_way_to_the_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One reading may fall on an attract slide or dissolve (full-screen buffers held for a second): the
    samples on the way show the range."""
    import kiosk.bench.start as start_bench

    monkeypatch.setattr(start_bench, "IDLE_SAMPLE_SECONDS", 0.5)
    with running([sys.executable, "-c", GROWS], tmp_path, idle_seconds=1.75) as figures:
        started = figures()
    assert len(started.rss_idle_samples_mb) == 3 and started.rss_idle_mb is not None
    assert all(sample > started.rss_at_ready_mb + 80 for sample in started.rss_idle_samples_mb)


def test_a_process_that_exits_while_idle_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXIT_AFTER", "0")
    with pytest.raises(KioskError, match="while idle"), \
            running([sys.executable, "-c", GROWS], tmp_path, idle_seconds=2.0) as figures:
        figures()


@pytest.mark.parametrize("window", [False, True], ids=["headless", "window"])
def test_board_presses_reach_the_session_screen_through_the_frame_loop(published_scenarios: Path,
                                                                       window: bool) -> None:
    """Headless the loop waits on the device hub; with a window, in SDL's real event queue, which
    the hub wakes: in both, every press reaches the screen (none waits for a timeout)."""
    switch_interval = sys.getswitchinterval()
    measured = loop_latency(_settings(published_scenarios), samples=20, idle_seconds=0.2, window=window)
    assert measured.lost == 0 and len(measured.latencies) == 20
    assert len(measured.anchor) == 20 and all(0 < trip < 1.0 for trip in measured.anchor)  # the bare pty beside
    if window and shutil.which("Xvfb") and not display_available():  # a real window on the bench's own X server
        assert measured.shown_on == "x11 on the bench's Xvfb"
    # measured with the interpreter as `kiosk run` sets it, then left as it was for the next bench
    assert sys.getswitchinterval() == switch_interval and gc.get_freeze_count() == 0
    assert all(0 < latency < 1.0 for latency in measured.latencies)
    assert 0 <= measured.idle_cpu < 2  # a share of the machine's cores


def test_scripted_visits_are_walked_back_to_the_attract_screen(published_scenarios: Path) -> None:
    samples = visit_rss_growth(_settings(published_scenarios), visits=2, warm_up=1)
    assert [visit for visit, _ in samples] == [0, 1, 2]
    assert all(rss > 20 for _, rss in samples)
