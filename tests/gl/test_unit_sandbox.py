"""kiosk.service's own sandbox around the real kiosk, without systemd as PID 1.

scripts/unit_sandbox.py rebuilds what the unit file asks for (system-call filter with the kill
action, read-only system, private /tmp, hidden homes, own /proc, no capabilities, the unit's
nova-kiosk user with its groups and its home in the state folder, no new privileges, umask) and
execs `kiosk run --headless` in it. The kiosk must draw its
attract screen, tell systemd it is ready, take a whole visit from a board on a pseudo-terminal,
sync it to a real Ralph and stop cleanly; a filter that breaks a library the kiosk loads must
kill it (the negative control), so a unit change that would kill kiosks in the field fails here.
"""

from __future__ import annotations

import grp
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from scripts.lrs.ralph_server import PASSWORD, USER, RalphServer, free_port
from tests.gl.kiosk_process import wait_healthz

REPO = Path(__file__).resolve().parents[2]
SANDBOX = REPO / "scripts" / "unit_sandbox.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-seccomp is built for it, not for the venv
ALLOWED_BACK = ("mbind", "sched_setaffinity", "sched_setscheduler", "setpriority")  # from @resources, in the unit
BUTTONS = ("back", "previous", "next", "select")  # hardware/profiles/nova-board-v1.toml, left to right


def _require_sandbox() -> None:
    assert os.geteuid() == 0, "the unit's sandbox needs root to build (mount namespace, then drop to a user)"
    assert shutil.which("systemd-analyze"), "systemd-analyze is needed (scripts/setup.sh installs systemd)"
    seccomp = subprocess.run([SYSTEM_PYTHON, "-c", "import seccomp"], capture_output=True, check=False)
    assert seccomp.returncode == 0, "python3-seccomp is needed (scripts/setup.sh installs it)"


def _exposed_python() -> list[str]:
    """The venv's interpreter when it lives in a home folder (pyenv on a developer machine):
    ProtectHome=yes would hide it, so it is shown read-only, as a BindReadOnlyPaths= drop-in
    would. Production venvs are made from Debian's /usr/bin/python3 (scripts/setup.sh)."""
    home = Path(os.path.realpath(REPO / ".venv" / "bin" / "python")).parents[1]
    return ["--expose", str(home)] if str(home).startswith(("/root/", "/home/")) else []


def _install_groups() -> str:
    """The groups the install line in kiosk.service's header gives nova-kiosk (useradd --groups)."""
    found = re.search(r"useradd .*--groups (\S+) nova-kiosk", (REPO / "kiosk.service").read_text())
    assert found, "kiosk.service's header no longer says how its user is made"
    return found.group(1)


def _sandboxed(unit: Path, state: Path, keep: list[Path], env: dict[str, str], command: list[str]) -> list[str]:
    """The launcher's command line. The unit's own user, nova-kiosk, is made for the sandbox only
    (as the install's useradd makes it) when this machine has none."""
    args = [SYSTEM_PYTHON, str(SANDBOX), "--unit", str(unit), "--groups", _install_groups(),
            "--path", f"/var/lib/nova-kiosk={state}", "--path", f"/opt/nova-kiosk={REPO}", *_exposed_python()]
    for folder in keep:
        args += ["--keep", str(folder)]
    for key, value in env.items():
        args += ["--env", f"{key}={value}"]
    return [*args, "--", *command]


def _state_folder(tmp_path: Path) -> Path:
    """Where /var/lib/nova-kiosk is: the launcher makes it and hands it to the user (StateDirectory=)."""
    tmp_path.chmod(0o755)  # pytest makes it 0700; the kiosk's user must reach its state folder inside
    return tmp_path / "state"


