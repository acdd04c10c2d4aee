"""Twine in and out: a story written in Twine's convention imports to a pack that lints clean;
the bundled packs survive export → import with their meaning; every conversion problem is
reported as `story:passage: message (hint)`; `kiosk new pack` scaffolds a clean pack."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import inspect_pack
from kiosk.scenario.model import ChoiceStep, DialogueStep, HotspotStep, OrderingStep, Pack, Step, Text, VideoStep
from kiosk.scenario.twee import Passage, Story, parse_story, parse_twee, write_twee
from kiosk.scenario.twine import convert_story
from kiosk.scenario.twine_export import layout
from kiosk.scenario.twine_grammar import Key, parse_link, read_key, slug

STORY = Path(__file__).resolve().parent.parent / "data" / "aide-soignant.twee"
PACKS = ["agent-logistique", "aide-a-domicile", "commis-de-cuisine", "conducteur-routier", "electricien-batiment"]
SKILLS = read_skills()


def _pack(pack_dir: Path) -> Pack:
    inspection = inspect_pack(pack_dir, SKILLS, check_manifest=False)
    assert inspection.pack is not None, "\n".join(d.render() for d in inspection.errors)
    # A story written in French and English: the only warnings lint may give are the texts still to
    # translate into the kiosk's other languages (Arabic, Ukrainian).
    assert [d.render() for d in inspection.warnings
            if not (d.check == "translation" and ("`ar`" in d.message or "`uk`" in d.message))] == []
    return inspection.pack


def _text(text: Text | None) -> Any:
    return None if text is None else (dict(text.values), dict(text.falc))


def _step_meaning(step: Step) -> dict[str, Any]:
    """What a step means to the player and to scoring, whatever way it was written."""
    multiple = isinstance(step, ChoiceStep | HotspotStep) and step.multiple
    answers = {o.id: (_text(o.text), _text(o.feedback), sorted((c.observable, c.credit) for c in o.evidence),
                      step.default_next() if multiple else o.next or step.default_next(), o.yaw, o.pitch, o.radius)
               for o in step.options()}
    meaning: dict[str, Any] = {"kind": step.kind, "text": _text(step.text), "answers": answers}
    if isinstance(step, VideoStep):
        meaning |= {"clip": step.clip, "captions": dict(step.captions), "next": step.next}
    if isinstance(step, DialogueStep):
        meaning |= {"lines": [(_text(line.speaker), _text(line.says)) for line in step.lines], "next": step.next,
                    "image": step.image}
    if isinstance(step, ChoiceStep):
        meaning |= {"seconds": step.seconds, "timeout": step.timeout_next, "image": step.image}
    if isinstance(step, OrderingStep):
        meaning |= {"items": {i.id: _text(i.text) for i in step.items}, "correct": step.correct,
                    "rules": sorted((r.observable, r.exact, r.near) for r in step.rules), "next": step.next}
    if isinstance(step, HotspotStep):
        meaning |= {"image": step.image, "next": step.next}
    return meaning


def meaning(pack: Pack) -> dict[str, Any]:
    scenario, trade = pack.scenario, pack.trade
    return {"pack": (pack.id, pack.version), "scenario": (scenario.id, _text(scenario.title), scenario.languages,
                                                         scenario.start),
            "observables": {k: (o.skills, o.max_credit, _text(o.describe)) for k, o in scenario.observables.items()},
            "trade": (trade.rome, _text(trade.title), _text(trade.pitch), trade.sector, trade.shortage_level,
                      trade.shortage_source, trade.card_image, trade.video, trade.attract),
            "steps": {s.id: _step_meaning(s) for s in scenario.steps}, "order": [s.id for s in scenario.steps],
            "debriefs": {k: (_text(d.moment), d.best, _text(d.professional), _text(d.why))
                         for k, d in scenario.debriefs.items()}}


def test_a_twine_story_imports_to_a_pack_that_lints_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "scenarios" / "aide-soignant"
    assert main(["pack", "import-twine", str(STORY), "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert "lint: 1 pack(s), 0 error(s)," in out and "not sealed" in out  # warnings: not sealed, ar/uk to translate
    pack = _pack(target)
    steps = {s.id: s for s in pack.scenario.steps}
    assert len(steps) == 14 and pack.scenario.start == "arrivee-dans-le-service"
    assert [s for s, step in steps.items() if step.kind == "end"] == ["fin-de-journee", "fin-ecourtee"]
    assert {"video", "video360", "dialogue", "choice", "multiple_choice", "timed_choice", "ordering",
            "hotspot"} <= {s.kind for s in steps.values()}
    sonnette = steps["la-sonnette"]
    assert isinstance(sonnette, ChoiceStep) and sonnette.seconds == 25 and sonnette.timeout_next == "trop-tard"
    assert [(o.id, o.evidence[0].observable, o.evidence[0].credit) for o in sonnette.choices if o.evidence] == \
        [("a", "signale-changement", 1), ("b", "signale-changement", 2)]
    assert sonnette.choices[2].feedback is not None
    chute, repas = pack.scenario.debriefs["la-chute"], pack.scenario.debriefs["le-repas"]  # `debrief …` lines
    assert chute.professional is not None and chute.best is None
    assert chute.professional.values["en"] == "Do not lift him alone, call the nurse and stay with him."
    assert repas.best == "a" and repas.why.falc == {"fr": "Chacun mange à son rythme. Vous aidez d'abord ceux qui "
                                                          "en ont besoin."}
    assert sonnette.choices[2].feedback.get("en") == "A call bell can mean a fall: answer quickly."
    chambre = steps["chambre-12"]
    assert isinstance(chambre, HotspotStep) and chambre.multiple
    assert [(s.yaw, s.pitch, s.radius) for s in chambre.spots][2] == (90, -20, 15)
    assert [c.credit for c in chambre.spots[0].evidence] == [1]  # from the [[link][credit: ...]] form
    repas = steps["le-repas"]
    assert isinstance(repas, ChoiceStep) and repas.next == "le-couloir" and repas.choices[2].next == "fin-ecourtee"
    toilette = steps["la-toilette"]
    assert isinstance(toilette, OrderingStep) and toilette.correct[0] == "mains" and len(toilette.items) == 4
    assert [(r.observable, r.exact, r.near) for r in toilette.rules] == [("organise-soins", 2, 1)]
    transmissions = steps["transmissions"]
    assert isinstance(transmissions, DialogueStep)
    assert transmissions.lines[0].speaker.values == {"fr": "Sophie (infirmière)", "en": "Sophie (nurse)"}
    assert pack.trade.rome == "J1501" and pack.trade.shortage_level == 5
    assert pack.scenario.title.values == {"fr": "Une matinée en service de gériatrie",
                                          "en": "A morning on the geriatric ward"}
    assert "idees-pour-plus-tard" not in steps  # a `note` passage is not a step
    todo = (target / "TODO.md").read_text(encoding="utf-8")
    for media in ("media/card.png", "media/arrivee-dans-le-service.mp4", "media/chambre-12-360.jpg",
                  "media/le-couloir-360.mp4"):
        assert media in todo and (target / media).stat().st_size > 0
    assert (target / "scoring.yaml").is_file()


def _as_html(story: Story) -> str:
    """The story as Twine 2 publishes it (tw-storydata / tw-passagedata, text HTML-escaped)."""
    rows = []
    for pid, p in enumerate(story.passages, start=1):
        position = ",".join(f"{v:g}" for v in p.position) if p.position else "100,100"
        rows.append(f'<tw-passagedata pid="{pid}" name="{html.escape(p.name)}" tags="{" ".join(p.tags)}" '
                    f'position="{position}" size="100,100">{html.escape(p.text)}</tw-passagedata>')
    start = next(i for i, p in enumerate(story.passages, start=1) if p.name == story.start)
    return (f'<html><body><tw-storydata name="{html.escape(story.title)}" startnode="{start}" creator="Twine" '
            f'creator-version="2.6.2" ifid="{story.ifid}" zoom="1" format="Harlowe" format-version="3.3.8" '
            f'options="" hidden><style role="stylesheet" id="twine-user-stylesheet" type="text/twine-css"></style>'
            f'<script role="script" id="twine-user-script" type="text/twine-javascript"></script>'
            + "".join(rows) + "</tw-storydata></body></html>")


def test_published_html_reads_like_the_twee_text(tmp_path: Path) -> None:
    twee = parse_twee(STORY.read_text(encoding="utf-8"), STORY.name)
    published = parse_story(_as_html(twee), "aide-soignant.html")
    assert published.title == twee.title and published.start == twee.start and published.ifid == twee.ifid
    assert [(p.name, p.tags, p.text, p.position) for p in published.passages] == \
        [(p.name, p.tags, p.text, p.position) for p in twee.passages]
    from_html = convert_story(published, "aide-soignant.html", "aide-soignant")
    from_twee = convert_story(twee, STORY.name, "aide-soignant")
    assert not from_html.problems and from_html.scenario == from_twee.scenario and from_html.pack == from_twee.pack


@pytest.mark.parametrize("pack", PACKS)
def test_a_bundled_pack_survives_export_and_import(published_scenarios: Path, tmp_path: Path, pack: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    story = tmp_path / f"{pack}.twee"
    assert main(["pack", "export-twine", str(published_scenarios / pack), "-o", str(story)]) == 0
    again = tmp_path / "scenarios" / pack
    shutil.copytree(published_scenarios / pack / "media", again / "media")
    assert main(["pack", "import-twine", str(story), "-o", str(again)]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    assert meaning(_pack(again)) == meaning(_pack(published_scenarios / pack))
    assert not (again / "TODO.md").exists()  # nothing was left out


def test_export_lays_passages_out_from_the_graph(published_scenarios: Path) -> None:
    pack = _pack(published_scenarios / "commis-de-cuisine")
    positions = layout(pack)
    start_x = positions[pack.scenario.start][0]
    for step in pack.scenario.steps:
        assert positions[step.id][0] >= start_x
    assert positions["brief"][0] > start_x  # the step after the start sits one column right
    assert len(set(positions.values())) == len(positions)  # no two passages on top of each other


def test_twee_names_tags_and_metadata_round_trip() -> None:
    story = Story("Essai [1]", (Passage("Étape {a} [b]", "Texte\n:: pas un titre\n[[Fin]]", ("choice", "x\\y"),
                                        (100.0, 250.0), (100.0, 100.0)),
                                Passage("Fin", "Au revoir", ("end",), (300.0, 100.0), (100.0, 100.0))),
                  "Étape {a} [b]", "ABC", "Harlowe", "3.3.8", {"zoom": 1})
    text = write_twee(story)
    assert ":: Étape \\{a\\} \\[b\\] [choice x\\\\y] {\"position\":\"100,250\",\"size\":\"100,100\"}" in text
    assert "\n\\:: pas un titre\n" in text
    again = parse_twee(text, "essai.twee")
    assert again.passages == tuple(Passage(p.name, p.text, p.tags, p.position, p.size, again.passages[i].line)
                                   for i, p in enumerate(story.passages))
    assert (again.title, again.start, again.extra) == ("Essai [1]", "Étape {a} [b]", {"zoom": 1})


BROKEN = """\
:: StoryTitle
Essai

