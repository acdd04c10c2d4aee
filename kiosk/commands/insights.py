"""`kiosk insights` (the agency report from the LRS) and the LRS source of `kiosk scoring calibrate` and
`kiosk report`: the wiring around kiosk.insights — packs, offers, files, headless Chromium."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from kiosk.errors import ContentError
from kiosk.insights.reader import pages, read_statements
from kiosk.insights.render import report_html, table_csv
from kiosk.insights.report import Report, ScenarioInfo, build_report
from kiosk.insights.responses import response_rows, responses_csv
from kiosk.matching.offers import parse_feed
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import find_packs, inspect_pack, load_packs
from kiosk.scenario.model import Pack
from kiosk.sync.client import LrsClient


@dataclass(frozen=True)
class Written:
    report: Report
    files: list[Path]
    statements: int


def scenario_infos(packs: Sequence[Pack], language: str = "fr") -> dict[str, ScenarioInfo]:
    return {f"{p.id}/{p.scenario.id}": ScenarioInfo(p.scenario.title.get(language), p.trade.rome,
                                                    p.trade.title.get(language), tuple(s.id for s in p.scenario.steps))
            for p in packs}


def offers_per_trade(path: Path) -> dict[str, int]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(f"{path}: cannot read the offers feed ({exc.strerror})",
                           "give the feed `kiosk offers import` reads (CSV or JSON), or leave --offers out") from exc
    offers, _errors = parse_feed(text, str(path))
    return dict(Counter(o.rome for o in offers))


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdf(page: Path, target: Path) -> bool:
    """The HTML printed to PDF by headless Chromium (Debian's `chromium`); False when it is not installed."""
    browser = chromium()
    if browser is None:
        return False
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={target}", page.resolve().as_uri()], check=True, capture_output=True, timeout=120)
    return target.exists()


def check_times(since: str, until: str) -> None:
    """--since/--until are ISO 8601 times with a zone, as xAPI asks; said here rather than by an LRS's 400."""
    for flag, text in (("--since", since), ("--until", until)):
        if not text:
            continue
        try:
            at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            raise ContentError(f"{flag} {text!r} is not an ISO 8601 time with a time zone",
                               f"e.g. {flag} 2026-11-01T00:00:00+00:00 (or …Z)")


def write_insights(client: LrsClient, out_dir: Path, scenarios: Path, *, since: str = "", until: str = "",
                   agency: str = "", offers: Path | None = None, page_size: int = 500, pdf: bool = True,
                   language: str = "fr", now: datetime | None = None, out: TextIO | None = None) -> Written:
    out = out or sys.stdout
    check_times(since, until)
    state = read_statements(client, out_dir, since=since, until=until, page_size=page_size)
    visits = {k: v for k, v in state.visits.items() if not agency or v.agency == agency}
    packs, _ = load_packs(scenarios, require_sealed=False)
    names = {s.uri: s.label.get(language) or s.label.get("en") or code for code, s in read_skills().items()}
    report = build_report(visits, scenario_infos(packs, language), offers_per_trade(offers) if offers else None,
                          names)
    files: list[Path] = []
    for table in report.tables:
        path = out_dir / f"{table.name}.csv"
        path.write_text(table_csv(table), encoding="utf-8")
        files.append(path)
    made = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    source = " · ".join([client.endpoint] + [f"{what} {value}" for what, value in
                                             (("agency", agency), ("since", since), ("until", until)) if value])
    page = out_dir / "insights.html"
    page.write_text(report_html(report, source, made), encoding="utf-8")
    files.append(page)
    if pdf:
        if print_pdf(page, out_dir / "insights.pdf"):
            files.append(out_dir / "insights.pdf")
        else:
            out.write("no PDF: headless Chromium is not installed (apt install chromium); the HTML prints too\n")
    out.write(f"{len(state.seen)} statements read, {report.visits} visits reported (cells under {report.k} visitors "
              f"suppressed) → {out_dir}\n")
    return Written(report, files, len(state.seen))


def responses_from_lrs(client: LrsClient, pack_paths: Sequence[Path], target: Path, *, since: str = "",
                       until: str = "", page_size: int = 500) -> Path:
    """The responses CSV (`kiosk export --responses` columns) of every kiosk, from the LRS statements, for the
    packs under `pack_paths` (pack folders or folders of packs)."""
    check_times(since, until)
    packs = []
    for folder in find_packs(list(pack_paths)):
        inspection = inspect_pack(folder, check_manifest=False)
        if inspection.pack is None:
            raise ContentError(f"{folder}: the pack has errors", hint=f"run `kiosk lint {folder}`")
        packs.append(inspection.pack)
    if not packs:
        raise ContentError(f"no packs under {', '.join(map(str, pack_paths))}", "name the packs whose items to read")
    params = {"limit": str(page_size)} | ({"since": since} if since else {}) | ({"until": until} if until else {})
    statements = [s for page, _ in pages(client, urllib.parse.urlencode(params)) for s in page]
    rows = response_rows(statements, packs)
    if not rows:
        raise ContentError(f"the LRS {client.endpoint} holds no answers to {', '.join(p.id for p in packs)}",
                           "check --lrs and the period; kiosks send their statements with `kiosk sync now`")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(responses_csv(rows), encoding="utf-8")
    return target


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Reads every kiosk's xAPI statements from the LRS (following `more` pages; a rerun "
                          "continues where the last one stopped) and writes aggregates only: any count of fewer "
                          "than 10 visitors is suppressed. See docs/insights.md.")
    parser.epilog = ("exit codes: 0 written; 69 the LRS is unreachable (rerun: reading resumes); 76 the LRS refused "
                     "the query")
    parser.add_argument("--lrs", required=True, metavar="URL", help="xAPI endpoint, e.g. https://lrs.example.org/xAPI/")
    parser.add_argument("--user", default="", help="basic auth user")
    parser.add_argument("--password", default="", help="basic auth password")
    parser.add_argument("--since", default="", metavar="TIME", help="statements after this ISO 8601 time")
    parser.add_argument("--until", default="", metavar="TIME", help="statements up to this ISO 8601 time")
    parser.add_argument("--agency", default="", metavar="URL",
                        help="only this agency's kiosks (the statements' account homePage)")
    parser.add_argument("--offers", type=Path, metavar="FILE", help="offers feed (CSV/JSON) to set against trades")
    parser.add_argument("--scenarios", type=Path, default=Path("scenarios"),
                        help="folder of packs (trade names, step order)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF (printed by headless Chromium)")
    parser.add_argument("-o", "--out", type=Path, default=Path("out/insights"),
                        help="folder for the report and the reading state (default out/insights)")


def run(args: argparse.Namespace) -> int:
    write_insights(LrsClient(args.lrs, args.user, args.password), args.out, args.scenarios, since=args.since,
                   until=args.until, agency=args.agency, offers=args.offers, pdf=not args.no_pdf)
    return 0
