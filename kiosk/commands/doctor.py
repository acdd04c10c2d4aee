"""`kiosk doctor`: what devices the kiosk has, in what state, and whether they work.

For each configured device: its URL, state (connected / degraded / absent), protocol and
firmware versions, then a self-test — the board checks its button lines and LED currents,
acknowledges an LED chase and a beep; the buttons are then watched for a moment untouched, and a
button that chatters (presses faster than a hand) or stays down is named; `--press` also asks for
each button to be pressed.
With `sim://` the simulator presses the buttons itself, so the whole path runs anywhere.
`--running` asks the kiosk that runs (its /healthz) instead: a serial port has one reader, so a
running kiosk's board is never opened twice; chattering or stuck buttons it has seen are named.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, TextIO

from hardware.board.driver import BoardDriver
from hardware.board.events import ButtonEvent, DeviceState
from hardware.board.guard import PressPolicy
from hardware.errors import HardwareError
from hardware.headset.base import Headset, HeadsetStatus
from hardware.headset.openxr import OpenXRHeadset
from hardware.headset.simulated import SimulatedHeadset
from hardware.profiles.load import load_profiles
from hardware.touch.driver import TouchDriver
from kiosk.commands import arguments
from kiosk.config import DeviceSettings, OpsSettings
from kiosk.ops.client import get
from kiosk.ops.http import parse_listen

EXIT_OK = 0
EXIT_FAULT = 69  # EX_UNAVAILABLE: a configured device is missing or failed its self-test
QUIET_WATCH = 1.0  # seconds the untouched buttons are watched for chatter or a held key


@dataclass
class Finding:
    device: str
    url: str
    state: str
    ok: bool
    detail: str = ""
    protocol: str = ""
    firmware: str = ""
    checks: list[str] = field(default_factory=list)


def check_board(url: str, *, press: bool, timeout: float, out: TextIO, watch: float = QUIET_WATCH) -> Finding:
    # Nobody touches the buttons during the watch: one down for all of it is reported as held.
    driver = BoardDriver(url, presses=PressPolicy(stuck_after=watch)).start()
    try:
        if not driver.wait_for(DeviceState.CONNECTED, timeout):
            return Finding("board", url, str(driver.state), False, driver.reason)
        info = driver.info
        assert info is not None
        finding = Finding("board", url, str(driver.state), True,
                          f"id {info.board_id}, {info.buttons} buttons, {info.leds} LEDs",
                          f"{info.protocol[0]}.{info.protocol[1]}", info.firmware_version)
        _check(finding, *_self_test(driver, info.buttons, info.leds, timeout))
        _check(finding, *_chase_and_beep(driver, info.leds, timeout))
        _check(finding, *_quiet_watch(driver, watch))
        if press:
            said = _press_test(driver, info.buttons, timeout, out)
            _check(finding, said.endswith("all pressed"), said)
        return finding
    finally:
        driver.stop()


def _check(finding: Finding, ok: bool, *said: str) -> None:
    finding.checks.extend(said)
    finding.ok &= ok


def _self_test(driver: BoardDriver, buttons: int, leds: int,
               timeout: float) -> tuple[bool, str] | tuple[bool, str, str]:
    """The board's own check of its button lines and LED currents."""
    result = driver.selftest(timeout)
    if result is None:
        return False, "self-test: no answer"
    bad_buttons = [i for i in range(buttons) if not result.buttons_ok >> i & 1]
    bad_leds = [i for i in range(leds) if not result.leds_ok >> i & 1]
    return (not bad_buttons and not bad_leds,
            f"button lines: {buttons - len(bad_buttons)}/{buttons} ok"
            + (f" (stuck: {', '.join(map(str, bad_buttons))})" if bad_buttons else ""),
            f"LEDs: {leds - len(bad_leds)}/{leds} ok"
            + (f" (open circuit: {', '.join(map(str, bad_leds))})" if bad_leds else ""))


