"""`kiosk bench start` and `kiosk bench memory`: the kiosk as a process, as systemd sees it.

Start: from `Popen` to READY=1 on a NOTIFY_SOCKET the bench owns. `kiosk run` sends READY=1
once its first frame is rasterised (kiosk/app/run.py), so that instant is also the first
frame. The anchor, in the same run: a bare process that imports moderngl and pygame, opens an
EGL context, clears and reads back one frame, then says READY=1 the same way.

Memory: the same kiosk process's RSS just after READY=1 and after `idle_seconds` on the attract
screen; then, in this process, the RSS growth over a thousand visits walked through the real
session screens by the Pilot on a manual clock (no GL: the visit's Python, store, scoring and
signing are what could leak).
"""

from __future__ import annotations

import compileall
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.languages import codes
from kiosk.runtime.actions import Choose, Confirm, Intent, Proceed, Toggle
from kiosk.runtime.pilot import Pilot, Wanted

BARE = """
import os, socket, moderngl, pygame
ctx = moderngl.create_standalone_context(backend="egl")
fbo = ctx.simple_framebuffer((1920, 1080))
fbo.use(); fbo.clear(0.1, 0.2, 0.3, 1.0); fbo.read(components=4)
with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
    s.connect(os.environ["NOTIFY_SOCKET"]); s.sendall(b"READY=1")
import time; time.sleep(float(os.environ.get("BENCH_LINGER", "0")))
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise KioskError(f"no RSS for process {pid}")


@contextmanager
def notify_socket(folder: Path) -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(folder / "notify"))
    try:
        yield sock
    finally:
        sock.close()


def wait_ready(sock: socket.socket, process: subprocess.Popen[bytes], timeout: float) -> float:
    """perf_counter when READY=1 arrived (other states, e.g. WATCHDOG=1, are skipped)."""
    deadline = time.perf_counter() + timeout
    while (left := deadline - time.perf_counter()) > 0:
        sock.settimeout(min(left, 0.5))
        try:
            message = sock.recv(4096)
        except TimeoutError:
            if process.poll() is not None:
                raise KioskError(f"the process exited ({process.returncode}) before READY=1") from None
            continue
        if b"READY=1" in message.split(b"\n"):
            return time.perf_counter()
    raise KioskError(f"no READY=1 within {timeout:g} s")


def _free_port() -> int:
    with socket.socket() as probe:  # other engineers' servers run here too: let the system pick
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _kiosk_config(folder: Path, settings: Settings) -> Path:
    config = folder / "kiosk.toml"
    config.write_text(f'[content]\nscenarios = "{settings.content.scenarios.resolve()}"\n'
                      f'assets = "{settings.content.assets.resolve()}"\n'
                      f'[ops]\nlisten = "127.0.0.1:{_free_port()}"\n'
                      f'[store]\npath = "{folder / "kiosk.db"}"\n'
                      f'[session]\nreplays = "{folder / "replays"}"\n', encoding="utf-8")
    return config


@dataclass(frozen=True)
class Started:
    ready_s: float
    rss_at_ready_mb: float
    rss_idle_mb: float | None
    rss_idle_samples_mb: tuple[float, ...] = ()  # every IDLE_SAMPLE_SECONDS until the idle reading


IDLE_SAMPLE_SECONDS = 5.0


@contextmanager
def running(argv: list[str], folder: Path, idle_seconds: float = 0.0) -> Iterator[Callable[[], Started]]:
    """`argv` started and timed to READY=1, left running while the caller does other work; its RSS
    read at READY=1 and, by a timer thread, `idle_seconds` after it (on time whatever runs here).
    The function yielded waits for that reading and returns the figures; leaving stops the process."""
    with notify_socket(folder) as sock:
        environment = {**os.environ, "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1",
                       "BENCH_LINGER": str(idle_seconds + 30), "NOTIFY_SOCKET": str(folder / "notify")}
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            ready = wait_ready(sock, process, 60.0) - started
            at_ready = rss_mb(process.pid)
            idle: list[float | None] = [None]
            seen: list[float] = []
            stop = threading.Event()

            def read_idle() -> None:  # samples on the way: one reading may fall on a slide or a dissolve
                for _ in range(int(idle_seconds // IDLE_SAMPLE_SECONDS)):
                    if stop.wait(IDLE_SAMPLE_SECONDS) or process.poll() is not None:
                        return
                    seen.append(rss_mb(process.pid))
                if not stop.wait(idle_seconds % IDLE_SAMPLE_SECONDS) and process.poll() is None:
                    idle[0] = rss_mb(process.pid)

            timer = threading.Thread(target=read_idle, name="idle-rss", daemon=True)
            if idle_seconds > 0:
                timer.start()

            def figures() -> Started:
                if idle_seconds > 0:
                    timer.join()
                    if idle[0] is None:
                        raise KioskError(f"the process exited ({process.returncode}) while idle")
                return Started(ready, at_ready, idle[0], tuple(seen))

            yield figures
            stop.set()
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    (folder / "notify").unlink(missing_ok=True)


def start_process(argv: list[str], folder: Path, idle_seconds: float = 0.0,
                  meanwhile: Callable[[], object] | None = None) -> Started:
    """Start `argv`, time READY=1, read its RSS then and after `idle_seconds` (during which
    `meanwhile` runs here, if given: the idle wait is not wasted)."""
    with running(argv, folder, idle_seconds) as figures:
        if meanwhile is not None:
            meanwhile()
        return figures()


def kiosk_argv(config: Path) -> list[str]:
    return [sys.executable, "-m", "kiosk", "--config", str(config), "run", "--headless", "--size", "1920x1080"]


def compile_bytecode() -> None:
    """The kiosk's own modules compiled as scripts/setup.sh leaves them (the service cannot write
    bytecode into its read-only checkout): a start measured without would time the compiler."""
    root = Path(__file__).resolve().parents[2]  # the checkout: kiosk/ and hardware/
    for package in ("kiosk", "hardware"):
        if (root / package).is_dir():  # an installed (not editable) kiosk was compiled by pip
            compileall.compile_dir(root / package, quiet=1)


def imported_modules(module: str) -> int:
    """How many modules `import module` loads in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", f"import sys; import {module}; print(len(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def run_start_bench(settings: Settings, runs: int = 3) -> dict[str, Any]:
    """Runs alternate bare and kiosk starts so both see the same machine load."""
    bare: list[Started] = []
    kiosk: list[Started] = []
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="nova-bench-") as name:
        folder = Path(name)
        config = _kiosk_config(folder, settings)
        for _ in range(runs):
            bare.append(start_process([sys.executable, "-c", BARE], folder))
            kiosk.append(start_process(kiosk_argv(config), folder))
    ratios = [k.ready_s / b.ready_s for b, k in zip(bare, kiosk, strict=True)]
    modules = imported_modules("kiosk.app.run")
    bare_s, kiosk_s = [b.ready_s for b in bare], [k.ready_s for k in kiosk]
    figures: dict[str, Any] = {"bare_ready_s": bare_s, "kiosk_ready_s": kiosk_s, "ratio": ratios,
               "modules_imported_by_kiosk_app_run": modules, "kiosk_rss_mb": [k.rss_at_ready_mb for k in kiosk]}
    print(f"kiosk bench start — {runs} alternated runs, process start → READY=1 (sent once the first frame is drawn)")
    print(f"bare moderngl + pygame process: {_spread(bare_s)} s")
    print(f"kiosk run --headless 1920×1080: {_spread(kiosk_s)} s")
    print(f"kiosk ÷ bare: {_spread(ratios)} (target ≤ 3×, and ≤ 1.0 s); `import kiosk.app.run` loads {modules} "
          "modules")
    return figures


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


VISITOR_PAUSE = 0.5  # seconds between two actions of a scripted visitor (the Pilot's default step)


def scratch_folder() -> str | None:
    """Where the visits' store goes: memory (tmpfs) when the machine has it. WAL with synchronous=FULL
    waits for the disk at every commit (~9 ms each here, 18 a visit); durability is not what the
    memory bench measures, and the store's RSS is the same on either."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _act(pilot: Pilot, wanted: Wanted) -> None:
    """The visitor pauses, looks at the screen and taps `wanted`: one view built for the action (the
    Pilot's own `tap` looks before the pause too, building a view the kiosk would not draw)."""
    pilot.wait(VISITOR_PAUSE)
    pilot.tap(wanted)


def _walk_visit(pilot: Pilot, language: str, trade: str, limit: int = 200) -> None:
    """One visit: wake the attract screen, pick a language and a trade, play the scenario taking the
    first answer offered (Pilot.answer_step's order), then go on until the attract screen is back."""
    pilot.wait(VISITOR_PAUSE)
    pilot.tap_at(960, 540)
    _act(pilot, Intent("language", language))
    _act(pilot, Proceed())
    _act(pilot, Intent("trade", trade))
    _act(pilot, Intent("next"))
    for _ in range(limit):
        if pilot.page() != "play":
            break
        pilot.wait(VISITOR_PAUSE)
        wanted = next((w for w in (Proceed(), Choose, Toggle, Confirm()) if pilot.has(w)), None)
        if wanted is None:
            raise KioskError(f"the scripted visitor is stuck on {pilot.screen.state_label()}")
        pilot.tap(wanted)
        if wanted is Toggle:
            _act(pilot, Confirm())
    for _ in range(limit):
        if pilot.page() == "attract":
            return
        _act(pilot, Intent("next"))
    raise KioskError(f"the scripted visit did not end: {pilot.screen.state_label()}")


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """The logger `name` says only warnings and errors meanwhile: two INFO lines a visit, 2,200 in all,
    would bury the benches' figures."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def visit_rss_growth(settings: Settings, visits: int, warm_up: int,
                     progress: Callable[[int, float], None] | None = None) -> list[tuple[int, float]]:
    """RSS (MB) after warm-up and every tenth of `visits` scripted visits through the session screens."""
    from kiosk.app.counts import SessionCounts
    from kiosk.app.visit import build_host, build_session
    from kiosk.clock import ManualClock
    from kiosk.scenario.load import load_packs
    from kiosk.store.db import open_store

    packs, _ = load_packs(settings.content.scenarios)
    if not packs:
        raise KioskError(f"no valid pack under {settings.content.scenarios}", hint="run from the repository root")
    with tempfile.TemporaryDirectory(prefix="nova-bench-", dir=scratch_folder()) as name, _quiet("kiosk"):
        folder = Path(name)
        settings = replace(settings, store=replace(settings.store, path=folder / "kiosk.db"),
                           session=replace(settings.session, replays=folder / "replays"))
        wall = [datetime(2026, 1, 5, 9, 0, tzinfo=UTC)]
        db = open_store(settings.store.path, now=lambda: wall[0])
        host = build_host(settings, db, SessionCounts())
        host.wall = lambda: wall[0]
        clock = ManualClock(100.0)
        screen = build_session(settings, packs, host, clock.now(), lambda media: None)
        screen.journal = None  # journals go to files bounded by keep_replays; not this figure
        pilot = Pilot(screen, clock, step=0.0)  # the pauses are _act's
        samples: list[tuple[int, float]] = []
        every = max(1, visits // 10)
        for index in range(warm_up + visits):
            wall[0] += timedelta(minutes=10)
            _walk_visit(pilot, codes()[index % len(codes())], packs[index % len(packs)].id)
            done = index + 1 - warm_up
            if done >= 0 and done % every == 0:
                samples.append((done, rss_mb(os.getpid())))
                if progress is not None:
                    progress(done, samples[-1][1])
        db.close()
    return samples


@contextmanager
def idle_kiosk(settings: Settings, idle_seconds: float) -> Iterator[Callable[[], tuple[Started, Started]]]:
    """The memory bench's processes: a bare moderngl + pygame one (its RSS), then `kiosk run` started and
    left on its attract screen while the caller does other work; the function yielded waits for the
    kiosk's idle reading and returns (bare, kiosk)."""
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="nova-bench-") as name:
        folder = Path(name)
        bare = start_process([sys.executable, "-c", BARE], folder)  # its RSS at READY=1 is the anchor
        with running(kiosk_argv(_kiosk_config(folder, settings)), folder, idle_seconds) as kiosk:
            yield lambda: (bare, kiosk())


def run_memory_bench(settings: Settings, idle_seconds: float = 120.0, visits: int = 1000, warm_up: int = 100,
                     idle: Callable[[], tuple[Started, Started]] | None = None) -> dict[str, Any]:
    """The visits are walked here while the kiosk process idles (both would wait otherwise); `idle`:
    a kiosk already idling since `idle_kiosk` (`bench all` runs its other benches meanwhile)."""
    if idle is None:
        with idle_kiosk(settings, idle_seconds) as own:
            return run_memory_bench(settings, idle_seconds, visits, warm_up, own)
    started = time.perf_counter()
    samples = visit_rss_growth(settings, visits, warm_up)
    walked = time.perf_counter() - started
    bare, kiosk = idle()
    idle_mb = kiosk.rss_idle_mb or kiosk.rss_at_ready_mb
    print(f"kiosk bench memory — RSS of `kiosk run --headless` 1920×1080: {kiosk.rss_at_ready_mb:.0f} MB at READY=1, "
          f"{idle_mb:.0f} MB after {idle_seconds:g} s idle (target ≤ 200 MB); bare moderngl + pygame "
          f"process: {bare.rss_at_ready_mb:.0f} MB")
    if kiosk.rss_idle_samples_mb:
        seen = sorted(kiosk.rss_idle_samples_mb)
        print(f"RSS every {IDLE_SAMPLE_SECONDS:g} s while idle: {seen[0]:.0f} / {seen[len(seen) // 2]:.0f} / "
              f"{seen[-1]:.0f} MB (min / median / max of {len(seen)})")
    growth = samples[-1][1] - samples[0][1]
    print(f"{visits} scripted visits after {warm_up} to warm up ({walked:.0f} s, in the bench's process): RSS "
          f"{samples[0][1]:.1f} → {samples[-1][1]:.1f} MB, growth {growth:+.1f} MB (target ≤ 2 MB); "
          f"by visit: {', '.join(f'{n}: {r:.1f}' for n, r in samples)}")
    return {"rss_at_ready_mb": kiosk.rss_at_ready_mb, "rss_idle_mb": idle_mb, "idle_seconds": idle_seconds,
            "rss_idle_samples_mb": list(kiosk.rss_idle_samples_mb),
            "bare_rss_mb": bare.rss_at_ready_mb, "visits": visits, "warm_up": warm_up,
            "visit_rss_mb": samples, "visit_rss_growth_mb": growth, "visits_seconds": walked}
