"""ESCO v1.1.1 transversal skills (© European Union): the skill codes scenarios may claim.

Each skill has two kinds of names: the ESCO preferred label (`label`, fr and en, as published;
credentials and xAPI statements carry it with the URI) and a short plain name for people
(`plain`, in every language the kiosk offers, from `plain_names.csv` beside the ESCO table),
which is what visitors read on the results screen, the phone page and in explanations.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.errors import AssetError

ESCO_CREDIT = "ESCO v1.1.1, © European Union"
DEFAULT_CSV = Path(__file__).resolve().parents[2] / "assets" / "esco" / "transversal_skills.csv"
PLAIN_NAMES = "plain_names.csv"  # beside the ESCO table: code, then one column per language


@dataclass(frozen=True, slots=True)
class Skill:
    code: str  # e.g. "T4.3"
    uri: str
    label: Mapping[str, str]  # ESCO preferred label per language: fr, en
    parent: str
    plain: Mapping[str, str] = field(default_factory=dict)  # the name for people, per language

    def name(self, language: str) -> str:
        """What a visitor reads: the plain name in their language, else the ESCO label, else the code."""
        return (self.plain.get(language) or self.label.get(language) or self.plain.get("en")
                or self.label.get("en") or self.code)

    @property
    def is_group(self) -> bool:
        """T1..T6 group skills; scenarios should claim the precise sub-skills."""
        return "." not in self.code


def read_skills(path: Path = DEFAULT_CSV) -> dict[str, Skill]:
    rows = _rows(path)
    plain_path = path.with_name(PLAIN_NAMES)
    plain = {row["code"]: {lang: name for lang, name in row.items() if lang != "code" and name}
             for row in (_rows(plain_path) if plain_path.exists() else [])}
    return {row["code"]: Skill(row["code"], row["uri"], {"fr": row["label_fr"], "en": row["label_en"]},
                               row["parent"], plain.get(row["code"], {})) for row in rows if row["code"] != "T"}


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    except OSError as exc:
        raise AssetError(f"cannot read the ESCO skills table {path}: {exc.strerror}",
                         hint="it ships in assets/esco/; check content.assets in the config") from exc
