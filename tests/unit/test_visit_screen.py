"""The whole visit through the session screen, driven like a visitor would (no GL: the views
are checked as values; tests/gl/test_session_e2e.py compares the pixels)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.events import BoardIntent
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.actions import Action, Choose, Confirm, Intent, Proceed, Stay, Toggle, TogglePref
from kiosk.runtime.pilot import Wanted, matches
from kiosk.runtime.replay import parse_journal, replay
from kiosk.runtime.session import Timing
from kiosk.runtime.session_screen import ScreenSettings
from kiosk.scoring.estimate import Played, Profile
from kiosk.view.check import contrast_ratio
from kiosk.view.nodes import Group, Node, Text
from kiosk.view.tokens import tokens_for
from tests.language_check import texts
from tests.visit_kit import Kit, journal_lines, make_kit, replay_screens, start_scenario, visit_to_results

PAGES = ["attract", "language", "consent", "catalogue", "trade", "play", "debrief", "results", "offers", "handoff",
         "thanks"]


@pytest.fixture
def kit(published_scenarios: Path, tmp_path: Path) -> Kit:
    return make_kit(published_scenarios, tmp_path / "kiosk.db")


def test_a_complete_visit_goes_through_every_screen_and_is_recorded_completed(kit: Kit) -> None:
    p = kit.pilot
    assert p.page() == "attract"
    visit_to_results(p)
    assert p.page() == "results"
    skills = kit.screen.outcome().skills
    assert skills and all(0 <= s.low <= s.high <= 100 and (s.evidence or s.band == "unknown") for s in skills)
    for _ in ("offers", "handoff", "thanks"):
        p.tap(Intent("next"))
    offers = kit.screen.outcome().offers
    assert offers and "électricien" in offers[0].title.lower()  # the explored trade's offers come first
    assert kit.screen.outcome().qr is not None
    p.tap(Intent("next"))
    assert p.page() == "attract"
    journal_pages = [e["state"].split("|")[0] for e in kit.journal]
    assert [page for i, page in enumerate(journal_pages) if i == 0 or page != journal_pages[i - 1]] == \
        [*PAGES[1:], "attract"]
    rows = kit.db.execute("SELECT status FROM sessions").fetchall()
    assert rows == [("completed",)]
    verbs = [json.loads(s)["verb"]["id"].rsplit("/", 1)[-1] for (s,) in kit.db.execute(
        "SELECT body FROM outbox ORDER BY rowid").fetchall()]
    played = [v for v in verbs if v != "experienced"]  # the funnel's pages (trade, offers, results) aside
    assert played[0] == "launched" and played[-2:] == ["completed", "terminated"] and "answered" in played
    assert verbs.count("experienced") >= 2  # the trade's page and the offers were seen


def test_idle_mid_scenario_warns_then_resets_and_records_incomplete_without_a_score(kit: Kit) -> None:
    p = kit.pilot
    start_scenario(p, "fr", "commis-de-cuisine")
    for _ in range(3):
        p.answer_step()
    assert p.page() == "play"
    p.wait(60.5)
    assert kit.screen.session.warning and [t.action for t in p.targets()] == [Stay()]
    assert "Vous êtes toujours là ?" in texts(p.view().root)
    p.wait(15)
    assert p.page() == "attract" and kit.screen.play is None and kit.screen.session.played == ()
    status, ended = kit.db.execute("SELECT status, ended_at FROM sessions").fetchone()
    assert status == "abandoned" and ended
    assert kit.db.execute("SELECT COUNT(*) FROM results").fetchone()[0] > 0  # the answers are kept...
    assert kit.db.execute("SELECT COUNT(*) FROM estimates").fetchone()[0] == 0  # ...but never scored
    last = json.loads(kit.db.execute("SELECT body FROM outbox ORDER BY rowid DESC").fetchone()[0])
    assert last["verb"]["id"].endswith("terminated") and last["result"]["completion"] is False


def test_still_here_cancels_the_countdown(kit: Kit) -> None:
    p = kit.pilot
    p.tap_at(960, 540)
    p.wait(61)
    p.tap(Stay())
    assert p.page() == "language" and not kit.screen.session.warning
    p.wait(30)
    assert p.page() == "language"


def test_language_switch_mid_scenario_keeps_the_step_and_mirrors_the_layout(kit: Kit) -> None:
    p = kit.pilot
    start_scenario(p, "fr", "commis-de-cuisine")
    p.answer_step()
    step = kit.screen.play.step_id if kit.screen.play else ""
    french = p.view()
    stop_fr = next(t for t in p.targets() if t.action == Intent("stop")).rect
    p.tap(Intent("language", "ar"))
    assert kit.screen.session.language == "ar" and kit.screen.play and kit.screen.play.step_id == step
    stop_ar = next(t for t in p.targets() if t.action == Intent("stop")).rect
    assert stop_fr.x + stop_fr.w / 2 < 960 < stop_ar.x + stop_ar.w / 2  # right-to-left: the row starts at the right
    assert "توقف" in texts(p.view().root) and p.view() != french
    p.answer_step()  # mirrored targets still work
    assert kit.screen.play is not None and len(kit.screen.play.path) >= 2


def test_every_screen_in_every_language_has_targets_of_at_least_44_px(kit: Kit, tmp_path: Path) -> None:
    for language in ("fr", "en", "ar", "uk"):
        kit = make_kit(Path(), tmp_path / f"{language}.db", packs=list(kit.screen.packs.values()))
        p = kit.pilot
        start_scenario(p, language, phone=True)
        p.answer_scenario()
        pages = []
        while p.page() != "attract":
            assert all(t.rect.w >= 44 and t.rect.h >= 44 for t in p.targets()), (language, p.page())
            pages.append(p.page())
            p.tap(Intent("next"))
        assert pages == ["debrief", "results", "offers", "handoff", "thanks"]


def test_every_token_set_meets_wcag_for_its_text_pairs() -> None:
    """Text on the page, on surfaces, on badges and on buttons: ≥ 4.5:1 (AA) in the normal tokens,
    ≥ 7:1 (AAA) in high contrast, with or without larger text."""
    for large in (False, True):
        for high in (False, True):
            p = tokens_for(large_text=large, high_contrast=high).palette
            assert p.min_contrast == (7.0 if high else 4.5)
            pairs = [(p.text, p.background), (p.text_muted, p.background), (p.text, p.surface),
                     (p.text_muted, p.surface), (p.on_accent, p.accent), (p.text, p.alert), (p.on_picked, p.picked),
                     (p.accent, p.background)]
            for fg, bg in pairs:
                assert contrast_ratio(fg, bg) >= p.min_contrast, (large, high, fg, bg)


def test_preferences_change_the_view_and_last_only_for_the_visit(kit: Kit) -> None:
    p = kit.pilot
    p.tap_at(960, 540)
    plain = p.view()
    p.tap(TogglePref("large_text"))
    p.tap(TogglePref("high_contrast"))
    assert kit.screen.prefs == Prefs(large_text=True, high_contrast=True)
    big = p.view()
    sizes = lambda scene: sorted(t.size for t in _all_texts(scene.root))  # noqa: E731
    assert sizes(big) == pytest.approx([s * 1.25 for s in sizes(plain)])
    assert big.background == (0.0, 0.0, 0.0, 1.0)
    p.tap(Intent("stop"))
    assert kit.screen.prefs == Prefs()


def _all_texts(node: Node) -> list[Text]:
    if isinstance(node, Text):
        return [node]
    if isinstance(node, Group):
        return [t for c in node.children for t in _all_texts(c)]
    return []


def test_keyboard_and_board_reach_the_same_intents_as_touch(kit: Kit) -> None:
    p = kit.pilot
    p.board("select")  # attract: any button starts
    assert p.page() == "language"
    targets = p.targets()
    french = next(i for i, t in enumerate(targets) if t.action == Intent("language", "fr"))
    for _ in range(french + 1):
        p.board("next")
    assert kit.screen.focus == french
    p.board("select")
    assert p.page() == "consent"
    p.press("return")  # no focus: Enter takes the screen's main action (continue)
    assert p.page() == "catalogue"
    p.press("escape")
    assert p.page() == "catalogue"  # nothing behind the catalogue but the consent already given
    p.press("tab")
    assert kit.screen.focus == 0
    p.press("up")
    assert kit.screen.focus == len(p.targets()) - 1


def test_one_switch_scanning_completes_a_visit(published_scenarios: Path, tmp_path: Path) -> None:
    kit = make_kit(published_scenarios, tmp_path / "k.db", ScreenSettings(defaults=Prefs(scanning=True),
                                                                        timing=Timing(600, 15)))
    p = kit.pilot

    def select(action: Wanted) -> None:
        """Wait for the scanning focus to reach the target, then press the only switch."""
        for _ in range(200):
            targets = p.focusable()
            if kit.screen.focus is not None and matches(targets[kit.screen.focus].action, action):
                p.screen.handle(BoardIntent("select", p.now), p.now)
                return
            p.wait(0.5)
        raise AssertionError(f"the focus never reached {action}")

    p.board("select")
    def any_trade(action: Action) -> bool:
        return isinstance(action, Intent) and action.name == "trade"

    for wanted in (Intent("language", "fr"), Proceed(), any_trade, Intent("next")):
        select(wanted)
    while p.page() == "play":
        select(next(a for a in (Proceed(), Choose, Confirm(), Toggle) if p.has(a)))
    assert p.page() == "debrief"
    select(Intent("next"))  # the key moments' one button, reached by scanning too
    assert p.page() == "results" and kit.screen.outcome().skills


def test_narration_reads_each_new_screen_in_its_language(kit: Kit) -> None:
    p = kit.pilot
    p.tap_at(960, 540)
    p.tap(TogglePref("narration"))
    p.tap(Intent("language", "uk"))
    assert kit.said and kit.said[-1][1] == "uk" and "Перш ніж продовжити" in kit.said[-1][0]


def test_a_recorded_visit_replays_to_identical_states(kit: Kit, tmp_path: Path) -> None:
    p = kit.pilot
    visit_to_results(p, "en", "commis-de-cuisine")
    p.tap(Intent("language", "ar"))
    p.tap(Intent("back"))
    p.tap(Intent("trade", "electricien-batiment"))
    p.tap(Intent("next"))
    p.answer_step()
    p.wait(80)  # walks away mid-scenario: warning, reset
    assert p.page() == "attract"
    lines = journal_lines(kit)
    journal = parse_journal(lines)
    make = replay_screens(kit, journal, tmp_path)

    result = replay(journal, make)
    assert result.divergence is None
    assert [s for _, s in result.states] == [e["state"] for e in kit.journal]
    assert {s.split("|")[0] for _, s in result.states} >= {"language", "consent", "catalogue", "play", "results",
                                                           "attract"}
    tampered = parse_journal([lines[0], *lines[1:5], json.dumps({**kit.journal[4], "state": "x"}), *lines[6:]])
    assert replay(tampered, make).divergence is not None


def test_new_content_waits_for_the_current_visit_to_end(kit: Kit) -> None:
    p = kit.pilot
    visit_to_results(p, "fr", "commis-de-cuisine")
    fewer = [pack for pack in kit.screen.packs.values() if pack.id != "aide-a-domicile"]
    kit.screen.offer_packs(fewer, p.now)
    assert "aide-a-domicile" in kit.screen.packs  # nobody's visit changes under them
    p.tap(Intent("stop"))
    assert p.page() == "attract" and set(kit.screen.packs) == {pack.id for pack in fewer}
    assert len(kit.screen.attract.cards) == len(fewer)
    p.tap_at(960, 540)
    p.tap(Intent("language", "fr"))
    p.tap(Proceed())
    assert not p.has(Intent("trade", "aide-a-domicile")) and p.has(Intent("trade", "commis-de-cuisine"))


def test_the_content_fingerprint_changes_when_a_pack_is_swapped(scenarios_copy: Path) -> None:
    import shutil

    from kiosk.app.visit import packs_fingerprint

    before = packs_fingerprint(scenarios_copy)
    assert len(before) == 5
    assert packs_fingerprint(scenarios_copy) == before
    shutil.rmtree(scenarios_copy / "aide-a-domicile")
    assert len(packs_fingerprint(scenarios_copy)) == 4
    manifest = scenarios_copy / "commis-de-cuisine" / "manifest.json"
    manifest.write_text(manifest.read_text() + " ", encoding="utf-8")
    assert packs_fingerprint(scenarios_copy)[1:] != before[1:]


def test_the_qr_code_is_encoded_off_the_frame_thread(kit: Kit, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import kiosk.visit.host as host_module

    encoded_on: list[str] = []
    real = host_module.qr_matrix

    def recording(payload: str) -> tuple[tuple[bool, ...], ...]:
        encoded_on.append(threading.current_thread().name)
        return real(payload)

    monkeypatch.setattr(host_module, "qr_matrix", recording)
    visit_to_results(kit.pilot)
    code = kit.screen.outcome().qr
    assert code is not None
    matrix = code.matrix()  # what the hand-off page draws
    assert code.ready() and len(matrix) >= 21 and all(len(row) == len(matrix) for row in matrix)
    assert encoded_on and threading.current_thread().name not in encoded_on
    assert all(name.startswith("qr-encoder") for name in encoded_on)


def test_the_hand_off_says_signed_only_when_a_signed_credential_exists(kit: Kit) -> None:
    """A one-scenario visit shows no skill yet (the scoring's show rule), so no credential is signed: the code
    is a plain link, and nothing on the page may promise an employer a signed result."""
    p = kit.pilot
    visit_to_results(p)
    outcome = kit.screen.outcome()
    assert not any(line.enough for line in outcome.skills)
    p.tap(Intent("next"))
    p.tap(Intent("next"))
    assert p.page() == "handoff"
    shown = " ".join(texts(p.view().root))
    assert outcome.qr_note and outcome.qr_note in shown
    assert "sign" not in shown.lower(), shown


def test_a_visit_is_scored_once_however_many_screens_show_its_profile(kit: Kit,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The scenario's end, the results, the offers page and the visit's end all need the profile:
    one scoring of the scenarios finished, until another one finishes."""
    import kiosk.visit.host as host_module

    scorings: list[list[str]] = []
    real = host_module.score_visit

    def counted(played: list[Played]) -> Profile:
        scorings.append([p.pack for p in played])
        return real(played)

    monkeypatch.setattr(host_module, "score_visit", counted)
    p = kit.pilot
    visit_to_results(p)
    profile = kit.host.profile(kit.screen.session.visit)
    while p.page() != "attract":
        p.tap(Intent("next"))
    assert scorings == [["electricien-batiment"]]
    stored = dict(kit.db.execute("SELECT skill, theta FROM estimates").fetchall())
    assert profile.estimates and stored == {e.skill: e.theta for e in profile.estimates}  # the visit's end kept it
