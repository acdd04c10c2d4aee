"""`kiosk run`: the frame loop with everything wired to it. Wiring only: each part is built by its
own package, started here in order, and stopped in the reverse order by one `ExitStack`.

The first frame is the attract poster alone (kiosk/runtime/attract.py), drawn before the session's
pages, the store's visit records, scoring, signing and the media deck are even imported: they are
built right after READY=1, before the loop takes any input, and the session screen takes over the
poster as it stands (docs/performance.md, cold start)."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import moderngl

from kiosk.app.counts import SessionCounts
from kiosk.app.devices import Devices, start_devices
from kiosk.app.hub import DeviceHub, with_window
from kiosk.app.input_map import panel_to_design
from kiosk.app.interpreter import FreeMemoryReturn, settle_interpreter
from kiosk.app.signal_wake import SignalWake
from kiosk.clock import MonotonicClock
from kiosk.config import Settings
from kiosk.errors import GraphicsUnavailableError
from kiosk.events import QuitRequested
from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.ops.wiring import attach
from kiosk.render.capture import Recorder, write_png
from kiosk.render.context import create_offscreen_context, create_window, display_available
from kiosk.render.mapped_frames import MappedFrames
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.attract import AttractScreen, attract_frame, poster
from kiosk.runtime.loop import FixedStep, FrameLoop, FramePacer, InputSource
from kiosk.runtime.out_of_order import OutOfOrderScreen
from kiosk.scenario.load import load_packs
from kiosk.scenario.swap import recover as recover_packs
from kiosk.store.db import open_connection, wrap
from kiosk.view.layout import Frame as ScreenFrame
from kiosk.view.layout import design_size

if TYPE_CHECKING:  # the session's side is imported after the first frame; a headset's when configured
    import sqlite3

    from kiosk.app.monitor_headset import SideBySideDisplay
    from kiosk.media.fanout import StreamFanout
    from kiosk.runtime.session_screen import SessionScreen
    from kiosk.scenario.model import Pack
    from kiosk.visit.host import RecordingHost

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


@dataclass
class Display:
    """Where frames go: a window, or nothing but the renderer's own framebuffer (headless)."""

    ctx: moderngl.Context
    size: tuple[int, int]
    mode: str
    present: Callable[[moderngl.Framebuffer], None] | None = None

    @property
    def headless(self) -> bool:
        return self.present is None


def open_display(settings: Settings, options: RunOptions) -> Display:
    size = options.size or (settings.display.width, settings.display.height)
    if options.headless or not (options.window or display_available()):
        return Display(create_offscreen_context(), size, "headless (EGL offscreen)")
    window = create_window(size, settings.display.fullscreen)
    ctx = window.ctx

    def present(fbo: moderngl.Framebuffer) -> None:
        ctx.copy_framebuffer(ctx.screen, fbo)
        window.flip()

    return Display(ctx, window.size, "window", present)


def loop_input(display: Display, renderer: GLRenderer, hub: DeviceHub, clock: MonotonicClock,
               stack: contextlib.ExitStack) -> InputSource:
    """Headless, the loop waits on the hub; with a window, in SDL, which the hub's arrivals and any
    signal wake (SDL's wait would otherwise keep a Python signal handler from running)."""
    if display.headless:
        return hub.wait
    from kiosk.render.window_input import make_event_translator, make_pygame_input, make_waker, sdl_wait_event

    hub.wake_with(make_waker())
    stack.callback(SignalWake(hub).close)
    return with_window(make_pygame_input(make_event_translator(renderer.viewport, display.size, clock.now),
                                         sdl_wait_event()), hub)


def first_screen(settings: Settings, packs: list[Pack], refused: int, now: float,
                 size: tuple[int, int]) -> tuple[AttractScreen | OutOfOrderScreen, str, str]:
    """The attract poster, or the out-of-order screen when no pack is valid: (screen, state, reason);
    both laid out for the display's shape (`size`, its pixels). The poster is the one the session
    screen would build (`SessionScreen.attract_frame`, `ScreenMedia.attract`)."""
    if packs:
        s, language = settings.session, settings.content.language
        catalogs = Catalogs.load(NATIVE_NAMES)
        frame = attract_frame(size, large_text=s.large_text, high_contrast=s.high_contrast,
                              rtl=catalogs.words(language).rtl)
        return poster(packs, catalogs, language, now, reduced_motion=s.reduced_motion, frame=frame), "serving", ""
    reason = f"no valid scenario pack in {settings.content.scenarios} ({refused} refused): run `kiosk lint` there"
    log.error("kiosk out of order: %s", reason)
    return OutOfOrderScreen(reason, settings.content.language, ScreenFrame(*design_size(*size))), "out_of_order", \
        reason


