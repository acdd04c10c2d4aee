"""Consistent Overhead Byte Stuffing (Cheshire & Baker 1999): removes every 0x00 from a frame
so that 0x00 can delimit frames on the wire. Overhead: one byte per 254, plus one."""

from __future__ import annotations


class CobsError(ValueError):
    """The bytes between two delimiters are not a valid COBS encoding."""


def encode(data: bytes) -> bytes:
    out = bytearray([0])
    code_at, code = 0, 1
    for i, byte in enumerate(data):
        if byte == 0:
            out[code_at] = code
            code_at, code = len(out), 1
            out.append(0)
            continue
        out.append(byte)
        code += 1
        if code == 0xFF and i + 1 < len(data):  # a full block; a new one only if data follows
            out[code_at] = code
            code_at, code = len(out), 1
            out.append(0)
    out[code_at] = code
    return bytes(out)


def decode(data: bytes) -> bytes:
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        code = data[i]
        if code == 0:
            raise CobsError(f"zero byte inside a frame at offset {i}")
        end = i + code
        if end > n:
            raise CobsError(f"block at offset {i} runs past the end ({code - 1} bytes announced, {n - i - 1} left)")
        block = data[i + 1:end]
        if 0 in block:
            raise CobsError(f"zero byte inside a frame at offset {i + 1 + block.index(0)}")
        out += block
        i = end
        if code < 0xFF and i < n:
            out.append(0)
    return bytes(out)
