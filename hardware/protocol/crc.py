"""CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR.
Check value: crc16(b"123456789") == 0x29B1. The firmware computes the same CRC bit by bit
(hardware/firmware/nova_board/framing.c); the shared vectors in the tests hold both to it."""

from __future__ import annotations

from binascii import crc_hqx


def crc16(data: bytes, crc: int = 0xFFFF) -> int:
    # The standard library's CRC-CCITT (XMODEM family) in C: same polynomial, no reflection, no
    # final XOR, so starting it at 0xFFFF gives CCITT-FALSE, about 30x faster than a Python loop.
    return crc_hqx(data, crc)
