"""The layout engine and the layout check: boxes sized by HarfBuzz measures, right to left mirrored
as a whole, and every screen × language × mode × shape free of overflow, overlap, tiny targets,
off-screen parts and low contrast (pure: no GL)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from kiosk.runtime.actions import Choose, Intent
from kiosk.runtime.gallery import LANGUAGES, MODES, SHAPES, Shot, prefs_for, shots
from kiosk.runtime.outcome import Outcome
from kiosk.scenario.load import load_packs
from kiosk.scenario.model import Pack
from kiosk.view.check import Problem, check
from kiosk.view.layout import Box, Label, Press, Style, design_size, lay_out, row
from kiosk.view.measure import measure, word_width
from kiosk.view.nodes import BLACK, WHITE, Button, Group, Rect, Scene, Text
from tests.visit_kit import CATALOGS, make_kit, visit_to_results

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def packs() -> list[Pack]:
    loaded, errors = load_packs(REPO / "scenarios")
    assert loaded and not errors
    return loaded


@pytest.fixture(scope="module")
def outcomes(packs: list[Pack], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, bool], Outcome]:
    """A real visit's results (scored, matched, signed) in each language, plain and easy-read."""
    kit = make_kit(REPO / "scenarios", tmp_path_factory.mktemp("layout") / "store.db", packs=packs)
    visit_to_results(kit.pilot, "fr")
    screen = kit.screen
    found = {(language, easy): kit.host.outcome(screen.session.visit, CATALOGS.words(language),
                                                screen.session.consent, easy)
             for language in LANGUAGES for easy in (False, True)}
    assert all(o.skills and o.offers and o.qr for o in found.values())
    return found


def _problems(packs: list[Pack], outcomes: dict[tuple[str, bool], Outcome], language: str, mode: str,
              shape: str, *, every_step: bool) -> list[str]:
    contrast = 7.0 if prefs_for(mode).high_contrast else 4.5
    found = []
    for shot in shots(packs, CATALOGS, language, mode, SHAPES[shape], lambda w, easy: outcomes[(w.language, easy)],
                      every_step=every_step):
        for problem in check(shot.scene, [(t.rect, t.action) for t in shot.targets], min_contrast=contrast):
            found.append(f"{shot.name} [{language}, {mode}, {shape}] {problem}")
    return found


# -- the engine ----------------------------------------------------------------------------------

def test_words_are_measured_by_harfbuzz_and_lines_break_at_the_width() -> None:
    assert word_width("WWWW", 40) > word_width("iiii", 40) > 0  # real advances, not a count of letters
    assert word_width("مرحبا", 40, "bold") > 0  # Arabic from the fallback face, shaped (joined)
    one = measure("Descendre la caisse avec précaution", 32)
    assert len(one.lines) == 1
    wrapped = measure("Descendre la caisse avec précaution", 32, max_width=one.width / 2)
    assert len(wrapped.lines) >= 2 and wrapped.width <= one.width / 2
    assert wrapped.height == pytest.approx(len(wrapped.lines) * 32 * 1.25)


def test_buttons_grow_to_their_label_or_wrap_it() -> None:
    short = Press("Oui", Choose("a"), BLACK, WHITE, 32)
    long = Press("Descendre la caisse avec beaucoup de précaution", Choose("b"), BLACK, WHITE, 32)
    laid = lay_out(row(short, long, gap=10, width=600, align="start"), 600, 400)
    buttons = [n for n in laid.nodes if isinstance(n, Button)]
    assert buttons[0].rect.w < buttons[1].rect.w  # each as wide as its label...
    assert buttons[1].rect.h > buttons[0].rect.h  # ...and the long one wraps into more lines in what is left
    assert sum(b.rect.w for b in buttons) + 10 <= 600 + 0.5
    assert not check(Scene(Group(tuple(laid.nodes)), width=600, height=400), laid.hits)


def test_right_to_left_mirrors_the_placed_page_as_a_whole() -> None:
    root = row(Label("صورة", 32, WHITE), Box(style=Style(grow=1)), Press("توقف", Intent("stop"), BLACK, WHITE, 32),
               width=1000, pad=20)
    ltr, rtl = lay_out(root, 1000, 200), lay_out(root, 1000, 200, rtl=True)
    (stop_ltr, _), (stop_rtl, _) = ltr.hits[0], rtl.hits[0]
    assert stop_rtl.x == pytest.approx(1000 - stop_ltr.x - stop_ltr.w)
    label = next(n for n in rtl.nodes if isinstance(n, Text))
    assert label.align == "right" and label.x == pytest.approx(980)  # starts at the right edge


def test_styles_are_interned_and_a_busy_screen_lays_out_within_a_frame() -> None:
    import time

    from kiosk.view.layout import _style

    assert _style(Style(gap=8, row=True)) is _style(Style(gap=8, row=True))
    chips = tuple(Press(f"Filtre {i}", ("sector", str(i)), BLACK, WHITE, 26) for i in range(60))
    root = Box((row(*chips, wrap=True, gap=8),), Style(width=1920, height=1080, pad=40))
    lay_out(root, 1920, 1080)
    started = time.thread_time()  # CPU time: a loaded machine does not inflate it
    laid = lay_out(root, 1920, 1080)
    assert time.thread_time() - started < 1 / 60  # 61 boxes well inside a frame; `kiosk bench render` tells more
    assert len(laid.hits) == 60


