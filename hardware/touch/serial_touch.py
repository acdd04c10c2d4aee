"""Pure parsers for the two serial touch protocols kiosks still ship with.

Both are fed bytes and return normalised touches (x, y in 0..1, origin top-left), and both
resynchronise on their start bit, so a byte lost on the line costs one report, not the stream.

- eGalax / EETI serial: 5-byte reports `1 0 0 0 0 r r t`, x high, x low, y high, y low (7 bits each);
  `p` (bit 6 of the first byte) announces a 6th byte with pressure. `rr` gives the resolution
  (11–14 bits). Same layout as Linux's egalax_ts_serial.
- 3M MicroTouch "format tablet": 5-byte reports `1 t x x x x x x`, x low, x high, y low, y high
  (7 bits each, 14-bit coordinates, y counted from the bottom); command responses framed by
  0x01 ... 0x0D are skipped. Same layout as Linux's mtouch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Touch:
    x: float  # 0..1 from the left
    y: float  # 0..1 from the top
    down: bool
    pressure: int | None = None


class EGalaxParser:
    START, PRESSURE, TOUCH, RESOLUTION = 0x80, 0x40, 0x01, 0x06
    FULL_SCALE = 0x4000

    def __init__(self) -> None:
        self._packet = bytearray()
        self.dropped = 0  # bytes skipped while looking for a start byte

    def feed(self, data: bytes) -> list[Touch]:
        touches: list[Touch] = []
        for byte in data:
            if not self._packet:
                if byte & self.START:
                    self._packet.append(byte)
                else:
                    self.dropped += 1
                continue
            if byte & self.START:  # a new report began: the previous one lost bytes
                self.dropped += len(self._packet)
                self._packet = bytearray([byte])
                continue
            self._packet.append(byte)
            length = 6 if self._packet[0] & self.PRESSURE else 5
            if len(self._packet) == length:
                touches.append(self._decode(bytes(self._packet)))
                self._packet.clear()
        return touches

    def _decode(self, p: bytes) -> Touch:
        shift = 3 - ((p[0] & self.RESOLUTION) >> 1)
        mask = 0xFF >> (shift + 1)
        x = (((p[1] & mask) << 7) | (p[2] & 0x7F)) << shift
        y = (((p[3] & mask) << 7) | (p[4] & 0x7F)) << shift
        pressure = p[5] if len(p) == 6 else None
        return Touch(x / self.FULL_SCALE, y / self.FULL_SCALE, bool(p[0] & self.TOUCH), pressure)


class MicroTouchParser:
    STATUS, TOUCH = 0x80, 0x40
    RESPONSE_BEGIN, RESPONSE_END = 0x01, 0x0D
    MAX = 0x3FFF

    def __init__(self) -> None:
        self._packet = bytearray()
        self._in_response = False
        self.responses: list[bytes] = []  # command answers ("0" ok, "1" error), newest last
        self._response = bytearray()
        self.dropped = 0

    def feed(self, data: bytes) -> list[Touch]:
        touches: list[Touch] = []
        for byte in data:
            if self._in_response:
                if byte == self.RESPONSE_END:
                    self.responses.append(bytes(self._response))
                    self._response.clear()
                    self._in_response = False
                elif len(self._response) < 16:
                    self._response.append(byte)
                else:
                    self._in_response = False
                    self._response.clear()
                continue
            if byte & self.STATUS:
                self.dropped += len(self._packet)
                self._packet = bytearray([byte])
                continue
            if not self._packet:
                if byte == self.RESPONSE_BEGIN:
                    self._in_response = True
                else:
                    self.dropped += 1
                continue
            self._packet.append(byte)
            if len(self._packet) == 5:
                p = self._packet
                x = (p[2] << 7) | p[1]
                y = self.MAX - ((p[4] << 7) | p[3])
                touches.append(Touch(x / self.MAX, y / self.MAX, bool(p[0] & self.TOUCH)))
                self._packet = bytearray()
        return touches
