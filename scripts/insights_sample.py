"""The sample agency report in docs/insights.md: a local Ralph filled by simulated kiosks (three agencies,
four languages, the kiosk's own statement builders), `kiosk insights` run against it, and the HTML
rendered by headless Chromium into PNG pages.

    .venv/bin/python -m scripts.insights_sample [--visits 900] [-o docs/insights]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from kiosk.commands.insights import write_insights
from kiosk.sync.client import LrsClient
from scripts.lrs.ralph_server import PASSWORD, USER, RalphServer, ralph_venv
from tests.insights_kit import SCENARIOS, simulate_fleet

REPO = Path(__file__).resolve().parent.parent
PAGE_HEIGHT = 1500


def screenshots(page: Path, out_dir: Path, width: int = 1100) -> list[Path]:
    from playwright.sync_api import sync_playwright

    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": width, "height": PAGE_HEIGHT})
        tab.goto(page.resolve().as_uri())
        height = int(tab.evaluate("document.documentElement.scrollHeight"))
        for number, top in enumerate(range(0, height, PAGE_HEIGHT), start=1):
            target = out_dir / f"insights-{number}.png"
            tab.screenshot(path=str(target), clip={"x": 0, "y": top, "width": width,
                                                   "height": min(PAGE_HEIGHT, height - top)}, full_page=True)
            shots.append(target)
        browser.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=900)
    parser.add_argument("-o", "--out", type=Path, default=REPO / "docs" / "insights")
    args = parser.parse_args()
    fleet = simulate_fleet(args.visits, seed=2026)
    with tempfile.TemporaryDirectory(prefix="nova-insights-sample-") as folder:
        server = RalphServer(ralph_venv(), Path(folder) / "ralph").start()
        try:
            client = LrsClient(server.endpoint, USER, PASSWORD)
            statements = [s for v in fleet for s in v.statements]
            for i in range(0, len(statements), 500):
                assert client.post(statements[i:i + 500]).status == 200
            report_dir = Path(folder) / "report"
            write_insights(client, report_dir, SCENARIOS, offers=REPO / "assets" / "offers" / "sample-offers.csv",
                           pdf=False)
        finally:
            server.stop()
        args.out.mkdir(parents=True, exist_ok=True)
        for old in args.out.glob("insights-*.png"):
            old.unlink()
        shutil.copy(report_dir / "insights.html", args.out / "sample.html")
        for shot in screenshots(report_dir / "insights.html", args.out):
            print(shot)


if __name__ == "__main__":
    main()
