"""Journals across versions: a version-1 journal (tests/data/journal-v1.jsonl: taps, drags, keys,
board buttons, a headset, a language switch, an idle reset, recorded on the fixed-coordinate screens)
is refused saying why; this version's sample journal replays to the states it recorded; a journal of
a format this kiosk does not read is refused, naming its version and what replays it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.runtime.replay import FORMAT, JournalError, parse_journal, replay, screen_settings
from kiosk.runtime.session_screen import SessionScreen
from tests.visit_kit import make_kit

RECORDED_V1 = Path(__file__).resolve().parents[1] / "data" / "journal-v1.jsonl"
SAMPLE_V2 = Path(__file__).resolve().parents[2] / "assets" / "replays" / "sample-visit.jsonl"


def test_a_version_1_journal_recorded_on_the_fixed_layout_is_refused_saying_why(published_scenarios: Path,
                                                                                tmp_path: Path) -> None:
    """Its taps are positions on the screens before the layout engine: replayed now they would land on
    other buttons, so the kiosk refuses it (and says which version replays it) rather than diverge."""
    lines = RECORDED_V1.read_text(encoding="utf-8").splitlines()
    with pytest.raises(JournalError) as refused:
        parse_journal(lines, str(RECORDED_V1))
    message = f"{refused.value} {refused.value.hint}"
    assert "nova-journal/1" in message and "laid out" in message and "kiosk replay" in message
    assert json.loads(lines[0])["kiosk"] in message


def test_a_journal_of_this_version_replays_to_the_states_it_recorded(published_scenarios: Path,
                                                                      tmp_path: Path) -> None:
    lines = SAMPLE_V2.read_text(encoding="utf-8").splitlines()
    journal = parse_journal(lines, str(SAMPLE_V2))
    assert journal.header["format"] == FORMAT and "size" in journal.header

    def make(start: float, first_visit: int) -> SessionScreen:
        kit = make_kit(published_scenarios, tmp_path / "replay.db", screen_settings(journal.header))
        kit.screen.session = type(kit.screen.session)(visit=first_visit, last_input=start)
        return kit.screen

    result = replay(journal, make)
    assert result.divergence is None, result.divergence
    assert [state for _, state in result.states] == [entry["state"] for entry in journal.entries]


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
