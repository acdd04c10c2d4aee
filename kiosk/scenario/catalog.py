"""The trade catalogue: what each scenario pack says about its trade.

Reads the `trade:` section of `scenarios/<pack>/pack.yaml`. A pack whose metadata is
broken is reported and skipped; the others are still served.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import ContentError
from kiosk.scenario.source import LocatedError, YNode, parse

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


def _texts(node: YNode, key: str, source: str) -> dict[str, str]:
    value = node.get(key)
    where = value.mark if value is not None else node.mark
    if value is None or not isinstance(value.value, dict) or "fr" not in value.value:
        raise LocatedError(where, f"trade.{key}: expected texts per language with at least `fr`",
                           f"write `{key}: {{fr: ..., en: ...}}`", source)
    texts: dict[str, str] = {}
    for language, text in value.value.items():
        if not isinstance(text.value, str) or not text.value.strip():
            raise LocatedError(text.mark, f"trade.{key}.{language}: expected some text", "write the text", source)
        texts[language] = text.value
    return texts


def read_trade(pack_dir: Path) -> TradeSummary:
    path = pack_dir / "pack.yaml"
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot read pack metadata ({exc})", hint="save it as UTF-8 text") from exc
    root = parse(source, str(path))
    trade = root.get("trade")
    if trade is None or not isinstance(trade.value, dict):
        raise LocatedError(trade.mark if trade else root.mark, "missing `trade:` section",
                           "see docs/architecture.md for the pack metadata", source)
    shortage = trade.get("shortage")
    level_node = shortage.get("level") if shortage is not None else None
    level = level_node.value if level_node is not None else None
    if not isinstance(level, int) or isinstance(level, bool) or level not in SHORTAGE_LEVELS:
        where = (level_node or shortage or trade).mark
        raise LocatedError(where, f"trade.shortage.level: expected 1..5, got {level!r}",
                           "use the DARES tension level of the trade: `shortage: {level: 4}`", source)

    section: YNode = trade  # narrowed above; a named binding keeps it narrowed inside plain()

    def plain(key: str) -> str:
        node = section.get(key)
        return "" if node is None or node.value is None else str(node.value)

    return TradeSummary(pack_id=pack_dir.name, rome=plain("rome"), title=_texts(trade, "title", source),
                        pitch=_texts(trade, "pitch", source), sector=plain("sector"), shortage_level=level,
                        card_image=plain("card_image"))


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
