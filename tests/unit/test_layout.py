"""The layout engine and the layout check: boxes sized by HarfBuzz measures, right to left mirrored
as a whole, and every screen × language × mode × shape free of overflow, overlap, tiny targets,
off-screen parts and low contrast (pure: no GL)."""

from __future__ import annotations

import dataclasses
import gc
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kiosk.runtime import attract, consent, debrief_view, out_of_order, pages, play_view
from kiosk.runtime.actions import Choose, Intent
from kiosk.runtime.gallery import LANGUAGES, MODES, SHAPES, Shot, prefs_for, shots
from kiosk.runtime.outcome import Outcome
from kiosk.scenario.load import load_packs
from kiosk.scenario.model import Pack
from kiosk.view import layout
from kiosk.view.check import Problem, check
from kiosk.view.layout import Box, Label, Press, Style, design_size, lay_out, row
from kiosk.view.measure import measure, word_width
from kiosk.view.nodes import BLACK, WHITE, Button, Group, Panel, Rect, Scene, Text
from tests.layout_reference import lay_out_measured
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

    from kiosk.view.taffy_tree import taffy_style as _style

    assert _style(Style(gap=8, row=True)) is _style(Style(gap=8, row=True))
    chips = tuple(Press(f"Filtre {i}", ("sector", str(i)), BLACK, WHITE, 26) for i in range(60))
    root = Box((row(*chips, wrap=True, gap=8),), Style(width=1920, height=1080, pad=40))
    lay_out(root, 1920, 1080)
    started = time.thread_time()  # CPU time: a loaded machine does not inflate it
    laid = lay_out(root, 1920, 1080)
    assert time.thread_time() - started < 1 / 60  # 61 boxes well inside a frame; `kiosk bench render` tells more
    assert len(laid.hits) == 60


def test_a_page_laid_out_again_reuses_its_boxes_and_takes_its_new_colours_and_actions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every visitor walks the same pages: a page whose shape (styles, texts, sizes) was laid out before
    skips Taffy and places the same boxes, with this build's colours and actions; a changed text is laid
    out afresh; the kept layouts are bounded (least recently used dropped)."""
    monkeypatch.setattr(layout, "PLACED_KEPT", 2)
    layout.forget_layouts()

    def page(text: str, color: Any, action: object) -> Box:
        return Box((Label(text, 32, color), Press("Suivant", action, BLACK, color, 28)),
                   Style(width=800, height=600, pad=20, gap=10, align="start"))

    first = lay_out(page("Bonjour à toutes et à tous", WHITE, "next"), 800, 600)
    kept = layout.COST.kept
    again = lay_out(page("Bonjour à toutes et à tous", BLACK, "back"), 800, 600, rtl=True)
    assert layout.COST.kept == kept + 1
    fresh = lay_out_measured(page("Bonjour à toutes et à tous", BLACK, "back"), 800, 600, rtl=True)
    assert again.nodes == fresh.nodes and again.hits == fresh.hits  # the oracle, colours and action included
    assert [n.rect for n in first.nodes if isinstance(n, Button)] != [n.rect for n in again.nodes
                                                                      if isinstance(n, Button)]  # mirrored
    longer = "Bonjour à toutes et à tous, " * 6
    wrapped = lay_out(page(longer, WHITE, "next"), 800, 600)
    assert layout.COST.kept == kept + 1  # a new text: laid out, its button pushed down by the wrapped lines
    assert [r.y for r, _ in wrapped.hits] > [r.y for r, _ in first.hits]
    lay_out(page("Au revoir", WHITE, "next"), 800, 600)
    assert len(layout._PLACED) == 2
    lay_out(page("Bonjour à toutes et à tous", WHITE, "next"), 800, 600)
    assert layout.COST.kept == kept + 1  # the least recently used was dropped: laid out afresh


def test_design_space_follows_the_screen_shape() -> None:
    assert design_size(1920, 1080) == design_size(1280, 720) == (1920, 1080)
    assert design_size(1920, 1200) == (1920, 1200)
    assert design_size(1080, 1920) == (1080, 1920)


# -- no measure callback: the text passes give the layouts Taffy's measure callback gave ----------

def _same(new: Any, old: Any, path: str, found: list[str]) -> None:
    """Differences between two laid-out values, floats within 0.05 design units (float32 boxes)."""
    if type(new) is not type(old):
        found.append(f"{path}: {type(new).__name__} ≠ {type(old).__name__}")
    elif isinstance(new, float):
        if abs(new - old) > 0.05:
            found.append(f"{path}: {new:.2f} ≠ {old:.2f}")
    elif dataclasses.is_dataclass(new):
        for f in dataclasses.fields(new):
            _same(getattr(new, f.name), getattr(old, f.name), f"{path}.{f.name}", found)
    elif isinstance(new, list | tuple):
        if len(new) != len(old):
            found.append(f"{path}: {len(new)} ≠ {len(old)} items")
        for index, (a, b) in enumerate(zip(new, old, strict=False)):
            _same(a, b, f"{path}[{index}]", found)
    elif isinstance(new, dict):
        _same(sorted(new.items()), sorted(old.items()), path, found)
    elif isinstance(new, np.ndarray):  # a Shapes node's columns
        if new.shape != old.shape or not np.allclose(new, old, atol=0.05):
            found.append(f"{path}: arrays differ")
    elif new != old:
        found.append(f"{path}: {new!r} ≠ {old!r}")


class _BothEngines:
    """Installed in the screens' modules: every layout made by the engine and by the measured one (the
    oracle, tests/layout_reference.py), the differences kept with the screen they were found on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.where, self.count, self.found = "", 0, list[str]()
        for module in (pages, debrief_view, attract, out_of_order, play_view, consent):
            monkeypatch.setattr(module, "lay_out", self)

    def __call__(self, root: layout.Item, width: float, height: float, *, rtl: bool = False,
                 layer: int = 0) -> layout.Laid:
        new = lay_out(root, width, height, rtl=rtl, layer=layer)
        old = lay_out_measured(root, width, height, rtl=rtl, layer=layer)
        differences: list[str] = []
        _same((new.nodes, [r for r, _ in new.hits], new.rects), (old.nodes, [r for r, _ in old.hits], old.rects),
              "", differences)
        self.found.extend(f"{self.where}: {d}" for d in differences[:3])
        self.count += 1
        return new


