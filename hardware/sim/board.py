"""The board simulator: the reference firmware's behaviour (hardware/firmware/nova_board) on
the far end of a real pseudo-terminal, so tests go through the OS serial stack.

It answers the handshake, acknowledges LED/buzzer commands, runs the self-test, sends
heartbeats, and reports button presses with its own millisecond clock. For tests and demos it
can also misbehave on purpose: line noise, dropped or corrupted frames, garbage, unplugging.
"""

from __future__ import annotations

import random
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hardware.protocol.frames import (
    PROTOCOL_VERSION,
    Ack,
    Button,
    Buzz,
    ErrorReport,
    Heartbeat,
    Hello,
    HelloRequest,
    Message,
    Selftest,
    SelftestResult,
    SetLed,
    encode_message,
    unpack_message,
)
from hardware.protocol.packetizer import Packetizer
from hardware.sim.pty_link import PtyLink


@dataclass
class SimConfig:
    buttons: int = 4
    leds: int = 4
    firmware: tuple[int, int, int] = (1, 0, 0)
    protocol: tuple[int, int] = PROTOCOL_VERSION
    board_id: bytes = b"NOVASIM1"
    heartbeat_ms: int = 500
    stuck_buttons: frozenset[int] = frozenset()  # self-test reports these lines as stuck
    dead_leds: frozenset[int] = frozenset()  # self-test reports these LEDs as open circuit
    answers_hello: bool = True  # False: a board running some other firmware


@dataclass
class Noise:
    """Misbehaviour on the board → host direction, decided per frame from a seeded generator."""

    drop: float = 0.0  # frame never sent
    corrupt: float = 0.0  # one byte of the frame flipped
    garbage: float = 0.0  # random bytes sent before the frame
    rng: random.Random = field(default_factory=lambda: random.Random(0))


class BoardSimulator:
    def __init__(self, name: Path, config: SimConfig | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config or SimConfig()
        self.link = PtyLink(name)
        self.noise = Noise()
        self.clock = clock
        self.leds: dict[int, tuple[tuple[int, int, int], int]] = {}
        self.buzzes: list[tuple[int, int]] = []
        self.received: list[Message] = []
        self.sent_at: dict[int, float] = {}  # seq -> clock() when its bytes were written (latency bench)
        self._seq = 0
        self._rx_errors = 0
        self._started = clock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._packetizer = Packetizer()

    @property
    def path(self) -> Path:
        return self.link.name

    # --- lifecycle ----------------------------------------------------------------------
    def start(self) -> BoardSimulator:
        self.link.plug()
        self._thread = threading.Thread(target=self._run, name="board-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        with self._lock:
            self.link.unplug()

    def unplug(self) -> None:
        with self._lock:
            self.link.unplug()
            self._packetizer.reset()

    def replug(self) -> None:
        with self._lock:
            self.link.plug()
            self._send(self._hello())  # a board announces itself when it powers up

    # --- the job seeker's side ----------------------------------------------------------
    def press(self, button: int) -> int:
        return self._button(button, True)

    def release(self, button: int) -> int:
        return self._button(button, False)

    def tap(self, button: int) -> None:
        self.press(button)
        self.release(button)

    def inject(self, raw: bytes) -> None:
        """Raw bytes on the line, e.g. noise from a loose cable."""
        with self._lock:
            self.link.write(raw)

    def board_ms(self) -> int:
        return int((self.clock() - self._started) * 1000) & 0xFFFFFFFF

    # --- firmware behaviour -------------------------------------------------------------
    def _button(self, button: int, pressed: bool) -> int:
        with self._lock:
            return self._send(Button(button, pressed, self.board_ms()))

    def _hello(self) -> Hello:
        c = self.config
        return Hello(c.protocol, c.firmware, c.buttons, c.leds, c.board_id)

    def _send(self, message: Message) -> int:
        """Write one frame (caller holds the lock); returns its sequence number."""
        seq = self._seq
        self._seq = (self._seq + 1) & 0xFF
        wire = encode_message(message, seq)
        n = self.noise
        if n.drop and n.rng.random() < n.drop:
            return seq
        if n.corrupt and n.rng.random() < n.corrupt:
            i = n.rng.randrange(1, len(wire) - 1)
            wire = wire[:i] + bytes([wire[i] ^ (1 << n.rng.randrange(8)) or 0x01]) + wire[i + 1:]
        if n.garbage and n.rng.random() < n.garbage:
            wire = bytes(n.rng.randrange(256) for _ in range(n.rng.randrange(1, 12))) + wire
        self.sent_at[seq] = self.clock()
        self.link.write(wire)
        return seq

    def _handle(self, message: Message, seq: int) -> None:
        self.received.append(message)
        c = self.config
        match message:
            case HelloRequest(protocol):
                if not c.answers_hello:
                    return
                if protocol[0] != c.protocol[0]:
                    self._send(Ack(seq, 6))
                    return
                self._send(self._hello())
            case SetLed(led, rgb, blink_ms):
                if led >= c.leds:
                    self._send(Ack(seq, 3))
                    return
                self.leds[led] = (rgb, blink_ms)
                self._send(Ack(seq, 0))
            case Buzz(hz, ms):
                self.buzzes.append((hz, ms))
                self._send(Ack(seq, 0))
            case Selftest():
                buttons_ok = sum(1 << i for i in range(c.buttons) if i not in c.stuck_buttons)
                leds_ok = sum(1 << i for i in range(c.leds) if i not in c.dead_leds)
                self._send(Ack(seq, 0))
                self._send(SelftestResult(buttons_ok, leds_ok))
            case _:
                self._send(ErrorReport(2, 0))

    def _run(self) -> None:
        next_beat = self.clock()
        while not self._stop.is_set():
            fd = self.link.master_fd
            timeout = max(0.0, min(0.05, next_beat - self.clock()))
            if fd is None:
                self._stop.wait(0.02)
                continue
            try:
                ready, _, _ = select.select([fd], [], [], timeout)
            except (OSError, ValueError):  # closed by unplug() meanwhile
                continue
            with self._lock:
                if ready and self.link.master_fd == fd:
                    for frame in self._packetizer.feed(self.link.read()):
                        self._handle(unpack_message(frame), frame.seq)
                    if self._packetizer.stats.bad_frames > self._rx_errors:  # as the firmware: say so
                        self._rx_errors = self._packetizer.stats.bad_frames
                        self._send(ErrorReport(1, 0))
                if self.clock() >= next_beat:
                    next_beat = self.clock() + self.config.heartbeat_ms / 1000
                    if self.link.plugged:
                        self._send(Heartbeat(self.board_ms(), 0x01 if self.buzzes else 0, self._rx_errors & 0xFFFF))
