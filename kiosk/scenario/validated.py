"""Which sealed packs already passed schema validation, remembered by their manifest's sha256.

Validating a pack against the JSON schemas (and importing jsonschema to do it) is a large part of
a kiosk's start. A sealed pack whose manifest.json is byte-for-byte one that passed before, and
whose files still match that manifest, is the same content: its schema check is skipped. The
cache is also keyed by the schemas themselves, so a kiosk update that changes them validates
every pack again. A missing, unreadable or foreign cache file only means validating again; a
cache that cannot be written is logged and the kiosk goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from kiosk.scenario.manifest import MANIFEST
from kiosk.scenario.schema import pack_schema, scenario_schema
from kiosk.state import state_dir

log = logging.getLogger(__name__)
CACHE_FORMAT = "nova-validated-packs/1"
DEFAULT_CACHE = state_dir() / "validated-packs.json"


@cache
def schemas_digest() -> str:
    """The schemas the packs were validated against: another schema, another cache."""
    text = json.dumps([pack_schema(), scenario_schema()], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_digest(pack_dir: Path) -> str | None:
    """The sha256 of the pack's manifest.json; None when it is not sealed or cannot be read."""
    try:
        return hashlib.sha256((pack_dir / MANIFEST).read_bytes()).hexdigest()
    except OSError:
        return None


def read_validated(path: Path) -> frozenset[str]:
    """The manifest digests that passed validation against today's schemas."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != CACHE_FORMAT or data["schemas"] != schemas_digest():
            return frozenset()
        return frozenset(str(d) for d in data["manifests"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


def write_validated(path: Path, digests: Iterable[str]) -> None:
    """Replace the cache atomically (a reader sees the old file or the new one)."""
    body = {"format": CACHE_FORMAT, "schemas": schemas_digest(), "manifests": sorted(set(digests))}
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        log.warning("validated-pack cache not written (%s): packs will be validated again at next start", exc)
