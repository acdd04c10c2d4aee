from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
SCENARIOS = REPO / "scenarios"


@pytest.fixture(scope="session")
def gl_context() -> Iterator[object]:
    from kiosk.render.context import create_offscreen_context

    ctx = create_offscreen_context()
    yield ctx
    ctx.release()


@pytest.fixture(scope="session")
def sample_cards() -> list[object]:
    from kiosk.runtime.attract import cards_from_trades
    from kiosk.scenario.catalog import discover_trades

    trades, errors = discover_trades(SCENARIOS)
    assert not errors
    return list(cards_from_trades([(t.text("title", "fr"), t.text("pitch", "fr"), t.card_image, t.rome,
                                    t.shortage_level) for t in trades]))
