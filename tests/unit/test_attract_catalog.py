from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.events import PointerDown
from kiosk.runtime.attract import AttractScreen
from kiosk.scenario.catalog import discover_trades


def test_sample_packs_list_shortage_trades_first(published_scenarios: Path) -> None:
    trades, errors = discover_trades(published_scenarios)
    assert not errors
    assert len(trades) == 5
    levels = [t.shortage_level for t in trades]
    assert levels == sorted(levels, reverse=True)
    assert all(t.rome and t.title["fr"] and t.title["en"] for t in trades)


def test_a_broken_pack_is_skipped_and_the_others_served(scenarios_copy: Path) -> None:
    bad = scenarios_copy / "commis-de-cuisine" / "pack.yaml"
    bad.write_text(bad.read_text().replace("level: 4", "level: 9"))
    trades, errors = discover_trades(scenarios_copy)
    assert len(trades) == 4 and "commis-de-cuisine" not in [t.pack_id for t in trades]
    assert len(errors) == 1
    assert "commis-de-cuisine/pack.yaml" in str(errors[0]) and "shortage.level" in str(errors[0])


def test_attract_holds_still_between_slides(sample_cards: list) -> None:  # type: ignore[type-arg]
    screen = AttractScreen(sample_cards, start=0.0, period=8.0, slide=0.5)
    assert screen.view(1.0) is screen.view(7.9)  # same object: nothing to draw
    assert not screen.animating(7.9)
    assert screen.next_change(1.0) == 8.0
    assert screen.animating(8.2)
    assert screen.view(8.2) != screen.view(8.3)
    assert "card:1" in screen.view(9.0).labels
    assert "card:0" in screen.view(8.49).labels


def test_attract_reduced_motion_switches_without_sliding(sample_cards: list) -> None:  # type: ignore[type-arg]
    screen = AttractScreen(sample_cards, start=0.0, reduced_motion=True)
    assert not screen.animating(8.01)
    assert "card:1" in screen.view(8.01).labels


def test_attract_carousel_wraps_around(sample_cards: list) -> None:  # type: ignore[type-arg]
    screen = AttractScreen(sample_cards, start=0.0, period=8.0, slide=0.5)
    n = len(sample_cards)
    assert f"card:{0}" in screen.view(8.0 * n + 1).labels


def test_a_touch_is_the_message_up(sample_cards: list) -> None:  # type: ignore[type-arg]
    screen = AttractScreen(sample_cards, start=0.0)
    assert not screen.touched
    screen.handle(PointerDown(5, 5, 1.0), 1.0)
    assert screen.touched


@pytest.mark.parametrize("count", [0, 1, 3])
def test_few_cards_never_animate(sample_cards: list, count: int) -> None:  # type: ignore[type-arg]
    screen = AttractScreen(sample_cards[:count], start=0.0)
    assert screen.next_change(0.0) is None
    assert not screen.animating(8.2)