def serve_visits(settings: Settings, packs: list[Pack], store: sqlite3.Connection, counts: SessionCounts,
                 shown: AttractScreen, size: tuple[int, int]) -> tuple[SessionScreen, RecordingHost]:
    """The session screen and its host (writing to the `store` checked before the first frame), taking
    over the poster on screen (`shown`) as it stands."""
    from kiosk.app.visit import build_host, build_session

    host = build_host(settings, wrap(store), counts)
    return build_session(settings, packs, host, shown.start, lambda media: None, size, attract=shown), host


def attach_media(stack: contextlib.ExitStack, loop: FrameLoop, screen: SessionScreen, settings: Settings,
                 renderer: GLRenderer, streams: StreamFanout, host: RecordingHost) -> None:
    """The clips and pictures the session's scenes name, to every output (clips → Video Profile)."""
    from kiosk.app.sound import attach_sound
    from kiosk.app.visit import open_sound
    from kiosk.media.deck import MediaDeck
    from kiosk.media.decoder import HEAP

    deck = MediaDeck(settings.content.scenarios, streams.update_stream, streams.drop_stream, sound=open_sound(),
                     memory=renderer.frames or HEAP, report=host.clip_event, screen=renderer.wanted_size)
    stack.callback(deck.stop)
    loop.media = deck
    narrator = host.narrator
    attach_sound(loop, screen, settings, lambda: bool(getattr(narrator, "speaking", False)))


def prepare_stage_pictures(renderer: GLRenderer, packs: list[Pack]) -> None:
    """Rasterise the stage pictures to the disk cache while the attract screen runs."""
    from kiosk.runtime.stage_view import picture_sizes

    for pack in packs:
        for path, drawn in picture_sizes(pack.scenario):
            renderer.images.prepare(f"{pack.id}/{path}", drawn)


def attach_headset(stack: contextlib.ExitStack, loop: FrameLoop, screen: SessionScreen, settings: Settings,
                   renderer: GLRenderer, devices: Devices, streams: StreamFanout) -> None:
    """`[devices] headset = openxr | sim`: polled with the frames, its events through the hub."""
    from kiosk.app.headset import start_headset

    started = start_headset(settings.devices.headset, lambda event, now: devices.hub.put(event, "headset"),
                            screen.view, loop.deliver, renderer, settings, loop.clock.now)
    if isinstance(started, str):
        devices.headset_problem = started
        return
    link, stop = started
    stack.callback(stop)
    devices.headset = link
    loop.every(1 / 30, link.tick)
    if link.stereo is not None:
        streams.add(link.stereo.eye)  # the headset's eyes see the same streams


def attach_capture(stack: contextlib.ExitStack, loop: FrameLoop, options: RunOptions,
                   output: GLRenderer | SideBySideDisplay, size: tuple[int, int], summary: RunSummary) -> None:
    """`--screenshot-every` and `--record`: what the display shows, the last frame always kept."""
    if options.screenshot_every:
        def shoot(now: float) -> None:
            path = options.out_dir / f"screenshot-{len(summary.screenshots):04d}.png"
            summary.screenshots.append(write_png(path, output.read_pixels()))

        loop.every(options.screenshot_every, shoot)
        stack.callback(lambda: summary.screenshots.append(
            write_png(options.out_dir / "screenshot-last.png", output.read_pixels())))
    if options.record:
        recorder = Recorder(options.record, size, options.record_fps)
        loop.every(1.0 / options.record_fps, lambda now: recorder.add(output.read_pixels()))

        def close() -> None:
            recorder.close()
            summary.recording = recorder.path

        stack.callback(close)


def on_sigterm(stop: threading.Event, hub: DeviceHub) -> None:
    def terminate(*_: object) -> None:
        stop.set()
        hub.put(QuitRequested(time.monotonic()), "signal")

    signal.signal(signal.SIGTERM, terminate)


