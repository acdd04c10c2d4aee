"""Item banks: scoring.yaml round-trips, located errors, lint findings, refresh on scenario change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.commands.scoring import bank_findings, refreshed
from kiosk.scenario.item_bank import JointSettings
from kiosk.scenario.load import inspect_pack, load_packs
from kiosk.scenario.source import LocatedError
from kiosk.scoring.bank import BANK_FORMAT, ItemBank, ItemParams, dump_bank, initial_bank, parse_bank, read_bank
from kiosk.scoring.items import ItemKey

REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
names = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
params = st.builds(ItemParams, st.floats(0.05, 8.0).map(lambda v: round(v, 3)),
                   st.lists(st.floats(-8, 8).map(lambda v: round(v, 3)), min_size=1, max_size=4).map(tuple))


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.tuples(names, st.sampled_from(["T2.2", "T4.3", "T6.1"])), params, min_size=1,
                       max_size=8), st.integers(1, 99), st.sampled_from(["1.0.0", "2.3.1", "10"]),
       st.builds(JointSettings, st.floats(0, 0.9).map(lambda v: round(v, 3)),
                 st.floats(1, 3).map(lambda v: round(v, 3))))
def test_scoring_yaml_round_trips(items: dict[tuple[str, str], ItemParams], version: int, scenario: str,
                                  joint: JointSettings) -> None:
    bank = ItemBank("pack-a", scenario, version, {ItemKey("pack-a", s, k): p for (s, k), p in items.items()},
                    {"source": "test: \"quoted\"", "visits": 12}, joint=joint)
    again = parse_bank(dump_bank(bank), "scoring.yaml")
    assert again.items == bank.items and again.joint == joint
    assert (again.pack, again.scenario_version, again.version, again.stamp) == (bank.pack, scenario, version,
                                                                                  bank.stamp)
    assert dict(again.calibration) == {"source": 'test: "quoted"', "visits": 12}


@pytest.mark.parametrize(("text", "where", "words"), [
    ("  lina:\n    T4.3: {a: -1.0, b: [0.0]}\n", (13, 15), "slope a = -1.0"),
    ("  lina:\n    T4.3: {a: 1.0, b: [0.0, yes]}\n", (13, 29), "threshold True"),
    ("  lina:\n    T4.3: {a: 1.0}\n", (13, 11), "need `a` and `b`"),
    ("  lina/entraide:\n    T4.3: {a: 1.0, b: [0.0]}\n", (12, 3), "must be a step id"),
])
def test_a_broken_bank_says_where_and_how_to_fix_it(text: str, where: tuple[int, int], words: str) -> None:
    head = ("format: nova-scoring/2\nmodel: gpcm\npack: p\nscenario_version: '1'\nversion: 1\ncalibration:\n"
            "  source: x\n\n\n\nitems:\n")
    with pytest.raises(LocatedError) as caught:
        parse_bank(head + text, "scoring.yaml")
    assert (caught.value.mark.line, caught.value.mark.col) == where
    assert words in caught.value.message and caught.value.hint


def test_a_nova_scoring_2_bank_reads_with_neutral_joint_settings_and_bad_ones_are_located() -> None:
    """/2 files (before the joint model) stay readable: no claimed correlation, no widening, until calibrated."""
    good = dump_bank(ItemBank("p", "1", 1, {ItemKey("p", "s", "T2.2"): ItemParams(1.0, (0.0,))},
                              joint=JointSettings(0.5, 1.2)))
    assert "joint: {correlation: 0.5, inflation: 1.2}" in good
    older = parse_bank(good.replace(BANK_FORMAT, "nova-scoring/2"), "f")
    assert older.joint == JointSettings(0.0, 1.0) and older.items == parse_bank(good, "f").items
    for wrong, words in (("inflation: 1.2", "inflation = 0.5 must be"), ("correlation: 0.5", "correlation = 0.95")):
        bad = good.replace(wrong, wrong.split(":")[0] + (": 0.5" if "inflation" in wrong else ": 0.95"))
        with pytest.raises(LocatedError, match=words) as caught:
            parse_bank(bad, "scoring.yaml")
        assert caught.value.mark.line == 8 and "kiosk scoring calibrate" in caught.value.hint


def test_wrong_format_or_model_is_refused() -> None:
    good = dump_bank(ItemBank("p", "1", 1, {ItemKey("p", "s", "T2.2"): ItemParams(1.0, (0.0,))}))
    with pytest.raises(LocatedError, match="unknown format"):
        parse_bank(good.replace(BANK_FORMAT, "nova-scoring/9"), "f")
    with pytest.raises(LocatedError, match="run `kiosk scoring init"):  # a /1 bank (one item per observable)
        parse_bank(good.replace(BANK_FORMAT, "nova-scoring/1"), "f")
    with pytest.raises(LocatedError, match="unknown model"):
        parse_bank(good.replace("model: gpcm", "model: rasch"), "f")


def test_every_sample_pack_ships_parameters_for_every_item() -> None:
    for pack_dir in sorted(REPO_SCENARIOS.iterdir()):
        pack = inspect_pack(pack_dir, check_manifest=False).draft
        assert pack is not None
        bank = read_bank(pack)
        assert bank is not None, pack.id
        assert bank.scenario_version == pack.version
        assert set(bank.items) == set(initial_bank(pack).items)
        assert bank_findings(pack) == []


def test_lint_reports_bank_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack_dir = tmp_path / "commis-de-cuisine"
    shutil.copytree(REPO_SCENARIOS / "commis-de-cuisine", pack_dir, ignore=shutil.ignore_patterns("manifest.json"))
    bank_file = pack_dir / "scoring.yaml"
    text = bank_file.read_text()
    bank_file.write_text(text.replace("T4.3: {a: 1.0, b: [-1.0, 1.0]}", "T4.3: {a: 1.0, b: [0.0]}", 1))
    assert main(["lint", str(pack_dir)]) == 65
    out = capsys.readouterr().out
    assert "has 1 thresholds but its step gives credits up to 2" in out
    assert "BAD commis-de-cuisine" in out

    bank_file.unlink()
    assert main(["lint", "--strict", str(pack_dir)]) == 1
    assert "no scoring.yaml: scores will use provisional item parameters" in capsys.readouterr().out
    assert main(["scoring", "init", str(pack_dir)]) == 0
    assert main(["lint", str(pack_dir)]) == 0
    assert "scoring.yaml" not in capsys.readouterr().out.split("wrote:")[-1].split("\n", 1)[1]


def test_refresh_keeps_known_items_and_moves_the_version_on(tmp_path: Path) -> None:
    pack = inspect_pack(REPO_SCENARIOS / "commis-de-cuisine", check_manifest=False).draft
    assert pack is not None
    bank = read_bank(pack)
    assert bank is not None
    assert refreshed(bank, pack) is bank  # nothing changed: same version
    key = next(k for k in sorted(bank.items) if len(bank.items[k].b) == 2)
    tuned = ItemBank(bank.pack, "0.9.0", bank.version, {**bank.items, key: ItemParams(1.7, (0.2, 0.9)),
                                                         ItemKey(pack.id, "gone", "T2.2"): ItemParams(1, (0,))})
    fresh = refreshed(tuned, pack)
    assert fresh.version == bank.version + 1 and fresh.scenario_version == pack.version
    assert fresh.items[key] == ItemParams(1.7, (0.2, 0.9))
    assert set(fresh.items) == set(bank.items)


def test_the_bank_is_read_with_its_pack_and_a_broken_one_refuses_only_that_pack(tmp_path: Path) -> None:
    root = tmp_path / "scenarios"
    for name in ("commis-de-cuisine", "electricien-batiment"):
        shutil.copytree(REPO_SCENARIOS / name, root / name, ignore=shutil.ignore_patterns("manifest.json"))
    packs, errors = load_packs(root, require_sealed=False)
    assert not errors and all(p.bank is not None and p.bank == read_bank(p) for p in packs)
    kitchen = next(p for p in packs if p.id == "commis-de-cuisine")
    (root / "commis-de-cuisine" / "scoring.yaml").unlink()  # a visit scores with what was loaded, not the file
    assert kitchen.bank is not None and kitchen.bank.stamp.startswith("gpcm:commis-de-cuisine@")

    bank_file = root / "electricien-batiment" / "scoring.yaml"
    lines = bank_file.read_text(encoding="utf-8").splitlines()
    where = next(i for i, line in enumerate(lines) if ": {a: " in line)
    lines[where] = lines[where].replace("{a: ", "{a: -")  # a negative slope, on that line
    bank_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    packs, errors = load_packs(root, require_sealed=False)
    assert [p.id for p in packs] == ["commis-de-cuisine"]  # the kiosk keeps serving the valid pack
    assert len(errors) == 1 and errors[0].mark.file == str(bank_file) and errors[0].mark.line == where + 1
    assert f"scoring.yaml:{where + 1}:" in str(errors[0]) and "slope" in str(errors[0])
    assert errors[0].diagnostics[0].check == "scoring"

    kitchen_bank = root / "commis-de-cuisine" / "scoring.yaml"
    shutil.copy(REPO_SCENARIOS / "commis-de-cuisine" / "scoring.yaml", kitchen_bank)
    text = kitchen_bank.read_text(encoding="utf-8")
    kitchen_bank.write_text(text.replace("pack: commis-de-cuisine", "pack: electricien-batiment"), encoding="utf-8")
    packs, errors = load_packs(root, require_sealed=False)  # another pack's bank would never match a step
    line = text.splitlines().index("pack: commis-de-cuisine") + 1
    assert not packs and any(e.mark.file == str(kitchen_bank) and e.mark.line == line and
                             "is for pack `electricien-batiment`" in str(e) for e in errors)
