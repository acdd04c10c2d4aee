"""A real Prometheus (Debian's package) for the fleet tests, on 127.0.0.1 at a free port.

It scrapes and evaluates every second. The alert rules are deploy/prometheus/rules as shipped,
except their `for:` durations: the test's own copy (rewritten with PyYAML) sets each one to
`pending_for` (a few seconds instead of minutes), so a test sees the same expressions fire without
waiting minutes — but for the alerts named in `keep_for`, which keep their shipped duration.
Recording rules are used unchanged.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from scripts.lrs.ralph_server import free_port

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "deploy" / "prometheus" / "rules"
PROMETHEUS = shutil.which("prometheus")


def _rules_with_short_for(target: Path, pending_for: str, keep_for: frozenset[str]) -> None:
    alerts = yaml.safe_load((RULES / "kiosk-alerts.yml").read_text())
    for group in alerts["groups"]:
        for rule in group["rules"]:
            if rule["alert"] not in keep_for:
                rule["for"] = pending_for
    (target / "kiosk-alerts.yml").write_text(yaml.safe_dump(alerts, sort_keys=False))
    shutil.copy(RULES / "kiosk-recording.yml", target / "kiosk-recording.yml")


class Prometheus:
    def __init__(self, root: Path, targets: list[dict[str, Any]], *, pending_for: str = "3s",
                 keep_for: frozenset[str] = frozenset(), scrape_interval: str = "1s") -> None:
        assert PROMETHEUS, "Prometheus is needed (scripts/setup.sh installs Debian's prometheus)"
        root.mkdir(parents=True, exist_ok=True)
        _rules_with_short_for(root, pending_for, keep_for)
        self.targets_file = root / "kiosks.json"
        self.set_targets(targets)
        config = {"global": {"scrape_interval": scrape_interval, "scrape_timeout": scrape_interval,
                             "evaluation_interval": "1s"},
                  "rule_files": ["kiosk-recording.yml", "kiosk-alerts.yml"],
                  "scrape_configs": [{"job_name": "kiosk",
                                      "file_sd_configs": [{"files": [str(self.targets_file)],
                                                           "refresh_interval": "1s"}]}]}
        (root / "prometheus.yml").write_text(yaml.safe_dump(config))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [PROMETHEUS, f"--config.file={root / 'prometheus.yml'}", f"--storage.tsdb.path={root / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=(root / "prometheus.log").open("wb"))

    def set_targets(self, targets: list[dict[str, Any]]) -> None:
        temporary = self.targets_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(targets))
        temporary.replace(self.targets_file)  # file_sd must never read half a file

    def wait_ready(self, timeout: float = 30.0) -> Prometheus:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "prometheus exited: see prometheus.log"
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("prometheus never became ready")

    def api(self, path: str, **params: str) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/{path}{query}", timeout=10) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:  # a refused query answers 400 with the reason
            raise AssertionError(f"{path} {params}: {exc.read().decode()}") from None
        assert answer["status"] == "success", answer
        return answer["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        return list(self.api("query", query=expr)["result"])

    def firing(self) -> set[tuple[str, ...]]:
        """(alertname, kiosk[, device]) of every firing alert."""
        return {(a["labels"]["alertname"], a["labels"].get("kiosk", ""),
                 *([a["labels"]["device"]] if "device" in a["labels"] else []))
                for a in self.api("alerts")["alerts"] if a["state"] == "firing"}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
