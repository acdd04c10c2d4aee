"""The trade catalogue: what each scenario pack says about its trade.

Reads the `trade:` section of `scenarios/<pack>/pack.yaml`. A pack whose metadata is
broken is reported and skipped; the others are still served.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kiosk.errors import ContentError

log = logging.getLogger(__name__)

SHORTAGE_LEVELS = range(1, 6)  # DARES publishes tension on a 5-level scale


@dataclass(frozen=True, slots=True)
class TradeSummary:
    pack_id: str
    rome: str  # ROME 4.0 code, e.g. "G1602"
    title: dict[str, str]
    pitch: dict[str, str]
    sector: str
    shortage_level: int  # 1 (low) .. 5 (very high tension)
    card_image: str  # relative to the pack folder

    def text(self, field_name: str, language: str) -> str:
        """The field in `language`, falling back to French (every pack has French)."""
        values: dict[str, str] = getattr(self, field_name)
        return values.get(language) or values["fr"]


def _texts(where: str, data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not isinstance(value.get("fr"), str):
        raise ContentError(f"{where}: trade.{key}: expected texts per language with at least `fr`",
                           hint=f"write `{key}: {{fr: ..., en: ...}}`")
    return {str(k): str(v) for k, v in value.items()}


def read_trade(pack_dir: Path) -> TradeSummary:
    where = str(pack_dir / "pack.yaml")
    try:
        raw = yaml.safe_load((pack_dir / "pack.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{where}: cannot read pack metadata: {exc}", hint="run `kiosk lint` on it") from exc
    trade = raw.get("trade") if isinstance(raw, dict) else None
    if not isinstance(trade, dict):
        raise ContentError(f"{where}: missing `trade:` section", hint="see docs/authoring.md")
    shortage = trade.get("shortage")
    level = shortage.get("level") if isinstance(shortage, dict) else None
    if not isinstance(level, int) or level not in SHORTAGE_LEVELS:
        raise ContentError(f"{where}: trade.shortage.level: expected 1..5, got {level!r}",
                           hint="use the DARES tension level of the trade")
    return TradeSummary(
        pack_id=pack_dir.name,
        rome=str(trade.get("rome", "")),
        title=_texts(where, trade, "title"),
        pitch=_texts(where, trade, "pitch"),
        sector=str(trade.get("sector", "")),
        shortage_level=level,
        card_image=str(trade.get("card_image", "")),
    )


def discover_trades(root: Path) -> tuple[list[TradeSummary], list[ContentError]]:
    """Every pack under `root` that has valid metadata, shortage first; and the errors."""
    trades: list[TradeSummary] = []
    errors: list[ContentError] = []
    for pack_dir in sorted(p for p in root.iterdir() if (p / "pack.yaml").is_file()) if root.is_dir() else []:
        try:
            trades.append(read_trade(pack_dir))
        except ContentError as exc:
            log.error("pack skipped: %s", exc)
            errors.append(exc)
    trades.sort(key=lambda t: (-t.shortage_level, t.title["fr"]))
    return trades, errors
