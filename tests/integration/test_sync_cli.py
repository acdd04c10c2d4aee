"""The operator's commands: kiosk sync status|now, kiosk erase, kiosk export, kiosk bench sync."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.store import records
from kiosk.store.db import open_store
from scripts.lrs.ralph_server import PASSWORD, USER, RalphServer
from tests.integration.test_sync_ralph import START, visit_statements


def _config(tmp_path: Path, endpoint: str) -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "kiosk.db"}"\nretention_days = 30\n\n'
                      f'[lrs]\nendpoint = "{endpoint}"\nusername = "{USER}"\npassword = "{PASSWORD}"\n'
                      'batch_size = 50\n')
    return config


def _fill(tmp_path: Path, visits: int) -> list[tuple[str, list[dict]]]:
    db = open_store(tmp_path / "kiosk.db")
    made = [visit_statements(seed) for seed in range(visits)]
    for registration, statements in made:
        records.start_session(db, registration, START, language="uk", input="buttons", device="kiosk", kiosk="k")
        records.enqueue(db, registration, statements, START)
    db.conn.close()
    return made


def test_status_now_erase_and_export(ralph: RalphServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(_config(tmp_path, ralph.endpoint))
    made = _fill(tmp_path, 3)
    total = sum(len(s) for _, s in made)
    assert main(["--config", config, "sync", "status"]) == 0
    assert f"pending: {total} statements" in capsys.readouterr().out
    assert main(["--config", config, "sync", "now"]) == 0
    assert f"sent {total} of {total}; conflicts 0" in capsys.readouterr().out
    registration = made[0][0]
    assert main(["--config", config, "erase", registration]) == 0
    out = capsys.readouterr().out
    assert f"{len(made[0][1])} statements will be withdrawn" in out
    assert main(["--config", config, "sync", "now"]) == 0  # the voiding statements go out
    capsys.readouterr()
    from kiosk.sync.client import LrsClient

    visible = LrsClient(ralph.endpoint, USER, PASSWORD).statements(f"registration={registration}")
    voided = {s["object"]["id"] for s in visible if s["verb"]["id"].endswith("/voided")}
    assert voided == {s["id"] for s in made[0][1]}
    assert main(["--config", config, "erase", registration]) == 1
    assert "no visit" in capsys.readouterr().out
    assert main(["--config", config, "export", str(tmp_path / "agency.csv")]) == 0
    with (tmp_path / "agency.csv").open() as f:
        visits = {row["visit"] for row in csv.DictReader(f)}
    assert visits == {made[1][0], made[2][0]}


def test_sync_now_with_the_lrs_down_keeps_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scripts.lrs.ralph_server import free_port

    config = str(_config(tmp_path, f"http://127.0.0.1:{free_port()}/xAPI/"))
    made = _fill(tmp_path, 2)
    assert main(["--config", config, "sync", "now"]) == 75
    out = capsys.readouterr().out
    assert "stopped: LRS http://127.0.0.1" in out and "unreachable" in out
    assert main(["--config", config, "sync", "status"]) == 0
    assert f"pending: {sum(len(s) for _, s in made)} statements" in capsys.readouterr().out


def test_sync_without_an_lrs_says_how_to_configure_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "k.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "k.db"}"\n')
    assert main(["--config", str(config), "sync", "now"]) == 78
    assert "no LRS configured" in capsys.readouterr().err


def test_bench_sync_prints_the_batching_ratio(ralph: RalphServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "sync", "--lrs", ralph.endpoint, "--user", USER, "--password", PASSWORD,
                 "--statements", "400", "--single", "10"]) == 0
    out = capsys.readouterr().out
    assert "batched (200 per request): 400 in" in out and "batched ÷ one per request:" in out
