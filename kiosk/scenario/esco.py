"""ESCO v1.1.1 transversal skills (© European Union): the skill codes scenarios may claim."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import AssetError

ESCO_CREDIT = "ESCO v1.1.1, © European Union"
DEFAULT_CSV = Path(__file__).resolve().parents[2] / "assets" / "esco" / "transversal_skills.csv"


@dataclass(frozen=True, slots=True)
class Skill:
    code: str  # e.g. "T4.3"
    uri: str
    label: Mapping[str, str]  # per language: fr, en
    parent: str

    @property
    def is_group(self) -> bool:
        """T1..T6 group skills; scenarios should claim the precise sub-skills."""
        return "." not in self.code


def read_skills(path: Path = DEFAULT_CSV) -> dict[str, Skill]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise AssetError(f"cannot read the ESCO skills table {path}: {exc.strerror}",
                         hint="it ships in assets/esco/; check content.assets in the config") from exc
    return {row["code"]: Skill(row["code"], row["uri"], {"fr": row["label_fr"], "en": row["label_en"]},
                               row["parent"]) for row in rows if row["code"] != "T"}
