"""The ops endpoint under hostile clients: slowloris, a crowd, a bad --listen, a busy port, and
/screenshot kept from other local accounts. Real sockets on 127.0.0.1."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from kiosk.errors import ConfigError
from kiosk.ops.http import ListenError, parse_listen
from kiosk.ops.logs import JsonFormatter
from kiosk.ops.server import OpsServer
from kiosk.ops.status import KioskStatus
from tests.http_kit import get

STATUS = KioskStatus(at=100.0, state="serving", version="0.1.0")


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@contextlib.contextmanager
def _json_logs() -> Iterator[io.StringIO]:
    """The kiosk's JSON log handler on the root logger, into a buffer."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level, root.level = root.level, logging.DEBUG
    handlers, root.handlers = root.handlers, [handler]  # alone: earlier tests' handlers may hold closed streams
    try:
        yield out
    finally:
        root.handlers = handlers
        root.setLevel(level)


def test_800_idle_connections_hold_a_bounded_number_of_threads_for_a_bounded_time(
        capfd: pytest.CaptureFixture[str]) -> None:
    server = OpsServer("127.0.0.1", 0, lambda: STATUS, lambda: 100.0, token="t0ken", max_connections=16,
                       request_seconds=1.0).start()
    before_threads, before_rss = threading.active_count(), _rss_kib()
    sockets: list[socket.socket] = []
    try:
        with _json_logs() as logs:
            for i in range(800):  # slowloris: half a request line, then nothing
                client = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" if i % 2 else b"G")
                sockets.append(client)
            peak_threads = threading.active_count()
            grown_kib = _rss_kib() - before_rss
            busy = 0
            for client in sockets[-100:]:  # the last ones came when all slots were taken
                with contextlib.suppress(OSError):
                    busy += client.recv(64).startswith(b"HTTP/1.0 503")
            time.sleep(1.6)  # past the deadline: the held slots are shut and free again
            code, _ = get(f"http://127.0.0.1:{server.port}/healthz", "t0ken")
            metrics = get(f"http://127.0.0.1:{server.port}/metrics", "t0ken")[1].decode().splitlines()
        assert peak_threads - before_threads <= 16 + 1, f"{peak_threads - before_threads} threads for 800 clients"
        assert grown_kib < 20 * 1024, f"RSS grew {grown_kib} KiB"
        # Most of the last clients read their 503 (a loaded machine may time a few reads out); the server
        # counted every refusal.
        assert busy >= 50 and server.refused >= 700
        assert f"kiosk_ops_connections_refused_total {float(server.refused)}" in metrics
        assert code == 200, "the endpoint answers again once the idle clients' time is up"
        assert threading.active_count() <= before_threads + 1
        lines = logs.getvalue().splitlines()
        assert lines and all(json.loads(line)["message"] for line in lines)  # one JSON object per line
        assert any("connections refused as busy" in json.loads(line)["message"] for line in lines)
        assert "Traceback" not in capfd.readouterr().err
    finally:
        for client in sockets:
            client.close()
        server.stop()


def test_a_request_sent_one_byte_at_a_time_is_cut_at_the_deadline() -> None:
    server = OpsServer("127.0.0.1", 0, lambda: STATUS, lambda: 100.0, request_seconds=0.6).start()
    try:
        client = socket.create_connection(("127.0.0.1", server.port), timeout=3)
        started = time.monotonic()
        with contextlib.suppress(OSError):
            for byte in b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 100:
                client.sendall(bytes([byte]))
                time.sleep(0.05)  # each read sees a byte well within the per-read timeout
        # Cut at 0.6 s; sending it all would take 6.5 s: 4 s leaves a loaded machine slack and still tells them apart
        assert client.recv(100) == b"" and time.monotonic() - started < 4.0
        client.close()
    finally:
        server.stop()


def test_screenshots_are_off_without_a_token_and_need_it_even_on_loopback() -> None:
    shown = []

    def screenshot() -> bytes:
        shown.append(1)
        return b"\x89PNG visitor"

    open_server = OpsServer("127.0.0.1", 0, lambda: STATUS, lambda: 100.0, screenshot=screenshot).start()
    try:
        assert get(f"http://127.0.0.1:{open_server.port}/screenshot") == (
            403, b'{"error": "screenshots need ops.token"}')
        assert get(f"http://127.0.0.1:{open_server.port}/healthz")[0] == 200  # health stays open on loopback
        assert not shown, "no frame was even read"
    finally:
        open_server.stop()
    guarded = OpsServer("127.0.0.1", 0, lambda: STATUS, lambda: 100.0, screenshot=screenshot, token="t0ken").start()
    try:
        assert get(f"http://127.0.0.1:{guarded.port}/screenshot")[0] == 401
        assert get(f"http://127.0.0.1:{guarded.port}/screenshot", "t0ken") == (200, b"\x89PNG visitor")
    finally:
        guarded.stop()


def test_a_bad_listen_address_or_a_busy_port_is_a_clear_error() -> None:
    for text in ("9200", "localhost:", ":9200", "host:99999", "0.0.0.0:port"):
        with pytest.raises(ConfigError, match="is not host:port"):
            parse_listen(text, "--listen")
    assert parse_listen("[::1]:9200", "--listen") == ("::1", 9200)
    first = OpsServer("127.0.0.1", 0, lambda: STATUS, lambda: 100.0).start()
    try:
        with pytest.raises(ListenError, match=rf"127\.0\.0\.1:{first.port} is already in use"):
            OpsServer("127.0.0.1", first.port, lambda: STATUS, lambda: 100.0)
    finally:
        first.stop()
    with pytest.raises(ListenError, match=r"cannot listen on 192\.0\.2\.1"):  # TEST-NET: not this machine
        OpsServer("192.0.2.1", 0, lambda: STATUS, lambda: 100.0, token="t")


def test_the_deadline_to_send_a_request_does_not_cut_a_slow_answer() -> None:
    def slow_screenshot() -> bytes:
        time.sleep(1.0)  # the GL thread takes its time; the request itself came at once
        return b"\x89PNG late"

    server = OpsServer("127.0.0.1", 0, lambda: STATUS, lambda: 100.0, screenshot=slow_screenshot, token="t0ken",
                       request_seconds=0.3).start()
    try:
        assert get(f"http://127.0.0.1:{server.port}/screenshot", "t0ken") == (200, b"\x89PNG late")
    finally:
        server.stop()
