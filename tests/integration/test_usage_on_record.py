"""The visitor's real language, input and device on record (issue 17's data bug): through the real
host and a SQLite file, a visit answered with the board that switches from French to Arabic
mid-way shows Arabic on the steps after the switch — in the store, in the xAPI statements, in
`kiosk export --responses`, and in the groups the DIF screen of `kiosk report` compares."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from kiosk.runtime.actions import Intent, Proceed
from kiosk.runtime.session_screen import SessionScreen
from kiosk.scenario.load import load_pack
from kiosk.scoring.dif import screen
from kiosk.scoring.items import ItemKey, StepItem, scenario_step_items
from kiosk.scoring.responses import ResponseTable, read_csv
from kiosk.store.xapi import DEVICE_EXTENSION, INPUT_EXTENSION
from tests.conftest import ASSETS, REPO
from tests.visit_kit import CATALOGS, Kit, make_kit
from tests.xapi.check import empty_objects

SAMPLE_JOURNAL = REPO / "assets" / "replays" / "sample-visit.jsonl"


def _board_through(kit: Kit, steps: int) -> list[str]:
    """Answer `steps` steps with the board's select button alone (its focus then select); the steps left."""
    p, left = kit.pilot, []
    while len(left) < steps and kit.screen.play is not None:
        before = kit.screen.play.step_id
        for _ in range(4):
            p.board("select")
            if kit.screen.play is None or kit.screen.play.step_id != before:
                break
        assert kit.screen.play is None or kit.screen.play.step_id != before, f"stuck on {before}"
        left.append(before)
    return left


def _statements(kit: Kit) -> list[dict[str, object]]:
    return [json.loads(row[0]) for row in kit.db.execute("SELECT body FROM outbox ORDER BY created_at, rowid")]


def test_a_visit_switching_to_arabic_answered_by_the_board_is_on_record_as_it_happened(
        published_scenarios: Path, tmp_path: Path) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    p = kit.pilot
    p.tap_at(960, 540)
    p.tap(Intent("language", "fr"))
    p.tap(Proceed())
    p.tap(Intent("trade", "commis-de-cuisine"))
    p.tap(Intent("next"))
    _board_through(kit, 4)  # two clips and dialogue, then two questions, in French
    p.tap(Intent("language", "ar"))  # the visitor switches mid-scenario (by touch)
    after = _board_through(kit, 20)  # and carries on with the board to the end
    assert p.page() == "debrief"
    p.board("select")  # the key moments' one button: on to the results
    assert p.page() == "results"
    rows = kit.db.execute("SELECT step, language, input, device FROM results ORDER BY id").fetchall()
    by_step = {step: (language, input_, device) for step, language, input_, device in rows}
    before = [step for step, *_ in rows if step not in after]
    assert before and all(by_step[s] == ("fr", "board", "flat-screen") for s in before)
    assert all(by_step[s] == ("ar", "board", "flat-screen") for s in after if s in by_step)
    assert any(s in by_step for s in after)

    statements = _statements(kit)
    answered = [s for s in statements if str(s["verb"]["id"]).endswith("/answered")]  # type: ignore[index]
    languages = {s["object"]["id"].rsplit("/", 1)[-1]: s["context"]["language"]  # type: ignore[index]
                 for s in answered}
    assert {languages[s] for s in before} == {"fr-FR"} and {languages[s] for s in after if s in languages} == {"ar"}
    assert all(s["context"]["extensions"][INPUT_EXTENSION] == "board" and  # type: ignore[index]
               s["context"]["extensions"][DEVICE_EXTENSION] == "flat-screen" for s in answered)  # type: ignore[index]
    verbs = [str(s["verb"]["id"]).rsplit("/", 1)[-1] for s in statements]  # type: ignore[index]
    played = [v for v in verbs if v != "experienced"]  # the funnel's pages (the trade's page) aside
    assert played[:2] == ["launched", "initialized"] and "completed" in played and "experienced" in verbs
    assert all(not empty_objects(s) for s in statements)

    while p.page() != "attract":  # results → offers → thanks, and the visit ends
        p.board("select")
    assert kit.db.execute("SELECT language, input, status FROM sessions").fetchall() == [("ar", "board", "completed")]

    config = tmp_path / "kiosk.toml"
    config.write_text(f'[content]\nscenarios = "{published_scenarios}"\nassets = "{ASSETS}"\n'
                      f'[store]\npath = "{tmp_path / "kiosk.db"}"\n', encoding="utf-8")
    kit.db.conn.close()
    out = tmp_path / "responses.csv"
    done = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "export", "--responses", str(out)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    exported = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {(r["step"], r["language"], r["input"]) for r in exported if r["step"] in before} == \
        {(s, "fr", "board") for s in before if any(r["step"] == s for r in exported)}
    assert {r["language"] for r in exported if r["step"] in after} == {"ar"}
    pack = load_pack(published_scenarios / "commis-de-cuisine")
    items: dict[tuple[str, str], list[StepItem]] = {}
    for item in scenario_step_items(pack.id, pack.scenario):
        items.setdefault((item.key.pack, item.key.step), []).append(item)
    table = read_csv(out.read_text(encoding="utf-8"), str(out), items)
    column = next(i for i, key in enumerate(table.items) if key.step in after)
    assert table.labels("language", column) == ["ar"]  # what the DIF screen compares for that item