def test_design_space_follows_the_screen_shape() -> None:
    assert design_size(1920, 1080) == design_size(1280, 720) == (1920, 1080)
    assert design_size(1920, 1200) == (1920, 1200)
    assert design_size(1080, 1920) == (1080, 1920)


# -- the check ---------------------------------------------------------------------------------

def test_the_check_fails_a_planted_overflowing_label_naming_screen_language_mode_and_element(
        packs: list[Pack], outcomes: dict[tuple[str, bool], Outcome]) -> None:
    shot = next(s for s in shots(packs, CATALOGS, "fr", "large-text", SHAPES["1920x1080"],
                                 lambda w, easy: outcomes[(w.language, easy)], every_step=False)
                if s.name == "06-play-ordering")
    down = next(n for n in _buttons(shot) if n.label == "Descendre")
    planted = Button(down.rect, "Descendre l'escalier de secours jusqu'au quai", down.fill, down.label_color,
                     down.size)
    scene = Scene(Group((shot.scene.root, planted)), shot.scene.background, shot.scene.width, shot.scene.height)
    problems = check(scene, [(t.rect, t.action) for t in shot.targets])
    assert not check(shot.scene, [(t.rect, t.action) for t in shot.targets])  # clean before the plant
    named = [p for p in problems if "Descendre l'escalier" in p.element]
    assert named and named[0].rule == "text overflow"
    report = f"{shot.name} [fr, large-text, 1920x1080] {named[0]}"
    assert "06-play-ordering" in report and "fr" in report and "large-text" in report
    assert "button \"Descendre l'escalier de secours jusqu'au quai\"" in report


def _buttons(shot: Shot) -> list[Button]:
    from kiosk.view.nodes import placed

    return [n for n, _, _ in placed(shot.scene.root) if isinstance(n, Button)]


def test_the_check_finds_each_kind_of_fault() -> None:
    grey = (0.5, 0.5, 0.5, 1.0)
    scene = Scene(Group((
        Text(10, 10, "Texte gris sur gris", 30, (0.55, 0.55, 0.55, 1.0)),
        Text(1800, 300, "Ce texte sort de l'écran par la droite", 30, WHITE),
        Button(Rect(100, 500, 300, 100), "Un", grey, BLACK),
        Button(Rect(350, 550, 30, 30), "", grey, BLACK),
    )), background=grey)
    rules = {p.rule for p in check(scene, [(Rect(100, 500, 300, 100), ("a",)), (Rect(350, 550, 30, 30), ("b",))])}
    assert {"contrast", "text overflow", "targets overlap", "small target"} <= rules


def test_fast_slice_every_screen_and_step_is_clean_in_french_and_arabic(
        packs: list[Pack], outcomes: dict[tuple[str, bool], Outcome]) -> None:
    """A representative slice: every step of every pack, landscape French normal and Arabic with larger
    text and high contrast; every screen kind in Ukrainian portrait, English one-switch at 1280x720 and
    French larger text at 16:10."""
    found = [*_problems(packs, outcomes, "fr", "normal", "1920x1080", every_step=True),
             *_problems(packs, outcomes, "ar", "large-text+high-contrast", "1920x1080", every_step=True),
             *_problems(packs, outcomes, "uk", "normal", "1080x1920", every_step=False),
             *_problems(packs, outcomes, "en", "one-switch", "1280x720", every_step=False),
             *_problems(packs, outcomes, "fr", "large-text", "1920x1200", every_step=False)]
    assert not found, "\n".join(found[:20])


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_full_matrix_every_screen_language_mode_and_shape_is_clean(
        packs: list[Pack], outcomes: dict[tuple[str, bool], Outcome], language: str) -> None:
    found = [problem for mode, shape in itertools.product(MODES, ("1920x1080", "1280x720", "1080x1920"))
             for problem in _problems(packs, outcomes, language, mode, shape, every_step=True)]
    assert not found, f"{len(found)} problems:\n" + "\n".join(found[:30])


def test_problems_read_as_sentences() -> None:
    assert str(Problem("small target", "target ('a',)", "30×30")) == "small target: target ('a',): 30×30"




@pytest.mark.parametrize("scale", [1.0, 2 / 3, 0.5])
def test_a_box_sized_by_the_measurer_holds_what_the_renderer_draws(scale: float) -> None:
    """The renderer's own text engine (FreeType + HarfBuzz at whole pixel sizes, as on a 1920, 1280 or 960
    wide screen) never draws a line wider, or breaks into more lines, than the layout measured."""
    from kiosk.render.atlas import Atlas
    from kiosk.render.text import FontFiles, TextEngine

    engine = TextEngine(FontFiles.bundled(REPO / "assets"), Atlas(2048, 2048, 1, "glyph"), scale=scale)
    samples = ["Très recherché", "Descendre", "Доглядальник/доглядальниця вдома", "اختر مهنة لتكتشفها",
               "Take my results on my phone (QR code)", "Étape 3 sur 12", "Крок 3 з 12", "الخطوة 3 من 12"]
    for text, size, weight in itertools.product(samples, (22.0, 26.0, 32.0, 44.0), ("regular", "bold")):
        measured = measure(text, size, weight)
        drawn = engine.layout(text, size, weight)  # type: ignore[arg-type]
        assert drawn.width <= measured.width + 0.5, (text, size, weight, scale)
        boxed = measure(text, size, weight, measured.width * 0.6)  # and wrapped in a narrower box
        assert engine.layout(text, size, weight, measured.width * 0.6).lines <= len(boxed.lines), (text, size)