def test_a_column_hugs_its_text_wrapped_and_a_row_shrinks_it_as_flexbox_does() -> None:
    """What Taffy's measure callback answered, given by the passes: a centred column as wide as its text's
    widest wrapped line (not all the room its maximum leaves), a row's labels shrunk from their one-line
    widths in proportion and as tall as their wrapped lines."""
    words = "Préparer les légumes, dresser les assiettes et tenir le poste propre pendant le service"
    column = Box((Box((Label(words, 32, WHITE),), Style(self_align="center", max_width=600),
                      fill=BLACK),), Style(width=1000, height=800))
    shrunk = row(Label(words, 32, WHITE), Label(words[:40], 32, WHITE), width=1000, align="start")
    fixed = Box((Label(words, 32, WHITE, style=Style(height=20)),
                 Press(words, Intent("go"), BLACK, WHITE, 32, Style(width=300, min_height=30))))
    for root in (column, shrunk, fixed):
        assert not _differences(lay_out(root, 1000, 800), root)
    panel, text = lay_out(column, 1000, 800).nodes
    lines = measure(words, 32, max_width=600)
    assert isinstance(panel, Panel) and isinstance(text, Text) and lines.width < 590
    assert panel.rect.w == pytest.approx(lines.width, abs=0.05)
    assert panel.rect.h == pytest.approx(lines.height, abs=0.05)
    first, second = (n for n in lay_out(shrunk, 1000, 800).nodes if isinstance(n, Text))
    assert first.max_width + second.max_width == pytest.approx(1001, abs=0.1)  # filled, each +0.5
    assert measure(words, 32, max_width=first.max_width).height > 32 * 1.25  # the long one wraps


def _differences(laid: layout.Laid, root: layout.Item) -> list[str]:
    old = lay_out_measured(root, 1000, 800)
    found: list[str] = []
    _same(laid.nodes, old.nodes, "", found)
    return found


def test_text_passes_place_every_box_where_the_measure_callback_did(
        packs: list[Pack], outcomes: dict[tuple[str, bool], Outcome], monkeypatch: pytest.MonkeyPatch) -> None:
    """The oracle is the engine as it was (Taffy asking a Python measure callback for each text); a slice
    here, every screen of the matrix in the slow test of the matrix."""
    both = _BothEngines(monkeypatch)
    for language, mode, shape in [("ar", "large-text+high-contrast", "1920x1080"), ("uk", "normal", "1080x1920")]:
        for shot in shots(packs, CATALOGS, language, mode, SHAPES[shape], lambda w, easy: outcomes[(w.language, easy)],
                          every_step=False):
            both.where = f"{shot.name} [{language}, {mode}, {shape}]"
    assert both.count > 40 and not both.found, "\n".join(both.found[:20])


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _grown_over(lay: Callable[[], object], times: int) -> tuple[float, int]:
    """RSS (MB) and Python heap blocks gained over `times` layouts. The blocks count is exact and does not
    depend on what the allocator happens to have free; RSS catches native (Rust) memory the blocks miss."""
    for _ in range(50):  # warm-up: caches, the allocator's arenas, the pool of empty cells
        lay()
    gc.collect()
    rss, blocks = _rss_mb(), sys.getallocatedblocks()
    for _ in range(times):
        lay()
    gc.collect()
    return _rss_mb() - rss, sys.getallocatedblocks() - blocks


