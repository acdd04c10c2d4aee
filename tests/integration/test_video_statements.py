"""Clips reported as the xAPI Video Profile says, from what really plays: the real session screen,
host and SQLite store, the real media deck decoding the sample clips (on a manual timeline), and
the statements checked with validators the kiosk did not write — `xapi-validation` (npm, by node),
Ralph's own models (its generic statement model and its Video Profile models) — and against the
profile's rules (tests/xapi/check.py). The headset comes off and on mid-clip (paused / played), the
trade page's clip loops (seeked), clips play to the end (completed) and leave the screen
(terminated), and a visit ends with a clip still showing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.media.deck import MediaDeck
from kiosk.runtime.actions import Intent, Proceed
from kiosk.store.clip_statements import ClipWatch
from kiosk.store.xapi import Visit
from kiosk.view.nodes import paused_streams, streams
from scripts.lrs.ralph_server import RalphServer
from tests.visit_kit import WALL, Kit, make_kit
from tests.xapi.check import empty_objects, independent_problems, video_profile_problems

TICK = 0.04


def _play(kit: Kit, deck: MediaDeck, seconds: float) -> None:
    """Time passes on the kiosk's timeline: the screen updates, the deck shows and presents its clips,
    the real decoders keeping up first."""
    for _ in range(round(seconds / TICK)):
        kit.clock.advance(TICK)
        now = kit.clock.now()
        kit.screen.update(TICK, now)
        scene = kit.screen.view(now)
        deck.show(streams(scene), now, paused_streams(scene))
        for playlist in deck.playing.values():
            for player in (playlist.current, playlist.upcoming):
                if player is not None:
                    player.wait_buffered(3, timeout=2)
        deck.present(now)


def _statements(kit: Kit) -> list[dict[str, Any]]:
    return [json.loads(row[0]) for row in kit.db.execute("SELECT body FROM outbox ORDER BY created_at, rowid")]


def _verb(statement: dict[str, Any]) -> str:
    return str(statement["verb"]["id"]).rsplit("/", 1)[-1]


def test_clips_of_a_visit_are_reported_with_the_video_profile(published_scenarios: Path, tmp_path: Path,
                                                              ralph: RalphServer) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    deck = MediaDeck(published_scenarios, lambda name, frame: None, lambda name: None, report=kit.host.clip_event)
    p = kit.pilot
    p.tap_at(960, 540)
    p.tap(Intent("language", "fr"))
    p.tap(Proceed())
    p.tap(Intent("trade", "commis-de-cuisine"))
    _play(kit, deck, 7.0)  # the trade page's clip (6 s) loops once
    p.tap(Intent("next"))  # the scenario's first step: the same clip, from its start
    _play(kit, deck, 2.0)
    p.headset(False)  # the headset comes off: the scenario and its clip stand still
    _play(kit, deck, 1.0)
    p.headset(True)
    _play(kit, deck, 4.5)  # to the clip's end
    p.board("select")  # continue: the clip leaves the screen
    _play(kit, deck, 0.5)
    p.tap(Intent("stop"))  # the visitor leaves
    p.tap_at(960, 540)  # someone else: a clip still on screen when their visit ends
    p.tap(Intent("language", "en"))
    p.tap(Proceed())
    p.tap(Intent("trade", "electricien-batiment"))
    _play(kit, deck, 2.0)
    p.tap(Intent("stop"))
    _play(kit, deck, 0.5)
    deck.stop()

    statements = _statements(kit)
    videos = [s for s in statements if "video" in str(s["object"].get("definition", {}).get("type", ""))]
    assert {_verb(s) for s in videos} == {"initialized", "played", "paused", "seeked", "completed", "terminated"}
    assert video_profile_problems(statements) == []
    sessions: dict[str, list[str]] = {}
    for s in videos:
        sessions.setdefault(s["context"]["extensions"]["https://w3id.org/xapi/video/extensions/session-id"],
                            []).append(_verb(s))
    trade, step, left = sessions.values()
    assert trade == ["initialized", "played", "completed", "seeked", "terminated"]
    assert step == ["initialized", "played", "paused", "played", "completed", "terminated"]
    assert left == ["initialized", "played", "terminated"]  # closed by the end of the visit
    time = "https://w3id.org/xapi/video/extensions/time"
    assert [s["result"]["extensions"][time] for s in videos if _verb(s) == "terminated"][-1] >= 2.0  # 2 s shown
    assert independent_problems(statements) == [[]] * len(statements)
    assert [p for s in statements for p in empty_objects(s)] == []
    assert ralph.validate_generic(statements) == [""] * len(statements)
    checked = ralph.validate(videos)  # Ralph's Video Profile models
    assert checked.returncode == 0 and "Invalid events: 0" in checked.stderr, checked.stderr[-2000:]
    assert "No matching pydantic model" not in checked.stderr and len(checked.stdout.splitlines()) == len(videos)


def test_a_watch_counts_what_was_seen_once_and_completes_past_its_threshold() -> None:
    visit = Visit("6f0c1d2e-0000-4000-8000-000000000001", "v", "https://agency.example.org", "https://a.org/nova",
                  "fr")
    watch = ClipWatch({"objectType": "Activity", "id": "https://a.org/nova/packs/p/media/c.mp4",
                       "definition": {"type": "https://w3id.org/xapi/video/activity-type/video"}},
                      "6f0c1d2e-0000-4000-8000-0000000000aa", 10.0)
    out = watch.opened(visit, WALL) + watch.paused(visit, WALL, 4.0) + watch.played(visit, WALL, 4.0)
    out += watch.seeked(visit, WALL, 6.0, 2.0)  # watched 0–6, back to 2: 2–6 again counts once
    assert watch.progress() == 0.6 and not watch.completed
    out += watch.seeked(visit, WALL, 9.5, 0.0)  # 2–9.5: 95 % seen, past the 90 % threshold
    assert watch.completed and [_verb(s) for s in out][-2:] == ["completed", "seeked"]
    out += watch.closed(visit, WALL, 1.0) + watch.closed(visit, WALL, 1.0)  # closing twice sends nothing more
    assert _verb(out[-1]) == "terminated" and watch.played_segments() == "0[.]4[,]4[.]6[,]2[.]9.5[,]0[.]1"
    assert video_profile_problems(out) == []
    assert len({s["id"] for s in out}) == len(out)
