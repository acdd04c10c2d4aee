"""The stage view as values: backgrounds, characters, moves, faces, the speaker, less motion, RTL."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.runtime import play
from kiosk.runtime.actions import Choose, Proceed
from kiosk.runtime.stage_view import (
    DIMMED,
    LIT,
    MOVE_SECONDS,
    Face,
    StageMoment,
    current_line,
    line_seconds,
    play_stage,
    settle_seconds,
    stage_nodes,
)
from kiosk.scenario.load import inspect_pack
from kiosk.scenario.model import DialogueStep, Placement, Scenario, Stage, Transition
from kiosk.view.nodes import Image, Node, Panel, Rect, Text
from tests.stage_kit import write_staged_pack

RECT = Rect(0, 0, 1000, 500)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    draft = inspect_pack(write_staged_pack(tmp_path_factory.mktemp("staged")), check_manifest=False).draft
    assert draft is not None
    return draft.scenario


def _images(nodes: list[Node], folder: str) -> list[Image]:
    return [n for n in nodes if isinstance(n, Image) and f"/{folder}/" in n.source]


def _stage(kind: str = "cut", seconds: float = 0.5, scene: str = "salle", **at: str) -> Stage:
    return Stage(scene, tuple(Placement(who, where) for who, where in at.items()), Transition(kind, seconds))


def _at(scenario: Scenario, stage: Stage, since: float, previous: Stage | None = None, **flags: object) -> list[Node]:
    moment = StageMoment(stage, since, RECT, previous, **flags)  # type: ignore[arg-type]
    return stage_nodes(moment, scenario.cast, scenario.scenes, lambda path: path)


def test_a_cut_shows_the_new_scene_at_once(scenario: Scenario) -> None:
    [scene] = _images(_at(scenario, _stage("cut"), 0.0, _stage(scene="cuisine")), "scenes")
    assert scene.source == "media/scenes/salle.svg" and scene.tint[3] == 1.0 and scene.rect == RECT


def test_a_dissolve_crosses_the_two_scenes_and_ends_on_the_new_one(scenario: Scenario) -> None:
    old, new = _stage(scene="cuisine"), _stage("dissolve", 0.6)
    below, above = _images(_at(scenario, new, 0.3, old), "scenes")
    assert (below.source, below.tint[3]) == ("media/scenes/cuisine.svg", 1.0)
    assert above.source == "media/scenes/salle.svg" and above.tint[3] == pytest.approx(0.5)
    assert [i.source for i in _images(_at(scenario, new, 0.6, old), "scenes")] == ["media/scenes/salle.svg"]


def test_a_slide_pushes_the_old_scene_out(scenario: Scenario) -> None:
    old, new = _stage(scene="cuisine"), _stage("slide", 1.0)
    leaving, coming = _images(_at(scenario, new, 0.5, old), "scenes")
    assert leaving.rect.x == pytest.approx(-500) and coming.rect.x == pytest.approx(500)
    assert _images(_at(scenario, new, 0.5, old, rtl=True), "scenes")[1].rect.x == pytest.approx(-500)


def test_characters_enter_with_an_eased_move_from_the_nearer_side(scenario: Scenario) -> None:
    stage = _stage(karim="left", lina="right")
    # not in yet: given at opacity 0 (the renderer fills nothing but starts rasterising it)
    assert {i.tint[3] for i in _images(_at(scenario, stage, 0.0), "cast")} == {0.0}
    start = {i.source.split("/")[-1]: i for i in _images(_at(scenario, stage, 1e-9), "cast")}
    half = {i.source.split("/")[-1]: i for i in _images(_at(scenario, stage, MOVE_SECONDS / 2), "cast")}
    done = {i.source.split("/")[-1]: i for i in _images(_at(scenario, stage, MOVE_SECONDS), "cast")}
    karim, lina = "karim-neutral.svg", "lina-neutral.svg"
    assert start[karim].rect.x + start[karim].rect.w <= 0 and start[lina].rect.x >= RECT.w  # off stage
    assert start[karim].tint[3] < 1e-6 and done[karim].tint[3] == 1.0
    assert done[karim].rect.x + done[karim].rect.w / 2 == pytest.approx(200)  # left: a fifth of the width
    assert done[lina].rect.x + done[lina].rect.w / 2 == pytest.approx(800)
    travelled = (half[karim].rect.x - start[karim].rect.x) / (done[karim].rect.x - start[karim].rect.x)
    assert travelled == pytest.approx(0.875, abs=1e-6)  # ease-out: most of the way in half the time


def test_a_character_who_leaves_walks_off_then_is_gone(scenario: Scenario) -> None:
    before, after = _stage(karim="left", lina="right"), _stage(karim="left")
    during = [i.source for i in _images(_at(scenario, after, 0.2, before), "cast")]
    assert "media/cast/lina-neutral.svg" in during
    assert [i.source for i in _images(_at(scenario, after, MOVE_SECONDS, before), "cast")] == \
        ["media/cast/karim-neutral.svg"]


def test_less_motion_turns_every_move_into_a_cut(scenario: Scenario) -> None:
    old, new = _stage(karim="left", scene="cuisine"), _stage("dissolve", 2.0, lina="right")
    nodes = _at(scenario, new, 0.0, old, reduced_motion=True)
    assert [i.source for i in _images(nodes, "scenes")] == ["media/scenes/salle.svg"]
    [lina] = _images(nodes, "cast")
    assert lina.source == "media/cast/lina-neutral.svg" and lina.tint[3] == 1.0
    assert lina.rect.x + lina.rect.w / 2 == pytest.approx(800)


def test_the_speaker_is_lit_and_the_others_dimmed(scenario: Scenario) -> None:
    nodes = _images(_at(scenario, _stage(karim="left", lina="right"), 5.0, speaker="lina"), "cast")
    tints = {i.source.split("/")[-1]: i.tint for i in nodes}
    assert tints["lina-neutral.svg"] == LIT and tints["karim-neutral.svg"] == DIMMED
    nobody = _images(_at(scenario, _stage(karim="left", lina="right"), 5.0), "cast")
    assert all(i.tint == LIT for i in nobody)


def test_an_expression_change_cross_fades(scenario: Scenario) -> None:
    faces = {"lina": Face("happy", "worried", 0.15)}
    nodes = _images(_at(scenario, _stage(lina="right"), 5.0, faces=faces), "cast")
    assert [(i.source.split("/")[-1], i.tint[3]) for i in nodes] == \
        [("lina-worried.svg", 1.0), ("lina-happy.svg", pytest.approx(0.5))]  # the new face over the old
    settled = _images(_at(scenario, _stage(lina="right"), 5.0, faces={"lina": Face("happy", "worried", 1.0)}),
                      "cast")
    assert [i.source for i in settled] == ["media/cast/lina-happy.svg"]


def test_right_to_left_mirrors_positions_not_pictures(scenario: Scenario) -> None:
    [karim] = _images(_at(scenario, _stage(karim="left"), 5.0, rtl=True), "cast")
    assert karim.rect.x + karim.rect.w / 2 == pytest.approx(800) and karim.rect.w > 0  # never flipped


def test_a_picture_not_rasterised_yet_is_left_out_not_boxed(scenario: Scenario) -> None:
    moment = StageMoment(_stage(karim="left"), 5.0, RECT)
    assert stage_nodes(moment, scenario.cast, scenario.scenes, lambda path: None) == []


def test_a_staged_dialogue_follows_its_lines_and_a_reaction_shows_before_the_feedback(scenario: Scenario) -> None:
    state = play.start(scenario, 10.0)
    brief = scenario.step("brief")
    assert isinstance(brief, DialogueStep) and state.stage == brief.stage and state.stage_since == 10.0

    def cast_at(now: float) -> dict[str, tuple[float, float, float, float]]:
        nodes = play_stage(scenario, state, language="fr", now=now, media=lambda path: path)
        return {i.source.split("/")[-1]: i.tint for i in _images(nodes, "cast")}

    first = line_seconds(brief.lines[0], "fr")
    index, since = current_line(brief, "fr", first + 0.1)
    assert index == 1 and since == pytest.approx(0.1)
    speaking = cast_at(12.0)  # Karim's line: happy, lit; Lina worried, dimmed
    assert speaking == {"karim-happy.svg": LIT, "lina-worried.svg": DIMMED}
    later = cast_at(10.0 + first + 1.0)  # Lina's line: Karim back to neutral, dimmed
    assert later == {"karim-neutral.svg": DIMMED, "lina-worried.svg": LIT}

    state = play.proceed(scenario, state, 20.0)
    assert state.step_id == "question" and state.stage_since == 10.0  # the stage persists, no new transition
    order = state.order
    state = play.choose(scenario, state, "a", 21.0)
    assert state.feedback == "a" and state.order == order
    nodes = play_stage(scenario, state, language="fr", now=23.0, media=lambda path: path)
    tints = {i.source.split("/")[-1]: i.tint for i in _images(nodes, "cast")}
    assert tints == {"lina-happy.svg": LIT, "karim-neutral.svg": DIMMED}
    assert any(isinstance(n, Text) and n.text == "Merci !" for n in nodes)
    assert any(isinstance(n, Panel) for n in nodes)
    assert settle_seconds(state, 21.0) > 0 and settle_seconds(state, 23.0) == 0

    state = play.proceed(scenario, state, 24.0)  # no feedback text after the reaction: on to the next step
    assert state.step_id == "salle" and state.previous_stage == brief.stage and state.stage_since == 24.0
    sliding = _images(play_stage(scenario, state, language="fr", now=24.25, media=lambda path: path), "scenes")
    assert [i.source for i in sliding] == ["media/scenes/cuisine.svg", "media/scenes/salle.svg"]


def test_unstaged_scenarios_draw_no_stage(published_scenarios: Path) -> None:
    draft = inspect_pack(published_scenarios / "commis-de-cuisine", check_manifest=False).draft
    assert draft is not None
    state = play.start(draft.scenario, 0.0)
    if state.stage is None:
        assert play_stage(draft.scenario, state, language="fr", now=1.0, media=lambda path: path) == []


def _kiosk_images(scene: object) -> list[Image]:
    from kiosk.view.nodes import Scene as ViewScene
    from kiosk.view.nodes import placed

    assert isinstance(scene, ViewScene)
    return [n for n, _, _ in placed(scene.root) if isinstance(n, Image) and n.source.startswith("staged/")]


def test_on_the_kiosk_the_stage_plays_moves_and_mirrors_for_arabic(tmp_path: Path) -> None:
    from tests.visit_kit import make_kit, start_scenario

    draft = inspect_pack(write_staged_pack(tmp_path / "scenarios"), check_manifest=False).draft  # one skill: a draft
    assert draft is not None
    kit = make_kit(tmp_path / "scenarios", tmp_path / "kiosk.db", packs=[draft])
    pilot = kit.pilot
    start_scenario(pilot, "fr", "staged")
    assert kit.screen.play is not None and kit.screen.play.step_id == "brief"
    assert kit.screen.animating(pilot.now)  # the dissolve and the entrances run: frames at the full rate
    pilot.wait(2.0)
    assert not kit.screen.animating(pilot.now)
    fr = {i.source.split("/")[-1]: i.rect for i in _kiosk_images(pilot.view())}
    assert {"cuisine.svg", "karim-happy.svg", "lina-worried.svg"} <= fr.keys()  # named under the scenarios folder
    assert fr["karim-happy.svg"].x < 960 < fr["lina-worried.svg"].x
    pilot.tap(Proceed())
    pilot.tap(Choose("a"))  # the reaction comes before anything else, with a Continue button
    assert kit.screen.play is not None and kit.screen.play.feedback == "a"
    assert any(isinstance(n, Text) and n.text == "Merci !" for n in _texts_of(pilot.view()))
    pilot.tap(Proceed())
    assert kit.screen.play is not None and kit.screen.play.step_id == "salle"

    arabic = make_kit(tmp_path / "scenarios", tmp_path / "kiosk-ar.db", packs=[draft])
    start_scenario(arabic.pilot, "ar", "staged")
    arabic.pilot.wait(2.0)
    ar = {i.source.split("/")[-1]: i.rect for i in _kiosk_images(arabic.pilot.view())}
    assert ar["lina-worried.svg"].x < 960 < ar["karim-happy.svg"].x  # the cast mirrors with the screen
    assert ar["karim-happy.svg"].w == fr["karim-happy.svg"].w > 0  # and is never flipped


def _texts_of(scene: object) -> list[Node]:
    from kiosk.view.nodes import Scene as ViewScene
    from kiosk.view.nodes import placed

    assert isinstance(scene, ViewScene)
    return [n for n, _, _ in placed(scene.root)]