def _memory_probe() -> dict[str, float]:
    """What the test below measures, run in a process of its own (`python -c`)."""
    page = Box((Label("Commis de cuisine", 48, WHITE, "bold"),
                Label("Préparer les légumes, dresser les assiettes, tenir le poste propre " * 3, 28, WHITE),
                row(*(Press(f"Secteur {i}", ("sector", i), BLACK, WHITE, 26) for i in range(12)), wrap=True, gap=8),
                row(Press("Retour", Intent("back"), BLACK, WHITE, 32), Box(style=Style(grow=1)),
                    Press("Continuer", Intent("next"), BLACK, WHITE, 32))),
               Style(width=1920, height=1080, pad=40, gap=24))
    grown_mb, grown_blocks = _grown_over(lambda: lay_out(page, 1920, 1080), 600)
    _, leaked_blocks = _grown_over(lambda: lay_out_measured(page, 1920, 1080), 60)  # ~1,100 blocks a layout
    return {"grown_mb": grown_mb, "grown_blocks": grown_blocks, "leaked_blocks": leaked_blocks}


def test_laying_out_texts_again_and_again_does_not_grow_memory() -> None:
    """stretchable 1.1.8 leaks the two dicts it hands each measure callback (~0.7 KB a call, ~3 MB a visit);
    the engine calls none. The same probe run on the measured engine sees the leak, so it can tell. The probe
    runs in a fresh process: the blocks and RSS it counts are the whole process's, and in the test run's
    own process other tests' threads (servers, decoders) could allocate meanwhile."""
    done = subprocess.run([sys.executable, "-c", "import json; from tests.unit.test_layout import _memory_probe; "
                           "print(json.dumps(_memory_probe()))"], cwd=REPO, capture_output=True, text=True,
                          check=False, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["leaked_blocks"] > 10_000, f"the probe no longer sees the measure callback's leak: {found}"
    assert found["grown_blocks"] < 100, f"600 layouts kept more Python blocks alive: {found}"
    assert found["grown_mb"] < 0.5, f"600 layouts grew the process: {found}"


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
        packs: list[Pack], outcomes: dict[tuple[str, bool], Outcome], monkeypatch: pytest.MonkeyPatch,
        language: str) -> None:
    """Also lays out every screen with the measured engine (the oracle) and compares every box."""
    both = _BothEngines(monkeypatch)
    found = [problem for mode, shape in itertools.product(MODES, SHAPES)
             for problem in _problems(packs, outcomes, language, mode, shape, every_step=True)]
    assert not found, f"{len(found)} problems:\n" + "\n".join(found[:30])
    assert both.count > 2000 and not both.found, f"{len(both.found)} differences:\n" + "\n".join(both.found[:30])


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


def test_a_label_is_drawn_on_the_lines_its_box_was_sized_for() -> None:
    """The measure allows for pixel rounding (SLACK), so the renderer alone can fit a word more on a line
    than the box was sized for, leaving an empty line under the text. The label carries the layout's
    lines, and the renderer draws exactly those: as many lines as the box holds, none wider than it."""
    from kiosk.render.atlas import Atlas
    from kiosk.render.text import FontFiles, TextEngine

    engine = TextEngine(FontFiles.bundled(REPO / "assets"), Atlas(2048, 2048, 1, "glyph"), scale=1.0)
    text, size = "Électricien·ne du bâtiment", 38.0
    one_line = engine.layout(text, size, "regular").width  # what the renderer needs for it on one line
    assert len(measure(text, size, "regular", one_line + 1).lines) == 2  # the measure's slack breaks it there
    laid = lay_out(Box((Label(text, size, WHITE),), Style(width=one_line + 1)), 1920, 1080)
    label = next(node for node in laid.nodes if isinstance(node, Text))
    assert label.text == text and label.lines == measure(text, size, "regular", one_line + 1.5).lines
    drawn = engine.layout(label.drawn, size, "regular", label.max_width)  # type: ignore[arg-type]
    assert drawn.lines == 2 and drawn.height == measure(text, size, "regular", one_line + 1).height
    assert drawn.width <= label.max_width  # type: ignore[operator]
    assert engine.layout(label.text, size, "regular", label.max_width).lines == 1  # what it drew before
