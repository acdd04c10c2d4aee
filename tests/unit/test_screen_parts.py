"""The session screen's parts, each on its own and without GL: the focus navigator, the look
controller, the play driver, the screen media, the view builder and the usage watch. (The whole
screen: tests/unit/test_visit_screen.py; its pixels: tests/gl/test_session_e2e.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.events import BoardIntent, HeadsetLook, HeadsetWorn, KeyPressed, PointerDown
from kiosk.i18n import NATIVE_NAMES, Catalogs
from kiosk.media.captions import Cue
from kiosk.media.sphere import Look
from kiosk.runtime import play
from kiosk.runtime.accessibility import Prefs
from kiosk.runtime.actions import (
    LOOK,
    Choose,
    Confirm,
    Intent,
    Move,
    Proceed,
    Stay,
    Toggle,
    TogglePref,
)
from kiosk.runtime.focus import PRESENCE, FocusMoved, FocusNavigator
from kiosk.runtime.look_control import LookController
from kiosk.runtime.play_driver import PlayDriver
from kiosk.runtime.play_view import Target
from kiosk.runtime.screen_media import NARRATION_LIMIT, ScreenMedia, narration, presentation_clip
from kiosk.runtime.screen_view import ScreenView, ViewInputs, state_label
from kiosk.runtime.session import Page, Session
from kiosk.runtime.usage import Usage, UsageWatch
from kiosk.scenario.load import load_packs
from kiosk.scenario.model import NOWHERE, ChoiceStep, HotspotStep, Option, OrderingStep, Pack, Text, VideoStep
from kiosk.view.layout import Frame
from kiosk.view.nodes import Column, Group, Panel, Rect, Scene
from kiosk.view.nodes import Text as TextNode
from kiosk.view.tokens import tokens_for

CATALOGS = Catalogs.load(NATIVE_NAMES)


def _targets(*actions: object) -> list[Target]:
    return [Target(Rect(0, 100 * i, 200, 80), action) for i, action in enumerate(actions)]  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def packs(published_scenarios: Path) -> dict[str, Pack]:
    loaded, errors = load_packs(published_scenarios)
    assert not errors
    return {p.id: p for p in loaded}


# -- focus -----------------------------------------------------------------------------------------
def test_next_and_previous_move_the_focus_around_the_targets_never_onto_the_drag_area() -> None:
    nav, targets = FocusNavigator(0.0), _targets(LOOK, Choose("a"), Choose("b"), Proceed())
    assert nav.command("next", targets, 1.0) == FocusMoved(Choose("a")) and nav.focus == 0
    assert nav.command("previous", targets, 2.0) == FocusMoved(Proceed()) and nav.focus == 2
    assert nav.command("next", targets, 3.0) == FocusMoved(Choose("a"))  # wraps
    assert nav.since == 3.0
    nav.clear()
    assert nav.command("previous", targets, 4.0) == FocusMoved(Proceed())  # from nothing: the last one


def test_select_takes_the_focused_target_else_the_main_action_else_shows_the_focus() -> None:
    nav = FocusNavigator(0.0)
    assert nav.command("select", _targets(Choose("a"), Proceed()), 1.0) == Proceed()
    assert nav.command("select", _targets(Choose("a"), Choose("b")), 1.0) == PRESENCE and nav.focus == 0
    assert nav.command("select", _targets(Choose("a"), Choose("b")), 1.0) == Choose("a")
    assert nav.command("select", [], 1.0) is None
    assert nav.command("back", [], 1.0) == Intent("back")
    assert nav.command("sideways", _targets(Choose("a")), 1.0) is None


def test_digit_keys_pick_the_nth_answer_or_preference_and_the_rest_are_commands() -> None:
    nav = FocusNavigator(0.0)
    targets = _targets(Intent("language", "fr"), TogglePref("large_text"), Choose("a"), Toggle("b"), Confirm())
    assert nav.key("1", targets, 1.0) == TogglePref("large_text")
    assert nav.key("3", targets, 1.0) == Toggle("b")
    assert nav.key("4", targets, 1.0) is None and nav.key("0", targets, 1.0) is None
    assert nav.key("escape", targets, 1.0) == Intent("back")
    assert nav.key("tab", targets, 1.0) == FocusMoved(Intent("language", "fr"))
    assert nav.key("f5", targets, 1.0) is None


def test_scanning_steps_the_focus_on_by_itself_at_its_pace() -> None:
    nav = FocusNavigator(0.0)
    nav.restart(10.0, scanning=True)
    assert nav.focus == 0
    nav.scan(11.4, 1.5, 3)
    assert nav.focus == 0
    nav.scan(14.6, 1.5, 3)  # three periods: 0 → 1 → 2 → 0
    assert nav.focus == 0 and nav.since == 14.5
    nav.scan(16.0, 1.5, 3)
    assert nav.focus == 1
    nav.restart(20.0, scanning=False)
    assert nav.focus is None


# -- look ------------------------------------------------------------------------------------------
def test_a_drag_turns_the_view_with_the_finger_and_only_while_the_finger_is_down() -> None:
    looking = LookController()
    assert not looking.drag_to(500, 300) and looking.look == Look()  # a hover
    looking.begin_drag(400, 300, 600)
    assert looking.drag_to(520, 300)
    assert looking.look.yaw == pytest.approx(-120 * 75 / 600)  # the picture follows the finger
    assert looking.release() and not looking.release()
    assert not looking.drag_to(900, 300)


def test_the_head_turns_the_view_and_a_focused_hotspot_is_faced_within_readable_pitch() -> None:
    looking = LookController()
    looking.head(270.0, 10.0)
    assert (looking.look.yaw, looking.look.pitch) == (-90.0, 10.0)
    spot = Option("extincteur", Text({"fr": "L'extincteur"}), yaw=120.0, pitch=80.0)
    hotspots = HotspotStep("cuisine", None, NOWHERE, image="cuisine.jpg", spots=(spot,))
    looking.face(hotspots, Proceed())
    assert looking.look.yaw == -90.0  # not a hotspot: the view stays
    looking.face(hotspots, Choose("extincteur"))
    assert (looking.look.yaw, looking.look.pitch) == (120.0, 60.0)
    looking.face(VideoStep("clip", None, NOWHERE), Choose("extincteur"))
    assert looking.look.yaw == 120.0
    looking.begin_drag(0, 0, 100)
    looking.reset()
    assert looking.look == Look() and not looking.dragging


# -- play --------------------------------------------------------------------------------------------
def test_the_play_driver_reports_answers_new_steps_and_the_end(packs: dict[str, Pack]) -> None:
    pack, driver = packs["commis-de-cuisine"], PlayDriver()
    assert driver.tick(0.0).observations == () and driver.step() is None and not driver.immersive()
    driver.start(pack, 0.0, seed=1)
    assert isinstance(driver.step(), VideoStep)
    change = driver.act(Proceed(), 1.0)
    assert change.new_step and not change.observations and not change.finished
    assert driver.state is not None
    driver.state = play.jump(pack.scenario, driver.state, "mise-en-place", 2.0)
    assert isinstance(driver.step(), OrderingStep)
    first = driver.state.order[0]
    moved = driver.act(Move(first, 2), 3.0)
    assert not moved.new_step and driver.state.order.index(first) == 2
    answered = driver.act(Confirm(), 4.0)
    assert answered.new_step and answered.observations
    driver.stop()
    assert driver.state is None and driver.act(Proceed(), 5.0).observations == ()


def test_a_timed_choice_counts_down_stands_still_while_paused_and_moves_on_at_its_deadline(
        packs: dict[str, Pack]) -> None:
    pack, driver = packs["commis-de-cuisine"], PlayDriver()
    driver.start(pack, 0.0, seed=1)
    assert driver.state is not None
    driver.state = play.jump(pack.scenario, driver.state, "coup-de-feu", 10.0)
    step = driver.step()
    assert isinstance(step, ChoiceStep) and step.seconds == 35
    assert driver.seconds_left(12.5) == 32.5 and driver.next_changes(12.5, ()) == [13.0]
    driver.headset(False, 20.0)
    assert driver.paused and driver.seconds_left(100.0) == 25.0 and driver.next_changes(100.0, ()) == []
    assert driver.act(Choose(step.options()[0].id), 30.0).observations == ()  # input waits too
    driver.headset(True, 40.0)
    assert driver.tick(64.0).observations == ()
    timed_out = driver.tick(65.0)
    assert timed_out.new_step and timed_out.observations and all(o.credit == 0 for o in timed_out.observations)


# -- media ---------------------------------------------------------------------------------------
def test_cards_put_shortage_trades_first_and_presentation_clips_only_when_clips_play(
        packs: dict[str, Pack]) -> None:
    live, posters = ScreenMedia(lambda media: None), ScreenMedia(lambda media: None, live=False)
    cards = live.cards(packs.values(), "fr")
    assert [(c.shortage_level, c.title) for c in cards] == sorted(((c.shortage_level, c.title) for c in cards),
                                                                  key=lambda k: (-k[0], k[1]))
    assert any(c.video for c in cards) and all(c.video is None for c in posters.cards(packs.values(), "fr"))
    clip = presentation_clip(packs["commis-de-cuisine"])
    assert clip is not None and clip.startswith("commis-de-cuisine/") and clip.endswith("#trade")


def test_captions_follow_the_clip_in_the_visitors_language_and_stand_still_when_paused(
        packs: dict[str, Pack]) -> None:
    pack = packs["commis-de-cuisine"]
    asked: list[Path] = []
    cues = (Cue(0.0, 2.0, "Bonjour"), Cue(2.0, 4.0, "On commence"))
    media = ScreenMedia(lambda m: None, lambda path: asked.append(path) or cues)
    step = pack.scenario.step("arrivee")
    assert isinstance(step, VideoStep) and step.captions
    assert media.cues(pack, step, "uk") == cues and asked[-1].parent.parent == pack.root
    assert media.cues(pack, pack.scenario.step("brief"), "fr") == ()
    state = play.start(pack.scenario, 100.0)
    assert ScreenMedia.caption(cues, state, 102.5) == "On commence"
    paused = play.pause(state, 101.0)
    assert ScreenMedia.caption(cues, paused, 150.0) == "Bonjour"
    assert ScreenMedia.caption((), state, 101.0) is None


def test_narration_reads_titles_and_body_not_small_print_and_stops_at_its_limit() -> None:
    root = Group((TextNode(0, 0, "NOVA", 40), TextNode(0, 0, "Choisissez", 52), TextNode(0, 0, "petit", 20),
                  Column(0, 0, (TextNode(0, 0, "Texte " * 200, 34),))))
    read = narration(root)
    assert read.startswith("Choisissez Texte") and "NOVA" not in read and "petit" not in read
    assert len(read) == NARRATION_LIMIT


# -- view ----------------------------------------------------------------------------------------
def _inputs(page: Page = Page.LANGUAGE, language: str = "fr", **changes: object) -> ViewInputs:
    fields: dict[str, object] = dict(
        session=Session(page, language, 1), words=CATALOGS.words(language), prefs=Prefs(), retention_days=30,
        sector="", scroll=0, focus=None, look=Look(), media=lambda media: None, live=False, pack=None, play=None,
        caption=None, idle_left=None, timer=None, cards=lambda language: [], outcome=lambda: None,
        frame=Frame(1920, 1080, tokens_for(large_text=False, high_contrast=False), CATALOGS.words(language).rtl))
    fields.update(changes)
    return ViewInputs(**fields)  # type: ignore[arg-type]


def _build(views: ScreenView, inputs: ViewInputs, now: float = 1.0) -> tuple[Scene, list[Target]]:
    return views.build(inputs.key(None), lambda: inputs, now)


def test_the_view_is_kept_while_nothing_that_decides_it_changes() -> None:
    views = ScreenView()
    scene, targets = _build(views, _inputs())
    assert Intent("language", "ar") in [t.action for t in targets] and TogglePref("scanning") in [
        t.action for t in targets]
    again, _ = _build(views, _inputs(idle_left=None), 2.0)
    assert again is scene
    views.forget()
    assert _build(views, _inputs(), 3.0)[0] is not scene
    assert _build(views, _inputs(idle_left=4.5))[0] is not _build(views, _inputs(idle_left=3.5))[0]  # whole seconds


def test_the_idle_countdown_leaves_one_target_and_the_focus_ring_circles_the_focused_one() -> None:
    _, targets = _build(ScreenView(), _inputs(idle_left=9.2))
    assert [t.action for t in targets] == [Stay()]
    scene, targets = _build(ScreenView(), _inputs(focus=2))
    assert isinstance(scene.root, Group)
    focus = tokens_for(large_text=False, high_contrast=False).palette.focus
    ring = [n for n in scene.root.children if isinstance(n, Panel) and n.border_color == focus]
    focused = targets[2].rect
    assert len(ring) == 1 and ring[0].rect.x == max(0.0, focused.x - 6) and ring[0].rect.w == focused.w + 12


def test_right_to_left_languages_mirror_the_targets() -> None:
    _, french = _build(ScreenView(), _inputs())
    _, arabic = _build(ScreenView(), _inputs(language="ar", frame=Frame(
        1920, 1080, tokens_for(large_text=False, high_contrast=False), rtl=True)))

    def order(targets: list[Target]) -> list[str]:  # the language buttons of the top bar, left to right
        bar = [t for t in targets if isinstance(t.action, Intent) and t.action.name == "language" and t.rect.y < 200]
        return [t.action.arg for t in sorted(bar, key=lambda t: t.rect.x) if isinstance(t.action, Intent)]

    assert order(arabic) == list(reversed(order(french))) and len(order(french)) == 4


def test_the_state_label_is_the_journal_format_of_version_1() -> None:
    label = state_label(Session(Page.CATALOGUE, "ar", 3), None, Prefs(large_text=True, scanning=True), 2,
                        "batiment", 1, Look(-59.6, 20.2))
    assert label == "catalogue|visit 3|ar|||warn 0|focus 2|prefs 100001|consent 00|batiment|1|look -60,20"


# -- usage ---------------------------------------------------------------------------------------
def test_the_usage_watch_tells_what_the_visitor_uses_once_per_change() -> None:
    watch = UsageWatch("flat-screen")
    assert watch.changed(1, "fr") == Usage("fr", "touch", "flat-screen") and watch.changed(1, "fr") is None
    watch.saw(BoardIntent("next", 0.0), scanning=False, immersive=False)
    watch.saw(HeadsetLook(10.0, 0.0, 0.0), scanning=False, immersive=False)  # not a 360° view: not acting
    assert watch.changed(1, "ar") == Usage("ar", "board", "flat-screen")
    watch.saw(HeadsetWorn(True, 0.0), scanning=False, immersive=True)
    watch.saw(HeadsetLook(10.0, 0.0, 0.0), scanning=False, immersive=True)
    assert watch.usage("ar") == Usage("ar", "headset", "openxr-headset")
    watch.saw(BoardIntent("select", 0.0), scanning=True, immersive=False)
    watch.saw(KeyPressed("x", 0.0), scanning=True, immersive=False)
    assert watch.usage("ar").input == "keys"
    watch.saw(PointerDown(1, 1, 0.0), scanning=False, immersive=False)
    assert watch.changed(2, "ar") == Usage("ar", "touch", "openxr-headset")
