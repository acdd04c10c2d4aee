"""A sample visit's results, for the screens gallery and benchmarks: the real pilot plays the first
pack through the real host (scoring, matching, signing) against a throwaway store, signed with a
throwaway key, so the results, offers and hand-off pages show what a visitor would see."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.clock import ManualClock
from kiosk.credentials.keys import SigningKey, public_jwk
from kiosk.i18n import NATIVE_NAMES, Catalogs, Words
from kiosk.matching.offers import load_offers
from kiosk.matching.trainings import load_trainings
from kiosk.runtime.actions import Intent, Proceed, Toggle
from kiosk.runtime.gallery import Outcomes
from kiosk.runtime.outcome import Outcome
from kiosk.runtime.pilot import Pilot
from kiosk.runtime.session_screen import SessionScreen
from kiosk.scenario.esco import read_skills
from kiosk.scenario.model import Pack
from kiosk.store.db import open_store
from kiosk.visit.host import RecordingHost


def sample_outcomes(offers_csv: Path, packs: Sequence[Pack], folder: Path,
                    trainings_csv: Path | None = None) -> Outcomes:
    """Results of one visit played through the first pack, taking the first answer each time, recorded
    in a throwaway store in `folder`, with the offers and trainings of those feeds (CSV or JSON)."""
    db = open_store(folder / "sample.db")
    offers = []
    if offers_csv.exists():
        offers = load_offers(offers_csv.read_text(encoding="utf-8"), str(offers_csv))
    trainings = []
    if trainings_csv is not None and trainings_csv.exists():
        trainings = load_trainings(trainings_csv.read_text(encoding="utf-8"), str(trainings_csv))
    private = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # a throwaway key: a sample QR code
    numbers = itertools.count(1)
    host = RecordingHost(db, read_skills(), lambda: datetime(2026, 11, 23, 10, tzinfo=UTC), offers=offers,
                         key=SigningKey(private, public_jwk(private.public_key())["kid"]),
                         new_id=lambda: f"00000000-0000-4000-8000-{next(numbers):012d}", trainings=trainings)
    clock = ManualClock(100.0)
    screen = SessionScreen(packs, Catalogs.load(NATIVE_NAMES), host, clock.now(), media=lambda media: None)
    pilot = Pilot(screen, clock)
    pilot.tap_at(960, 540)
    pilot.tap(Intent("language", "fr"))
    pilot.tap(Toggle("phone"))
    pilot.tap(Proceed())
    pilot.tap(Intent("trade", sorted(p.id for p in packs)[0]))
    pilot.tap(Intent("next"))
    pilot.answer_scenario()
    visit, consent = screen.session.visit, screen.session.consent

    def outcome(words: Words, easy: bool) -> Outcome:
        return host.outcome(visit, words, consent, easy)

    return outcome
