"""Per-visit input journals on disk: one JSON line per input or state change, one file per visit.

What a journal holds: taps (positions), keys, board buttons and the screen states they led
to — nothing typed, nothing personal. The oldest files beyond `keep` are deleted, so the
folder stays bounded on a kiosk that runs for months.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)


class JournalWriter:
    def __init__(self, folder: Path, keep: int, header: dict[str, Any], stamp: str) -> None:
        self.folder = folder
        self.keep = keep
        self.header = header  # written at the top of every file: what the replay needs to rebuild the kiosk
        self.stamp = stamp  # distinguishes this kiosk run's files (visit numbers restart with the process)
        self._visit: int | None = None
        self._file: IO[str] | None = None

    def __call__(self, entry: dict[str, Any]) -> None:
        if self.keep <= 0:
            return
        visit = int(entry["visit"])
        try:
            if visit != self._visit:
                self._open(visit)
            assert self._file is not None
            self._file.write(json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n")
            self._file.flush()
        except OSError as exc:  # a full or read-only disk must not stop the visit
            log.error("input journal not written (%s): the visit goes on without a replay", exc.strerror)
            self._file = None
            self._visit = None

    def _open(self, visit: int) -> None:
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"visit-{self.stamp}-{visit:06d}.jsonl"
        self._file = path.open("a", encoding="utf-8")
        self._file.write(json.dumps({**self.header, "visit": visit}, separators=(",", ":")) + "\n")
        self._visit = visit
        files = sorted(self.folder.glob("visit-*.jsonl"), key=lambda p: p.stat().st_mtime)
        for old in files[:-self.keep]:
            old.unlink(missing_ok=True)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
