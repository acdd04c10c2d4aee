"""A real visit with clips in a kiosk process, and every statement that reaches the LRS checked by
validators the kiosk did not write (issue 22, part 3).

`kiosk run --headless` with a button board on a pseudo-terminal and a real Ralph LRS: the visitor
presses select to start, picks a trade with the buttons, watches its clip on the trade page (it
loops), starts the scenario (its first step is the clip again, from its start, played to the end),
answers a few steps and walks away; the idle reset ends the visit. `kiosk sync now` delivers the
store's outbox, and every statement Ralph returns for the visit is checked with Learning Locker's
`xapi-validation` (node), Ralph's generic statement model and its Video Profile models, and the
Video Profile's rules. The button presses are planned on an in-process twin of the kiosk (same
packs, same screens), so the test knows which button reaches which target.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kiosk.runtime.actions import Intent
from kiosk.sync.client import LrsClient
from scripts.lrs.ralph_server import PASSWORD, USER, RalphServer
from tests.gl.kiosk_process import start_kiosk, wait_device, wait_metric
from tests.visit_kit import make_kit
from tests.xapi.check import empty_objects, independent_problems, video_profile_problems

pytestmark = [pytest.mark.gl, pytest.mark.slow]  # a real visit in real time: about a minute
REPO = Path(__file__).resolve().parents[2]
BUTTONS = {"back": 0, "previous": 1, "next": 2, "select": 3}  # the nova-board-v1 profile
VIDEO = "https://w3id.org/xapi/video"


def _plan(published_scenarios: Path, tmp_path: Path) -> tuple[list[str], list[str]]:
    """(presses to reach the trade page, presses through the first steps of its scenario), found on a twin."""
    twin = make_kit(published_scenarios, tmp_path / "twin.db")
    p = twin.pilot
    to_trade = ["select", "select", "select"]  # attract → language → consent → catalogue
    for name in to_trade:
        p.board(name)
    assert p.page() == "catalogue"
    index = [t.action for t in p.focusable()].index(Intent("trade", "commis-de-cuisine"))
    to_trade += ["next"] * (index + 1) + ["select"]
    for name in to_trade[3:]:
        p.board(name)
    assert p.page() == "trade"
    p.board("select")
    assert p.page() == "play" and twin.screen.play is not None and twin.screen.play.step_id == "arrivee"
    through: list[str] = []
    while len({o.step_id for o in twin.screen.play.observations}) < 2:  # two questions answered
        p.board("select")
        through.append("select")
        assert len(through) < 20
    return to_trade, through


def _press(board: Any, names: list[str]) -> None:
    for name in names:
        board.tap(BUTTONS[name])
        time.sleep(0.4)


def test_a_visit_with_clips_sends_only_valid_statements_to_the_lrs(
        published_scenarios: Path, tmp_path: Path, ralph: RalphServer, stopper: list[subprocess.Popen[bytes]]) -> None:
    from hardware.sim.board import BoardSimulator
    from kiosk.store.db import open_store

    to_trade, through = _plan(published_scenarios, tmp_path)
    board = BoardSimulator(tmp_path / "nova-board").start()
    lrs = f'[lrs]\nendpoint = "{ralph.endpoint}"\nusername = "{USER}"\npassword = "{PASSWORD}"\n'
    try:
        extra = (f'[devices]\nboard = "serial://{board.path}?baud=115200"\n'
                 f'[session]\nidle_after = 10.0\nwarn_for = 3.0\n' + lrs)
        process, base = start_kiosk(tmp_path, published_scenarios, extra=extra)
        stopper.append(process)
        assert wait_device(base, "board", "connected")[1]["devices"] == {"board": "connected"}
        _press(board, to_trade)
        time.sleep(7.0)  # the trade page's 6 s clip plays through and starts over
        _press(board, ["select"])  # the scenario: its first step is the clip, from its start
        time.sleep(7.0)  # played to its end
        _press(board, through)  # then the visitor walks away: the idle reset ends the visit
        metrics = wait_metric(base, 'kiosk_sessions_total{outcome="abandoned"} 1.0')
        assert 'kiosk_sessions_total{outcome="abandoned"} 1.0' in metrics, metrics[-600:]
    finally:
        board.stop()
    process.terminate()
    process.communicate(timeout=15)
    config = tmp_path / "k.toml"
    done = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "sync", "now"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr

    db = open_store(tmp_path / "k" / "kiosk.db")
    registration, status = db.execute("SELECT id, status FROM sessions").fetchone()
    assert status == "abandoned"
    order = [row[0] for row in db.execute("SELECT id FROM outbox ORDER BY created_at, rowid")]
    assert {row[0] for row in db.execute("SELECT DISTINCT status FROM outbox")} == {"sent"}
    stored = {s["id"]: s for s in LrsClient(ralph.endpoint, USER, PASSWORD).statements(
        f"registration={registration}")}
    assert sorted(stored) == sorted(order)  # every statement of the visit reached the LRS, once
    statements = [stored[i] for i in order]  # in the order they happened

    verbs = [(str(s["verb"]["id"]).rsplit("/", 1)[-1], VIDEO in json.dumps(s["context"].get("contextActivities", {})))
             for s in statements]
    assert {v for v, video in verbs if video} == {"initialized", "played", "seeked", "completed", "terminated"}
    played = [v for v, video in verbs if not video and v != "experienced"]  # the funnel's pages aside
    assert played == ["launched", "initialized", "answered", "answered", "progressed", "terminated"]
    assert video_profile_problems(statements) == []
    assert independent_problems(statements) == [[]] * len(statements)
    assert [p for s in statements for p in empty_objects(s)] == []
    assert ralph.validate_generic(statements) == [""] * len(statements)
    videos = [s for s, (_, video) in zip(statements, verbs, strict=True) if video]
    checked = ralph.validate(videos)
    assert checked.returncode == 0 and "Invalid events: 0" in checked.stderr, checked.stderr[-2000:]
    assert len(checked.stdout.splitlines()) == len(videos)
    languages = {s["context"]["language"] for s in statements}
    inputs = {s["context"]["extensions"]["https://nova-kiosk.example.org/xapi/extensions/input"] for s in statements}
    assert languages == {"fr-FR"} and inputs == {"board"}
