"""Soak: many simulated visits through the headless kiosk's parts in fast-forward — the real
scenario screen drawn by the GL renderer on a manual clock, results and statements in a real
SQLite file, scoring, sync and retention — while RSS, open files, GL objects and the database
stay bounded. CI runs 1,000 visits (marked slow); NOVA_SOAK_VISITS=10000 for the full soak.

The LRS here is a minimal HTTP endpoint that accepts everything: this test bounds the kiosk,
not an LRS (Ralph's own behaviour is tested in tests/integration/test_sync_*.py).
"""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.commands.preview import answer_step
from kiosk.render.renderer import GLRenderer
from kiosk.render.text import FontFiles
from kiosk.runtime.preview import PreviewScreen
from kiosk.scenario.esco import read_skills
from kiosk.scenario.load import load_packs
from kiosk.scoring.bank import read_bank
from kiosk.scoring.estimate import Played, score_visit
from kiosk.store import privacy, records
from kiosk.store.db import open_store
from kiosk.sync import xapi
from kiosk.sync.client import LrsClient
from kiosk.sync.visit import scenario_statements
from kiosk.sync.worker import sync_once

pytestmark = [pytest.mark.gl, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
VISITS = max(500, int(os.environ.get("NOVA_SOAK_VISITS", "1000")))  # at least 3 days of visits


class _Accepting(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args: object) -> None:
        pass


def _rss_kb() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_thousands_of_visits_keep_memory_files_gl_and_disk_bounded(gl_context: object, published_scenarios: Path,
                                                                   tmp_path: Path) -> None:
    packs, _ = load_packs(published_scenarios)
    skills = read_skills()
    renderer = GLRenderer(gl_context, (480, 270), [REPO / "assets" / "images", published_scenarios],  # type: ignore[arg-type]
                          FontFiles.bundled(REPO / "assets"))
    lrs = ThreadingHTTPServer(("127.0.0.1", 0), _Accepting)
    threading.Thread(target=lrs.serve_forever, daemon=True).start()
    client = LrsClient(f"http://127.0.0.1:{lrs.server_port}/xAPI/")
    db_path = tmp_path / "kiosk.db"
    db = open_store(db_path)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    samples: list[tuple[int, int, int, int, int]] = []
    try:
        for visit_index in range(VISITS):
            pack = packs[visit_index % len(packs)]
            at = start + timedelta(minutes=10 * visit_index)
            registration = str(uuid.UUID(int=visit_index + 1, version=4))
            records.start_session(db, registration, at, language="fr", input="touch", device="kiosk", kiosk="soak")
            screen = PreviewScreen(pack, 0.0, lambda media: None)
            now, seen, times = 0.0, 0, []
            answers = ["correct"] * 40 if visit_index % 2 else []
            while not screen.state.finished and now < 600:
                renderer.draw(screen.view(now))
                now += 3.0
                answer_step(screen, answers, now)
                new = screen.state.observations[seen:]
                if new:
                    records.record_step(db, registration, pack.id, pack.version, new, [],
                                        at + timedelta(seconds=now))
                    seen += len(new)
                    times.append(at + timedelta(seconds=now))
            renderer.draw(screen.view(now))
            observations = screen.state.observations
            profile = score_visit([Played(pack.id, pack.scenario, read_bank(pack), observations)])
            visit = xapi.Visit(registration, f"v{visit_index}", "https://agency.example.org",
                               "https://agency.example.org/nova", "fr")
            ended = at + timedelta(seconds=now)
            statements = scenario_statements(visit, pack, observations, profile, skills, at, times, ended,
                                             finished=True)
            records.finish_session(db, registration, ended, completed=True, statements=statements,
                                   estimates=[{"skill": e.skill, "enough": int(e.enough), "theta": e.theta,
                                               "sd": e.sd, "low": e.low, "high": e.high, "steps": e.steps,
                                               "stamps": ",".join(e.stamps)} for e in profile.estimates])
            if visit_index % 50 == 49:  # the kiosk's background work, in fast-forward
                assert sync_once(db, client, lambda at=ended: at).stopped == ""
                privacy.apply_retention(db, ended, days=1)
                privacy.enforce_budget(db, 50 * 1024 * 1024)
            if visit_index % max(1, VISITS // 10) == 0:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                samples.append((visit_index, _rss_kb(), _fds(), renderer.gl_objects(),
                                db_path.stat().st_size))
    finally:
        lrs.shutdown()
        renderer.release()
    print(report := "\n".join(f"visit {v}: rss {r // 1024} MB, fds {f}, gl objects {g}, db {d // 1024} KB"
                               for v, r, f, g, d in samples))
    warm = samples[2]  # after the first fifth: caches, atlases and pools have their working size
    last = samples[-1]
    assert last[1] - warm[1] < 40 * 1024, report  # RSS: no leak worth the name
    assert last[2] <= warm[2] + 2, report  # open files
    assert last[3] <= warm[3] + 6, report  # GL objects: pools grow to the largest frame, then stop
    visits_kept = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    assert visits_kept <= 6 * 24 + 50, report  # a day of retention at 6 visits an hour, plus a batch
    # Retention keeps a day (~150 visits); from then on SQLite reuses freed pages: the file stops growing.
    later = [size for _, _, _, _, size in samples[len(samples) // 2:]]
    assert max(later) <= 1.15 * min(later), report
    assert records.backlog(db).pending < 50 * 15  # what the last pass had not sent yet
