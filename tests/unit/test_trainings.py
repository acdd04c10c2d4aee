"""The trainings feed (located errors, atomic import) and the suggestions made from it: pure ranking,
reasons in words, and a visit answered badly on purpose through the real host."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.consent import Consent
from kiosk.i18n import words_for
from kiosk.matching.suggest import suggest, to_develop
from kiosk.matching.trainings import load_trainings, parse_feed
from kiosk.runtime import play
from kiosk.scenario.esco import read_skills
from kiosk.scenario.evidence import observe
from kiosk.scenario.load import load_packs
from kiosk.scenario.model import ChoiceStep, HotspotStep, OrderingStep, Pack, Step
from kiosk.scoring.estimate import Profile, SkillEstimate
from kiosk.store.db import open_store
from kiosk.visit.host import RecordingHost

REPO = Path(__file__).resolve().parents[2]
FEED = REPO / "assets" / "trainings" / "sample-trainings.csv"
TRAININGS = load_trainings(FEED.read_text(encoding="utf-8"), "sample")
SKILLS = read_skills()
URI_TO_CODE = {s.uri: code for code, s in SKILLS.items()}
LYON = (45.7640, 4.8357)
TODAY = date(2026, 11, 23)
HEADER = "id,provider,title,town,postcode,lat,lon,rome,skills,days,cost_eur,funding,link,expires\n"
TEAM = "http://data.europa.eu/esco/skill/036afa6e-cdde-4b38-a53a-8e7910a840e1"


def estimate(skill: str, theta: float, *, enough: bool = True) -> SkillEstimate:
    return SkillEstimate(skill, enough, theta, 0.4, theta - 0.66, theta + 0.66, 0.9, 4, 4, (), ())


def test_the_sample_feed_reads_whole() -> None:
    trainings, errors = parse_feed(FEED.read_text(encoding="utf-8"), "sample")
    assert not errors and len(trainings) == 14
    trades = {code for t in trainings for code in t.rome}
    assert trades == {"G1602", "N1103", "K1302", "N4101", "F1602"}  # the five sample trades


@pytest.mark.parametrize(("row", "field", "words"), [
    ("t1,P,T,Lyon,69001,45.7,4.8,G16,,3,0,none,https://x.example.org,2027-01-01", "rome", "ROME 4.0 code"),
    ("t1,P,T,Lyon,69001,45.7,4.8,G1602,,3,0,loto,https://x.example.org,2027-01-01", "funding", "known funding"),
    ("t1,P,T,Lyon,69001,45.7,4.8,G1602,,0,0,none,https://x.example.org,2027-01-01", "days", "out of range"),
    ("t1,P,T,Lyon,69001,45.7,4.8,G1602,,3,gratuit,none,https://x.example.org,2027-01-01", "cost_eur", "not a number"),
    ("t1,P,T,Lyon,69001,45.7,4.8,,,3,0,none,https://x.example.org,2027-01-01", "skills", "neither a trade"),
    ("t1,P,T,Lyon,69001,45.7,4.8,G1602,,3,0,none,http://x.example.org,2027-01-01", "link", "web link"),
    ("t1,P,T,Lyon,6900,45.7,4.8,G1602,,3,0,none,https://x.example.org,2027-01-01", "postcode", "postcode"),
])
def test_a_bad_row_is_located_and_explained(row: str, field: str, words: str) -> None:
    good = "t0,P,T,Lyon,69001,45.7,4.8,G1602," + TEAM + ",1,5,cpf,https://x.example.org,2027-01-01"
    trainings, errors = parse_feed(HEADER + good + "\n" + row + "\n", "feed.csv")
    assert [t.id for t in trainings] == ["t0"] and trainings[0].skills == (TEAM,)
    [error] = errors
    assert (error.line, error.field) == (3, field) and words in error.problem
    assert str(error).startswith(f"feed.csv:3: {field}: ") and "(hint: " in str(error)


def test_json_feeds_and_french_decimals() -> None:
    text = ('{"trainings": [{"id": "j1", "provider": "P", "title": "T", "town": "Bron", "postcode": "69500", '
            '"lat": 45.7, "lon": 4.9, "rome": ["f1602"], "skills": [], "days": "1,5", "cost_eur": 0, '
            '"funding": "", "link": "tel:+33400000000", "expires": "2027-01-01"}]}')
    [training], errors = parse_feed(text, "feed.json")
    assert not errors and training.rome == ("F1602",) and training.days == 1.5 and training.funding == "none"


def test_import_swaps_atomically_and_keeps_the_previous_feed(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "trainings.json"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[trainings]\npath = "{target}"\n', encoding="utf-8")
    assert main(["--config", str(config), "trainings", "import", str(FEED)]) == 0
    before = target.read_bytes()
    assert len(load_trainings(before.decode(), str(target))) == 14
    broken = tmp_path / "broken.csv"  # a good first row, then a byte that is not UTF-8 further down
    broken.write_bytes((HEADER + FEED.read_text(encoding="utf-8").splitlines()[1] + "\n").encode()
                       + "t9,Prov\xe9,T,Lyon,69001,45.7,4.8,G1602,,3,0,none,https://x.example.org,2027-01-01\n"
                       .encode("cp1252") * 1 + b"t10,\xff\xfe\n" * 40000)
    capsys.readouterr()
    assert main(["--config", str(config), "trainings", "import", str(broken), "--encoding", "utf-8"]) == 65
    printed = capsys.readouterr().out
    assert f"{broken}:3: encoding:" in printed and "nothing imported" in printed
    assert target.read_bytes() == before and not target.with_name("trainings.json.new").exists()
    assert main(["--config", str(config), "trainings", "list", "--rome", "K1302"]) == 0
    assert "frm-007" in capsys.readouterr().out


def test_suggestions_follow_the_skills_to_develop_and_the_trades_explored() -> None:
    profile = Profile((estimate("T4.3", -0.9), estimate("T6.1", 0.9), estimate("T2.3", -0.2, enough=False)))
    assert to_develop(profile) == ("T4.3",)  # not enough to say is never a skill to develop
    found = suggest(TRAININGS, profile, ["G1602"], LYON, TODAY, URI_TO_CODE)
    assert 2 <= len(found) <= 3
    assert found[0].training.id == "frm-002"  # builds teamwork *and* prepares for the trade explored
    assert all(s.builds or s.explored for s in found)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    names = {code: skill.name("en") for code, skill in SKILLS.items()}
    reason = found[0].reason(names, {"G1602": "Kitchen assistant"}, "en")
    assert reason == ("Builds working in a team, which you can develop — Lyon 7e, 3 days, free, paid by "
                      "France Travail.")


def test_closed_and_unrelated_trainings_are_never_suggested() -> None:
    profile = Profile((estimate("T2.3", -1.0),))  # dealing with problems to develop; frm-014 builds it, closed
    found = suggest(TRAININGS, profile, [], LYON, TODAY, URI_TO_CODE)
    assert "frm-014" not in [s.training.id for s in found]
    assert {s.training.id for s in found} <= {"frm-010", "frm-012"}  # the open ones that build it
    assert suggest(TRAININGS, Profile((estimate("T4.3", 1.2),)), [], LYON, TODAY, URI_TO_CODE) == []


@pytest.mark.parametrize("language", ["fr", "ar", "uk"])
def test_reasons_are_in_the_visitors_language(language: str) -> None:
    from tests.language_check import latin_sentence

    profile = Profile((estimate("T4.3", -0.9), estimate("T1.2", -0.5)))
    names = {code: skill.name(language) for code, skill in SKILLS.items()}
    for found in suggest(TRAININGS, profile, ["N1103"], LYON, TODAY, URI_TO_CODE):
        reason = found.reason(names, {"N1103": "?"}, language)
        assert "{" not in reason and found.training.town in reason
        if language != "fr":  # the town and the CPF acronym are the provider's words
            rest = reason.replace(found.training.town, "").replace("CPF", "").replace("France Travail", "")
            assert not latin_sentence(rest), reason
        if language == "ar":
            assert reason.startswith("\u200f") and "€" not in reason


def worst_answers(pack: Pack) -> tuple[object, ...]:
    """A visitor who answers badly on purpose: at each step the answer worth the least credit."""
    scenario = pack.scenario

    def weakest(step: Step, state: play.PlayState) -> list[str]:
        if isinstance(step, OrderingStep):
            return list(reversed(step.correct))
        options = step.options()
        worth = {o.id: sum(x.credit for x in observe(scenario, step, [o.id])) for o in options}
        if isinstance(step, ChoiceStep | HotspotStep) and step.multiple:
            return [min(options, key=lambda o: (worth[o.id], o.id)).id]
        return [min(options, key=lambda o: (worth[o.id], o.id)).id]

    state, _ = play.play_through(scenario, weakest)
    return tuple(state.observations)


@pytest.mark.parametrize("language", ["fr", "en", "ar", "uk"])
def test_a_visit_answered_badly_gets_trainings_for_what_to_develop(tmp_path: Path, language: str) -> None:
    packs, errors = load_packs(REPO / "scenarios")
    assert not errors
    wall = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    numbers = itertools.count(1)
    host = RecordingHost(open_store(tmp_path / "kiosk.db", now=lambda: wall), SKILLS, lambda: wall,
                         trainings=TRAININGS, new_id=lambda: str(uuid.UUID(int=next(numbers), version=4)))
    host.visit_started(1, language, 0.0)
    # two scenarios: one alone tells no skill apart in three steps (docs/scoring.md, the show rule)
    for played, pack_id in enumerate(("commis-de-cuisine", "electricien-batiment")):
        pack = next(p for p in packs if p.id == pack_id)
        host.scenario_started(1, pack, 10.0 * played)
        host.step_done(1, pack, list(worst_answers(pack)), 10.0 * played + 1)  # type: ignore[arg-type]
        host.scenario_done(1, pack, 10.0 * played + 2)
    develop = to_develop(host.profile(1))
    assert develop, "answering badly on purpose leaves skills to develop"
    outcome = host.outcome(1, words_for(language), Consent(), easy=False)
    assert 2 <= len(outcome.trainings) <= 3
    built = {URI_TO_CODE[u] for line in outcome.trainings for t in TRAININGS if t.title == line.title
             for u in t.skills}
    assert set(develop) & built  # at least one training for what there is to develop
    text = " ".join(line.reason for line in outcome.trainings).lower()
    banned = {"en": ("weak", "bad", "fail"), "fr": ("faible", "mauvais", "échec", "échoué", "nul"),
              "uk": ("слаб", "поган", "провал"), "ar": ("ضعيف", "سيئ", "فشل", "راسب")}[language]
    assert not [word for word in banned if word in text], text
