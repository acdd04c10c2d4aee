"""A pure packetizer: feed it bytes as they arrive, get back whole, checked frames.

Like pyserial's `Packetizer`, but without the thread: it holds no port and no clock, so the
fuzz tests drive it directly. Garbage, truncated frames, bad CRCs and overlong runs are
counted and skipped; the next delimiter always resynchronises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.protocol.frames import MAX_ENCODED, Frame, FrameError, parse_body


@dataclass
class LinkStats:
    frames: int = 0
    bytes: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # kind -> count: cobs, short, crc, type, length, overrun

    def count(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def bad_frames(self) -> int:
        return sum(self.errors.values())


class Packetizer:
    def __init__(self, max_encoded: int = MAX_ENCODED) -> None:
        self.max_encoded = max_encoded
        self.stats = LinkStats()
        self._buffer = bytearray()
        self._overrun = False

    def feed(self, data: bytes) -> list[Frame]:
        self.stats.bytes += len(data)
        frames: list[Frame] = []
        start = 0
        while True:
            end = data.find(0, start)
            if end < 0:
                self._append(data[start:])
                return frames
            self._append(data[start:end])
            frame = self._close()
            if frame is not None:
                frames.append(frame)
            start = end + 1

    def reset(self) -> None:
        """Forget a partial frame (after a reconnect: its start came from another session)."""
        self._buffer.clear()
        self._overrun = False

    def _append(self, chunk: bytes) -> None:
        if self._overrun:
            return
        self._buffer += chunk
        if len(self._buffer) > self.max_encoded:
            self._overrun = True
            self._buffer.clear()

    def _close(self) -> Frame | None:
        if self._overrun:
            self._overrun = False
            self.stats.count("overrun")
            return None
        if not self._buffer:
            return None  # back-to-back delimiters: idle line or a resync
        encoded = bytes(self._buffer)
        self._buffer.clear()
        try:
            frame = parse_body(encoded)
        except FrameError as exc:
            self.stats.count(exc.kind)
            return None
        self.stats.frames += 1
        return frame
