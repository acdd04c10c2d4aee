"""A kiosk's session screen for tests: the real packs, host, store (a SQLite file), offers and a
fixed signing key; a manual clock, a fixed wall clock and numbered visit ids, so screens are
the same on every run (golden images)."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.clock import ManualClock
from kiosk.credentials.keys import SigningKey, public_jwk
from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.matching.offers import load_offers
from kiosk.runtime.actions import Intent, Proceed, Scroll, Toggle
from kiosk.runtime.pilot import Pilot
from kiosk.runtime.replay import Journal, journal_header, screen_settings
from kiosk.runtime.session_screen import ScreenSettings, SessionScreen
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import load_packs
from kiosk.scenario.model import Pack
from kiosk.store.db import open_store
from kiosk.visit.host import RecordingHost

REPO = Path(__file__).resolve().parents[1]
WALL = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CATALOGS = Catalogs.load(NATIVE_NAMES)


def fixed_key() -> SigningKey:
    private = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    return SigningKey(private, public_jwk(private.public_key())["kid"])


@dataclass
class Kit:
    screen: SessionScreen
    host: RecordingHost
    db: sqlite_utils.Database
    clock: ManualClock
    pilot: Pilot
    journal: list[dict[str, Any]] = field(default_factory=list)
    said: list[tuple[str, str]] = field(default_factory=list)


def make_kit(scenarios: Path, db_path: Path, settings: ScreenSettings | None = None,
             packs: list[Pack] | None = None) -> Kit:
    if packs is None:
        packs, errors = load_packs(scenarios)
        assert not errors
    db = open_store(db_path, now=lambda: WALL)
    numbers = itertools.count(1)
    said: list[tuple[str, str]] = []
    offers = load_offers((REPO / "assets" / "offers" / "sample-offers.csv").read_text(encoding="utf-8"), "sample")
    host = RecordingHost(db, read_skills(), lambda: WALL, offers=offers, key=fixed_key(),
                         narrator=lambda text, language: said.append((text, language)),
                         new_id=lambda: str(uuid.UUID(int=next(numbers), version=4)))
    clock = ManualClock(100.0)
    journal: list[dict[str, Any]] = []
    screen = SessionScreen(packs, CATALOGS, host, clock.now(), media=lambda media: None, settings=settings,
                           journal=journal.append)
    return Kit(screen, host, db, clock, Pilot(screen, clock), journal, said)


def start_scenario(pilot: Pilot, language: str = "fr", trade: str = "electricien-batiment",
                   phone: bool = False) -> None:
    """From the attract screen to the first step of `trade`'s scenario, as a visitor taps."""
    pilot.tap_at(960, 540)  # the attract screen: touch anywhere
    pilot.tap(Intent("language", language))
    if phone:
        pilot.tap(Toggle("phone"))
    pilot.tap(Proceed())
    while not pilot.has(Intent("trade", trade)) and pilot.has(Scroll(1)):  # larger text: fewer cards a page
        pilot.tap(Scroll(1))
    pilot.tap(Intent("trade", trade))
    pilot.tap(Intent("next"))


def visit_to_results(pilot: Pilot, language: str = "fr", trade: str = "electricien-batiment",
                     phone: bool = True) -> None:
    start_scenario(pilot, language, trade, phone)
    pilot.answer_scenario()
    read_debrief(pilot)


def read_debrief(pilot: Pilot) -> None:
    """After a scenario: its key moments, then on to the results."""
    assert pilot.page() == "debrief", pilot.page()
    pilot.tap(Intent("next"))


def journal_lines(kit: Kit) -> list[str]:
    """The kit's visits as a journal file's lines: the header (settings, pack versions), then each entry."""
    header = journal_header(kit.screen.settings, {k: v.version for k, v in kit.screen.packs.items()}, "fr", "test")
    return [json.dumps({**header, "visit": 1}), *(json.dumps(e) for e in kit.journal)]


def replay_screens(kit: Kit, journal: Journal, folder: Path) -> Callable[[float, int], SessionScreen]:
    """What `replay` calls for each visit: a fresh kiosk with the journal's settings and the kit's packs,
    its store a new SQLite file in `folder`, its session numbered and timed as the recorded one."""
    runs = itertools.count()

    def make(start: float, first_visit: int) -> SessionScreen:
        again = make_kit(folder, folder / f"replay-{next(runs)}.db", screen_settings(journal.header),
                         packs=list(kit.screen.packs.values()))  # the kit's packs: no folder of packs read
        again.screen.session = type(again.screen.session)(visit=first_visit, last_input=start)
        return again.screen

    return make
