"""The firmware's framing, compiled for the host with gcc, against the Python side's vectors;
and the sketch itself compiled against a minimal Arduino shim, so it cannot rot unnoticed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FIRMWARE = Path(__file__).resolve().parents[2] / "hardware" / "firmware"


def _compiler(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is needed for the firmware host tests (scripts/setup.sh installs it)"
    return found


def test_host_built_framing_agrees_with_python_vectors(tmp_path: Path) -> None:
    binary = tmp_path / "test_framing"
    subprocess.run([_compiler("gcc"), "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror",
                    f"-I{FIRMWARE / 'nova_board'}", str(FIRMWARE / "test" / "test_framing.c"),
                    str(FIRMWARE / "nova_board" / "framing.c"), "-o", str(binary)], check=True)
    result = subprocess.run([str(binary), str(FIRMWARE / "test" / "vectors.txt")], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    checks, failures = (int(word) for word in result.stdout.split()[0:3:2])
    assert failures == 0 and checks >= 60


def test_the_sketch_compiles(tmp_path: Path) -> None:
    subprocess.run([_compiler("g++"), "-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                    "-include", str(FIRMWARE / "test" / "arduino_shim.h"), f"-I{FIRMWARE / 'nova_board'}",
                    "-x", "c++", str(FIRMWARE / "nova_board" / "nova_board.ino")], check=True)


@pytest.mark.parametrize("flip", [0, 5, 9])
def test_the_host_build_refuses_what_python_refuses(tmp_path: Path, flip: int) -> None:
    from hardware.protocol.frames import Button, FrameError, encode_message, parse_body

    wire = bytearray(encode_message(Button(1, True, 1234), 7))
    wire[1 + flip] ^= 0x10
    vectors = tmp_path / "v.txt"
    try:
        parse_body(bytes(wire[1:-1]))
        kind = "ok"
    except FrameError as exc:
        kind = exc.kind
    assert kind != "ok"
    vectors.write_text(f"bad {bytes(wire[1:-1]).hex()} {kind}\n")
    binary = tmp_path / "t"
    subprocess.run([_compiler("gcc"), "-std=c99", f"-I{FIRMWARE / 'nova_board'}",
                    str(FIRMWARE / "test" / "test_framing.c"), str(FIRMWARE / "nova_board" / "framing.c"),
                    "-o", str(binary)], check=True)
    result = subprocess.run([str(binary), str(vectors)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
