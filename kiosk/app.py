"""Composition root: wires content, screen, renderer, input and clock. Wiring only."""

from __future__ import annotations

import contextlib
import functools
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import moderngl
import sqlite_utils

from hardware.board.driver import BoardDriver
from hardware.board.events import ButtonEvent
from hardware.errors import HardwareError
from hardware.headset.base import Headset, HeadsetStatus
from hardware.headset.openxr import OpenXRHeadset
from hardware.headset.simulated import Keyframe, SimulatedHeadset
from hardware.profiles.load import load_profiles
from kiosk import __version__
from kiosk.clock import MonotonicClock
from kiosk.config import Settings
from kiosk.credentials import keys as keystore
from kiosk.credentials.badge import Issuer
from kiosk.errors import KioskError
from kiosk.events import BoardIntent, InputEvent, QuitRequested
from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.matching.offers import load_offers
from kiosk.media.audio import MixerOutput
from kiosk.media.captions import Cue, parse_vtt
from kiosk.media.deck import MediaDeck
from kiosk.media.decoder import Frame
from kiosk.ops.systemd import sd_notify
from kiosk.ops.wiring import attach
from kiosk.render.capture import Recorder, write_png
from kiosk.render.context import create_offscreen_context, create_window, display_available
from kiosk.render.renderer import GLRenderer
from kiosk.render.stereo import StereoRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.loop import FixedStep, FrameLoop, FramePacer, InputSource
from kiosk.runtime.out_of_order import OutOfOrderScreen
from kiosk.runtime.replay import journal_header
from kiosk.runtime.session import Timing
from kiosk.runtime.visit_screen import ScreenSettings, SessionScreen
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import load_packs
from kiosk.scenario.model import Pack
from kiosk.store.db import open_store
from kiosk.sync.client import LrsClient
from kiosk.sync.worker import run_forever
from kiosk.visit.headset_link import HeadsetLink
from kiosk.visit.host import HostSettings, RecordingHost
from kiosk.visit.journal import JournalWriter
from kiosk.visit.narration import EspeakNarrator

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
    """The hardware the config names: their states for health, their buttons as input."""

    board: BoardDriver | None = None
    button_intents: tuple[str, ...] = ()
    headset: HeadsetLink | None = None
    headset_problem: str = ""  # a headset the config names but that could not start

    def states(self) -> dict[str, str]:
        states = {"board": str(self.board.state)} if self.board is not None else {}
        if self.headset is not None:
            states["headset"] = self.headset.health
        elif self.headset_problem:
            states["headset"] = self.headset_problem
        return states

    def poll(self) -> list[InputEvent]:
        """Board presses since the last call, named by the device profile (back, previous, next, select)."""
        if self.board is None:
            return []
        events: list[InputEvent] = []
        while not self.board.events.empty():
            event = self.board.events.get_nowait()
            if isinstance(event, ButtonEvent) and event.pressed and event.button < len(self.button_intents):
                events.append(BoardIntent(self.button_intents[event.button], time.monotonic()))
        return events

    def stop(self) -> None:
        if self.board is not None:
            self.board.stop()


def start_devices(settings: Settings) -> Devices:
    devices = Devices()
    if settings.devices.board:
        profile = load_profiles().get(settings.devices.board_profile)
        if profile is None:
            log.error("board profile %r not found in hardware/profiles: its buttons do nothing",
                      settings.devices.board_profile)
        devices.button_intents = profile.button_intents if profile is not None else ()
        try:
            devices.board = BoardDriver(settings.devices.board, debounce_ms=profile.debounce_ms if profile else 0
                                        ).start()
        except HardwareError as exc:  # a bad URL must not keep the kiosk from serving visitors
            log.error("board not started: %s", exc)
    return devices


def with_devices(wait: InputSource, poll: Callable[[], list[InputEvent]], slice_s: float = 0.02) -> InputSource:
    """Screen input and board buttons in one source: waits in short slices so a press is seen within
    `slice_s` even while the screen has nothing to draw."""

    def merged(timeout: float | None) -> list[InputEvent]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = slice_s if deadline is None else max(0.0, min(slice_s, deadline - time.monotonic()))
            events = [*wait(remaining), *poll()]
            if events or (deadline is not None and time.monotonic() >= deadline):
                return events

    return merged


