"""The phone results page in headless Chromium (Debian's chromium, driven by playwright): at 390×844 and
1280×800, with normal and doubled text, nothing scrolls sideways, every button is at least 44 px in both
directions and its text contrasts at least 4.5:1 with its background — both read from the *computed*
styles — Arabic is laid out right to left, and the visitor's words are all there: skill cards in words,
tips, offers and trainings. KIOSK_UPDATE_DOCS=1 also writes the screenshots in docs/screens/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
VIEWPORTS = ({"width": 390, "height": 844}, {"width": 1280, "height": 800})
LANGUAGES = ("fr", "ar", "uk")
BANNED = {"fr": ("faible", "mauvais", "échec", "échoué", "raté"), "uk": ("слаб", "поган", "провал"),
          "ar": ("ضعيف", "سيئ", "فشل", "راسب")}  # the page never calls a visitor weak, bad or failed

# WCAG 2.x relative luminance and contrast, from the colours Chromium computed (rgb()/rgba() strings);
# the background is the first opaque one met going up from the element.
CONTRAST_JS = """el => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const c = [r, g, b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  let node = el, bg = null;
  while (node && node.nodeType === 1) { const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) { bg = c; break; } node = node.parentElement; }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(el).color), a = lum(fg), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The page of one visit in each language: two trades, the best answer at every other step."""
    root = tmp_path_factory.mktemp("phone")
    config = root / "kiosk.toml"
    config.write_text(f'[content]\nscenarios = "{REPO / "scenarios"}"\n\n[offers]\npath = "{root / "offers.json"}"\n\n'
                      f'[trainings]\npath = "{root / "trainings.json"}"\n\n'
                      f'[credentials]\nkeys = "{root / "keys"}"\nportal = "https://results.example.org"\n')
    assert main(["--config", str(config), "offers", "import", str(REPO / "assets/offers/sample-offers.csv")]) == 0
    assert main(["--config", str(config), "trainings", "import",
                 str(REPO / "assets/trainings/sample-trainings.csv")]) == 0
    assert main(["--config", str(config), "keys", "generate"]) == 0
    found = {}
    for language in (*LANGUAGES, "en"):
        out = root / language
        assert main(["--config", str(config), "results", "sample", "commis-de-cuisine", "agent-logistique",
                     "--answers", "mixed", "--lang", language, "--out", str(out)]) == 0
        found[language] = out / "results.html"
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "headless Chromium is needed (scripts/setup.sh installs Debian's chromium)"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def _check_layout(page: object, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert scroll <= width, f"scrolls sideways: {scroll} px in a {width} px window"
    buttons = page.locator("a.button").all()  # type: ignore[attr-defined]
    assert buttons
    for button in buttons:
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (button.inner_text(), box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
        ratio = button.evaluate(CONTRAST_JS)
        assert ratio >= 4.5, (button.inner_text(), ratio)
    for label in page.locator(".band, .ends span, .lead, .who, p, li, h1, h2, h3").all():  # type: ignore[attr-defined]
        assert label.evaluate(CONTRAST_JS) >= 4.5, label.inner_text()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_the_phone_page_reads_at_phone_and_desktop_size(pages: dict[str, Path], browser: object, language: str,
                                                        viewport: dict[str, int]) -> None:
    page = browser.new_page(viewport=viewport)  # type: ignore[attr-defined]
    page.goto(pages[language].as_uri())
    assert page.evaluate("document.documentElement.lang") == language
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    assert page.evaluate("getComputedStyle(document.body).direction") == ("rtl" if language == "ar" else "ltr")
    _check_layout(page, viewport["width"])
    page.evaluate("document.documentElement.style.fontSize = '200%'")  # large text, as WCAG 1.4.4 asks
    _check_layout(page, viewport["width"])
    page.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_has_skills_in_words_tips_offers_trainings_and_how_to_check(pages: dict[str, Path],
                                                                            browser: object, language: str) -> None:
    from tests.language_check import latin_sentence

    page = browser.new_page(viewport=VIEWPORTS[0])  # type: ignore[attr-defined]
    page.goto(pages[language].as_uri())
    cards = page.locator("li.skill")
    assert cards.count() >= 3
    assert page.locator("li.skill .band").count() == cards.count()
    assert page.locator("li.skill .tip").count() == cards.count()
    for card in cards.all():
        ranged = card.locator(".range").count() == 1
        assert ranged != ("unknown" in (card.get_attribute("class") or ""))  # no range where not enough to say
    assert 2 <= page.locator("li.training").count() <= 3
    assert page.locator("li.offer").count() == 5
    assert page.locator("li.badge").count() == page.locator("li.badge a.button").count()
    text = page.locator("body").inner_text().lower()  # half the visit was answered badly on purpose
    assert not [word for word in BANNED[language] if word in text]
    if language != "fr":  # every sentence in the visitor's language; names of places and providers as written
        lines = page.locator("body").inner_text().splitlines()
        names = [*page.locator("h3, .who").all_inner_texts(), "Agence pour l'emploi (exemple)"]
        rest = [line for line in lines if line not in names]
        for name in names:
            rest = [line.replace(name, "") for line in rest]
        assert not [line for line in rest if latin_sentence(line)], rest
    page.close()


@pytest.mark.skipif(not os.environ.get("KIOSK_UPDATE_DOCS"), reason="KIOSK_UPDATE_DOCS=1 writes docs/screens/")
@pytest.mark.parametrize("language", LANGUAGES)
def test_screenshots_for_the_docs(pages: dict[str, Path], browser: object, language: str) -> None:
    for width, height, large, name in ((390, 844, False, "phone"), (390, 844, True, "phone-large"),
                                       (1280, 800, False, "phone-desktop")):
        page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
        page.goto(pages[language].as_uri())
        if large:
            page.evaluate("document.documentElement.style.fontSize = '200%'")
        page.screenshot(path=str(REPO / "docs" / "screens" / f"{language}-20-{name}.png"), full_page=not large)
        page.close()


def test_the_checks_catch_what_the_old_page_got_wrong(browser: object) -> None:
    """The old Apply button (white on #00bb55, 2.5:1), grey on white, a 30 px button, a too-wide line."""
    page = browser.new_page(viewport=VIEWPORTS[0])  # type: ignore[attr-defined]
    page.set_content('<body style="margin:0;background:#fff"><a class="button" style="background:#0b5;color:#fff">'
                     'Apply</a><p style="color:#999">evidence</p><div style="width:500px">wide</div></body>')
    assert page.locator("a.button").evaluate(CONTRAST_JS) < 3
    assert page.locator("p").evaluate(CONTRAST_JS) < 4.5
    with pytest.raises(AssertionError, match="scrolls sideways"):
        _check_layout(page, 390)
    page.close()
