"""Composition root: wires content, screen, renderer, input and clock. Wiring only."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import moderngl

from hardware.board.driver import BoardDriver
from hardware.errors import HardwareError
from kiosk.clock import MonotonicClock
from kiosk.config import Settings
from kiosk.events import InputEvent, QuitRequested
from kiosk.ops.systemd import sd_notify
from kiosk.ops.wiring import attach
from kiosk.render.capture import Recorder, write_png
from kiosk.render.context import create_offscreen_context, create_window, display_available
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.attract import AttractScreen, cards_from_trades
from kiosk.runtime.loop import FixedStep, FrameLoop, FramePacer
from kiosk.runtime.out_of_order import OutOfOrderScreen
from kiosk.scenario.catalog import discover_trades

log = logging.getLogger("kiosk")


@dataclass(frozen=True)
class RunOptions:
    headless: bool = False
    window: bool = False
    size: tuple[int, int] | None = None
    duration: float | None = None
    screenshot_every: float | None = None
    out_dir: Path = Path("out")
    record: Path | None = None
    record_fps: float = 10.0
    reduced_motion: bool = False


@dataclass
class RunSummary:
    mode: str
    frames_drawn: int = 0
    screenshots: list[Path] = field(default_factory=list)
    recording: Path | None = None
    skipped_packs: int = 0


def _headless_input(stop: threading.Event) -> Callable[[float | None], list[InputEvent]]:
    def wait(timeout: float | None) -> list[InputEvent]:
        return [QuitRequested(time.monotonic())] if stop.wait(timeout) else []

    return wait


@dataclass
class Devices:
    """The hardware the config names, reporting their states for health (their input is mapped to
    intents by the session, issue 4)."""

    board: BoardDriver | None = None

    def states(self) -> dict[str, str]:
        return {"board": str(self.board.state)} if self.board is not None else {}

    def stop(self) -> None:
        if self.board is not None:
            self.board.stop()


def start_devices(settings: Settings) -> Devices:
    devices = Devices()
    if settings.devices.board:
        try:
            devices.board = BoardDriver(settings.devices.board).start()
        except HardwareError as exc:  # a bad URL must not keep the kiosk from serving visitors
            log.error("board not started: %s", exc)
    return devices


def run_kiosk(settings: Settings, options: RunOptions) -> RunSummary:
    display = settings.display
    size = options.size or (display.width, display.height)
    trades, errors = discover_trades(settings.content.scenarios)
    language = settings.content.language
    cards = cards_from_trades([(t.text("title", language), t.text("pitch", language), t.card_image, t.rome,
                                t.shortage_level) for t in trades])
    headless = options.headless or not (options.window or display_available())
    clock = MonotonicClock()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    present: Callable[[moderngl.Framebuffer], None] | None = None
    if headless:
        ctx = create_offscreen_context()
        wait_input = _headless_input(stop)
        mode = "headless (EGL offscreen)"
    else:
        from kiosk.render.window_input import make_event_translator, make_pygame_input

        window = create_window(size, display.fullscreen)
        ctx, size = window.ctx, window.size

        def present(fbo: moderngl.Framebuffer) -> None:
            ctx.copy_framebuffer(ctx.screen, fbo)
            window.flip()

        mode = "window"
    fonts = FontFiles.bundled(settings.content.assets)
    renderer = GLRenderer(ctx, size, [settings.content.assets / "images", settings.content.scenarios], fonts,
                          present)
    if not headless:
        wait_input = make_pygame_input(make_event_translator(renderer.viewport, size, clock.now))
    screen: AttractScreen | OutOfOrderScreen
    if cards:
        screen, state, reason = AttractScreen(cards, start=clock.now(), reduced_motion=options.reduced_motion), \
            "serving", ""
    else:
        reason = (f"no valid scenario pack in {settings.content.scenarios} ({len(errors)} refused): "
                  "run `kiosk lint` there")
        screen, state = OutOfOrderScreen(reason, language), "out_of_order"
        log.error("kiosk out of order: %s", reason)
    loop = FrameLoop(screen, renderer, clock, wait_input, FramePacer(display.max_fps, display.idle_fps),
                     FixedStep())
    summary = RunSummary(mode, skipped_packs=len(errors))
    log.info("kiosk starting: %s, %dx%d, %d trades, %d packs skipped", mode, *size, len(cards), len(errors))

    devices = start_devices(settings)
    operations = attach(loop, settings.ops, state=state, reason=reason, store=settings.store.path,
                        read_pixels=renderer.read_pixels, clock=clock.now, devices=devices.states)
    if options.screenshot_every:
        def shoot(now: float) -> None:
            path = options.out_dir / f"screenshot-{len(summary.screenshots):04d}.png"
            summary.screenshots.append(write_png(path, renderer.read_pixels()))
        loop.every(options.screenshot_every, shoot)
    recorder = Recorder(options.record, size, options.record_fps) if options.record else None
    if recorder is not None:
        loop.every(1.0 / options.record_fps, lambda now: recorder.add(renderer.read_pixels()))

    loop.tick()  # the attract screen is drawn: tell systemd we are up
    sd_notify("READY=1")
    deadline = None if options.duration is None else clock.now() + options.duration
    try:
        loop.run(until=deadline)
    finally:
        if options.screenshot_every:  # always leave the last frame for the newcomer to see
            summary.screenshots.append(write_png(options.out_dir / "screenshot-last.png", renderer.read_pixels()))
        if recorder is not None:
            recorder.close()
            summary.recording = recorder.path
        summary.frames_drawn = loop.stats.frames_drawn
        operations.stop()
        devices.stop()
        renderer.release()
    return summary
