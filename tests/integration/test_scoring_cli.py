"""The trainer's scoring commands end to end: simulate → report, calibrate, validate."""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import pytest

from kiosk.cli import main
from kiosk.scenario.load import inspect_pack
from kiosk.scenario.model import Pack
from kiosk.scoring.bank import read_bank

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
PLANTED = "commis-de-cuisine/lina@T4.3"


def _packs(root: Path) -> list[Pack]:
    found = [inspect_pack(d, check_manifest=False).pack for d in sorted(root.iterdir())]
    return [p for p in found if p is not None]


@pytest.fixture(scope="module")
def responses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("responses") / "responses.csv"
    assert main(["scoring", "simulate", str(SCENARIOS), "-o", str(out), "--people", "1200", "--seed", "4",
                 "--dif", f"{PLANTED}:language=ar:1.0"]) == 0
    return out


def test_report_writes_tables_pages_and_a_pdf(responses: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "report"
    assert main(["report", "--all", "--scenarios", str(SCENARIOS), "--responses", str(responses), "-o",
                 str(out_dir)]) == 0
    printed = capsys.readouterr().out
    assert f"attention: {PLANTED}: CC DIF for language=ar vs fr (harder at equal skill)" in printed
    with (out_dir / "dif.csv").open() as f:
        flagged = [(row["item"], row["focal"]) for row in csv.DictReader(f) if row["ets_category"] != "AA"]
    assert (PLANTED, "ar") in flagged and len(flagged) <= 3  # visitors choosing options: a false alarm can happen
    with (out_dir / "model-checks.csv").open() as f:
        checks = list(csv.DictReader(f))
    kinds = {row["check"] for row in checks}
    assert kinds == {"item_fit_rmsd", "q3", "skill_correlation"}
    assert all(0 <= float(row["value"]) < 1 for row in checks if row["check"] == "item_fit_rmsd")
    assert all(-1 <= float(row["value"]) <= 1 for row in checks if row["check"] != "item_fit_rmsd")
    correlations = [row for row in checks if row["check"] == "skill_correlation"]
    assert len(correlations) == 9 * 8 // 2  # every pair of the nine skills
    with (out_dir / "items.csv").open() as f:
        items = list(csv.DictReader(f))
    shipped = sum(len(bank.items) for bank in (read_bank(p) for p in _packs(SCENARIOS)) if bank is not None)
    assert len(items) == shipped and all(float(row["a"]) > 0 for row in items)
    with (out_dir / "skills.csv").open() as f:
        skills = {row["skill"]: row for row in csv.DictReader(f)}
    assert set(skills) == {"T1.2", "T2.2", "T2.3", "T4.1", "T4.2", "T4.3", "T4.5", "T5.1", "T6.1"}
    assert all(0.5 < float(row["marginal_reliability"]) < 1 for row in skills.values())
    pdf = (out_dir / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 3
    for page in (1, 2, 3):
        image = cv2.imread(str(out_dir / f"report-{page}.png"))
        assert image is not None and image.shape[1] > 800 and image.std() > 5  # drawn, not blank


def test_report_for_one_pack_and_helpful_errors(responses: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "aide-a-domicile", "--scenarios", str(SCENARIOS), "--responses", str(responses), "-o",
                 str(tmp_path)]) == 0
    with (tmp_path / "items.csv").open() as f:
        assert {row["pack"] for row in csv.DictReader(f)} == {"aide-a-domicile"}
    assert main(["report", "--scenarios", str(SCENARIOS), "--responses", str(responses)]) == 1
    assert "name one pack or give --all" in capsys.readouterr().err
    assert main(["report", "nope", "--scenarios", str(SCENARIOS), "--responses", str(responses)]) == 65
    assert main(["report", "--all", "--scenarios", str(SCENARIOS), "--responses", str(tmp_path / "none.csv")]) == 65
    assert "cannot read the responses" in capsys.readouterr().err


def test_calibrate_writes_the_next_parameter_version(responses: Path, scenarios_copy: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pack_dir = scenarios_copy / "commis-de-cuisine"
    before = (pack_dir / "scoring.yaml").read_text()
    assert main(["scoring", "calibrate", str(pack_dir), "--responses", str(responses), "--dry-run"]) == 0
    assert "would write commis-de-cuisine: version 2" in capsys.readouterr().out
    assert (pack_dir / "scoring.yaml").read_text() == before

    assert main(["scoring", "calibrate", str(pack_dir), "--responses", str(responses), "--min-visits", "5000"]) == 75
    assert "needs at least 5000 stored visits; there are 1200" in capsys.readouterr().err

    assert main(["scoring", "calibrate", str(pack_dir), "--responses", str(responses)]) == 0
    said = capsys.readouterr().out
    assert "joint model: skills correlate ρ = " in said and "alternate steps of one scenario" in said
    pack = inspect_pack(pack_dir, check_manifest=False).pack
    assert pack is not None
    bank = read_bank(pack)
    assert bank is not None and bank.version == 2 and bank.calibration["visits"] == 1200
    # the joint model's settings, learnt from the same responses, are what the kiosk will score with
    assert 0.0 < bank.joint.correlation <= 0.9 and 1.0 <= bank.joint.inflation < 3.0
    assert f"ρ = {bank.joint.correlation:.2f}" in said
    assert bank.stamp == "gpcm:commis-de-cuisine@1.0.0#p2"
    assert any(p.a != 1.0 for p in bank.items.values())
    # the pack changed: it must be resealed before a kiosk serves it
    assert main(["lint", "--require-sealed", str(pack_dir)]) == 65
    assert "does not match its sha256" in capsys.readouterr().out


def test_calibrate_refuses_responses_from_another_scenario_version(responses: Path, scenarios_copy: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    pack_dir = scenarios_copy / "commis-de-cuisine"
    yaml = pack_dir / "pack.yaml"
    yaml.write_text(yaml.read_text().replace("version: 1.0.0", "version: 1.2.0"))
    assert main(["scoring", "calibrate", str(pack_dir), "--responses", str(responses)]) == 65
    assert "were given to another scenario version" in capsys.readouterr().err


def test_calibrate_refuses_a_file_whose_later_rows_come_from_another_version(
        responses: Path, scenarios_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # issue 26 defect 4: only the first row's version used to be checked
    lines = responses.read_text().splitlines()
    half = len(lines) // 2
    mixed = lines[:half] + [line.replace(",1.0.0,", ",0.9.0,") for line in lines[half:]]
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(mixed) + "\n")
    assert main(["scoring", "calibrate", str(scenarios_copy / "commis-de-cuisine"), "--responses", str(path)]) == 65
    err = capsys.readouterr().err
    assert "commis-de-cuisine:" in err and "from version(s) 0.9.0" in err and "the pack is 1.0.0" in err


def test_validate_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scoring", "validate", str(SCENARIOS / "commis-de-cuisine"), str(SCENARIOS / "aide-a-domicile"),
                 "--people", "400", "--dif-runs", "2"]) == 0
    out = capsys.readouterr().out
    for words in ("r (worst)", "RMSE", "|θ|>1.5", "reliab. shown vs true", "DIF power", "false+",
                  "model: the scoring model", "shared: one credit per observable", "options: visitors choose options",
                  "guessing: as options", "shared: coverage", "options: DIF false positives", "prior ρ", "SD × κ",
                  "one skill:", "scored as the kiosk scores them"):
        assert words in out


@pytest.mark.slow
@pytest.mark.timeout(1200)  # about 95 s of CPU; 9 min wall on a shared 2-core machine under load
def test_validate_meets_every_target_on_the_sample_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scoring", "validate", str(SCENARIOS), "--check"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "LOW" not in out and out.count("ok  ") == 10
