"""`kiosk insights`: the agency report read from the LRS — CSV, HTML and (with Chromium) PDF.

The statements are first read into `--work` (resumable: an interrupted run continues where it
stopped, kiosk/sync/harvest.py), then aggregated with small cells suppressed (kiosk/insights/).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from kiosk.config import Settings
from kiosk.errors import ConfigError
from kiosk.insights.aggregate import aggregate, insights_csv_rows
from kiosk.insights.report import insights_html
from kiosk.sync.client import LrsClient
from kiosk.sync.harvest import fetcher, harvest, harvested


def _of_agency(statements: Iterator[dict[str, Any]], home_page: str) -> Iterator[dict[str, Any]]:
    for statement in statements:
        if not home_page or statement.get("actor", {}).get("account", {}).get("homePage") == home_page:
            yield statement


def write_pdf(page: Path, pdf: Path) -> bool:
    """The HTML printed by headless Chromium; False when there is no Chromium here."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return False
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.resolve().as_uri()], check=True, capture_output=True, timeout=120)
    return pdf.exists()


def insights(settings: Settings, out_dir: Path, *, lrs: str = "", since: str = "", until: str = "",
             agency: str = "", k: int = 10, work: Path | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    endpoint = lrs or settings.lrs.endpoint
    if not endpoint:
        raise ConfigError("no LRS to read: give --lrs URL or set [lrs] endpoint",
                          hint="e.g. kiosk insights --lrs https://lrs.agency.example.org/xAPI/ report/")
    client = LrsClient(endpoint, settings.lrs.username, settings.lrs.password, settings.lrs.token, timeout=60)
    query = urllib.parse.urlencode({key: value for key, value in (("since", since), ("until", until)) if value}
                                   | {"limit": 500})
    work = work or out_dir / ".statements"
    done = harvest(fetcher(client), query, work)
    out.write(f"insights: {done.statements} statements read ({done.pages} pages this run"
              + (", resumed" if done.resumed else "") + ")\n")
    result = aggregate(_of_agency(harvested(work), agency), k)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "insights.csv").open("w", newline="") as table:
        csv.writer(table, lineterminator="\n").writerows(insights_csv_rows(result))
    window = f"{since or 'the beginning'} to {until or 'now'}"
    page = out_dir / "insights.html"
    page.write_text(insights_html(result, f"What the kiosks learnt{' — ' + agency if agency else ''}", window))
    printed = write_pdf(page, out_dir / "insights.pdf")
    out.write(f"insights: {out_dir / 'insights.csv'}, {page}" + (f", {out_dir / 'insights.pdf'}" if printed else
                                                                 " (no PDF: Chromium is not installed)") +
              f"; {result.suppressed_cells} cells under k = {k} suppressed\n")
    return 0