:: StoryData
{"ifid": "X", "start": "Debut"}

:: Pack
trade: J1501
sectr: sante

:: Observables
ecoute: T4.1
describe: vous avez écouté
describe en: you listened

:: Debut [choise]
Que faites-vous ?
en: What do you do?
[[J'écoute.->Suite]]
en: I listen.
credit: ecoute=0
[[Je pars.->Fni]]
credit: ecout=1

:: Suite [timed]
Vite !
[[Fin]]

:: Fin [end]
Au revoir.
en: Goodbye.
"""


def test_every_conversion_problem_names_story_passage_and_hint(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "essai"
    story = tmp_path / "essai.twee"
    story.write_text(BROKEN, encoding="utf-8")
    assert main(["pack", "import-twine", str(story), "-o", str(target)]) == 65
    captured = capsys.readouterr()
    assert not target.exists()  # nothing written
    assert "2 problem(s)" not in captured.err and "nothing written" in captured.err
    lines = captured.out.splitlines()
    expected = [
        r"essai.twee:Pack: cannot read `sectr: sante` \(hint: did you mean `sector:`\?\)",
        r"essai.twee:Debut: unknown tag `choise` \(hint: did you mean `choice`\?\)",
        r"essai.twee:Debut: credit 0 for `ecoute`: credits start at 1 \(hint: an answer that shows nothing gets "
        r"no credit line.*a weak answer is evidence too\)",
        r"essai.twee:Debut: credit for `ecout`, which is not in the Observables passage \(hint: did you mean "
        r"`ecoute`\?\)",
        r"essai.twee:Debut: link to `Fni`, which is not a passage \(hint: did you mean `Fin`\?\)",
        r"essai.twee:Debut: answer `b`: missing the en text \(hint: add `en: ...`\)",
        r"essai.twee:Suite: tag `timed` has no number of seconds \(hint: .*`timed:20`\)",
        r"essai.twee:Suite: a timed step needs `timeout: \[\[Passage\]\]`",
        r"essai.twee:Suite: the text: missing the en text \(hint: add `en: ...`\)",
    ]
    for pattern in expected:
        assert any(re.fullmatch(pattern + r".*", line) for line in lines), (pattern, lines)
    assert all(re.match(r"^essai\.twee:[^:]+: .+ \(hint: .+\)$", line) for line in lines), lines


def test_the_key_grammar() -> None:
    languages = ("fr", "en")
    assert read_key("feedback falc en: Bravo", languages, {"", "feedback"}) == Key("feedback", True, "en", "Bravo")
    assert read_key("Attention : le four est chaud.", languages, {"", "feedback"}) is None
    assert read_key("Nadia: Bonjour", languages, {""}) is None
    key = read_key("falc: Simple", languages, {""})
    assert key is not None and (key.field, key.falc, key.language) == ("", True, "fr")
    assert slug("Arrivée dans l'entrepôt !") == "arrivee-dans-l-entrepot"


def test_new_pack_lints_clean_and_has_every_step_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "pack", "mon-metier", "--trade", "J1501", "--scenarios", str(tmp_path)]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    pack = _pack(tmp_path / "mon-metier")
    assert {s.kind for s in pack.scenario.steps} == {"video", "video360", "dialogue", "choice", "multiple_choice",
                                                      "timed_choice", "ordering", "hotspot", "end"}
    assert pack.trade.rome == "J1501"
    assert "# one answer under time pressure" in (tmp_path / "mon-metier" / "scenario.yaml").read_text()
    assert main(["new", "pack", "mon-metier", "--trade", "J1501", "--scenarios", str(tmp_path)]) == 65
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "pack", "autre", "--trade", "J15", "--scenarios", str(tmp_path)]) == 65
    assert "not a ROME 4.0 code" in capsys.readouterr().err


def test_importing_again_replaces_the_yaml_and_keeps_the_rest(scenarios_copy: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    pack = scenarios_copy / "aide-a-domicile"
    story = tmp_path / "aide.twee"
    assert main(["pack", "export-twine", str(pack), "-o", str(story)]) == 0
    assert main(["pack", "import-twine", str(story), "-o", str(pack)]) == 65  # refuses to overwrite
    assert "is already a pack (hint: add --force" in capsys.readouterr().err
    before = (pack / "scenario.yaml").read_text(encoding="utf-8")
    bank = (pack / "scoring.yaml").read_text(encoding="utf-8")
    assert main(["pack", "import-twine", str(story), "-o", str(pack), "--force"]) == 0
    out = capsys.readouterr().out
    assert f"unsealed: {pack} (run `kiosk pack seal {pack}` when you are done)" in out
    assert "0 error(s), 1 warning(s)" in out  # the warning: not sealed
    assert (pack / "scenario.yaml~").read_text(encoding="utf-8") == before
    assert (pack / "scoring.yaml").read_text(encoding="utf-8") == bank  # same items: kept as calibrated
    assert not (pack / "manifest.json").exists()


WITHOUT_TRADE = """\
:: StoryTitle
Essai

:: StoryData
{"ifid": "X", "start": "Debut"}

:: Pack
title en: Trial

:: Observables
ecoute: T4.1
describe: vous avez écouté
describe en: you listened

:: Debut
Que faites-vous ?
en: What do you do?
[[J'écoute.->Suite]]
en: I listen.
credit: ecoute=1
[[Je pars.->Fin]]
en: I leave.

:: Suite [timed:10]
Vite !
en: Quick!
timeout: [[Fin]]
[[Oui->Fin]]
en: Yes
[[Non->Fin]]
en: No

:: Fin [end]
Au revoir.
en: Goodbye.
"""


def test_link_forms_and_a_story_without_trade_lines() -> None:
    assert parse_link("Je refuse->Refus") == ("Je refuse", "Refus")
    assert parse_link("Refus<-Je refuse") == ("Je refuse", "Refus")
    assert parse_link("Je refuse|Refus") == ("Je refuse", "Refus")
    assert parse_link("Refus") == ("Refus", "Refus")
    story = parse_twee(WITHOUT_TRADE, "essai.twee")
    conversion = convert_story(story, "essai.twee", "essai", rome="J1501")
    assert conversion.problems == []
    assert conversion.pack["trade"]["rome"] == "J1501"
    assert conversion.pack["trade"]["title"] == {"fr": "Métier J1501", "en": "Trade J1501"}
    assert any("`sector:`" in item for item in conversion.todo) and any("`pitch en:`" in item for item in
                                                                         conversion.todo)
    suite = next(s for s in conversion.scenario["steps"] if s["id"] == "suite")
    assert (suite["type"], suite["seconds"], suite["timeout"]) == ("timed_choice", 10.0, "fin")
    assert convert_story(story, "essai.twee", "essai").problems[0].message == "no trade code"


def test_lint_findings_after_an_import_name_the_passage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = tmp_path / "essai.twee"
    story.write_text(WITHOUT_TRADE.replace("[timed:10]", "[timed:3]"), encoding="utf-8")
    assert main(["pack", "import-twine", str(story), "-o", str(tmp_path / "essai"), "--trade", "J1501"]) == 65
    out = capsys.readouterr().out
    assert "essai.twee:Suite: error: timer of 3 s is too short to read this step in `fr` slowly" in out
    assert "essai.twee:Observables: error: skill T4.1 (communicating) is observed in only 1 step(s): debut" in out
    assert "lint: 1 pack(s), 2 error(s)" in out
