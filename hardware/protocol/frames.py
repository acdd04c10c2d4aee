"""Frames and messages of the board protocol (see hardware/PROTOCOL.md).

On the wire: COBS([type, seq, payload..., crc_hi, crc_lo]) 0x00. The CRC covers type, seq and
payload. Multi-byte payload fields are little-endian. Every message type has one exact payload
length: a frame of a known type with another length is refused, which (with the CRC) keeps
corrupted frames from ever being delivered.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from hardware.protocol import cobs
from hardware.protocol.crc import crc16

PROTOCOL_VERSION = (1, 0)
MAX_PAYLOAD = 60
MAX_BODY = MAX_PAYLOAD + 4  # type, seq, payload, crc
MAX_ENCODED = MAX_BODY + 2  # COBS overhead for bodies under 254 bytes is one byte (+1 spare)
DELIMITER = b"\x00"
MAX_BUTTONS = 16
MAX_LEDS = 16


class FrameType(IntEnum):
    # board -> host
    HELLO = 0x01
    BUTTON = 0x02
    HEARTBEAT = 0x03
    ERROR = 0x04
    ACK = 0x05
    SELFTEST_RESULT = 0x06
    # host -> board
    HELLO_REQUEST = 0x81
    SET_LED = 0x82
    BUZZ = 0x83
    SELFTEST = 0x84


class FrameError(ValueError):
    """Bytes that are not a valid frame; `kind` is one of cobs, short, crc, type, length, value."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Frame:
    type: int
    seq: int
    payload: bytes


# --- messages -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Hello:
    protocol: tuple[int, int]
    firmware: tuple[int, int, int]
    buttons: int
    leds: int
    board_id: bytes  # 8 bytes, unique per board


@dataclass(frozen=True, slots=True)
class Button:
    button: int
    pressed: bool
    board_ms: int  # board clock, wraps every 49.7 days


@dataclass(frozen=True, slots=True)
class Heartbeat:
    uptime_ms: int
    flags: int  # bit 0 buzzer on, bit 1 error latched
    rx_errors: int  # frames the board could not read since it started


@dataclass(frozen=True, slots=True)
class ErrorReport:
    code: int  # ERROR_CODES
    detail: int


@dataclass(frozen=True, slots=True)
class Ack:
    seq: int  # the host frame acknowledged
    status: int  # 0 ok, else an error code


@dataclass(frozen=True, slots=True)
class SelftestResult:
    buttons_ok: int  # bit n: button n's line reads correctly
    leds_ok: int  # bit n: LED n draws current when lit


@dataclass(frozen=True, slots=True)
class HelloRequest:
    protocol: tuple[int, int]


@dataclass(frozen=True, slots=True)
class SetLed:
    led: int
    rgb: tuple[int, int, int]
    blink_ms: int = 0  # 0: steady


@dataclass(frozen=True, slots=True)
class Buzz:
    hz: int
    ms: int


@dataclass(frozen=True, slots=True)
class Selftest:
    pass


Message = Hello | Button | Heartbeat | ErrorReport | Ack | SelftestResult | HelloRequest | SetLed | Buzz | Selftest

ERROR_CODES = {1: "bad CRC", 2: "unknown frame type", 3: "bad payload length", 4: "receive overrun",
               5: "LED fault", 6: "unsupported protocol version"}

_LAYOUT: dict[FrameType, tuple[str, type]] = {
    FrameType.HELLO: ("<BBBBBBB8s", Hello),
    FrameType.BUTTON: ("<BBI", Button),
    FrameType.HEARTBEAT: ("<IBH", Heartbeat),
    FrameType.ERROR: ("<BB", ErrorReport),
    FrameType.ACK: ("<BB", Ack),
    FrameType.SELFTEST_RESULT: ("<HH", SelftestResult),
    FrameType.HELLO_REQUEST: ("<BB", HelloRequest),
    FrameType.SET_LED: ("<BBBBH", SetLed),
    FrameType.BUZZ: ("<HH", Buzz),
    FrameType.SELFTEST: ("<", Selftest),
}
PAYLOAD_SIZE = {t: struct.calcsize(fmt) for t, (fmt, _) in _LAYOUT.items()}


def pack_message(message: Message) -> tuple[FrameType, bytes]:
    """The frame type and payload bytes of a message."""
    match message:
        case Hello(protocol, firmware, buttons, leds, board_id):
            return FrameType.HELLO, struct.pack("<BBBBBBB8s", *protocol, *firmware, buttons, leds, board_id)
        case Button(button, pressed, board_ms):
            return FrameType.BUTTON, struct.pack("<BBI", button, int(pressed), board_ms)
        case Heartbeat(uptime_ms, flags, rx_errors):
            return FrameType.HEARTBEAT, struct.pack("<IBH", uptime_ms, flags, rx_errors)
        case ErrorReport(code, detail):
            return FrameType.ERROR, struct.pack("<BB", code, detail)
        case Ack(seq, status):
            return FrameType.ACK, struct.pack("<BB", seq, status)
        case SelftestResult(buttons_ok, leds_ok):
            return FrameType.SELFTEST_RESULT, struct.pack("<HH", buttons_ok, leds_ok)
        case HelloRequest(protocol):
            return FrameType.HELLO_REQUEST, struct.pack("<BB", *protocol)
        case SetLed(led, rgb, blink_ms):
            return FrameType.SET_LED, struct.pack("<BBBBH", led, *rgb, blink_ms)
        case Buzz(hz, ms):
            return FrameType.BUZZ, struct.pack("<HH", hz, ms)
        case Selftest():
            return FrameType.SELFTEST, b""
    raise TypeError(f"not a protocol message: {message!r}")


