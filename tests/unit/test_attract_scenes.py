"""The attract screen shows the trades' scenes behind the poster, in turn: a slow dissolve (a cut under
"less motion"), darkened so every poster text keeps its contrast, and still between changes."""

from __future__ import annotations

import pytest

from kiosk.runtime.attract import SCENE_DETAIL, AttractScreen, scene_shade
from kiosk.view.check import check, contrast_ratio
from kiosk.view.layout import Frame
from kiosk.view.nodes import Group, Image, Scene
from kiosk.view.tokens import HIGH_CONTRAST_PALETTE, NORMAL_PALETTE, Palette, tokens_for

SCENES = ("a/media/scenes/attract.svg", "b/media/scenes/attract.svg", "c/media/scenes/attract.svg")


def _backdrop(scene: Scene) -> list[tuple[str, float]]:
    """(picture, opacity) of the scene pictures under the poster, bottom first."""
    assert isinstance(scene.root, Group)
    return [(node.source, round(node.tint[3], 3)) for node in scene.root.children
            if isinstance(node, Image) and node.layer < 0]


def test_the_scenes_take_turns_with_a_dissolve(sample_cards: list) -> None:  # type: ignore[type-arg]
    screen = AttractScreen(sample_cards, start=0.0, scenes=SCENES, scene_period=16.0, fade=1.5)
    assert _backdrop(screen.view(1.0)) == [(SCENES[0], 1.0), (SCENES[1], 0.0)]  # the next asked for, unseen
    middle = _backdrop(screen.view(16.75))
    assert [name for name, _ in middle] == [SCENES[0], SCENES[1]] and middle[0][1] == 1.0
    assert 0.0 < middle[1][1] < 1.0 and screen.animating(16.75)
    assert _backdrop(screen.view(18.0)) == [(SCENES[1], 1.0), (SCENES[2], 0.0)]
    assert _backdrop(screen.view(3 * 16.0 + 2)) == [(SCENES[0], 1.0), (SCENES[1], 0.0)]  # round again


def test_less_motion_cuts_from_one_scene_to_the_next(sample_cards: list) -> None:  # type: ignore[type-arg]
    screen = AttractScreen(sample_cards, start=0.0, scenes=SCENES, reduced_motion=True)
    assert _backdrop(screen.view(16.01)) == [(SCENES[1], 1.0), (SCENES[2], 0.0)]
    assert not screen.animating(16.01)


def test_an_idle_kiosk_sleeps_between_changes(sample_cards: list) -> None:  # type: ignore[type-arg]
    screen = AttractScreen(sample_cards[:1], start=0.0, scenes=SCENES, scene_period=16.0)
    assert screen.view(3.0) is screen.view(9.0)  # same Scene object: nothing to draw
    assert screen.next_change(3.0) == 16.0 and not screen.animating(3.0)
    assert AttractScreen(sample_cards[:1], start=0.0, scenes=SCENES[:1]).next_change(3.0) is None


@pytest.mark.parametrize("palette", [NORMAL_PALETTE, HIGH_CONTRAST_PALETTE])
def test_the_darkened_scene_keeps_every_poster_text_readable(palette: Palette) -> None:
    shade = scene_shade(palette)
    whitest = (shade, shade, shade, 1.0)  # a white sky through the tint
    for colour in (palette.text, palette.text_muted, palette.accent):
        assert contrast_ratio(colour, whitest) >= palette.min_contrast
    assert shade > 0.2  # still a picture, not a black screen
    assert contrast_ratio(palette.text_muted, (shade + 0.05,) * 3 + (1.0,)) < palette.min_contrast  # the most kept


@pytest.mark.parametrize("frame", [Frame(), Frame(1080, 1920),
                                   Frame(tokens=tokens_for(large_text=True, high_contrast=True), rtl=True)])
def test_the_poster_over_its_scenes_passes_the_layout_check(sample_cards: list, frame: Frame) -> None:  # type: ignore[type-arg]
    screen = AttractScreen(sample_cards, start=0.0, scenes=SCENES, frame=frame)
    for now in (1.0, 16.7):
        scene = screen.view(now)
        assert not check(scene, min_contrast=frame.tokens.palette.min_contrast), now
        (rect,) = {node.rect for node in scene.root.children if isinstance(node, Image) and node.layer < 0}
        assert rect.h >= frame.height and rect.w >= frame.width  # covers the screen, its aspect kept, centred
        assert rect.w / rect.h == pytest.approx(16 / 9) and rect.x + rect.w / 2 == pytest.approx(frame.width / 2)


def test_only_a_picture_behind_the_page_may_leave_the_screen() -> None:
    from kiosk.view.nodes import Panel, Rect

    wide = Rect(-100, 0, 2120, 1080)
    assert not check(Scene(Group((Image(wide, "scene.svg", layer=-2),))))
    for node in (Image(wide, "card.png"), Panel(wide, (0.1, 0.1, 0.1, 1.0), layer=-2)):
        assert [p.rule for p in check(Scene(Group((node,))))] == ["off screen"]


def test_the_scenes_are_drawn_at_half_detail(sample_cards: list) -> None:  # type: ignore[type-arg]
    """Dimmed behind the poster, a scene needs a quarter of the pixels (tests/unit/test_own_textures.py)."""
    scene = AttractScreen(sample_cards, start=0.0, scenes=SCENES).view(16.75)
    assert isinstance(scene.root, Group)
    details = {node.detail for node in scene.root.children if isinstance(node, Image) and node.layer < 0}
    assert details == {SCENE_DETAIL} and SCENE_DETAIL < 1.0
