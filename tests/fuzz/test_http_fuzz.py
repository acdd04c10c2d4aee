"""HTTP fuzzing of the ops endpoint and the fleet dashboard on real sockets: every answer has a
documented status, comes within the request deadline, never lets a request without the secret
through, and the servers keep bounded threads and memory and keep answering."""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest

from kiosk.ops.fleet import FleetServer, basic_auth_header
from kiosk.ops.server import OpsServer
from kiosk.ops.status import KioskStatus
from tests.fuzz.hostile import HTTP_CODES, fuzz_seconds, http_request, send_http

STATUS = KioskStatus(at=100.0, state="serving", version="0.1.0", sync_pending=3, devices={"board": "connected"})
TOKEN = "fuzz-t0ken-0123456789"
LOGIN = ("operator", "fuzz-password-123")


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


class _Failures(logging.Handler):
    """Errors the servers log: a request handler that raised (its client got no answer)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _fuzz(port: int, seconds: float, seed: int, good_auth: bytes,
          allowed: Callable[[bytes, int], bool]) -> Counter[int | None]:
    """Requests for `seconds`; every answer checked. Returns how many got each status (None: no answer)."""
    rng = random.Random(seed)
    threads, rss = threading.active_count(), _rss_kib()
    failures = _Failures()
    logging.getLogger("kiosk.ops").addHandler(failures)
    sent, ends, codes = 0, time.monotonic() + seconds, Counter[int | None]()
    try:
        while time.monotonic() < ends:
            request = http_request(rng, good_auth)
            code, took = send_http(port, request)
            sent += 1
            codes[code] += 1
            assert took < 3.0, f"request {sent} (seed {seed}) took {took:.1f} s: {request[:120]!r}"
            if code is not None:
                assert code in HTTP_CODES, f"status {code} for {request[:200]!r}"
                assert allowed(request, code), f"status {code} for {request[:200]!r}"
            assert not failures.records, f"{failures.records[0].getMessage()} for {request[:200]!r}"
    finally:
        logging.getLogger("kiosk.ops").removeHandler(failures)
    time.sleep(0.3)  # the last handler threads end
    assert threading.active_count() <= threads + 2
    assert _rss_kib() - rss < 50 * 1024, "memory grew by more than 50 MiB"
    assert codes[200] and codes[400], f"the fuzz never reached past or into the checks: {codes}"
    return codes


def _with_secret(secret: bytes) -> Callable[[bytes, int], bool]:
    """A 200 only for a request that carried exactly the secret header (to its line's end or the request's)."""
    header = re.compile(rb"\n(?i:authorization):[ \t]*" + re.escape(secret) + rb"[ \t]*(\r|\n|$)")
    return lambda request, code: code != 200 or header.search(request) is not None


def test_the_ops_endpoint_under_fuzzed_requests() -> None:
    server = OpsServer("127.0.0.1", 0, lambda: STATUS, lambda: 100.0, token=TOKEN,
                       screenshot=lambda: b"\x89PNG frame", request_seconds=1.0).start()
    secret = f"Bearer {TOKEN}".encode()
    try:
        assert _fuzz(server.port, 2.0, 1, secret, _with_secret(secret))[401] > 10
        assert send_http(server.port, b"GET /healthz HTTP/1.0\r\nAuthorization: " + secret + b"\r\n\r\n")[0] == 200
    finally:
        server.stop()


def test_the_ops_endpoint_without_a_token_never_shows_the_screen() -> None:
    server = OpsServer("127.0.0.1", 0, lambda: STATUS, lambda: 100.0, screenshot=lambda: b"\x89PNG frame",
                       request_seconds=1.0).start()

    def allowed(request: bytes, code: int) -> bool:
        return code != 200 or b"/screenshot" not in request.split(b"\r\n", 1)[0]

    try:
        assert _fuzz(server.port, 1.5, 3, b"", allowed)[403] > 0
    finally:
        server.stop()


def test_the_fleet_dashboard_under_fuzzed_requests() -> None:
    kiosk = OpsServer("127.0.0.1", 0, lambda: STATUS, lambda: 100.0, token=TOKEN,
                      screenshot=lambda: b"\x89PNG frame").start()
    fleet = FleetServer("127.0.0.1", 0, [("lyon-1", f"http://127.0.0.1:{kiosk.port}")], TOKEN,
                        auth=":".join(LOGIN)).start()
    secret = basic_auth_header(*LOGIN).encode()
    try:
        assert _fuzz(fleet.port, 2.0, 4, secret, _with_secret(secret))[401] > 10
    finally:
        fleet.stop()
        kiosk.stop()


@pytest.mark.slow
def test_a_longer_fuzz_of_both_servers() -> None:
    server = OpsServer("127.0.0.1", 0, lambda: STATUS, lambda: 100.0, token=TOKEN,
                       screenshot=lambda: b"\x89PNG frame", request_seconds=1.0).start()
    fleet = FleetServer("127.0.0.1", 0, [("lyon-1", f"http://127.0.0.1:{server.port}")], TOKEN,
                        auth=":".join(LOGIN)).start()
    try:
        ops_secret, fleet_secret = f"Bearer {TOKEN}".encode(), basic_auth_header(*LOGIN).encode()
        print("ops:", _fuzz(server.port, fuzz_seconds(15.0), 10, ops_secret, _with_secret(ops_secret)))
        print("fleet:", _fuzz(fleet.port, fuzz_seconds(15.0), 11, fleet_secret, _with_secret(fleet_secret)))
    finally:
        fleet.stop()
        server.stop()