def test_the_dif_screen_compares_the_language_each_answer_was_given_in() -> None:
    """60 visitors all start in French; half answer the item after switching to Arabic. Grouped by the
    visit's first language there is nothing to compare; grouped by the answers' there is."""
    visits = [f"v{i}" for i in range(60)]
    key = ItemKey("pack", "step", "T2.2")
    credits = np.array([[i % 3] for i in range(60)], dtype=np.int64)
    table = ResponseTable(visits, [key], [2], credits, {"language": ["fr"] * 60},
                          answer_groups={"language": {key: {v: "ar" if i % 2 else "fr" for i, v in enumerate(visits)}}})
    matching = {"T2.2": np.linspace(-2, 2, 60)}
    found = screen(table, matching, "language")
    assert [(d.reference, d.focal, d.n_reference, d.n_focal) for d in found] in \
        ([("ar", "fr", 30, 30)], [("fr", "ar", 30, 30)])


def test_a_device_change_and_the_reset_language_follow_the_kiosk(published_scenarios: Path, tmp_path: Path) -> None:
    kit = make_kit(published_scenarios, tmp_path / "kiosk.db")
    p = kit.pilot
    kit.screen = screen_ = SessionScreen(list(kit.screen.packs.values()), CATALOGS, kit.host, kit.clock.now(),
                                         media=lambda media: None, default_language="en")
    p.screen = screen_
    p.tap_at(960, 540)
    p.tap(Intent("language", "ar"))
    p.tap(Proceed())
    p.tap(Intent("trade", "agent-logistique"))
    p.tap(Intent("next"))
    p.headset(True)  # an OpenXR headset put on: from now on the visitor sees the scenario in it
    _board_through(kit, 6)
    devices = {d for (d,) in kit.db.execute("SELECT DISTINCT device FROM results")}
    assert devices == {"openxr-headset"}
    p.tap(Intent("stop"))
    assert p.page() == "attract" and screen_.session.language == "en"  # the configured language, not "fr"
    assert kit.db.execute("SELECT language, device, status FROM sessions").fetchall() == \
        [("ar", "openxr-headset", "abandoned")]  # the visit's final language


def test_kiosk_replay_keeps_the_store_the_replayed_visit_recorded(published_scenarios: Path, tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[content]\nscenarios = "{published_scenarios}"\nassets = "{ASSETS}"\n'
                      f'[store]\npath = "{tmp_path / "kiosk.db"}"\n', encoding="utf-8")
    kept = tmp_path / "replayed.db"
    done = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "replay", str(SAMPLE_JOURNAL),
                           "--store", str(kept)], cwd=tmp_path, capture_output=True, text=True, timeout=240,
                          check=False)
    assert done.returncode == 0 and "identical to the visit" in done.stdout, done.stderr
    import sqlite3

    with sqlite3.connect(kept) as db:
        assert db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] >= 1
        assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] > 0
        verbs = {json.loads(body)["verb"]["id"].rsplit("/", 1)[-1] for (body,) in db.execute("SELECT body FROM outbox")}
    assert {"launched", "initialized", "answered", "completed", "terminated"} <= verbs
    refused = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "replay", str(SAMPLE_JOURNAL),
                              "--store", str(tmp_path / "kiosk.db")], cwd=tmp_path, capture_output=True, text=True,
                             timeout=240, check=False)
    assert refused.returncode != 0 and "the kiosk's own store" in refused.stderr