def unpack_message(frame: Frame) -> Message:
    """The message a valid frame carries (the frame's type and length were checked by parse_body)."""
    kind = FrameType(frame.type)
    fields = struct.unpack(_LAYOUT[kind][0], frame.payload)
    match kind:
        case FrameType.HELLO:
            return Hello((fields[0], fields[1]), (fields[2], fields[3], fields[4]), fields[5], fields[6], fields[7])
        case FrameType.BUTTON:
            return Button(fields[0], bool(fields[1]), fields[2])
        case FrameType.HEARTBEAT:
            return Heartbeat(*fields)
        case FrameType.ERROR:
            return ErrorReport(*fields)
        case FrameType.ACK:
            return Ack(*fields)
        case FrameType.SELFTEST_RESULT:
            return SelftestResult(*fields)
        case FrameType.HELLO_REQUEST:
            return HelloRequest((fields[0], fields[1]))
        case FrameType.SET_LED:
            return SetLed(fields[0], (fields[1], fields[2], fields[3]), fields[4])
        case FrameType.BUZZ:
            return Buzz(*fields)
        case FrameType.SELFTEST:
            return Selftest()
    raise AssertionError(kind)


def body(frame: Frame) -> bytes:
    """[type, seq, payload, crc_hi, crc_lo]: what COBS encodes."""
    head = bytes([frame.type & 0xFF, frame.seq & 0xFF]) + frame.payload
    return head + crc16(head).to_bytes(2, "big")


def encode_frame(frame: Frame) -> bytes:
    """Wire bytes of one frame: a delimiter on both sides, so line noise before a frame
    spoils at most the noise itself, never the frame."""
    if len(frame.payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(frame.payload)} bytes is over the {MAX_PAYLOAD}-byte limit")
    return DELIMITER + cobs.encode(body(frame)) + DELIMITER


def encode_message(message: Message, seq: int) -> bytes:
    kind, payload = pack_message(message)
    return encode_frame(Frame(kind, seq & 0xFF, payload))


def parse_body(encoded: bytes) -> Frame:
    """A frame from the bytes between two delimiters, or FrameError saying what was wrong."""
    try:
        raw = cobs.decode(encoded)
    except cobs.CobsError as exc:
        raise FrameError("cobs", str(exc)) from None
    if len(raw) < 4:
        raise FrameError("short", f"{len(raw)} bytes is too short for a frame")
    head, check = raw[:-2], int.from_bytes(raw[-2:], "big")
    if crc16(head) != check:
        raise FrameError("crc", f"CRC {check:04x} does not match the frame's {crc16(head):04x}")
    try:
        kind = FrameType(head[0])
    except ValueError:
        raise FrameError("type", f"unknown frame type 0x{head[0]:02x}") from None
    payload = head[2:]
    if len(payload) != PAYLOAD_SIZE[kind]:
        raise FrameError("length", f"{kind.name} payload is {len(payload)} bytes, expected {PAYLOAD_SIZE[kind]}")
    problem = _out_of_range(kind, payload)
    if problem:
        raise FrameError("value", f"{kind.name}: {problem}")
    return Frame(kind, head[1], payload)


def _out_of_range(kind: FrameType, p: bytes) -> str:
    """Field checks after the CRC: a second line of defence. CRC-16 lets about one corrupted frame
    in 65,536 through; fields with few legal values catch most of those (PROTOCOL.md, "Integrity")."""
    check = _FIELD_CHECKS.get(kind)
    return check(p) if check is not None else ""


def _button_fields(p: bytes) -> str:
    return f"button {p[0]} / state {p[1]} out of range" if p[0] >= MAX_BUTTONS or p[1] > 1 else ""


def _heartbeat_fields(p: bytes) -> str:
    return f"unknown flags 0x{p[4]:02x}" if p[4] & ~0x03 else ""


def _error_fields(p: bytes) -> str:
    return f"unknown error code {p[0]}" if p[0] not in ERROR_CODES else ""


def _ack_fields(p: bytes) -> str:
    return f"unknown status {p[1]}" if p[1] != 0 and p[1] not in ERROR_CODES else ""


def _hello_fields(p: bytes) -> str:
    return f"{p[5]} buttons / {p[6]} LEDs is more than the protocol allows" if p[5] > MAX_BUTTONS or p[6] > MAX_LEDS \
        else ""


def _set_led_fields(p: bytes) -> str:
    return f"LED {p[0]} out of range" if p[0] >= MAX_LEDS else ""


_FIELD_CHECKS: dict[FrameType, Callable[[bytes], str]] = {
    FrameType.BUTTON: _button_fields, FrameType.HEARTBEAT: _heartbeat_fields, FrameType.ERROR: _error_fields,
    FrameType.ACK: _ack_fields, FrameType.HELLO: _hello_fields, FrameType.SET_LED: _set_led_fields}
