"""Item banks: the measurement model's parameters for one scenario version.

The bank's data and its `scoring.yaml` format are in kiosk.scenario.item_bank (read with the
pack, re-exported here); this module adds what the measurement model does with them: the items a
scenario can produce, provisional parameters, and writing the next version (calibration).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

from kiosk.errors import ContentError
from kiosk.scenario.item_bank import (
    BANK_FILE,
    BANK_FORMAT,
    MODEL,
    ItemBank,
    ItemParams,
    dump_bank,
    parse_bank,
    read_bank_file,
)
from kiosk.scenario.model import Pack, Scenario
from kiosk.scoring.items import ItemKey, scenario_step_items

__all__ = ["BANK_FILE", "BANK_FORMAT", "MODEL", "ItemBank", "ItemParams", "dump_bank", "initial_bank", "parse_bank",
           "provisional_params", "read_bank", "scenario_items", "unused", "write_bank"]


def scenario_items(pack_id: str, scenario: Scenario) -> Iterator[tuple[ItemKey, int]]:
    """Every item the scenario can produce, with its maximum credit, in step order."""
    for item in scenario_step_items(pack_id, scenario):
        yield item.key, item.max_credit


def provisional_params(max_credit: int, a: float = 1.0) -> ItemParams:
    """Expert starting values before any calibration: thresholds spread around a typical visitor."""
    if max_credit == 1:
        return ItemParams(a, (0.0,))
    spread = 1.0
    return ItemParams(a, tuple(round(-spread + 2 * spread * k / (max_credit - 1), 3) for k in range(max_credit)))


def initial_bank(pack: Pack) -> ItemBank:
    items = {key: provisional_params(maximum) for key, maximum in scenario_items(pack.id, pack.scenario)}
    return ItemBank(pack.id, pack.version, 1, MappingProxyType(items),
                    MappingProxyType({"source": "provisional expert values, not calibrated"}))


def read_bank(pack: Pack) -> ItemBank | None:
    """The pack's scoring.yaml as it is on disk now, or None when it has none: for the tools that
    write it. A loaded pack carries the bank read and checked with it (`pack.bank`): serving and
    scoring a visit read that, never the file."""
    path = pack.root / BANK_FILE
    try:
        return read_bank_file(path)
    except OSError as exc:
        raise ContentError(f"{path}: cannot read ({exc})", "check the file") from exc


def write_bank(pack_root: Path, bank: ItemBank) -> Path:
    path = pack_root / BANK_FILE
    path.write_text(dump_bank(bank), encoding="utf-8")
    return path


def unused(bank: ItemBank, scenario: Scenario) -> tuple[list[ItemKey], list[ItemKey]]:
    """(items the scenario has but the bank lacks, items the bank has but the scenario lacks)."""
    expected = {key for key, _ in scenario_items(bank.pack, scenario)}
    return sorted(expected - set(bank.items)), sorted(set(bank.items) - expected)