@dataclass
class SessionCounts:
    """Visits by outcome since the kiosk started (the ops endpoint's kiosk_sessions counter)."""

    counts: dict[str, int] = field(default_factory=lambda: {"started": 0, "completed": 0, "abandoned": 0})

    def __call__(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        log.info("visit %s", kind, extra={"event": f"visit_{kind}"})

    def snapshot(self) -> dict[str, int]:
        return dict(self.counts)


def screen_settings(settings: Settings) -> ScreenSettings:
    s = settings.session
    prefs = Prefs(large_text=s.large_text, high_contrast=s.high_contrast, reduced_motion=s.reduced_motion,
                  narration=s.narration, scanning=s.scanning, captions=not s.headphones)
    return ScreenSettings(Timing(s.idle_after, s.warn_for), prefs, s.scan_every, settings.store.retention_days)


def build_host(settings: Settings, db: sqlite_utils.Database, count: Callable[[str], None]) -> RecordingHost:
    """The session screen's host with everything the config names: offers, signing key, narration."""
    offers = []
    if settings.offers.path.exists():
        offers = load_offers(settings.offers.path.read_text(encoding="utf-8"), str(settings.offers.path))
    try:
        key = keystore.active(settings.credentials.keys)
    except KioskError as exc:
        log.warning("results leave as a link only: %s", exc)
        key = None
    c = settings.credentials
    host_settings = HostSettings(kiosk_id=socket.gethostname(), home_page=settings.lrs.home_page,
                                 kiosk_position=(settings.offers.kiosk_lat, settings.offers.kiosk_lon),
                                 issuer=Issuer(c.issuer_id, c.issuer_name), valid_days=c.valid_days, portal=c.portal)
    return RecordingHost(db, read_skills(), lambda: datetime.now(UTC), settings=host_settings, offers=offers, key=key,
                         narrator=EspeakNarrator(), count=count)


@functools.lru_cache(maxsize=256)
def load_captions(path: Path) -> tuple[Cue, ...]:
    """A clip's WebVTT cues, read once; a broken file is logged and the clip plays without captions."""
    try:
        return parse_vtt(path.read_text(encoding="utf-8"), str(path))
    except (OSError, KioskError) as exc:
        log.error("captions not shown: %s", exc)
        return ()


def open_sound() -> MixerOutput | None:
    try:
        return MixerOutput()
    except Exception as exc:
        log.error("no sound output (%s): clips play silently", exc)
        return None


def build_session(settings: Settings, packs: list[Pack], host: RecordingHost, start: float,
                  media: Callable[[str], str | None]) -> SessionScreen:
    options = screen_settings(settings)
    header = journal_header(options, {p.id: p.version for p in packs}, settings.content.language, __version__)
    journal = JournalWriter(settings.session.replays, settings.session.keep_replays, header,
                            datetime.now(UTC).strftime("%Y%m%dT%H%M%S"))
    return SessionScreen(packs, Catalogs.load(NATIVE_NAMES), host, start, media=media, settings=options,
                         journal=journal, default_language=settings.content.language, captions=load_captions)


def start_sync(settings: Settings, stop: threading.Event) -> threading.Thread | None:
    """The background delivery to the LRS, when one is configured (its own database connection)."""
    lrs = settings.lrs
    if not lrs.endpoint:
        return None
    client = LrsClient(lrs.endpoint, lrs.username, lrs.password, lrs.token)

    def deliver() -> None:
        db = open_store(settings.store.path)  # SQLite connections stay in the thread that opened them
        run_forever(db, client, now=lambda: datetime.now(UTC), monotonic=time.monotonic, wait=stop.wait,
                    batch_size=lrs.batch_size)

    thread = threading.Thread(target=deliver, name="lrs-sync", daemon=True)
    thread.start()
    return thread


def packs_fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap to compute every few seconds: each pack's manifest, its size and modification time
    (`kiosk packs install` swaps whole folders, so a new manifest means new content)."""
    found = []
    for manifest in sorted(root.glob("*/manifest.json")):
        with contextlib.suppress(OSError):
            stat = manifest.stat()
            found.append((manifest.parent.name, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def watch_packs(loop: FrameLoop, screen: SessionScreen, root: Path, every: float = 5.0) -> None:
    """Installed or rolled-back packs reach the screen between visits (see SessionScreen.offer_packs)."""
    seen = [packs_fingerprint(root)]

    def check(now: float) -> None:
        current = packs_fingerprint(root)
        if current == seen[0]:
            return
        seen[0] = current
        packs, errors = load_packs(root)
        log.info("content changed: %d packs servable, %d refused", len(packs), len(errors))
        if packs:  # an update that leaves nothing servable keeps the packs in memory
            screen.offer_packs(packs, now)

    loop.every(every, check)


SIMULATED_LOOK = tuple(Keyframe(float(t), yaw=yaw, pitch=pitch) for t, yaw, pitch in
                       ((0, 0, 0), (6, 60, 5), (12, 120, -5), (18, 180, 0), (24, -120, 10), (30, -60, 0), (36, 0, 0)))


def attach_headset(kind: str, loop: FrameLoop, screen: SessionScreen, renderer: GLRenderer, settings: Settings,
                   clock: Callable[[], float]) -> tuple[HeadsetLink, Callable[[], None]] | str:
    """The link and how to stop it, or why there is no headset (for /healthz)."""
    # `[devices] headset`: a real OpenXR headset, or the simulated one looking slowly around (demos).
    headset: Headset = OpenXRHeadset() if kind == "openxr" else SimulatedHeadset(SIMULATED_LOOK)
    status = headset.start(clock())
    if status in (HeadsetStatus.NO_RUNTIME, HeadsetStatus.NO_DEVICE):
        log.error("headset: %s; the kiosk runs without it", status)
        return str(status)
    eye = (960, 1080) if kind == "openxr" else (480, 540)
    stereo = StereoRenderer(renderer.ctx, eye, [settings.content.assets / "images", settings.content.scenarios],
                            FontFiles.bundled(settings.content.assets), lens=None)
    link = HeadsetLink(headset, screen.handle, screen.view, stereo)
    loop.every(1 / 30, link.tick)

    def stop() -> None:
        headset.stop()
        stereo.release()

    return link, stop


def run_kiosk(settings: Settings, options: RunOptions) -> RunSummary:
    display = settings.display
    size = options.size or (display.width, display.height)
    packs, errors = load_packs(settings.content.scenarios)
    headless = options.headless or not (options.window or display_available())
    clock = MonotonicClock()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    present: Callable[[moderngl.Framebuffer], None] | None = None
    if headless:
        ctx = create_offscreen_context()
        wait_input: InputSource = _headless_input(stop)
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
    counts = SessionCounts()
    db = open_store(settings.store.path)
    screen: SessionScreen | OutOfOrderScreen
    if packs:
        if options.reduced_motion:
            settings = replace(settings, session=replace(settings.session, reduced_motion=True))
        screen = build_session(settings, packs, build_host(settings, db, counts), clock.now(), lambda media: None)
        state, reason = "serving", ""
    else:
        reason = (f"no valid scenario pack in {settings.content.scenarios} ({len(errors)} refused): "
                  "run `kiosk lint` there")
        screen, state = OutOfOrderScreen(reason, settings.content.language), "out_of_order"
        log.error("kiosk out of order: %s", reason)
    devices = start_devices(settings)
    loop = FrameLoop(screen, renderer, clock, with_devices(wait_input, devices.poll) if devices.board else wait_input,
                     FramePacer(display.max_fps, display.idle_fps), FixedStep())
    summary = RunSummary(mode, skipped_packs=len(errors))
    log.info("kiosk starting: %s, %dx%d, %d trades, %d packs skipped", mode, *size, len(packs), len(errors))

    operations = attach(loop, settings.ops, state=state, reason=reason, store=settings.store.path,
                        read_pixels=renderer.read_pixels, clock=clock.now, devices=devices.states,
                        sessions=counts.snapshot)
    sync = start_sync(settings, stop)
    deck = None
    stop_headset: Callable[[], None] | None = None
    if isinstance(screen, SessionScreen):
        watch_packs(loop, screen, settings.content.scenarios)
        link = None
        if settings.devices.headset != "none":
            attached = attach_headset(settings.devices.headset, loop, screen, renderer, settings, clock.now)
            if isinstance(attached, str):
                devices.headset_problem = attached
            else:
                link = attached
        eyes = link[0].stereo.eye if link is not None and link[0].stereo is not None else None

        def upload(name: str, frame: Frame) -> None:
            renderer.update_stream(name, frame)
            if eyes is not None:  # the headset's eyes see the same streams
                eyes.update_stream(name, frame)

        def drop(name: str) -> None:
            renderer.drop_stream(name)
            if eyes is not None:
                eyes.drop_stream(name)

        deck = MediaDeck(settings.content.scenarios, upload, drop, sound=open_sound())
        loop.media = deck
        if link is not None:
            devices.headset, stop_headset = link
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
        stop.set()
        if options.screenshot_every:  # always leave the last frame for the newcomer to see
            summary.screenshots.append(write_png(options.out_dir / "screenshot-last.png", renderer.read_pixels()))
        if recorder is not None:
            recorder.close()
            summary.recording = recorder.path
        summary.frames_drawn = loop.stats.frames_drawn
        operations.stop()
        devices.stop()
        if deck is not None:
            deck.stop()
        if stop_headset is not None:
            stop_headset()
        if sync is not None:
            sync.join(timeout=5)
        renderer.release()
    return summary
