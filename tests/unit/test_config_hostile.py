"""Issue 27 item 9 (config): `kiosk config check` refuses what would fail later or open a door,
with one line naming the file and the key, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main

CASES = {
    # name: (file content, words the one-line error must hold)
    "invalid UTF-8": (b'[content]\nlanguage = "fr"\n# caf\xe9\n', ["kiosk.toml:3: not UTF-8 text (byte 0xe9)"]),
    "5,000-deep arrays": (b"[display]\nwidth = " + b"[" * 5000 + b"]" * 5000 + b"\n", ["nested too deeply"]),
    "an endpoint that is no URL": (b'[lrs]\nendpoint = "lrs.agency.example.org"\n',
                                   ["lrs.endpoint: expected an http(s) URL"]),
    "an endpoint without a host": (b'[lrs]\nendpoint = "https:///xAPI/"\n', ["lrs.endpoint: expected an http(s) URL"]),
    "a token over http": (b'[lrs]\nendpoint = "http://lrs.agency.example.org/xAPI/"\ntoken = "secret"\n',
                          ["lrs.endpoint:", "in clear", "https://"]),
    "a password over http": (b'[lrs]\nendpoint = "http://10.0.0.5/xAPI/"\nusername = "k"\npassword = "p"\n',
                             ["in clear"]),
    "ops beyond loopback without a token": (b'[ops]\nlisten = "0.0.0.0:9108"\n',
                                            ["ops.listen: 0.0.0.0:9108 is reachable from the network",
                                             "ops.token"]),
    "a NUL in a path": (b'[store]\npath = "var/k\\u0000.db"\n', ["store.path: expected a path"]),
    "a 5,000-digit integer": (b"[display]\nwidth = " + b"9" * 5000 + b"\n", ["a number is too long"]),
    "a 1 MB file": (b"# " + b"x" * 1_000_000 + b"\n", ["larger than 65536 bytes"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_config_check_refuses_with_one_line(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content, words = CASES[case]
    path = tmp_path / "kiosk.toml"
    path.write_bytes(content)
    assert main(["config", "check", str(path)]) == 78
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith(f"kiosk: error: {path}") and "\n" not in err, err
    assert all(word in err for word in words), err
    assert "config: " not in captured.out  # nothing says valid


def test_config_check_reads_no_further_than_its_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", "/dev/zero"]) == 78  # would read forever
    assert "larger than 65536 bytes" in capsys.readouterr().err


@pytest.mark.parametrize("content", ['[lrs]\nendpoint = "http://127.0.0.1:8100/xAPI/"\npassword = "p"\n',
                                     '[lrs]\nendpoint = "https://lrs.agency.example.org/xAPI/"\ntoken = "t"\n',
                                     '[ops]\nlisten = "0.0.0.0:9108"\ntoken = "long-random"\n',
                                     '[ops]\nlisten = "[::1]:9108"\n'])
def test_config_check_still_accepts_safe_settings(content: str, tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(content, encoding="utf-8")
    assert main(["config", "check", str(path)]) == 0
