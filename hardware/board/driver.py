"""The board driver: one thread per board that owns the port, reads frames, and reports.

Events go up through a bounded queue (`events`): button presses and state changes. Presses pass a
`PressGuard` first (what a hand can do; chattering and stuck buttons named); whatever is dropped —
too fast, chattering, or the queue full because nobody reads it — is counted in `dropped` and said
in a log line at most every `DROP_LOG_EVERY` seconds. Commands go down
(`set_led`, `buzz`, `selftest`) and are acknowledged by the board. The thread survives
everything a kiosk meets — unplug, replug, a silent or babbling board — reporting its state
(connected, degraded, absent) instead of raising, and reconnecting with backoff.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import serial

from hardware.board.events import BoardEvent, BoardInfo, ButtonEvent, DeviceState, StateChanged
from hardware.board.guard import CHATTER, QUEUE_FULL, RATE, PressGuard, PressPolicy
from hardware.board.reconnect import Port, keep_connected
from hardware.board.timing import Backoff, Debouncer, LinkHealth
from hardware.board.url import Endpoint, parse_url
from hardware.errors import DeviceUrlError
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
from hardware.protocol.packetizer import LinkStats, Packetizer
from hardware.sim.board import BoardSimulator, SimConfig

log = logging.getLogger(__name__)

EVENT_QUEUE = 256  # events waiting for the screen: far more than a hand makes between two frames
DROP_LOG_EVERY = 10.0  # seconds between two log lines about dropped presses
# How long a read waits when nothing is due but the board's own frames: a press or a heartbeat (every
# 0.5 s) ends it at once, and silence is noticed within this of `LinkHealth.silent_after`. The short
# `read_timeout` is kept while a debounce window or the handshake needs the clock: an idle kiosk's
# driver thread wakes a few times a second instead of 50.
IDLE_READ_TIMEOUT = 0.25


def open_port(endpoint: Endpoint, timeout: float) -> Port:
    """A pyserial port for the endpoint; raises serial.SerialException (or OSError) when absent."""
    port: Port
    if endpoint.scheme == "serial":
        port = serial.Serial(endpoint.target, endpoint.baud, timeout=timeout, write_timeout=0.5)
    else:
        port = serial.serial_for_url(endpoint.target, baudrate=endpoint.baud, timeout=timeout)
    return port


def sim_config(options: dict[str, str]) -> SimConfig:
    """sim://?buttons=4&leds=4&stuck=1,2&dead=0&hello=0&heartbeat_ms=500: a simulated board and its faults."""
    def numbers(key: str) -> frozenset[int]:
        return frozenset(int(v) for v in options.get(key, "").split(",") if v)

    try:
        return SimConfig(buttons=int(options.get("buttons", 4)), leds=int(options.get("leds", 4)),
                         stuck_buttons=numbers("stuck"), dead_leds=numbers("dead"),
                         answers_hello=options.get("hello", "1") != "0",
                         heartbeat_ms=int(options.get("heartbeat_ms", 500)))
    except ValueError:
        raise DeviceUrlError(f"sim://?{'&'.join(f'{k}={v}' for k, v in options.items())}: options must be numbers",
                             "e.g. sim://?buttons=4&stuck=1") from None


