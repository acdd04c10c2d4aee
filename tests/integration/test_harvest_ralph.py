"""Statements read back from a real Ralph page by page into a local file: every one exactly once,
also when the read is interrupted mid-way and run again (kiosk/sync/harvest.py)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kiosk.bench.sync import backlog_statements
from kiosk.sync.client import LrsClient, LrsUnavailableError, Reply
from kiosk.sync.harvest import Fetch, fetcher, harvest, harvested
from scripts.lrs.ralph_server import PASSWORD, USER, RalphServer


def _filled(ralph: RalphServer, count: int) -> tuple[LrsClient, set[str]]:
    client = LrsClient(ralph.endpoint, USER, PASSWORD, timeout=60)
    statements = [s for _, visit in backlog_statements(count) for s in visit]
    for start in range(0, len(statements), 500):
        assert client.post(statements[start:start + 500]).status == 200
    return client, {s["id"] for s in statements}


def _cut_after(fetch: Fetch, pages: int) -> Fetch:
    """The network goes after `pages` pages."""
    served = [0]

    def cut(where: str) -> Reply:
        if served[0] == pages:
            raise LrsUnavailableError("LRS unreachable (test: cable pulled)")
        served[0] += 1
        return fetch(where)

    return cut


def test_an_interrupted_read_resumes_and_takes_every_statement_once(ralph: RalphServer, tmp_path: Path) -> None:
    client, posted = _filled(ralph, 1_234)
    work, query = tmp_path / "work", "limit=100"
    with pytest.raises(LrsUnavailableError):
        harvest(_cut_after(fetcher(client), 5), query, work)
    position = json.loads((work / "position.json").read_text())
    assert position["statements"] == 500 and "search_after" in position["next"]  # Ralph's `more` link, saved
    with (work / "statements.jsonl").open("ab") as torn:  # half a page written when the power went
        torn.write(b'{"id": "half a page')
    done = harvest(fetcher(client), query, work)
    assert done.resumed and done.pages == 8 and done.statements == 1_234  # the 734 left: 7 full pages and 34
    ids = [s["id"] for s in harvested(work)]
    assert len(ids) == len(set(ids)) == 1_234 and set(ids) == posted
    again = harvest(fetcher(client), query, work)  # a finished read run again reads afresh, once
    assert not again.resumed and again.pages == 13 and again.statements == 1_234
    other = harvest(fetcher(client), "limit=300", work)  # another query starts over
    assert not other.resumed and other.statements == 1_234
    assert len(list(harvested(work))) == 1_234


@pytest.mark.slow
def test_statements_read_per_second_from_ralph(ralph: RalphServer, tmp_path: Path) -> None:
    client, posted = _filled(ralph, 5_000)
    started = time.perf_counter()
    done = harvest(fetcher(client), "limit=1000", tmp_path / "work")
    seconds = time.perf_counter() - started
    assert done.statements == len(posted) == 5_000
    print(f"read {done.statements} statements in {seconds:.1f} s: {done.statements / seconds:.0f} statements/s")
