"""Text shaping: Arabic letters join, lines come in display order, brackets mirror in RTL text."""

import random
import string
from pathlib import Path

import pytest

from kiosk.render.atlas import Atlas
from kiosk.render.text import FontFiles, TextEngine, _visual

ASSETS = Path(__file__).resolve().parents[2] / "assets"


@pytest.fixture(scope="module")
def engine() -> TextEngine:
    return TextEngine(FontFiles.bundled(ASSETS), Atlas(1024, 1024, 1, "glyph"))


def _glyph_ids(engine: TextEngine, text: str) -> list[int]:
    shaper = engine._shapers["regular"][engine._face_index("regular", text[0])]
    return [gid for gid, _, _ in shaper.shape(text, True, 40)]


def test_arabic_letters_take_their_joining_forms(engine: TextEngine) -> None:
    alone = _glyph_ids(engine, "ب")
    joined = _glyph_ids(engine, "ببب")  # initial, medial, final forms: three different glyphs
    assert len(set(joined)) == 3 and alone[0] not in joined


def test_lam_alef_becomes_one_ligature(engine: TextEngine) -> None:
    assert len(_glyph_ids(engine, "لا")) == 1


def test_right_to_left_words_are_displayed_right_to_left() -> None:
    assert _visual("مرحبا بكم", True) == "مكب ابحرم"
    assert _visual("Bienvenue à la borne") == "Bienvenue à la borne"


def test_brackets_mirror_inside_arabic_but_not_around_latin() -> None:
    assert _visual("كشك (نوفا) 2026", True) == "2026 (افون) كشك"
    assert _visual("كشك (NOVA)", True).startswith("(NOVA)")


def test_wrapping_keeps_every_word_and_respects_the_width(engine: TextEngine) -> None:
    text = "اختر مهنة من القائمة ثم جرب موقفا من العمل اليومي"
    layout = engine.layout(text, 40, max_width=300)
    assert layout.lines > 1 and layout.width <= 300
    assert engine._wrap(text, 40, "regular", 300) and " ".join(engine._wrap(text, 40, "regular", 300)) == text


def test_kerning_and_fallback_faces_measure_latin_cyrillic_and_arabic(engine: TextEngine) -> None:
    assert engine.measure("AV", 60) < engine.measure("A", 60) + engine.measure("V", 60)  # kerned pair
    assert engine.measure("Привіт", 40) > 0 and engine.measure("مرحبا", 40) > 0


def test_bold_arabic_comes_from_the_bold_arabic_face(engine: TextEngine) -> None:
    """Bold Arabic is drawn with Noto Sans Arabic Bold, not the regular Arabic face (a fake bold)."""
    bold = engine._faces["bold"][engine._face_index("bold", "م")]
    regular = engine._faces["regular"][engine._face_index("regular", "م")]
    assert bold.family_name == regular.family_name == b"Noto Sans Arabic"
    assert bold.style_name == b"Bold" and regular.style_name == b"Regular"
    assert engine.measure("مرحبا بكم", 40, "bold") > engine.measure("مرحبا بكم", 40)  # heavier strokes, wider


def test_ukrainian_wraps_like_latin_text(engine: TextEngine) -> None:
    text = "Оберіть професію зі списку, а потім спробуйте робочу ситуацію з повсякденного життя"
    lines = engine._wrap(text, 40, "regular", 420)
    assert len(lines) > 2 and " ".join(lines) == text  # every word kept, none cut
    assert all(engine.measure(line, 40) <= 420 for line in lines)
    assert engine.layout(text, 40, max_width=420).width <= 420


def test_a_latin_name_with_brackets_keeps_them_inside_an_arabic_sentence() -> None:
    """An offer title as the employer wrote it, inside an Arabic reason (opened by a right-to-left mark)."""
    visual = _visual("\u200fCommis de cuisine (apprentissage) لدى Restaurant، على بعد 3 كم (العمل ضمن فريق).")
    assert "Commis de cuisine (apprentissage)" in visual and "(apprentissage(" not in visual
    assert visual.startswith(".(قيرف نمض لمعلا)")  # the Arabic brackets still mirrored, the full stop on the left


def test_layouts_of_ever_new_text_stay_bounded() -> None:
    engine = TextEngine(FontFiles.bundled(ASSETS), Atlas(1024, 1024, 1, "glyph"))
    engine._layouts.capacity = 16  # the kiosk keeps thousands; the bound is the same code
    first = engine.layout("Bonjour", 24)
    for number in range(100):  # a live counter: text never seen before, each frame
        engine.layout(f"{number * 7919 % 9973} visiteurs", 24)
        assert len(engine._layouts) <= 16
    again = engine.layout("Bonjour", 24)
    assert again is not first  # pushed out, laid out afresh ...
    assert again.width == first.width and (again.rows == first.rows).all()  # ... the same
    assert engine.layout("Bonjour", 24) is again  # and kept while it is used


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_ascii_lines_put_side_by_side_match_harfbuzz_shaping_the_whole_line(weight: str) -> None:
    """The plain-ASCII path (each character's glyph alone, when no pair kerns or ligates) must place
    exactly what HarfBuzz places shaping the whole line; lines with kerning fall back to it."""
    engine = TextEngine(FontFiles.bundled(ASSETS), Atlas(1024, 1024, 1, "glyph"))
    w = "bold" if weight == "bold" else "regular"
    shaper = engine._shapers[w][0]
    rng = random.Random(7)
    samples = ["4821", "12 345", "AVATAR", "Tj Yo", "office", "Wa. To", "a+b=c", "x"] + \
        ["".join(rng.choice(string.printable[:95]) for _ in range(rng.randint(1, 12))) for _ in range(300)]
    plain = 0
    for px in (18, 40):
        for text in samples:
            whole = [(engine.glyph(w, px, 0, gid), x / engine.scale, a / engine.scale)
                     for gid, x, a in shaper.shape(text, False, px)]
            fast = engine._plain_ascii(text, w, px)
            if fast is not None:
                plain += 1
                assert fast == whole, text
            assert engine.shape_line(text, w, px) == whole, text
    assert engine._plain_ascii("AVATAR", w, 40) is None  # kerned pairs go through HarfBuzz
    assert engine._plain_ascii("4821", w, 40) is not None and plain > 100  # digits are plain


def test_the_characters_faces_and_plain_pairs_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import kiosk.render.text as text_module

    monkeypatch.setattr(text_module, "FACES_KEPT", 8)
    engine = TextEngine(FontFiles.bundled(ASSETS), Atlas(1024, 1024, 1, "glyph"))
    engine._plain.capacity = 2
    for size in range(10, 40):  # thirty pixel sizes, each with its own table of ASCII pairs
        engine.layout(f"{size} visiteurs", size)
        engine.layout("ÀÉÎÕÜçñß" + chr(0x410 + size), size)  # characters looked up one by one
        assert len(engine._face_of) <= 8 and len(engine._plain) <= 2
    assert engine.layout("Привіт 12", 24).width > 0  # still lays out after the bounds cleared it
