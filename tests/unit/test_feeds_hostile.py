"""Issue 27 item 8: offer feeds as spreadsheets really write them (cp1252, UTF-16, Excel's BOM) import;
hostile ones (a 50 MB field, 100k-deep JSON, a bad byte far down) are a clear refusal that keeps the
offers the kiosk had; a million rows stream; `kiosk export` neutralises formulas (OWASP)."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.store import records
from kiosk.store.db import open_store
from tests.hostile import run_kiosk

HEADER = "id,rome,title,employer,town,postcode,lat,lon,contract,skills,apply,expires"
ROW = ("ste-{n},G1602,Commis de cuisine,Café « Les Négociants »,Saint-Étienne,42000,45.4397,4.3872,CDI,,"
       "https://emploi.example.org/offres/{n},2027-01-31")


def _feed(rows: int = 3) -> str:
    return "\r\n".join([HEADER] + [ROW.format(n=n) for n in range(rows)]) + "\r\n"


@pytest.fixture
def kiosk(tmp_path: Path) -> tuple[Path, Path]:
    """A config whose offers file already holds a feed: a refused import must leave it as it was."""
    offers = tmp_path / "var" / "offers.json"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[offers]\npath = "{offers}"\n', encoding="utf-8")
    offers.parent.mkdir()
    offers.write_text('{"format": "nova-offers/1", "offers": []}\n', encoding="utf-8")
    return config, offers


def _import(config: Path, feed: Path, *extra: str) -> int:
    return main(["--config", str(config), "offers", "import", str(feed), *extra])


@pytest.mark.parametrize(("encoding", "data"), [
    ("cp1252 (Excel's French CSV)", _feed().encode("cp1252")),
    ("latin-1", _feed().replace("«", '"').replace("»", '"').encode("latin-1")),
    ("UTF-8 with a BOM (Excel's CSV UTF-8)", b"\xef\xbb\xbf" + _feed().encode("utf-8")),
    ("UTF-16 with its BOM", _feed().encode("utf-16")),
    ("UTF-8", _feed().encode("utf-8")),
])
def test_spreadsheet_encodings_import_with_their_accents(encoding: str, data: bytes, kiosk: tuple[Path, Path],
                                                         tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, offers = kiosk
    feed = tmp_path / "feed.csv"
    feed.write_bytes(data)
    assert _import(config, feed) == 0, capsys.readouterr().out
    imported = json.loads(offers.read_text(encoding="utf-8"))["offers"]
    assert [o["id"] for o in imported] == ["ste-0", "ste-1", "ste-2"]
    assert imported[0]["town"] == "Saint-Étienne" and imported[0]["employer"].startswith("Café ")


def test_a_bad_byte_far_down_a_utf8_feed_is_refused_with_the_line_and_the_option(
        kiosk: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, offers = kiosk
    before = offers.read_bytes()
    text = _feed(600)  # > 64 KiB of UTF-8 before the bad byte: detection cannot see it
    feed = tmp_path / "feed.csv"
    feed.write_bytes(text.encode("utf-8") + ROW.format(n="late").encode("cp1252") + b"\r\n")
    assert _import(config, feed) == 65
    out = capsys.readouterr().out
    assert f"{feed}:602: encoding: not UTF-8 text" in out and "--encoding cp1252" in out
    assert "nothing imported" in out and offers.read_bytes() == before
    assert _import(config, feed, "--encoding", "cp1252") == 0  # the option reads it whole
    assert len(json.loads(offers.read_text(encoding="utf-8"))["offers"]) == 601


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("a 50 MB CSV field", (HEADER + "\n" + ROW.format(n="x").replace("Commis", "C" * 50_000_000) + "\n").encode(),
     ":2: csv: field larger than field limit"),
    ("a 5,000-character CSV field", (HEADER + "\n" + ROW.format(n="x").replace("Commis", "C" * 5000)).encode(),
     ":2: title: longer than 4000 characters"),
    ("100k-deep JSON", b"[" * 100_000 + b"]" * 100_000, ":1: json: nested too deeply"),
    ("a 5,500-digit JSON number", b'[{"id": ' + b"7" * 5500 + b"}]", ":1: json: a number has more than 4300 digits"),
    ("a 50 MB JSON field", json.dumps([{"id": "x", "title": "C" * 50_000_000}]).encode(),
     ":1: title: longer than 4000 characters"),
    ("JSON objects as fields", json.dumps([{"rome": {"a": 1}}]).encode(), ":1: rome: expected a text, got a JSON dict"),
    ("semicolons (French Excel)", HEADER.replace(",", ";").encode() + b"\n", "separated by commas, not semicolons"),
])
def test_hostile_feeds_are_refused_and_the_kiosk_keeps_its_offers(name: str, data: bytes, expected: str,
                                                                  kiosk: tuple[Path, Path], tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    config, offers = kiosk
    before = offers.read_bytes()
    feed = tmp_path / "feed.csv"
    feed.write_bytes(data)
    started = time.monotonic()
    assert _import(config, feed) == 65
    assert time.monotonic() - started < 10
    out = capsys.readouterr().out
    assert expected in out and len(out) < 2000, out[:500]
    assert offers.read_bytes() == before and not list(offers.parent.glob("*.new"))


def _big_feed(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER + "\n")
        for start in range(0, rows, 10_000):
            f.write("".join(ROW.format(n=n) + "\n" for n in range(start, min(rows, start + 10_000))))


def test_a_feed_streams_row_by_row(kiosk: tuple[Path, Path], tmp_path: Path) -> None:
    config, offers = kiosk
    peaks = []
    for rows in (500, 8000):
        feed = tmp_path / f"feed-{rows}.csv"
        _big_feed(feed, rows)
        done = run_kiosk(["--config", str(config), "offers", "import", str(feed)], tmp_path)
        assert done.code == 0, done.err
        assert len(json.loads(offers.read_text(encoding="utf-8"))["offers"]) == rows
        peaks.append(done.peak_mib)
    assert peaks[1] - peaks[0] < 15, peaks  # all rows in memory took ~6 KB a row (+115 MiB here) before


@pytest.mark.slow
def test_a_million_rows_import_in_bounded_time_and_memory(kiosk: tuple[Path, Path], tmp_path: Path) -> None:
    config, offers = kiosk
    feed = tmp_path / "feed.csv"
    _big_feed(feed, 1_000_000)
    done = run_kiosk(["--config", str(config), "offers", "import", str(feed)], tmp_path, timeout=600)
    feed.unlink()
    assert done.code == 0 and done.peak_mib < 300 and done.seconds < 300, (done.code, done.seconds, done.peak_mib)
    assert offers.stat().st_size > 200 * 1_000_000


def test_export_neutralises_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "kiosk.db"
    db = open_store(store)
    hostile = {"=HYPERLINK(\"http://evil\")": "kiosk", "+1+cmd|' /C calc'!A0": "language",
               "-2+3": "input", "@SUM(1)": "device"}
    fields = {field: value for value, field in hostile.items()}
    records.start_session(db, "visit-1", datetime(2026, 11, 1, 9, tzinfo=UTC), language=fields["language"],
                          input=fields["input"], device=fields["device"], kiosk=fields["kiosk"])
    db.conn.close()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[store]\npath = "{store}"\n', encoding="utf-8")
    assert main(["--config", str(config), "export", str(tmp_path / "out.csv")]) == 0
    row = next(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    for value, field in hostile.items():
        assert row[field] == "'" + value  # shown as text by Excel and LibreOffice, never run
    assert row["visit"] == "visit-1"


def test_a_bad_value_spanning_lines_is_reported_on_one_line(kiosk: tuple[Path, Path], tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "feed.csv"  # found by the offers fuzz harness: a quote opened a multi-line field
    feed.write_text(_feed(2) + ROW.format(n=9).replace(",CDI,", ',"CDI\nstage\r\n,x",'), encoding="utf-8")
    assert _import(kiosk[0], feed) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{feed}:6: contract: `CDI\\nstage\\r\\n,x` is not a known contract")
    assert len(lines) == 2 and lines[1].startswith("offers: 2 imported")


@pytest.mark.parametrize("brk", ["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_row_error_is_one_line_whatever_line_break_the_value_holds(brk: str) -> None:
    """The import report is one located line per row (`feed:line: field: …`): a value quoted in the problem
    may hold any character str.splitlines() breaks at (the fuzzer found \\x1c and U+2028 in offers)."""
    from kiosk.matching.feed import RowError

    said = str(RowError("feed.csv", 7, "rome", f"`COMMIS{brk}DE CUISINE` is not a ROME 4.0 code", "G1602"))
    assert said.splitlines() == [said] and said.startswith("feed.csv:7: rome: `COMMIS")
