"""Journals across versions: a version-1 journal recorded before the actions were typed (taps,
drags, keys, board buttons, a headset put on, turned and taken off, a language switch, an idle
reset: tests/data/journal-v1.jsonl) still replays to the states it recorded; a journal of a format
this kiosk does not read is refused, naming its version and what replays it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.runtime.replay import FORMAT, JournalError, parse_journal, replay, screen_settings
from kiosk.runtime.session_screen import SessionScreen
from tests.visit_kit import make_kit

RECORDED_V1 = Path(__file__).resolve().parents[1] / "data" / "journal-v1.jsonl"


def test_a_version_1_journal_recorded_before_typed_actions_replays_identically(published_scenarios: Path,
                                                                                tmp_path: Path) -> None:
    lines = RECORDED_V1.read_text(encoding="utf-8").splitlines()
    journal = parse_journal(lines, str(RECORDED_V1))
    inputs = {entry["input"]["type"] for entry in journal.entries if "input" in entry}
    assert inputs >= {"PointerDown", "PointerMoved", "PointerUp", "KeyPressed", "BoardIntent", "HeadsetWorn",
                      "HeadsetLook"}

    def make(start: float, first_visit: int) -> SessionScreen:
        kit = make_kit(published_scenarios, tmp_path / "replay.db", screen_settings(journal.header))
        kit.screen.session = type(kit.screen.session)(visit=first_visit, last_input=start)
        return kit.screen

    result = replay(journal, make)
    assert result.divergence is None, result.divergence
    assert [state for _, state in result.states] == [entry["state"] for entry in journal.entries]
    looks = {state.rsplit("|look ", 1)[1] for _, state in result.states}
    assert len(looks) > 2  # the drag, the head and a focused hotspot all turned the 360° view


def _header(**fields: object) -> str:
    first = json.loads(RECORDED_V1.read_text(encoding="utf-8").splitlines()[0])
    return json.dumps({**first, **fields})


def test_a_journal_of_a_format_this_kiosk_does_not_read_is_refused_with_its_version_and_what_to_do() -> None:
    with pytest.raises(JournalError) as refused:
        parse_journal([_header(format="nova-journal/7", kiosk="3.2.0")], "visit.jsonl")
    message = f"{refused.value} {refused.value.hint}"
    assert "nova-journal/7" in message and "3.2.0" in message and FORMAT in message
    assert "kiosk replay" in message
    with pytest.raises(JournalError, match="not a kiosk journal"):
        parse_journal([_header(format=None)], "visit.jsonl")
    with pytest.raises(JournalError, match="not a kiosk journal"):
        parse_journal(['["a list, not a header"]'], "visit.jsonl")
