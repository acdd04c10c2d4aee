"""One consent, from the screen to the store (issue 17): what the visitor ticks on the consent
screen reaches the real host and the SQLite file — the session row, the statements that may be
shown to employers, the offers recorded as shared, and the hand-off — and nothing is shared or
handed off when the visitor left the boxes unticked."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from kiosk.consent import Consent
from kiosk.runtime.actions import Intent, Proceed, Toggle
from kiosk.store import records
from kiosk.store.xapi import SHARING_EXTENSION
from tests.visit_kit import Kit, make_kit, read_debrief


def _visit(kit: Kit, *toggles: str) -> None:
    p = kit.pilot
    p.tap_at(960, 540)
    p.tap(Intent("language", "fr"))
    for toggle in toggles:
        p.tap(Toggle(toggle))
    p.tap(Proceed())
    p.tap(Intent("trade", "electricien-batiment"))
    p.tap(Intent("next"))
    p.answer_scenario()
    read_debrief(p)
    assert p.page() == "results"


def _session(kit: Kit) -> tuple[str, int, int]:
    row = kit.db.execute("SELECT id, results_to_phone, share_with_employers FROM sessions").fetchone()
    return row[0], row[1], row[2]


def _sharing_marks(kit: Kit) -> list[object]:
    bodies = [json.loads(row[0]) for row in kit.db.execute("SELECT body FROM outbox ORDER BY created_at, rowid")]
    assert bodies
    return [b["context"].get("extensions", {}).get(SHARING_EXTENSION) for b in bodies]


def test_sharing_with_employers_reaches_the_store_the_statements_and_the_offers(
        published_scenarios: Path, tmp_path: Path) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    _visit(kit, "phone", "employers")
    registration, phone, employers = _session(kit)
    assert (phone, employers) == (1, 1)
    assert set(_sharing_marks(kit)) == {True}  # every statement of the visit came after the consent screen
    outcome = kit.screen.outcome()
    assert outcome.offers and outcome.qr is not None
    shared = kit.db.execute("SELECT employer FROM shared_offers WHERE session_id = ?", (registration,)).fetchall()
    assert sorted(e for (e,) in shared) == sorted(o.employer for o in outcome.offers)

    records.record_consent(kit.db, registration, Consent(True, True, decided=True, revoked=True))  # taken back
    assert _session(kit)[1:] == (0, 0)
    assert kit.db.execute("SELECT COUNT(*) FROM shared_offers").fetchone()[0] == 0
    records.share_offers(kit.db, registration, [("x", "Someone")], datetime(2026, 11, 23, tzinfo=UTC))
    assert kit.db.execute("SELECT COUNT(*) FROM shared_offers").fetchone()[0] == 0  # the store refuses it


def test_nothing_is_shared_or_handed_off_without_the_visitors_yes(published_scenarios: Path, tmp_path: Path) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    _visit(kit)
    _, phone, employers = _session(kit)
    assert (phone, employers) == (0, 0)
    assert set(_sharing_marks(kit)) == {None}  # the statements stay as they always were
    outcome = kit.screen.outcome()
    assert outcome.offers and outcome.qr is None
    assert kit.db.execute("SELECT COUNT(*) FROM shared_offers").fetchone()[0] == 0


def test_the_phone_alone_hands_off_without_sharing(published_scenarios: Path, tmp_path: Path) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    _visit(kit, "phone")
    assert _session(kit)[1:] == (1, 0)
    assert kit.screen.outcome().qr is not None
    assert kit.db.execute("SELECT COUNT(*) FROM shared_offers").fetchone()[0] == 0
    assert set(_sharing_marks(kit)) == {None}
