"""Pure parts of the hardware layer: URLs, backoff, link health, debounce, touch parsers, profiles."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.board.events import DeviceState
from hardware.board.timing import Backoff, Debouncer, LinkHealth
from hardware.board.url import parse_url
from hardware.errors import DeviceUrlError
from hardware.profiles.load import ProfileError, load_profile, load_profiles
from hardware.touch.serial_touch import EGalaxParser, MicroTouchParser

UDEV = Path(__file__).resolve().parents[2] / "hardware" / "udev" / "99-nova-kiosk.rules"


def test_urls_pick_the_port() -> None:
    serial = parse_url("serial:///dev/ttyACM0?baud=57600")
    assert (serial.scheme, serial.target, serial.baud) == ("serial", "/dev/ttyACM0", 57600)
    assert parse_url("sim://?buttons=6").options == {"buttons": "6"}
    assert parse_url("loop://").target == "loop://"
    assert parse_url("socket://10.0.0.5:7000").scheme == "socket"
    with pytest.raises(DeviceUrlError, match="unknown device URL scheme `usb`"):
        parse_url("usb://x")
    with pytest.raises(DeviceUrlError, match="three slashes"):
        parse_url("serial://dev/ttyACM0")
    with pytest.raises(DeviceUrlError, match="baud must be a number"):
        parse_url("serial:///dev/ttyACM0?baud=fast")


def test_backoff_grows_to_its_cap_with_bounded_jitter_and_resets() -> None:
    backoff = Backoff(initial=0.05, maximum=0.5, jitter=0.2, rng=random.Random(1))
    delays = [backoff.delay() for _ in range(8)]
    bases = [0.05, 0.1, 0.2, 0.4, 0.5, 0.5, 0.5, 0.5]
    assert all(b * 0.8 <= d <= b * 1.2 for d, b in zip(delays, bases, strict=True))
    backoff.reset()
    assert backoff.delay() <= 0.06


def test_link_health_degrades_on_silence_and_asks_for_a_reconnect() -> None:
    health = LinkHealth(silent_after=1.5, reconnect_after=4.5, last_frame=10.0)
    assert health.state(10.1) == DeviceState.DEGRADED  # no hello yet
    health.greeted = True
    assert health.state(11.0) == DeviceState.CONNECTED
    assert health.state(11.6) == DeviceState.DEGRADED and not health.should_reconnect(11.6)
    assert health.should_reconnect(14.6)
    health.heard(14.6)
    assert health.state(14.7) == DeviceState.CONNECTED


def test_debounce_passes_presses_at_once_and_drops_bounces() -> None:
    d = Debouncer(10)
    assert d.feed(0, True, 1000) == [(0, True, 1000)]  # leading edge: no added latency
    assert d.feed(0, False, 1002) == [] and d.feed(0, True, 1003) == []  # contact bounce
    assert d.flush(1011) == []  # settled down as it was: nothing more
    assert d.feed(0, False, 1500) == [(0, False, 1500)]


def test_debounce_never_leaves_a_glitch_stuck_down() -> None:
    d = Debouncer(10)
    assert d.feed(2, True, 0xFFFFFFF0) == [(2, True, 0xFFFFFFF0)]  # a spike, just before the clock wraps
    assert d.feed(2, False, 0xFFFFFFF3) == []
    assert d.flush(0x00000004) == [(2, False, 0xFFFFFFFA)]  # window ended after the wrap: corrected


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 30)), max_size=60))
def test_debounce_output_alternates_and_ends_where_the_button_rests(changes: list[tuple[bool, int]]) -> None:
    d = Debouncer(10)
    t, out, raw = 0, [], False
    for pressed, gap in changes:
        t += gap
        raw = pressed
        out += d.feed(1, pressed, t)
    out += d.flush(t + 100)
    states = [p for _, p, _ in out]
    assert all(a != b for a, b in itertools.pairwise(states))  # never twice the same edge
    assert (states[-1] if states else False) == raw  # and it settles on the real state
    assert not states or states[0] is True


def _egalax(x: int, y: int, touch: bool, resolution: int = 3, pressure: int | None = None) -> bytes:
    shift = 3 - resolution
    x, y = x >> shift, y >> shift
    head = 0x80 | (resolution << 1) | int(touch) | (0x40 if pressure is not None else 0)
    packet = bytes([head, (x >> 7) & 0x7F, x & 0x7F, (y >> 7) & 0x7F, y & 0x7F])
    return packet + (bytes([pressure]) if pressure is not None else b"")


def test_egalax_reports_decode_at_every_resolution_and_resync_after_a_lost_byte() -> None:
    parser = EGalaxParser()
    touches = parser.feed(_egalax(0x2000, 0x1000, True) + _egalax(0x3FF8, 0, False, resolution=0))
    assert [(t.x, t.y, t.down) for t in touches] == [(0.5, 0.25, True), (0x3FF8 / 0x4000, 0.0, False)]
    damaged = _egalax(0x1000, 0x1000, True)[:3] + _egalax(0x0800, 0x3000, True, pressure=90)
    (touch,) = parser.feed(damaged)
    assert (touch.x, touch.y, touch.pressure) == (0.125, 0.75, 90)
    assert parser.dropped == 3


def _microtouch(x: int, y: int, touch: bool) -> bytes:
    y = 0x3FFF - y
    return bytes([0x80 | (0x40 if touch else 0), x & 0x7F, x >> 7, y & 0x7F, y >> 7])


def test_microtouch_tablet_reports_and_command_responses() -> None:
    parser = MicroTouchParser()
    stream = b"\x010\r" + _microtouch(0x3FFF, 0, True) + b"\x07" + _microtouch(0, 0x3FFF, False)
    touches = parser.feed(stream)
    assert [(t.x, t.y, t.down) for t in touches] == [(1.0, 0.0, True), (0.0, 1.0, False)]
    assert parser.responses == [b"0"] and parser.dropped == 1


def test_profiles_load_and_udev_rules_cover_every_profiled_device() -> None:
    profiles = load_profiles()
    assert {"nova-board-v1", "egalax-serial", "microtouch-serial"} <= set(profiles)
    rules = [line for line in UDEV.read_text().splitlines() if line.strip() and not line.startswith("#")]
    for line in rules:  # every rule is KEY op "value" pairs, comma-separated
        for pair in line.split(", "):
            assert re.fullmatch(r'[A-Z_]+(\{[A-Za-z_]+\})?(==|\+=|=)"[^"]*"', pair), pair
    for profile in profiles.values():
        name = profile.url.split("://")[1].split("?")[0].removeprefix("/dev/")
        assert any(f'ATTRS{{idVendor}}=="{profile.usb_vendor}"' in line and
                   f'ATTRS{{idProduct}}=="{profile.usb_product}"' in line and f'SYMLINK+="{name}"' in line
                   for line in rules), profile.id


def test_a_bad_profile_names_its_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text('id = "x"\nkind = "board"\nname = "x"\nprotocol = "nova/1"\nurl = "sim://"\n'
                    'usb = { vendor = "23G1", product = "8036" }\n')
    with pytest.raises(ProfileError, match=r"x\.toml: usb\.vendor: expected 4 lowercase hex digits"):
        load_profile(path)
    path.write_text(path.read_text().replace("23G1", "2341") + 'buttons = 2\nbutton_intents = ["next", "jump"]\n')
    with pytest.raises(ProfileError, match="unknown intent `jump`"):
        load_profile(path)
