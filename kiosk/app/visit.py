"""The session screen and what serves it: host, journals, captions, sound, sync, content updates."""

from __future__ import annotations

import contextlib
import functools
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from kiosk import __version__
from kiosk.config import Settings
from kiosk.credentials import keys as keystore
from kiosk.credentials.issuer import Issuer
from kiosk.errors import KioskError
from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.matching.offers import load_offers
from kiosk.matching.trainings import load_trainings
from kiosk.media.audio import MixerOutput
from kiosk.media.captions import Cue, parse_vtt
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.attract import AttractScreen
from kiosk.runtime.loop import FrameLoop
from kiosk.runtime.replay import journal_header
from kiosk.runtime.session import Timing
from kiosk.runtime.session_screen import ScreenSettings, SessionScreen
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import load_packs
from kiosk.scenario.model import Pack
from kiosk.store.db import open_store
from kiosk.visit.host import HostSettings, RecordingHost
from kiosk.visit.journal import JournalWriter
from kiosk.visit.narration import EspeakNarrator

log = logging.getLogger("kiosk")



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
    trainings = []
    if settings.trainings.path.exists():
        trainings = load_trainings(settings.trainings.path.read_text(encoding="utf-8"), str(settings.trainings.path))
    try:
        key = keystore.active(settings.credentials.keys)
    except KioskError as exc:
        log.warning("results leave as a link only: %s", exc)
        key = None
    c = settings.credentials
    host_settings = HostSettings(kiosk_id=socket.gethostname(), home_page=settings.lrs.home_page,
                                 kiosk_position=(settings.offers.kiosk_lat, settings.offers.kiosk_lon),
                                 issuer=Issuer(c.issuer_id, c.issuer_name, c.issuer_url), valid_days=c.valid_days,
                                 portal=c.portal)
    return RecordingHost(db, read_skills(), lambda: datetime.now(UTC), settings=host_settings, offers=offers, key=key,
                         trainings=trainings,
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
                  media: Callable[[str], str | None], size: tuple[int, int] = (1920, 1080),
                  attract: AttractScreen | None = None) -> SessionScreen:
    """`size`: the display's pixels; the screens are laid out for its shape. `attract`: the poster
    already on screen, kept (`kiosk run`)."""
    options = replace(screen_settings(settings), size=size)
    display = "monitor-headset" if settings.devices.headset == "monitor" else "flat-screen"
    header = journal_header(options, {p.id: p.version for p in packs}, settings.content.language, __version__,
                            display)
    journal = JournalWriter(settings.session.replays, settings.session.keep_replays, header,
                            datetime.now(UTC).strftime("%Y%m%dT%H%M%S"))
    return SessionScreen(packs, Catalogs.load(NATIVE_NAMES), host, start, media=media, settings=options,
                         journal=journal, default_language=settings.content.language, captions=load_captions,
                         display=display, attract=attract)


def start_sync(settings: Settings, stop: threading.Event) -> threading.Thread | None:
    """The background delivery to the LRS, when one is configured (its own database connection)."""
    lrs = settings.lrs
    if not lrs.endpoint:
        return None
    from kiosk.sync.client import LrsClient  # urllib, http, ssl: only for a kiosk that has an LRS
    from kiosk.sync.worker import run_forever

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
