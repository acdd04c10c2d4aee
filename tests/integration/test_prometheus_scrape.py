"""A real Prometheus (Debian `prometheus`) scrapes a kiosk's /metrics: it asks for OpenMetrics
first, and its own parser must accept what the kiosk answers (types, counters, the info metric)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from kiosk.ops.board import StatusBoard
from kiosk.ops.server import OpsServer
from scripts.lrs.ralph_server import free_port
from tests.unit.test_ops import SERVING


def _api(base: str, path: str, **query: str) -> Any:
    url = f"{base}/api/v1/{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())["data"]


def test_prometheus_scrapes_openmetrics_from_the_kiosk(tmp_path: Path) -> None:
    assert shutil.which("prometheus"), "prometheus is needed (scripts/setup.sh installs the Debian package)"
    kiosk = OpsServer("127.0.0.1", 0, StatusBoard(SERVING).snapshot, lambda: 101.0).start()
    port = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                      f"scrape_configs:\n  - job_name: kiosk\n    static_configs:\n"
                      f"      - targets: ['127.0.0.1:{kiosk.port}']\n")
    log = (tmp_path / "prometheus.log").open("wb")
    server = subprocess.Popen(["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                               f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        targets: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            try:
                targets = _api(base, "targets")["activeTargets"]
            except OSError:
                targets = []
            if targets and targets[0]["health"] != "unknown":
                break
            time.sleep(0.3)
        assert targets and targets[0]["health"] == "up", targets or (tmp_path / "prometheus.log").read_text()[-800:]
        assert targets[0]["lastError"] == ""
        # The metadata Prometheus keeps says which parser read the scrape: only OpenMetrics has an
        # `info` type (the text format would have made kiosk_build_info a gauge).
        metadata = _api(base, "targets/metadata", match_target='{job="kiosk"}')
        types = {entry["metric"]: entry["type"] for entry in metadata}
        assert types["kiosk_build"] == "info" and types["kiosk_sessions"] == "counter", types
        assert types["kiosk_frame_time_seconds"] == "histogram"
        built = _api(base, "query", query="kiosk_build_info")["result"]
        assert [sample["metric"] for sample in built] == [{"__name__": "kiosk_build_info", "instance":
                                                           f"127.0.0.1:{kiosk.port}", "job": "kiosk",
                                                           "version": "0.1.0"}]
        serving = _api(base, "query", query='kiosk_state{state="serving"}')["result"]
        assert serving[0]["value"][1] == "1"
    finally:
        server.terminate()
        server.wait(timeout=20)
        kiosk.stop()
