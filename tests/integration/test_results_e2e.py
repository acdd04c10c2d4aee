"""A scripted visit end to end: offers imported, a strong visitor plays two scenarios, ranked and
explained offers, credentials that verify (and fail when a byte changes), a QR code that decodes
to what was intended, and the results page rendered by headless Chromium in fr, en and ar."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest

from kiosk.cli import main

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def agency(tmp_path: Path) -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[content]\nscenarios = "{REPO / "scenarios"}"\n\n'
                      f'[offers]\npath = "{tmp_path / "offers.json"}"\n\n'
                      f'[credentials]\nkeys = "{tmp_path / "keys"}"\nportal = "https://results.example.org"\n')
    assert main(["--config", str(config), "offers", "import", str(REPO / "assets/offers/sample-offers.csv")]) == 0
    assert main(["--config", str(config), "keys", "generate"]) == 0
    return config


def test_a_scripted_visit_ends_with_offers_badges_and_a_qr(agency: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "results"
    assert main(["--config", str(agency), "results", "sample", "commis-de-cuisine", "conducteur-routier",
                 "--lang", "en", "--offline", "--out", str(out_dir)]) == 0
    printed = capsys.readouterr().out
    offers = [line for line in printed.splitlines() if line.startswith("offer ")]
    assert offers[0].startswith("offer lyo-001") and "you explored this trade" in offers[0]
    assert all(o.split(": ", 1)[1].endswith(".") for o in offers)  # every match explained in a sentence
    badges = sorted(out_dir.glob("badge-*.jwt"))
    assert badges
    for badge in badges:
        assert main(["--config", str(agency), "badge", "verify", str(badge)]) == 0
    token = badges[0].read_text().strip()
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    capsys.readouterr()
    assert main(["--config", str(agency), "badge", "verify", tampered]) == 65
    assert "kiosk: error:" in capsys.readouterr().err
    # offline: the QR carries a compact signed credential, and it verifies once scanned
    scanned = cv2.QRCodeDetectorAruco().detectAndDecode(cv2.imread(str(out_dir / "handoff-qr.png")))[0]
    assert scanned.count(".") == 2
    assert main(["--config", str(agency), "badge", "verify", scanned]) == 0


def test_online_the_qr_is_a_short_link(agency: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "online"
    assert main(["--config", str(agency), "results", "sample", "aide-a-domicile", "--out", str(out_dir)]) == 0
    scanned = cv2.QRCodeDetector().detectAndDecode(cv2.imread(str(out_dir / "handoff-qr.png")))[0]
    assert scanned.startswith("https://results.example.org/r/") and len(scanned) < 60


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "headless Chromium is needed (scripts/setup.sh installs Debian's chromium)"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.mark.parametrize(("language", "heading", "direction"), [("fr", "Vos résultats Nova", "ltr"),
                                                                ("en", "Your Nova results", "ltr"),
                                                                ("ar", "نتائجك في نوفا", "rtl"),
                                                                ("uk", "Ваші результати Nova", "ltr")])
def test_the_results_page_renders_in_chromium(agency: Path, tmp_path: Path, browser: object, language: str,
                                              heading: str, direction: str) -> None:
    out_dir = tmp_path / language
    # two scenarios: one alone separates no skill in three steps, so it shows (and badges) none (docs/scoring.md)
    assert main(["--config", str(agency), "results", "sample", "commis-de-cuisine", "conducteur-routier",
                 "--lang", language, "--out", str(out_dir)]) == 0
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page.goto((out_dir / "results.html").as_uri())
    assert page.locator("h1").inner_text() == heading
    assert page.evaluate("document.documentElement.dir") == direction
    if language in ("ar", "uk"):  # every sentence in the visitor's language; the agency's name as it is
        from kiosk.config import CredentialSettings
        from tests.language_check import latin_sentence

        agency_name = CredentialSettings().issuer_name
        lines = page.locator("body").inner_text().replace(agency_name, "").splitlines()
        assert not [line for line in lines if latin_sentence(line)], lines
    badges = page.locator("li.badge")
    assert badges.count() == len(list(out_dir.glob("badge-*.jwt"))) > 0
    assert page.locator("li.offer").count() == 5
    for link in page.locator("li.offer a").all():  # touch targets at least 44 px high
        assert link.bounding_box()["height"] >= 44
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone
    page.screenshot(path=str(out_dir / "page.png"), full_page=True)
    image = cv2.imread(str(out_dir / "page.png"))
    assert image is not None and image.std() > 10
    page.close()