class BoardDriver:
    def __init__(self, url: str, *, clock: Callable[[], float] = time.monotonic, debounce_ms: int = 0,
                 handshake_timeout: float = 0.5, health: LinkHealth | None = None, backoff: Backoff | None = None,
                 opener: Callable[[Endpoint, float], Port] = open_port, read_timeout: float = 0.02,
                 idle_read_timeout: float = IDLE_READ_TIMEOUT,
                 presses: PressPolicy | None = None, queue_size: int = EVENT_QUEUE,
                 sink: Callable[[BoardEvent], None] | None = None) -> None:
        self.url = url
        self.endpoint = parse_url(url)
        self.clock = clock
        self.events: queue.Queue[BoardEvent] = queue.Queue(maxsize=queue_size)
        # Given a sink, events are handed to it on the driver thread instead of queued: no thread
        # between the wire and the consumer. It must not block (the kiosk's hub is bounded).
        self._sink = sink
        self.info: BoardInfo | None = None
        self.stats = LinkStats()
        self.lost_frames = 0  # gaps in the board's sequence numbers
        self.board_errors: list[ErrorReport] = []
        self.simulator: BoardSimulator | None = None
        self._opener = opener
        self._read_timeout = read_timeout
        self._idle_read_timeout = max(read_timeout, idle_read_timeout)
        self._handshake_timeout = handshake_timeout
        self._health = health or LinkHealth()
        self._backoff = backoff or Backoff()
        self._debouncer = Debouncer(debounce_ms)
        self._guard = PressGuard(presses, name=f"board {url}")
        self._guard_lock = threading.Lock()  # the guard lives on the driver thread; health reads it too
        self._queue_full = 0
        self._drops_logged = (0, float("-inf"))  # (dropped total, when) at the last log line
        self._state = DeviceState.ABSENT
        self._reason = "not started"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: Port | None = None
        self._write_lock = threading.Lock()
        self._seq = 0
        self._acks: dict[int, tuple[threading.Event, list[int]]] = {}
        self._selftest: tuple[threading.Event, list[SelftestResult]] | None = None
        self._last_board_seq: int | None = None
        self._board_clock: tuple[int, float] | None = None  # (board_ms, host time) of the last timestamp
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None

    # --- lifecycle ----------------------------------------------------------------------
    def start(self) -> BoardDriver:
        if self.endpoint.scheme == "sim":
            self._tempdir = tempfile.TemporaryDirectory(prefix="nova-board-")
            config = sim_config(self.endpoint.options)
            self.simulator = BoardSimulator(Path(self._tempdir.name) / "nova-board", config).start()
            self.endpoint = Endpoint("serial", str(self.simulator.path), self.endpoint.baud)
        self._thread = threading.Thread(target=self._run, name=f"board {self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        cancel = getattr(self._port, "cancel_read", None)  # a read waiting out its timeout ends now
        if callable(cancel):
            with contextlib.suppress(serial.SerialException, OSError, ValueError):
                cancel()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self._close()
        if self.simulator is not None:
            self.simulator.stop()
        if self._tempdir is not None:
            self._tempdir.cleanup()

    def __enter__(self) -> BoardDriver:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def state(self) -> DeviceState:
        return self._state

    @property
    def reason(self) -> str:
        return self._reason

    @property
    def dropped(self) -> dict[str, int]:
        """Presses dropped since start, by reason: rate (faster than a hand), chatter, queue_full."""
        with self._guard_lock:
            return {**self._guard.dropped, QUEUE_FULL: self._queue_full}

    def input_problems(self) -> list[str]:
        """Chattering or stuck buttons, for /healthz and `kiosk doctor`."""
        with self._guard_lock:
            return self._guard.problems(self.clock())

    # --- commands -----------------------------------------------------------------------
    def set_led(self, led: int, rgb: tuple[int, int, int], blink_ms: int = 0) -> int:
        return self._command(SetLed(led, rgb, blink_ms))

    def buzz(self, hz: int, ms: int) -> int:
        return self._command(Buzz(hz, ms))

    def wait_ack(self, seq: int, timeout: float) -> int | None:
        """The board's status for command `seq` (0 = ok), or None if it never answered."""
        waiter = self._acks.get(seq)
        if waiter is None or not waiter[0].wait(timeout):
            return None
        self._acks.pop(seq, None)
        return waiter[1][0]

    def selftest(self, timeout: float = 1.0) -> SelftestResult | None:
        waiter: tuple[threading.Event, list[SelftestResult]] = (threading.Event(), [])
        self._selftest = waiter
        self._command(Selftest())
        return waiter[1][0] if waiter[0].wait(timeout) else None

    def wait_for(self, state: DeviceState, timeout: float) -> bool:
        """Test and tool helper: block until the driver reaches `state` (True) or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._state == state:
                return True
            time.sleep(0.005)
        return self._state == state

    def _command(self, message: Message) -> int:
        with self._write_lock:
            seq = self._seq
            self._seq = (self._seq + 1) & 0xFF
            self._acks[seq] = (threading.Event(), [])
            self._write(encode_message(message, seq))
        return seq

    def _write(self, data: bytes) -> None:
        port = self._port
        if port is None:
            return  # absent: commands are lost, as on a real unplugged board; state says why
        try:
            port.write(data)
        except (serial.SerialException, OSError) as exc:
            log.debug("board write failed: %s", exc)

    # --- the thread -----------------------------------------------------------------------
    def _run(self) -> None:
        def open_port() -> Port:
            self._port = self._opener(self.endpoint, self._read_timeout)
            return self._port

        def session(port: Port) -> None:
            try:
                self._session()
            finally:
                self._port = None  # commands from other threads stop writing to a closing port

        keep_connected(self.endpoint.target, open_port, session,
                       lambda reason: self._set_state(DeviceState.ABSENT, reason), self._stop, self._backoff)

    def _session(self) -> None:
        packetizer = Packetizer()
        now = self.clock()
        self._health = LinkHealth(self._health.silent_after, self._health.reconnect_after, last_frame=now)
        self._last_board_seq = None
        self._set_state(DeviceState.DEGRADED, "port open, waiting for the board's hello")
        asked_at, asks = now, 1
        self._write(encode_message(HelloRequest(PROTOCOL_VERSION), self._next_seq()))
        port = self._port
        assert port is not None
        while not self._stop.is_set():
            idle = self._health.greeted and not self._debouncer.watching
            wait = self._idle_read_timeout if idle else self._read_timeout
            if port.timeout != wait:  # pyserial reconfigures the port on each change: only when it changes
                port.timeout = wait
            data = port.read(max(1, port.in_waiting))
            now = self.clock()
            if data:
                for frame in packetizer.feed(data):
                    self._track_sequence(frame.seq)
                    self._health.heard(now)
                    self._on_message(unpack_message(frame), now)
            self.stats = packetizer.stats
            self._flush_debounce(now)
            self._log_drops(now)
            if not self._health.greeted and now - asked_at > self._handshake_timeout:
                if asks >= 3:
                    self._set_state(DeviceState.DEGRADED, "the board does not answer the handshake "
                                    "(wrong firmware or protocol?)")
                else:
                    asked_at, asks = now, asks + 1
                    self._write(encode_message(HelloRequest(PROTOCOL_VERSION), self._next_seq()))
            if self._health.greeted:
                state = self._health.state(now)
                if state != self._state:
                    self._set_state(state, "heartbeats resumed" if state == DeviceState.CONNECTED else
                                    f"no heartbeat for {now - self._health.last_frame:.1f} s")
            if self._health.should_reconnect(now):
                self._set_state(DeviceState.DEGRADED, "board silent: reopening the port")
                return

    def _on_message(self, message: Message, now: float) -> None:
        match message:
            case Hello(protocol, firmware, buttons, leds, board_id):
                self.info = BoardInfo(protocol, firmware, buttons, leds, board_id.hex())
                self._health.greeted = True
                self._backoff.reset()
                self._set_state(DeviceState.CONNECTED, f"board {board_id.hex()} firmware "
                                f"{'.'.join(map(str, firmware))}, protocol {protocol[0]}.{protocol[1]}")
            case Button(button, pressed, board_ms):
                self._board_clock = (board_ms, now)
                for b, p, at in self._debouncer.feed(button, pressed, board_ms):
                    self._press(ButtonEvent(b, p, at, now))
            case Heartbeat(uptime_ms, _, _):
                self._board_clock = (uptime_ms, now)
            case Ack(seq, status):
                waiter = self._acks.get(seq)
                if waiter is not None:
                    waiter[1].append(status)
                    waiter[0].set()
            case SelftestResult():
                if self._selftest is not None:
                    self._selftest[1].append(message)
                    self._selftest[0].set()
            case ErrorReport():
                self.board_errors.append(message)
                del self.board_errors[:-50]

    def _flush_debounce(self, now: float) -> None:
        if self._board_clock is None or self._debouncer.ms <= 0:
            return
        board_ms, at = self._board_clock
        estimate = (board_ms + int((now - at) * 1000)) & 0xFFFFFFFF
        for b, p, when in self._debouncer.flush(estimate):
            self._press(ButtonEvent(b, p, when, now))

    def _press(self, event: ButtonEvent) -> None:
        with self._guard_lock:
            admitted = self._guard.admit(event.button, event.pressed, event.received)
        if admitted:
            self._emit(event)

    def _emit(self, event: BoardEvent) -> None:
        if self._sink is not None:
            try:
                self._sink(event)
            except Exception:  # a consumer's bug must not take the port down with it
                log.exception("board %s: the event consumer failed on %s", self.url, event)
            return
        try:
            self.events.put_nowait(event)
        except queue.Full:  # nobody reads (the screen is stalled): the newest is dropped, never the loop
            self._queue_full += 1

    def _log_drops(self, now: float) -> None:
        dropped = self.dropped
        total = sum(dropped.values())
        logged, at = self._drops_logged
        if total > logged and now - at >= DROP_LOG_EVERY:
            log.warning("board %s: %d more presses dropped (since start: %d faster than a hand, %d from "
                        "chattering buttons, %d with the event queue full)", self.url, total - logged, dropped[RATE],
                        dropped[CHATTER], dropped[QUEUE_FULL])
            self._drops_logged = (total, now)

    def _track_sequence(self, seq: int) -> None:
        if self._last_board_seq is not None:
            self.lost_frames += (seq - self._last_board_seq - 1) & 0xFF
        self._last_board_seq = seq

    def _next_seq(self) -> int:
        with self._write_lock:
            seq = self._seq
            self._seq = (self._seq + 1) & 0xFF
            return seq

    def _set_state(self, state: DeviceState, reason: str) -> None:
        if state == self._state and reason == self._reason:
            return
        if state != self._state:
            log.info("board %s: %s (%s)", self.url, state, reason)
            self._emit(StateChanged(state, reason, self.clock()))
        self._state, self._reason = state, reason

    def _close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()


