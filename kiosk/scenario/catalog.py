"""The trade catalogue: what each servable scenario pack says about its trade.

A pack with errors is reported and skipped (see `load_packs`); the others are served.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.scenario.esco import Skill
from kiosk.scenario.load import PackError, load_packs
from kiosk.scenario.model import Pack


@dataclass(frozen=True, slots=True)
class TradeSummary:
    pack_id: str
    rome: str  # ROME 4.0 code, e.g. "G1602"
    title: Mapping[str, str]
    pitch: Mapping[str, str]
    sector: str
    shortage_level: int  # 1 (low) .. 5 (very high tension)
    card_image: str  # relative to the scenarios folder: "<pack>/media/card.png"

    def text(self, field_name: str, language: str) -> str:
        """The field in `language`, falling back to French (every pack has French)."""
        values: Mapping[str, str] = getattr(self, field_name)
        return values.get(language) or values["fr"]


def summary(pack: Pack) -> TradeSummary:
    trade = pack.trade
    return TradeSummary(pack.id, trade.rome, trade.title.values, trade.pitch.values, trade.sector,
                        trade.shortage_level, f"{pack.id}/{trade.card_image}")


def discover_trades(root: Path, skills: Mapping[str, Skill] | None = None, *,
                    require_sealed: bool = True) -> tuple[list[TradeSummary], list[PackError]]:
    """Every servable pack's trade under `root`, shortage first; and the errors of the others."""
    packs, errors = load_packs(root, skills, require_sealed=require_sealed)
    return [summary(p) for p in packs], errors