def test_a_filter_that_breaks_a_library_kills_the_process(tmp_path: Path) -> None:
    """The negative control: without the calls kiosk.service allows back, importing numpy (the
    kiosk imports it at start) dies of SIGSYS under the rebuilt filter, as it would under systemd."""
    _require_sandbox()
    state = _state_folder(tmp_path)
    unit = (REPO / "kiosk.service").read_text()
    allowed_back = f"SystemCallFilter={' '.join(ALLOWED_BACK)}\n"
    assert allowed_back in unit
    (tmp_path / "without.service").write_text(unit.replace(allowed_back, ""))
    (tmp_path / "with.service").write_text(unit)
    command = [str(REPO / ".venv" / "bin" / "python"), "-c", "import numpy; print(numpy.ones(4).sum())"]
    results = {}
    for name in ("without", "with"):
        done = subprocess.run(_sandboxed(tmp_path / f"{name}.service", state, [tmp_path], {}, command),
                              capture_output=True, text=True, check=False, timeout=120)
        results[name] = (done.returncode, done.stdout.strip())
    assert results["without"] == (-signal.SIGSYS, ""), results
    assert results["with"] == (0, "4.0"), results


@pytest.mark.gl
@pytest.mark.slow
@pytest.mark.parametrize("call", ALLOWED_BACK)
def test_each_call_the_unit_allows_back_is_needed(call: str, published_scenarios: Path, tmp_path: Path) -> None:
    """Without any one of them the kiosk dies before or just after its first frame, so none can be
    dropped from kiosk.service; when a library stops needing one, this says so."""
    _require_sandbox()
    state = _state_folder(tmp_path)
    unit = (REPO / "kiosk.service").read_text()
    line = f"SystemCallFilter={' '.join(ALLOWED_BACK)}\n"
    assert line in unit, "kiosk.service allows back other calls: update ALLOWED_BACK"
    others = " ".join(name for name in ALLOWED_BACK if name != call)
    (tmp_path / "minus.service").write_text(unit.replace(line, f"SystemCallFilter={others}\n"))
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[content]\nscenarios = "{published_scenarios}"\nassets = "{REPO / "assets"}"\n'
                      f'[store]\npath = "{state / "kiosk.db"}"\n[ops]\nlisten = ""\n')
    command = [str(REPO / ".venv" / "bin" / "kiosk"), "--config", str(config), "run", "--headless", "--size",
               "320x180", "--duration", "3"]
    done = subprocess.run(_sandboxed(tmp_path / "minus.service", state, [tmp_path, published_scenarios],
                                     {"SDL_AUDIODRIVER": "dummy"}, command),
                          capture_output=True, text=True, check=False, timeout=180)
    assert done.returncode == -signal.SIGSYS, f"{call} is no longer needed: " + (done.stdout + done.stderr)[-800:]


def _plan_board_visit(scenarios: Path, db: Path) -> list[str]:
    """The buttons a visitor presses for a whole visit, found on the in-process session screen
    (same packs, same focus rules): wake, French, consent, the last trade of the catalogue, its
    scenario answered with the first answer each time, up to the results."""
    from kiosk.runtime.actions import Choose, Confirm, Proceed, Toggle
    from kiosk.runtime.play_view import focusable
    from tests.visit_kit import make_kit

    kit = make_kit(scenarios, db)
    pilot, presses = kit.pilot, []

    def press(name: str) -> None:
        presses.append(name)
        pilot.board(name)

    def focus_and_select(index: int, count: int) -> None:
        focus = kit.screen.focus
        for _ in range(index + 1 if focus is None else (index - focus) % count):
            press("next")
        press("select")

    for name in ("select", "select", "select", "previous", "select", "previous", "select"):
        press(name)
    for _ in range(200):
        if pilot.page() != "play":
            break
        kinds = [type(target.action) for target in focusable(kit.screen.targets(pilot.now))]
        wanted = next(kind for kind in (Proceed, Choose, Toggle, Confirm) if kind in kinds)
        focus_and_select(kinds.index(wanted), len(kinds))
        if wanted is Toggle:
            kinds = [type(target.action) for target in focusable(kit.screen.targets(pilot.now))]
            focus_and_select(kinds.index(Confirm), len(kinds))
    assert pilot.page() == "debrief", pilot.page()
    press("select")  # the key moments' one button: on to the results
    assert pilot.page() == "results", pilot.page()
    return presses