def _chase_and_beep(driver: BoardDriver, leds: int, timeout: float) -> tuple[bool, str, str]:
    """Every LED on then off, and a beep: each command must be acknowledged."""
    chase = [driver.set_led(i, (255, 255, 255)) for i in range(leds)]
    chase += [driver.set_led(i, (0, 0, 0)) for i in range(leds)]
    acked = sum(driver.wait_ack(seq, timeout) == 0 for seq in chase)
    beep = driver.wait_ack(driver.buzz(2000, 120), timeout)
    return (acked == len(chase) and beep == 0, f"LED chase: {acked}/{len(chase)} commands acknowledged",
            "buzzer: " + ("acknowledged" if beep == 0 else "no answer"))


def _quiet_watch(driver: BoardDriver, watch: float) -> tuple[bool, str]:
    deadline = time.monotonic() + watch
    presses = 0
    while time.monotonic() < deadline:
        try:
            event = driver.events.get(timeout=0.05)
        except queue.Empty:
            continue
        presses += isinstance(event, ButtonEvent) and event.pressed
    problems = driver.input_problems()
    dropped = sum(driver.dropped.values())
    if problems:
        return False, f"untouched buttons: {'; '.join(problems)} ({dropped} presses dropped in {watch:.1f} s)"
    return True, (f"untouched buttons: {presses} presses in {watch:.1f} s, none chattering or held" if presses
                  else f"untouched buttons: quiet for {watch:.1f} s")


def _press_test(driver: BoardDriver, buttons: int, timeout: float, out: TextIO) -> str:
    seen: set[int] = set()
    for button in range(buttons):
        out.write(f"  press button {button} ...\n")
        out.flush()
        if driver.simulator is not None:
            driver.simulator.tap(button)
        deadline = time.monotonic() + timeout
        while button not in seen and time.monotonic() < deadline:
            try:
                event = driver.events.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(event, ButtonEvent) and event.pressed:
                seen.add(event.button)
    missing = [b for b in range(buttons) if b not in seen]
    return f"press test: buttons {', '.join(map(str, missing))} not pressed" if missing else "press test: all pressed"


def check_touch(url: str, protocol: str, timeout: float) -> Finding:
    try:
        driver = TouchDriver(url, protocol).start()
    except HardwareError as exc:
        return Finding("touch", url, "absent", False, str(exc))
    try:
        deadline = time.monotonic() + timeout
        while driver.state != DeviceState.CONNECTED and time.monotonic() < deadline:
            time.sleep(0.01)
        return Finding("touch", url, str(driver.state), driver.state == DeviceState.CONNECTED, driver.reason)
    finally:
        driver.stop()


def check_headset(kind: str) -> Finding:
    headset: Headset = OpenXRHeadset() if kind == "openxr" else SimulatedHeadset()
    status = headset.start(0.0)
    sample = headset.poll(0.0)
    headset.stop()
    ok = status in (HeadsetStatus.READY, HeadsetStatus.NOT_WORN)
    return Finding("headset", kind, str(status), ok, sample.reason or headset.name)


def check_running(ops: OpsSettings, timeout: float) -> list[Finding]:
    """The running kiosk's devices and their problems, from its /healthz (nothing is opened)."""
    if not ops.listen:
        return [Finding("kiosk", "(ops.listen is off)", "unknown", False,
                        "turn on [ops] listen to ask a running kiosk")]
    host, port = parse_listen(ops.listen, "ops.listen")
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # listening everywhere: ask it here
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    health = _health(url, ops.token, timeout)
    if isinstance(health, Finding):
        return [health]
    devices = health.get("devices") if isinstance(health.get("devices"), dict) else {}
    listed = health.get("problems")
    problems = [str(p) for p in listed] if isinstance(listed, list) else []
    findings = []
    for name, state in sorted((devices or {}).items()):
        own = [p.removeprefix(f"{name}: ") for p in problems if p.startswith(f"{name}: ")]
        findings.append(Finding(str(name), url, str(state), state in ("connected", "ready", "none") and not own,
                                "as the running kiosk sees it", checks=own))
    return findings or [Finding("kiosk", url, str(health.get("status", "unknown")), True, "no devices configured")]


def _health(url: str, token: str, timeout: float) -> dict[str, Any] | Finding:
    """The running kiosk's /healthz document, or the finding that says why there is none."""
    try:
        code, body = get(f"{url}/healthz", token, deadline=timeout)
        health = json.loads(body)
    except (OSError, ValueError) as exc:
        return Finding("kiosk", url, "not running", False, f"no answer from {url}/healthz ({exc})")
    if code == 401 or not isinstance(health, dict):
        return Finding("kiosk", url, "unknown", False, f"/healthz answered {code}: check ops.token")
    return health


