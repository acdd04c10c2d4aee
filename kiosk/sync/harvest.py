"""Reading statements back from the LRS into a local file, page by page, resumable — the first
step of `kiosk insights` and of calibrating across the fleet (issue 23).

Each page is appended to `<work>/statements.jsonl` and then the position is saved atomically in
`<work>/position.json`: the file's length after the page, and the LRS's `more` link to the next
page (xAPI 1.0.3 asks LRSs to keep `more` links valid for at least 24 hours). An interrupted run
— network gone, LRS restarted, Ctrl-C — resumes at the saved link and first cuts the file back to
the saved length, so a page half written before the stop is read again, never twice.
The backend decides the order of the pages; nothing here relies on it.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.sync.client import LrsClient, LrsUnavailableError, Reply

Fetch = Callable[[str], Reply]  # a query ("since=…&limit=…") or a `more` link -> the LRS's reply


@dataclass(frozen=True)
class Harvest:
    statements: int  # in the file, this run and earlier ones
    pages: int  # read by this run
    resumed: bool  # this run continued an interrupted one


def fetcher(client: LrsClient) -> Fetch:
    def fetch(where: str) -> Reply:
        if where.startswith(("/", "http://", "https://")):  # a `more` link, relative to the LRS's host
            parts = urllib.parse.urlsplit(client.endpoint)
            url = where if "://" in where else f"{parts.scheme}://{parts.netloc}{where}"
            return client.send_get(url)
        return client.get(where)

    return fetch


def _save(position: Path, state: dict[str, Any]) -> None:
    temporary = position.with_suffix(".tmp")
    temporary.write_text(json.dumps(state))
    os.replace(temporary, position)


def harvest(fetch: Fetch, query: str, work: Path) -> Harvest:
    """Every statement `query` selects, written to `work`/statements.jsonl; resumes an interrupted run
    of the same query, and otherwise starts over (a finished read is not reused: since then the LRS
    may hold new statements, or void some)."""
    work.mkdir(parents=True, exist_ok=True)
    data, position = work / "statements.jsonl", work / "position.json"
    state: dict[str, Any] = json.loads(position.read_text()) if position.exists() else {}
    resumed = state.get("query") == query and not state.get("done") and bool(state.get("next"))
    if not resumed:
        state = {"query": query, "next": query, "bytes": 0, "statements": 0, "done": False}
    with data.open("ab") as out:
        out.truncate(int(state["bytes"]))  # drops a page written after the last saved position
        out.seek(int(state["bytes"]))
        pages = 0
        while state["next"]:
            reply = fetch(str(state["next"]))
            if reply.status != 200:
                raise LrsUnavailableError(f"the LRS answered {reply.status} while reading statements",
                                          "run the same command again: it resumes where it stopped")
            try:
                page = json.loads(reply.body)
            except ValueError:
                page = None
            statements = page.get("statements") if isinstance(page, dict) else None
            if not isinstance(statements, list):
                raise LrsUnavailableError("the LRS's answer has no statement list",
                                          reply.body[:200].decode(errors="replace"))
            out.write(b"".join(json.dumps(s, ensure_ascii=False).encode() + b"\n" for s in statements))
            out.flush()
            os.fsync(out.fileno())
            pages += 1
            more = page.get("more") or ""
            state |= {"next": more, "bytes": out.tell(), "statements": int(state["statements"]) + len(statements),
                      "done": not more}
            _save(position, state)
    return Harvest(int(state["statements"]), pages, resumed)


def harvested(work: Path) -> Iterator[dict[str, Any]]:
    """The statements of a finished harvest, one at a time (a 100k-statement harvest is not held in memory)."""
    with (work / "statements.jsonl").open("rb") as lines:
        for line in lines:
            yield json.loads(line)
