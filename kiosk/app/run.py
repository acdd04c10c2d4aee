"""`kiosk run`: the frame loop with everything wired to it."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import moderngl

from kiosk.app.devices import InputHub, attach_headset, device_input, start_devices
from kiosk.app.monitor_headset import SideBySideDisplay, side_by_side_display
from kiosk.app.visit import SessionCounts, build_host, build_session, open_sound, start_sync, watch_packs
from kiosk.clock import MonotonicClock
from kiosk.config import Settings
from kiosk.errors import GraphicsUnavailableError
from kiosk.events import InputEvent, QuitRequested
from kiosk.media.deck import MediaDeck
from kiosk.media.decoder import HEAP, Frame
from kiosk.ops.wiring import attach
from kiosk.render.capture import Recorder, write_png
from kiosk.render.context import create_offscreen_context, create_window, display_available
from kiosk.render.mapped_frames import MappedFrames
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.loop import FixedStep, FrameLoop, FramePacer, InputSource
from kiosk.runtime.out_of_order import OutOfOrderScreen
from kiosk.runtime.visit_screen import SessionScreen
from kiosk.scenario.load import load_packs
from kiosk.scenario.swap import recover as recover_packs
from kiosk.store.db import open_store
from kiosk.view.layout import Frame as ScreenFrame
from kiosk.view.layout import design_size

log = logging.getLogger("kiosk")


def open_frame_memory(ctx: moderngl.Context) -> MappedFrames | None:
    """Video frames decoded where the GPU reads them, when the driver allows; said either way."""
    try:
        frames = MappedFrames.open(ctx)
    except GraphicsUnavailableError as exc:
        log.warning("video: %s (%s)", exc, exc.hint)
        return None
    log.info("video: frames are decoded into GPU-visible memory (no uploads)")
    return frames


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


def _stoppable(wait: InputSource, stop: threading.Event, slice_s: float = 0.25) -> InputSource:
    """A window's input that also hears SIGTERM: SDL's waits do not return for a Python signal, so
    they are cut into slices and the stop flag is looked at between them."""

    def stoppable(timeout: float | None) -> list[InputEvent]:
        if stop.is_set():
            return [QuitRequested(time.monotonic())]
        return list(wait(slice_s if timeout is None else min(timeout, slice_s)))

    return stoppable


def run_kiosk(settings: Settings, options: RunOptions) -> RunSummary:
    display = settings.display
    size = options.size or (display.width, display.height)
    recover_packs(settings.content.scenarios)  # a pack update killed half-way is finished or undone first
    packs, errors = load_packs(settings.content.scenarios)
    db = open_store(settings.store.path)  # before any window: a bad store path is a clear error, not a black screen
    headless = options.headless or not (options.window or display_available())
    clock = MonotonicClock()
    stop = threading.Event()
    hub = InputHub()  # headless, the loop waits here: a board press or SIGTERM wakes it at once

    def terminate(*_: object) -> None:
        stop.set()
        hub.put(QuitRequested(time.monotonic()))

    signal.signal(signal.SIGTERM, terminate)

    present: Callable[[moderngl.Framebuffer], None] | None = None
    if headless:
        ctx = create_offscreen_context()
        wait_input: InputSource = hub.wait
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
                          present, frames=open_frame_memory(ctx))
    if not headless:
        wait_input = _stoppable(make_pygame_input(make_event_translator(renderer.viewport, size, clock.now)), stop)
    counts = SessionCounts()
    screen: SessionScreen | OutOfOrderScreen
    host = build_host(settings, db, counts)
    if packs:
        if options.reduced_motion:
            settings = replace(settings, session=replace(settings.session, reduced_motion=True))
        screen = build_session(settings, packs, host, clock.now(), lambda media: None, size)
        state, reason = "serving", ""
    else:
        reason = (f"no valid scenario pack in {settings.content.scenarios} ({len(errors)} refused): "
                  "run `kiosk lint` there")
        screen, state = OutOfOrderScreen(reason, settings.content.language,
                                         ScreenFrame(*design_size(*size))), "out_of_order"
        log.error("kiosk out of order: %s", reason)
    devices = start_devices(settings, hub)
    monitor = side_by_side_display(ctx, size, settings, renderer.frames, present) \
        if settings.devices.headset == "monitor" else None
    output: GLRenderer | SideBySideDisplay = monitor or renderer  # what the display (and screenshots) show
    loop = FrameLoop(screen, output, clock, wait_input if headless else device_input(wait_input, devices),
                     FramePacer(display.max_fps, display.idle_fps), FixedStep())
    summary = RunSummary(mode, skipped_packs=len(errors))
    log.info("kiosk starting: %s, %dx%d, %d trades, %d packs skipped", mode, *size, len(packs), len(errors))

    operations = attach(loop, settings.ops, state=state, reason=reason, store=settings.store.path,
                        read_pixels=output.read_pixels, clock=clock.now, devices=devices.states,
                        device_problems=devices.problems, input_dropped=devices.dropped, sessions=counts.snapshot,
                        frame_budget=1.0 / display.max_fps,
                        outbox_budget_bytes=settings.store.outbox_max_mb * 1024 * 1024)
    sync = start_sync(settings, stop)
    deck = None
    stop_headset: Callable[[], None] | None = None
    if isinstance(screen, SessionScreen):
        watch_packs(loop, screen, settings.content.scenarios)
        link = None
        if settings.devices.headset in ("openxr", "sim"):
            attached = attach_headset(settings.devices.headset, loop, screen, renderer, settings, clock.now)
            if isinstance(attached, str):
                devices.headset_problem = attached
            else:
                link = attached
        eyes = link[0].stereo.eye if link is not None and link[0].stereo is not None else None

        def upload(name: str, frame: Frame) -> None:
            output.update_stream(name, frame)
            if eyes is not None:  # the headset's eyes see the same streams
                eyes.update_stream(name, frame)

        def drop(name: str) -> None:
            output.drop_stream(name)
            if eyes is not None:
                eyes.drop_stream(name)

        deck = MediaDeck(settings.content.scenarios, upload, drop, sound=open_sound(),
                         memory=renderer.frames or HEAP, report=host.clip_event)  # clips → Video Profile
        loop.media = deck
        if link is not None:
            devices.headset, stop_headset = link
    if options.screenshot_every:
        def shoot(now: float) -> None:
            path = options.out_dir / f"screenshot-{len(summary.screenshots):04d}.png"
            summary.screenshots.append(write_png(path, output.read_pixels()))
        loop.every(options.screenshot_every, shoot)
    recorder = Recorder(options.record, size, options.record_fps) if options.record else None
    if recorder is not None:
        loop.every(1.0 / options.record_fps, lambda now: recorder.add(output.read_pixels()))

    loop.tick()  # the attract screen is drawn: tell systemd we are up
    operations.ready()
    deadline = None if options.duration is None else clock.now() + options.duration
    ended = False  # a crash leaves the run marked as under way: the next start counts an unclean restart
    try:
        loop.run(until=deadline)
        ended = True
    finally:
        stop.set()
        if options.screenshot_every:  # always leave the last frame for the newcomer to see
            summary.screenshots.append(write_png(options.out_dir / "screenshot-last.png", output.read_pixels()))
        if recorder is not None:
            recorder.close()
            summary.recording = recorder.path
        summary.frames_drawn = loop.stats.frames_drawn
        operations.stop(clean=ended)
        devices.stop()
        if deck is not None:
            deck.stop()
        if monitor is not None:
            monitor.release()
        if renderer.frames is not None:
            renderer.frames.release()
        if stop_headset is not None:
            stop_headset()
        if sync is not None:
            sync.join(timeout=5)
        renderer.release()
    return summary