def doctor(devices: DeviceSettings, *, press: bool = False, timeout: float = 2.0, as_json: bool = False,
           out: TextIO | None = None, running: OpsSettings | None = None) -> int:
    out = out or sys.stdout
    findings = check_running(running, timeout) if running is not None else \
        check_devices(devices, press=press, timeout=timeout, out=out)
    if as_json:
        out.write(json.dumps([asdict(f) for f in findings], ensure_ascii=False) + "\n")
    else:
        for f in findings:
            out.write(_describe(f))
        out.write(_serial_ports())
    return EXIT_OK if all(f.ok for f in findings) else EXIT_FAULT


def check_devices(devices: DeviceSettings, *, press: bool, timeout: float, out: TextIO) -> list[Finding]:
    """Open and test each configured device (the kiosk must not be running: a serial port has one reader)."""
    findings: list[Finding] = []
    if devices.board:
        try:
            findings.append(check_board(devices.board, press=press, timeout=timeout, out=out))
        except HardwareError as exc:
            findings.append(Finding("board", devices.board, "absent", False, str(exc)))
    if devices.headset == "monitor":  # nothing to probe: it is the display the kiosk draws on
        findings.append(Finding("headset", "monitor", "display", True,
                                f"side by side on the kiosk's display, lens k1={devices.lens_k1} k2={devices.lens_k2} "
                                f"scale={devices.lens_scale}, eye field of view {devices.eye_fov}°"))
    elif devices.headset != "none":
        findings.append(check_headset(devices.headset))
    if devices.touch:
        findings.append(check_touch(devices.touch, devices.touch_protocol, timeout))
    findings.append(Finding("touch screen", "evdev", "system", True, "USB HID touch screens are read by SDL"))
    return findings


def _describe(f: Finding) -> str:
    versions = f"  protocol {f.protocol}  firmware {f.firmware}" if f.protocol else ""
    lines = [f"{'ok ' if f.ok else 'BAD'} {f.device:<12} {f.url:<40} {f.state}{versions}"]
    lines += [f"    {f.detail}"] * bool(f.detail) + [f"    {check}" for check in f.checks]
    return "\n".join(lines) + "\n"


def _serial_ports() -> str:
    from serial.tools import list_ports

    ports = sorted(list_ports.comports(), key=lambda p: p.device)
    if not ports:
        return "serial ports: none found\n"
    known = {(p.usb_vendor, p.usb_product): p.id for p in load_profiles().values()}
    lines = [f"  {p.device}  {p.vid or 0:04x}:{p.pid or 0:04x}  {p.description}"
             + (f"  (profile {known[key]})" if (key := (f"{p.vid or 0:04x}", f"{p.pid or 0:04x}")) in known else "")
             for p in ports]
    return "serial ports:\n" + "\n".join(lines) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Checks the devices named in the config's [devices] section (or given here): state "
                          "(connected, degraded, absent), protocol and firmware versions, the board's self-test "
                          "(button lines, LED currents, LED chase, buzzer), the headset runtime, and lists serial "
                          "ports.")
    parser.epilog = "exit codes: 0 every configured device works; 69 one is missing or failed its self-test"
    parser.add_argument("--board", metavar="URL", help="board URL, e.g. serial:///dev/nova-board or sim://")
    parser.add_argument("--headset", choices=("none", "openxr", "sim", "monitor"), help="headset to check")
    parser.add_argument("--press", action="store_true", help="also ask for each button to be pressed")
    parser.add_argument("--timeout", type=arguments.positive, default=2.0, help="seconds to wait for each answer")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--running", action="store_true",
                        help="ask the running kiosk (its /healthz on ops.listen) instead of opening the devices: "
                             "chattering or stuck buttons it has seen, device states")


def run(args: argparse.Namespace) -> int:
    chosen = arguments.settings(args)
    devices = chosen.devices
    if args.board is not None:
        devices = replace(devices, board=args.board)
    if args.headset is not None:
        devices = replace(devices, headset=args.headset)
    return doctor(devices, press=args.press, timeout=args.timeout, as_json=args.json,
                  running=chosen.ops if args.running else None)
