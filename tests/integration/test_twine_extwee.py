"""Kiosk's Twine files against an implementation we did not write: extwee (npm, installed by
scripts/setup.sh) reads our Twee export and publishes Twine 2 HTML, which we import; it also
turns our test story into HTML. Both must give the same pack as our own path."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.scenario.twee import parse_story, parse_twee
from kiosk.scenario.twine import convert_story
from tests.unit.test_twine import PACKS, STORY, _pack, meaning

REPO = Path(__file__).resolve().parents[2]
EXTWEE = REPO / ".cache" / "extwee" / "node_modules"


def extwee(mode: str, source: Path, target: Path) -> None:
    node = shutil.which("node")
    assert node and (EXTWEE / "extwee").is_dir(), "run scripts/setup.sh: it installs nodejs and extwee"
    subprocess.run([node, str(REPO / "scripts" / "twine" / "extwee.mjs"), str(EXTWEE), mode, str(source),
                    str(target)], check=True, timeout=60)


@pytest.mark.parametrize("pack", PACKS)
def test_extwee_reads_our_twee_and_its_html_imports_to_the_same_pack(published_scenarios: Path, tmp_path: Path,
                                                                     pack: str) -> None:
    ours = tmp_path / f"{pack}.twee"
    assert main(["pack", "export-twine", str(published_scenarios / pack), "-o", str(ours)]) == 0
    published = tmp_path / f"{pack}.html"
    extwee("twee2html", ours, published)
    html = published.read_text(encoding="utf-8")
    assert "<tw-storydata" in html and 'creator="extwee"' in html
    story = parse_story(html, published.name)
    mine = parse_twee(ours.read_text(encoding="utf-8"), ours.name)
    assert (story.title, story.start, story.ifid) == (mine.title, mine.start, mine.ifid)
    assert {(p.name, p.tags, p.text, p.position) for p in story.passages} == \
        {(p.name, p.tags, p.text, p.position) for p in mine.passages}
    again = tmp_path / "scenarios" / pack
    shutil.copytree(published_scenarios / pack / "media", again / "media")
    assert main(["pack", "import-twine", str(published), "-o", str(again)]) == 0
    assert meaning(_pack(again)) == meaning(_pack(published_scenarios / pack))


def test_a_story_published_by_extwee_imports_like_its_twee(tmp_path: Path) -> None:
    published = tmp_path / "aide-soignant.html"
    extwee("twee2html", STORY, published)
    from_html = convert_story(parse_story(published.read_text(encoding="utf-8"), published.name), "s", "aide-soignant")
    from_twee = convert_story(parse_twee(STORY.read_text(encoding="utf-8"), STORY.name), "s", "aide-soignant")
    assert not from_html.problems and len(from_html.scenario["steps"]) == 14
    assert (from_html.pack, from_html.scenario) == (from_twee.pack, from_twee.scenario)
    back = tmp_path / "back.twee"
    extwee("html2twee", published, back)  # extwee's own Twee writer reads back through ours
    from_back = convert_story(parse_twee(back.read_text(encoding="utf-8"), back.name), "s", "aide-soignant")
    assert (from_back.pack, from_back.scenario) == (from_twee.pack, from_twee.scenario)