def run_kiosk(settings: Settings, options: RunOptions) -> RunSummary:
    if options.reduced_motion:
        settings = replace(settings, session=replace(settings.session, reduced_motion=True))
    recover_packs(settings.content.scenarios)  # a pack update killed half-way is finished or undone first
    packs, errors = load_packs(settings.content.scenarios)
    store = open_connection(settings.store.path)  # before any window: a bad store path is a clear error
    clock, stop, hub = MonotonicClock(), threading.Event(), DeviceHub()
    on_sigterm(stop, hub)  # a board press or SIGTERM ends the loop's wait at once
    with contextlib.ExitStack() as stack:  # what is started here is stopped in the reverse order
        display = open_display(settings, options)
        renderer = GLRenderer(display.ctx, display.size, [settings.content.assets / "images",
                                                          settings.content.scenarios],
                              FontFiles.bundled(settings.content.assets), display.present,
                              frames=open_frame_memory(display.ctx))
        stack.callback(renderer.release)
        if renderer.frames is not None:
            stack.callback(renderer.frames.release)
        wait_input = loop_input(display, renderer, hub, clock, stack)  # before the devices: a window's waker set
        counts = SessionCounts()
        first, state, reason = first_screen(settings, packs, len(errors), clock.now(), display.size)
        devices = start_devices(settings, hub, panel_to_design(display.size, renderer.viewport.to_design))
        stack.callback(devices.stop)
        monitor = None
        if settings.devices.headset == "monitor":
            from kiosk.app.monitor_headset import side_by_side_display

            monitor = side_by_side_display(display.ctx, display.size, settings, renderer.frames, display.present)
        if monitor is not None:
            stack.callback(monitor.release)
        output: GLRenderer | SideBySideDisplay = monitor or renderer  # what the display (and screenshots) show
        loop = FrameLoop(first, output, clock, wait_input, FramePacer(settings.display.max_fps,
                                                                       settings.display.idle_fps), FixedStep())
        summary = RunSummary(display.mode, skipped_packs=len(errors))
        log.info("kiosk starting: %s, %dx%d, %d trades, %d packs skipped", display.mode, *display.size, len(packs),
                 len(errors))
        operations = attach(loop, settings.ops, state=state, reason=reason, store=settings.store.path,
                            read_pixels=output.read_pixels, clock=clock.now, devices=devices.states,
                            device_problems=devices.problems, input_dropped=devices.dropped,
                            sessions=counts.snapshot, frame_budget=1.0 / settings.display.max_fps,
                            outbox_budget_bytes=settings.store.outbox_max_mb * 1024 * 1024)
        ended = [False]  # a crash leaves the run marked as under way: the next start counts an unclean restart
        stack.callback(lambda: operations.stop(clean=ended[0]))
        attach_capture(stack, loop, options, output, display.size, summary)
        loop.tick()
        display.ctx.finish()  # the attract screen is rasterised, not only queued: tell systemd we are up
        operations.ready()
        # What the attract screen's first frame does not need starts after it, before the loop takes
        # any input: no visitor can get ahead of it (docs/performance.md, cold start).
        from kiosk.app.visit import start_sync, watch_packs
        from kiosk.media.fanout import StreamFanout

        streams = StreamFanout(output)
        if isinstance(first, AttractScreen):
            screen, host = serve_visits(settings, packs, store, counts, first, display.size)
            loop.screen = screen
            if settings.devices.headset in ("openxr", "sim"):
                attach_headset(stack, loop, screen, settings, renderer, devices, streams)
        sync = start_sync(settings, stop)
        if sync is not None:
            stack.callback(sync.join, timeout=5)
        if isinstance(first, AttractScreen):
            watch_packs(loop, screen, settings.content.scenarios)
            prepare_stage_pictures(renderer, packs)
            attach_media(stack, loop, screen, settings, renderer, streams, host)
        stack.callback(stop.set)  # first thing on the way out: the sync thread hears it
        settle_interpreter()  # start-up's objects out of the collector's walks (board press -> screen tail)
        loop.when_still = FreeMemoryReturn()  # what an animation freed goes back when it ends (idle RSS)
        loop.run(until=None if options.duration is None else clock.now() + options.duration)
        ended[0] = True
        summary.frames_drawn = loop.stats.frames_drawn
    return summary
