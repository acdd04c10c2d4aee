"""deploy/prometheus/ checked by Prometheus' own tools: the scrape config and the service
discovery files (`promtool check config`), every alert against synthetic series (`promtool test
rules`), the Alertmanager routes (`amtool check-config`); and every kiosk metric the rules read is
one the kiosk really exports, in text Prometheus accepts (`promtool check metrics`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from kiosk.ops.metrics import render_metrics
from kiosk.ops.status import KioskStatus

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy" / "prometheus"
PROMTOOL = shutil.which("promtool")
AMTOOL = shutil.which("amtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="scripts/setup.sh installs Debian's prometheus")

# A kiosk with every optional fact present, so every metric family shows.
EVERYTHING = KioskStatus(at=100.0, state="serving", version="0.1.0", frames_drawn=42, dropped_frames=2,
                         frame_buckets=((0.0167, 40), (float("inf"), 42)), frame_sum=0.5, frame_count=42,
                         sessions={"started": 5}, sync_pending=17, sync_last_success=1_795_000_000.0,
                         devices={"board": "absent", "headset": "connected"}, disk_free_bytes=10 * 1024**3,
                         sync_oldest_pending=1_794_000_000.0, store_bytes=5_000_000,
                         outbox_budget_bytes=200 * 1024**2, frame_budget=1 / 60, started_at=1_795_000_100.0,
                         unclean_restarts=3)


def _run(*command: str, cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _alert_rules() -> list[dict[str, object]]:
    groups = yaml.safe_load((DEPLOY / "rules" / "kiosk-alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


@needs_promtool
def test_promtool_accepts_the_scrape_config_and_its_kiosk_list(tmp_path: Path) -> None:
    deployed = tmp_path / "prometheus"
    shutil.copytree(DEPLOY, deployed)
    (deployed / "kiosk-token").write_text("a-long-random-token\n")  # /etc/prometheus/kiosk-token in production
    out = _run("promtool", "check", "config", "prometheus.yml", cwd=deployed)
    assert "SUCCESS: 9 rules found" in out and "SUCCESS: 8 rules found" in out
    (deployed / "kiosks" / "broken.json").write_text('[{"targets": "10.0.0.1:9108"}]')  # not a list
    broken = subprocess.run(["promtool", "check", "config", "prometheus.yml"], cwd=deployed, capture_output=True,
                            text=True, timeout=60, check=False)
    assert broken.returncode != 0 and "cannot unmarshal" in broken.stdout + broken.stderr


@needs_promtool
def test_every_alert_passes_its_promtool_unit_test() -> None:
    out = _run("promtool", "test", "rules", "tests/kiosk-alerts.test.yml", cwd=DEPLOY)
    assert "SUCCESS" in out


def test_every_alert_has_a_unit_test_a_summary_and_a_runbook_line() -> None:
    tests = yaml.safe_load((DEPLOY / "tests" / "kiosk-alerts.test.yml").read_text())["tests"]
    firing = {case["alertname"] for test in tests for case in test.get("alert_rule_test", []) if case["exp_alerts"]}
    quiet = {case["alertname"] for test in tests for case in test.get("alert_rule_test", []) if not case["exp_alerts"]}
    operations = (REPO / "docs" / "operations.md").read_text()
    names = []
    for rule in _alert_rules():
        name = str(rule["alert"])
        names.append(name)
        annotations = rule["annotations"]
        assert isinstance(annotations, dict)
        assert name in firing and name in quiet, f"{name}: promtool must see it fire and stay quiet"
        assert "{{ $labels.kiosk }}" in annotations["summary"], f"{name}: the summary names the kiosk"
        assert annotations["runbook"] == f"docs/operations.md#{name.lower()}"
        anchor = rf'^\| <a id="{name.lower()}"></a>`{name}` \|'
        assert re.search(anchor, operations, re.MULTILINE), f"{name}: no runbook line in operations.md"
    assert len(names) == len(set(names)) == 9


@needs_promtool
def test_the_rules_read_only_metrics_the_kiosk_exports_in_valid_text() -> None:
    text = render_metrics(EVERYTHING, 100.5)[0].decode()
    done = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr  # lint warnings (none today) would fail too
    exported = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line and not line.startswith("#")}
    read = set()
    for path in (DEPLOY / "rules").glob("*.yml"):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                read |= set(re.findall(r"(?<![:\w])kiosk_[a-z_]+\b", rule["expr"]))
    assert read - exported == set(), f"rules read metrics the kiosk does not export: {read - exported}"
    assert 'kiosk_device_up{device="board"} 0.0' in text and 'kiosk_device_up{device="headset"} 1.0' in text
    assert "kiosk_unclean_restarts_total 3.0" in text and "kiosk_out_of_order 0.0" in text


@pytest.mark.skipif(AMTOOL is None, reason="scripts/setup.sh installs Debian's prometheus-alertmanager")
def test_amtool_accepts_the_alert_routes() -> None:
    _run("amtool", "check-config", "alertmanager.yml", cwd=DEPLOY)


def test_the_grafana_dashboard_is_one_importable_board_of_prometheus_panels() -> None:
    """Its queries are run against a real Prometheus in tests/gl/test_prometheus_fleet.py."""
    import json

    dashboard = json.loads((REPO / "deploy" / "grafana" / "nova-kiosk-fleet.json").read_text())
    panels = dashboard["panels"]
    assert dashboard["uid"] and dashboard["__inputs"][0]["pluginId"] == "prometheus"
    assert len({p["id"] for p in panels}) == len(panels) >= 10
    for panel in panels:
        assert panel["targets"] and all(t["expr"] and t["datasource"]["type"] == "prometheus" for t in panel["targets"])
        place = panel["gridPos"]
        assert place["x"] + place["w"] <= 24, panel["title"]
        assert all('agency=~"$agency"' in t["expr"] for t in panel["targets"]), f"{panel['title']}: not filtered"


@needs_promtool
def test_the_shipped_config_names_kiosks_listed_without_a_name_by_their_address(tmp_path: Path) -> None:
    """The real Prometheus on deploy/prometheus/prometheus.yml (scraping every second instead of 30 s):
    targets from the kiosk list carry their labels; an unnamed kiosk is named by its address."""
    import json
    import time
    import urllib.request

    from scripts.lrs.ralph_server import free_port

    deployed = tmp_path / "prometheus"
    shutil.copytree(DEPLOY, deployed)
    (deployed / "kiosk-token").write_text("a-long-random-token\n")
    config = yaml.safe_load((deployed / "prometheus.yml").read_text())
    config["global"].update(scrape_interval="1s", scrape_timeout="1s")
    (deployed / "prometheus.yml").write_text(yaml.safe_dump(config))
    (deployed / "kiosks" / "example-agency.json").write_text(json.dumps(
        [{"targets": [f"127.0.0.1:{free_port()}"], "labels": {"agency": "A", "town": "T"}},
         {"targets": [f"127.0.0.1:{free_port()}"], "labels": {"kiosk": "named", "agency": "A", "town": "T"}}]))
    port = free_port()
    process = subprocess.Popen(["prometheus", "--config.file=prometheus.yml", "--storage.tsdb.path=data",
                                f"--web.listen-address=127.0.0.1:{port}", "--log.level=error"], cwd=deployed,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, found = time.monotonic() + 30, []
        while len(found) < 2:
            assert time.monotonic() < deadline and process.poll() is None, "no scrape of the two kiosks"
            time.sleep(0.5)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/query?query=up", timeout=5) as answer:
                    found = json.loads(answer.read())["data"]["result"]
            except OSError:
                continue
        names = {s["metric"]["instance"]: s["metric"]["kiosk"] for s in found}
        unnamed = next(instance for instance, name in names.items() if name != "named")
        assert names[unnamed] == unnamed and "named" in names.values()
        assert {s["metric"]["agency"] for s in found} == {"A"}
    finally:
        process.terminate()
        process.wait(timeout=15)