def _config(tmp_path: Path, state: Path, scenarios: Path, ops_port: int, board: Path, ralph: RalphServer) -> Path:
    """deploy/kiosk.toml, the unit's own config, with its /var/lib paths in the state folder and
    what a test needs on top: an ops port, the board, the test LRS, a short idle reset."""
    settings: dict[str, dict[str, Any]] = tomllib.loads((REPO / "deploy" / "kiosk.toml").read_text()
                                                        .replace("/var/lib/nova-kiosk", str(state)))
    settings["content"]["scenarios"] = str(scenarios)
    settings["content"]["assets"] = str(REPO / "assets")
    settings["ops"]["listen"] = f"127.0.0.1:{ops_port}"
    settings["devices"] = {"board": f"serial://{board}?baud=115200"}
    settings["lrs"] = {"endpoint": ralph.endpoint, "username": USER, "password": PASSWORD}
    settings["session"] |= {"idle_after": 5.0, "warn_for": 3.0}
    lines = []
    for section, values in settings.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    path = tmp_path / "kiosk.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _proc_status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {key: value.strip() for key, _, value in (line.partition(":") for line in lines)}


def _mount_options(pid: int, path: Path) -> set[str]:
    """The mount and file-system options of the mount `path` is on, as the process sees it (the
    last mount wins)."""
    best, options = "", set()
    for line in Path(f"/proc/{pid}/mountinfo").read_text().splitlines():
        fields = line.split()
        point, super_options = fields[4], fields[fields.index("-") + 3]
        if (str(path) == point or str(path).startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, options = point, set(fields[5].split(",")) | set(super_options.split(","))
    return options


def _get(url: str, accept: str = "") -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers["Content-Type"], response.read().decode()


@pytest.mark.gl
@pytest.mark.slow
def test_the_kiosk_serves_a_visit_and_syncs_under_its_units_sandbox(
        published_scenarios: Path, ralph: RalphServer, tmp_path: Path, stopper: list[subprocess.Popen[bytes]]) -> None:
    from hardware.sim.board import BoardSimulator
    from kiosk.sync.client import LrsClient

    _require_sandbox()
    presses = _plan_board_visit(published_scenarios, tmp_path / "plan.db")
    state = _state_folder(tmp_path)
    board = BoardSimulator(tmp_path / "nova-board").start()
    terminal = os.path.realpath(board.path)  # as udev gives a serial board to dialout, where nova-kiosk is
    os.chown(terminal, -1, grp.getgrnam("dialout").gr_gid)
    os.chmod(terminal, 0o660)
    notify = tmp_path / "notify.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(notify))
    notify.chmod(0o666)  # systemd's notify socket is writable by every service user
    listener.settimeout(90)
    ops_port = free_port()
    config = _config(tmp_path, state, published_scenarios, ops_port, board.path, ralph)
    kiosk = [str(REPO / ".venv" / "bin" / "kiosk"), "--config", str(config)]
    keys = subprocess.run(_sandboxed(REPO / "kiosk.service", state, [tmp_path], {}, [*kiosk, "keys", "generate"]),
                          capture_output=True, text=True, check=False, timeout=120)
    assert keys.returncode == 0, keys.stdout + keys.stderr  # the operator's first step, under the same sandbox
    command = [*kiosk, "--log-format", "json", "run", "--headless", "--size", "320x180", "--duration", "300"]
    env = {"SDL_AUDIODRIVER": "dummy", "NOTIFY_SOCKET": str(notify), "WATCHDOG_USEC": "2000000"}
    log = tmp_path / "kiosk.log"
    with log.open("wb") as out:
        process = subprocess.Popen(_sandboxed(REPO / "kiosk.service", state, [tmp_path, published_scenarios], env,
                                              command), stdout=out, stderr=subprocess.STDOUT)
    stopper.append(process)

    def said() -> str:
        return log.read_text(errors="replace")[-2000:]

    base = f"http://127.0.0.1:{ops_port}"
    try:
        try:
            first = listener.recv(256).decode()
            assert first == "READY=1", first  # the attract screen is drawn
            assert listener.recv(256).decode() == "WATCHDOG=1"
        except TimeoutError:
            raise AssertionError(f"no READY=1 (exit {process.poll()}): {said()}") from None
        finally:
            listener.close()

        # The unit's settings are in force on the running kiosk, as the kernel reports them.
        status = _proc_status(process.pid)
        uid = state.stat().st_uid
        assert uid != 0 and status["Uid"].split() == [str(uid)] * 4, status["Uid"]
        assert str(grp.getgrnam("dialout").gr_gid) in status["Groups"].split()
        assert status["CapEff"] == status["CapPrm"] == status["CapBnd"] == status["CapAmb"] == "0000000000000000"
        assert (status["NoNewPrivs"], status["Seccomp"], status["Umask"]) == ("1", "2", "0077")
        assert int(status["Seccomp_filters"]) >= 5  # address families, realtime, namespaces, personality, calls
        assert "ro" in _mount_options(process.pid, Path("/usr")) and "ro" in _mount_options(process.pid, REPO)
        assert "rw" in _mount_options(process.pid, state)  # ReadWritePaths=, and nothing else
        assert {"hidepid=invisible", "subset=pid"} <= _mount_options(process.pid, Path("/proc"))
        assert "ro" in _mount_options(process.pid, tmp_path)  # kept in the private /tmp, read-only as /opt is

        _, health = wait_healthz(base)
        deadline = time.monotonic() + 30
        while health.get("devices") != {"board": "connected"} and time.monotonic() < deadline:
            time.sleep(0.2)
            _, health = wait_healthz(base)
        assert health["status"] == "ok" and health["devices"] == {"board": "connected"}, health

        for name in presses:  # the visit, button by button, at a visitor's pace
            board.tap(BUTTONS.index(name))
            time.sleep(0.5)
        client = LrsClient(ralph.endpoint, USER, PASSWORD)
        deadline = time.monotonic() + 100  # the kiosk syncs every 30 s
        stored: list[dict[str, Any]] = []
        while time.monotonic() < deadline and process.poll() is None:
            stored = client.statements()
            if any(s["verb"]["id"].endswith("/completed") for s in stored):
                break
            time.sleep(1.0)
        assert process.poll() is None, f"the kiosk died (exit {process.poll()}): {said()}"
        verbs = {s["verb"]["id"].rsplit("/", 1)[-1] for s in stored}
        assert {"launched", "answered", "completed"} <= verbs, f"{verbs}: {said()}"
        assert len({s["context"]["registration"] for s in stored}) == 1  # one visit, all of it

        text_type, text = _get(f"{base}/metrics")
        assert text_type.startswith("text/plain; version=0.0.4")
        checked = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True,
                                 check=False, timeout=30)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert 'kiosk_sessions_total{outcome="started"} 1.0' in text
        open_type, open_metrics = _get(f"{base}/metrics", "application/openmetrics-text; version=1.0.0")
        assert open_type.startswith("application/openmetrics-text") and open_metrics.endswith("# EOF\n")
    finally:
        board.stop()
    process.terminate()
    assert process.wait(timeout=30) == 0, said()  # stopped by SIGTERM, cleanly: not killed by the filter
    assert not [line for line in said().splitlines() if '"level": "error"' in line], said()
    written = [path for path in state.rglob("*") if path.is_file()]
    assert state / "kiosk.db" in written and any(path.parent == state / "keys" for path in written)
    for path in written:  # UMask=0077: nothing the kiosk writes is readable by another account
        assert path.stat().st_uid == uid and path.stat().st_mode & 0o077 == 0, path
    assert "no signing key" not in said()
