"""The fleet dashboard facing the network and hostile kiosks: a login beyond loopback, checked on
every route; one kiosk answering garbage never breaks the others; clear errors at start."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from kiosk.cli import main
from kiosk.errors import ConfigError
from kiosk.ops.fleet import FleetServer, basic_auth_header, credentials_match
from kiosk.ops.server import OpsServer
from kiosk.ops.status import KioskStatus
from tests.fuzz.hostile import send_http

GOOD = KioskStatus(at=100.0, state="serving", version="0.1.0", sync_pending=4, devices={"board": "connected"})


def _answer(health: bytes, metrics: bytes = b"") -> Callable[[socket.socket], None]:
    def send(conn: socket.socket) -> None:
        asked = conn.recv(4096)
        body = metrics if asked.startswith(b"GET /metrics") else health
        conn.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + body)
    return send


def _trickle(conn: socket.socket) -> None:
    conn.recv(4096)
    with contextlib.suppress(OSError):
        for byte in b"HTTP/1.0 200 OK\r\n\r\n{}":
            conn.sendall(bytes([byte]))
            time.sleep(0.5)  # a byte every half second: each read succeeds, the whole never comes


def _flood(conn: socket.socket) -> None:
    conn.recv(4096)
    with contextlib.suppress(OSError):
        conn.sendall(b"HTTP/1.0 200 OK\r\n\r\n[" + b"0," * (4 << 20))  # 8 MiB and counting


def _then_close(behaviour: Callable[[socket.socket], None], conn: socket.socket) -> None:
    with conn:
        behaviour(conn)


@contextlib.contextmanager
def _hostile(behaviour: Callable[[socket.socket], None]) -> Iterator[str]:
    """A "kiosk" on 127.0.0.1 that answers every connection with `behaviour`."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=_then_close, args=(behaviour, conn), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def _get(url: str, auth: str = "") -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Authorization": auth} if auth else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def test_one_hostile_kiosk_never_breaks_the_others_lines() -> None:
    kiosk = OpsServer("127.0.0.1", 0, lambda: GOOD, lambda: 100.0, token="k-t0ken").start()
    behaviours = {"huge-number": _answer(b'{"status": "ok", "sync_pending": 1e400, "disk_free_bytes": -1e400}'),
                  "nested": _answer(b"[" * 200_000 + b"]" * 200_000),
                  "not-json": _answer(b"\xff\xfe garbage"),
                  "list": _answer(b'[1, 2, 3]'),
                  "bad-metrics": _answer(b'{"status": "ok"}', b"kiosk_frame_time_seconds_sum 1e400\n{{{"),
                  "odd-shape": _answer(b'{"status": "<b>ok</b>", "problems": "x", "devices": [1],'
                                       b' "state": {"a": 1}, "sync_pending": "12"}'),
                  "trickle": _trickle, "flood": _flood}
    with contextlib.ExitStack() as stack:
        kiosks = [("lyon-1", f"http://127.0.0.1:{kiosk.port}")]
        kiosks += [(name, stack.enter_context(_hostile(b))) for name, b in behaviours.items()]
        fleet = FleetServer("127.0.0.1", 0, kiosks, "k-t0ken").start()
        try:
            started = time.monotonic()
            code, body, _ = _get(f"http://127.0.0.1:{fleet.port}/api/fleet")
            took = time.monotonic() - started
        finally:
            fleet.stop()
            kiosk.stop()
    assert code == 200 and took < 8.0, f"/api/fleet took {took:.1f} s"
    lines = {line["name"]: line for line in json.loads(body)}  # strict JSON: no Infinity, no NaN
    assert lines["lyon-1"]["status"] == "ok" and lines["lyon-1"]["sync_pending"] == 4
    assert lines["huge-number"]["sync_pending"] == 0 and lines["huge-number"]["disk_free_gb"] is None
    for name in ("nested", "not-json", "list"):
        assert lines[name]["status"] == "offline" and "unusable answer" in lines[name]["alerts"][0], lines[name]
    odd = lines["odd-shape"]
    assert (odd["status"], odd["problems"], odd["devices"], odd["state"], odd["sync_pending"]) == (
        "failing", [], {}, "", 0)
    assert lines["bad-metrics"]["status"] == "ok" and lines["bad-metrics"]["frame_ms"] is None
    assert lines["trickle"]["status"] == "offline" and "within 3 s" in lines["trickle"]["alerts"][0]
    assert lines["flood"]["status"] == "offline" and "larger than" in lines["flood"]["alerts"][0]


def test_a_login_guards_every_route_and_is_required_beyond_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    kiosk = OpsServer("127.0.0.1", 0, lambda: GOOD, lambda: 100.0, token="k-t0ken",
                      screenshot=lambda: b"\x89PNG visitor").start()
    fleet = FleetServer("127.0.0.1", 0, [("lyon-1", f"http://127.0.0.1:{kiosk.port}")], "k-t0ken",
                        auth="operator:long-enough-secret").start()
    base = f"http://127.0.0.1:{fleet.port}"
    try:
        for path in ("/", "/api/fleet", "/api/screenshot/0", "/nowhere"):
            for auth in ("", basic_auth_header("operator", "wrong-secret"), basic_auth_header("admin", "x"),
                         "Bearer long-enough-secret", "Basic !!!", "Basic " + "QQ==" * 5000):
                code, body, headers = _get(base + path, auth)
                assert (code, body) == (401, b"login required"), (path, auth[:30])
                assert headers["WWW-Authenticate"].startswith("Basic realm=")
        good = basic_auth_header("operator", "long-enough-secret")
        assert _get(base + "/", good)[0] == 200
        assert json.loads(_get(base + "/api/fleet", good)[1])[0]["status"] == "ok"
        assert _get(base + "/api/screenshot/0", good)[:2] == (200, b"\x89PNG visitor")
        for odd in (b"\xb2", b"\xb9", b"-1", b"1", b"99999999999999999999"):  # "²": str.isdigit, not int
            request = b"GET /api/screenshot/" + odd + b" HTTP/1.0\r\nAuthorization: " + good.encode() + b"\r\n\r\n"
            assert send_http(fleet.port, request)[0] == 404, odd
    finally:
        fleet.stop()
        kiosk.stop()
    assert credentials_match(basic_auth_header("u", "pässwörd-1"), "u", "pässwörd-1")
    for header in ("Basic ü", "Basic /w==", "Basic", "", "Basic " + "=" * 9, "Basic dTpw\x00"):  # found by the fuzz
        assert not credentials_match(header, "u", "p")
    with pytest.raises(ConfigError, match="without a login"):
        FleetServer("0.0.0.0", 0, [])
    with pytest.raises(ConfigError, match="8 characters or more"):
        FleetServer("127.0.0.1", 0, [], auth="operator:short")
    assert main(["fleet", "a=http://10.0.0.1:9108", "--listen", "0.0.0.0:9200"]) == 78
    assert "without a login" in capsys.readouterr().err


def test_a_bad_listen_or_a_busy_port_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fleet", "a=http://10.0.0.1:9108", "--listen", "9200"]) == 78
    err = capsys.readouterr().err
    assert err.startswith("kiosk: error: --listen `9200` is not host:port") and err.count("\n") == 1
    busy = socket.create_server(("127.0.0.1", 0))
    try:
        assert main(["fleet", "a=http://10.0.0.1:9108", "--listen", f"127.0.0.1:{busy.getsockname()[1]}"]) == 69
    finally:
        busy.close()
    err = capsys.readouterr().err
    assert "is already in use" in err and err.count("\n") == 1 and "Traceback" not in err
