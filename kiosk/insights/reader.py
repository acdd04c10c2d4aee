"""Reading every kiosk's statements from the LRS, page by page, resumably (the only network I/O here).

GET <endpoint>statements?since=…&until=…&limit=N, then the `more` links. The state — the
facts so far, the ids of the statements counted, and the `more` link of the next page — is written
to the report folder every few seconds, at the end, and when reading stops on an error. A rerun
after an interruption continues from that link; a rerun after a complete read (next week) reads
the period again and counts only statements it has not counted yet, so a kiosk that was offline
for days and sends old statements late is still counted, whichever time (`stored` per xAPI,
`timestamp` in Ralph 5.1's filesystem backend) the LRS applies `since` to. The state keeps no
registration: visits are keyed by an HMAC of it under a random key that never leaves the state
file (mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.insights.facts import VisitFacts, absorb
from kiosk.sync.client import LrsClient

STATE_FILE = ".insights-state.json"


class LrsQueryError(KioskError):
    """The LRS refused the query or answered something that is not a statement result."""

    exit_code = 76  # EX_PROTOCOL


@dataclass
class ReadState:
    query: dict[str, str]  # what the report covers: a different query starts afresh
    secret: str = field(default_factory=lambda: secrets.token_hex(32))
    more: str = ""  # `more` link of the next page when the last run was interrupted
    seen: set[str] = field(default_factory=set)  # ids of the statements counted
    visits: dict[str, VisitFacts] = field(default_factory=dict)

    def key_of(self, registration: str) -> str:
        return hmac.new(bytes.fromhex(self.secret), registration.encode(), hashlib.sha256).hexdigest()[:32]

    def as_json(self) -> dict[str, Any]:
        return {"query": self.query, "secret": self.secret, "more": self.more, "seen": sorted(self.seen),
                "visits": {k: v.as_json() for k, v in self.visits.items()}}


def load_state(folder: Path, query: dict[str, str]) -> ReadState:
    path = folder / STATE_FILE
    if not path.exists():
        return ReadState(query)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("query") != query:
            return ReadState(query)
        return ReadState(query, str(raw["secret"]), str(raw["more"]), {str(i) for i in raw["seen"]},
                         {k: VisitFacts.from_json(v) for k, v in raw["visits"].items()})
    except (ValueError, KeyError, TypeError) as exc:
        raise KioskError(f"{path}: the saved reading state is damaged ({exc})",
                         f"delete {path} to read everything again from the LRS") from exc


def save_state(folder: Path, state: ReadState) -> None:
    path, temporary = folder / STATE_FILE, folder / (STATE_FILE + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(state.as_json(), out, separators=(",", ":"))
    os.replace(temporary, path)


def pages(client: LrsClient, query: str, more: str = "") -> Iterator[tuple[list[dict[str, Any]], str]]:
    """The statements matching `query` (or from the `more` link given), one LRS page at a time, with the
    page's own `more` link ("" at the end)."""
    while True:
        reply = client.get_more(more) if more else client.get(query)
        if reply.status != 200:
            hint = "check --user/--password" if reply.status in (401, 403) else "check the URL: it ends in /xAPI/"
            raise LrsQueryError(f"LRS {client.endpoint} answered {reply.status} to GET "
                                f"{more or 'statements?' + query}: {reply.body[:200].decode(errors='replace')}", hint)
        try:
            page = json.loads(reply.body)
            statements = list(page["statements"])
        except (ValueError, KeyError, TypeError) as exc:
            raise LrsQueryError(f"LRS {client.endpoint} answered something that is not a StatementResult",
                                "check the URL: it is the xAPI endpoint, e.g. https://lrs.example.org/xAPI/") from exc
        more = str(page.get("more") or "")
        yield statements, more
        if not more:
            return


def read_statements(client: LrsClient, folder: Path, *, since: str = "", until: str = "", page_size: int = 500,
                    on_page: Callable[[int], None] = lambda n: None, save_every: float = 5.0,
                    clock: Callable[[], float] = time.monotonic) -> ReadState:
    """Reads the LRS into the state kept in `folder` (continuing an interrupted run). The state is saved at
    least every `save_every` seconds, at the end, and when reading stops on an error: always at a page's
    end, so a rerun continues from the right `more` link."""
    query = {"endpoint": client.endpoint, "since": since, "until": until}
    folder.mkdir(parents=True, exist_ok=True)
    state = load_state(folder, query)
    params = {"limit": str(page_size)} | ({"since": since} if since else {}) | ({"until": until} if until else {})
    saved = clock()
    try:
        for page, more in pages(client, urllib.parse.urlencode(params), state.more):
            for statement in page:
                sid = str(statement.get("id", ""))
                if sid in state.seen:
                    continue  # counted by an earlier run
                absorb(state.visits, statement, state.key_of)
                state.seen.add(sid)
            state.more = more
            if clock() - saved >= save_every:
                save_state(folder, state)  # a whole state per save: not after every page of a long read
                saved = clock()
            on_page(len(page))
    finally:
        save_state(folder, state)
    return state
