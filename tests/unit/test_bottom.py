from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.clock import ManualClock
from kiosk.config import load_settings, parse_settings
from kiosk.errors import ConfigError, KioskError
from kiosk.histogram import Histogram


def test_histogram_counts_into_buckets_and_quantiles() -> None:
    h = Histogram(buckets=(0.01, 0.02, 0.05))
    for v in (0.005, 0.015, 0.015, 0.04, 0.5):
        h.observe(v)
    assert h.cumulative() == [(0.01, 1), (0.02, 3), (0.05, 4), (float("inf"), 5)]
    assert h.quantile(0.5) == 0.02
    assert h.quantile(1.0) == float("inf")
    assert h.mean == pytest.approx(0.115)


def test_histogram_rejects_unsorted_buckets() -> None:
    with pytest.raises(ValueError, match="sorted"):
        Histogram(buckets=(0.2, 0.1))


def test_manual_clock_moves_only_forward() -> None:
    clock = ManualClock(10.0)
    clock.advance(0.5)
    assert clock.now() == 10.5
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)


def test_settings_defaults_and_overrides() -> None:
    s = parse_settings('[display]\nwidth = 1280\nheight = 720\n[content]\nlanguage = "en"\n')
    assert (s.display.width, s.display.height, s.content.language) == (1280, 720, "en")
    assert s.display.max_fps == 60
    for issuer in ("did:web:agency.example.org:nova", "did:web:localhost%3A8443", "https://agency.example.org/nova/issuer"):
        assert parse_settings(f'[credentials]\nissuer_id = "{issuer}"\n').credentials.issuer_id == issuer


@pytest.mark.parametrize(("text", "message"), [
    ('[display]\nwidth = "big"\n', "kiosk.toml: display.width: expected an integer between 320 and 7680"),
    ("[display]\nfullscreen = 1\n", "kiosk.toml: display.fullscreen: expected true or false"),
    ("[display]\ncolour = 3\n", "kiosk.toml: display.colour: unknown key"),
    ("[audio]\nvolume = 3\n", "kiosk.toml: [audio]: unknown section"),
    ("[sound]\nvolume = 3\n", "kiosk.toml: sound.volume: expected a number between 0.0 and 1.0, got 3"),
    ('[content]\nlanguage = "de"\n', "kiosk.toml: content.language: expected one of fr, en, ar, uk"),
    ("[display\n", "kiosk.toml: not valid TOML"),
    *[(f'[credentials]\nissuer_id = "{wrong}"\n', "kiosk.toml: credentials.issuer_id: expected a did:web")
      for wrong in ("http://agency.example.org/issuer", "did:web:", "https://agency.example.org/", "did:key:z6Mk")],
])
def test_settings_errors_name_file_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings(text, where="kiosk.toml")
    assert str(info.value).startswith(message)
    assert info.value.hint


def test_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_settings(tmp_path / "absent.toml")


def test_errors_share_one_root_with_hints() -> None:
    err = ConfigError("bad", hint="fix it")
    assert isinstance(err, KioskError)
    assert str(err) == "bad (hint: fix it)"
    assert err.exit_code == 78
