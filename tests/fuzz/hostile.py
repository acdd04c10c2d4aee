"""Generators of hostile input for the network and device surfaces (seeded, so a failure replays):
HTTP requests for the ops and fleet servers, byte streams for the board's serial line.

`NOVA_FUZZ_SECONDS` lengthens the slow runs (default: a bounded slice that fits CI)."""

from __future__ import annotations

import os
import random
import socket
import time

from hardware.protocol.frames import (
    MAX_PAYLOAD,
    Ack,
    Button,
    ErrorReport,
    Frame,
    Heartbeat,
    Hello,
    Message,
    SelftestResult,
    encode_frame,
    encode_message,
)

# What the servers may answer (docs/security.md): the endpoints' own codes, and http.server's for
# requests it cannot read (400 bad syntax, 414 line too long, 431 headers too big, 501 method,
# 505 version); 503 busy. Nothing else, and never a 500.
HTTP_CODES = frozenset({200, 400, 401, 403, 404, 414, 431, 501, 503, 505})


def fuzz_seconds(default: float) -> float:
    return float(os.environ.get("NOVA_FUZZ_SECONDS", default))


METHODS = [b"GET"] * 6 + [b"HEAD", b"POST", b"PUT", b"DELETE", b"OPTIONS", b"CONNECT", b"get", b"G\x00T", b"\xff\xfe",
                          b"", b"GET GET"]
PATHS = [b"/healthz", b"/metrics", b"/screenshot", b"/", b"/api/fleet", b"/api/screenshot/0", b"/api/screenshot/1",
         b"/api/screenshot/99999999999999999999999", b"/api/screenshot/-1", b"/api/screenshot/\xd9\xa3",
         b"/api/screenshot/\xb2", b"/../../etc/passwd", b"/%2e%2e/%00", b"*", b"http://evil.example/healthz",
         b"//healthz", b"/healthz#x",
         b"/healthz?" + b"a" * 5000, b"/" + b"x" * 70_000, b"/\r\n", b"/healthz\x00", "/é".encode()]
VERSIONS = [b"HTTP/1.0", b"HTTP/1.1", b"HTTP/1.1", b"HTTP/2.0", b"HTTP/0.9", b"HTTP/1.1.1", b"", b"HTTPS/1.1",
            b"HTTP/99999999999999999999.0", b"HTTP/1.-1"]


def http_request(rng: random.Random, good_auth: bytes) -> bytes:
    """One request as raw bytes: mostly plausible, often broken, sometimes plain noise."""
    if rng.random() < 0.08:
        return rng.randbytes(rng.randrange(0, 3000))
    if rng.random() < 0.5:  # plausible: the checks behind the parser get their share
        line = b"GET " + rng.choice(PATHS[:8]) + b" " + rng.choice(VERSIONS[:2])
    else:
        line = b" ".join(part for part in (rng.choice(METHODS), rng.choice(PATHS), rng.choice(VERSIONS)) if part)
    headers = [b"Host: kiosk"] if rng.random() < 0.8 else []
    auth = rng.choice([good_auth, good_auth, b"", b"Bearer wrong", b"Basic !!!", b"Basic " + b"QUFB" * 4000,
                       good_auth + b"x", good_auth[:-1], b"bearer " + good_auth.split(b" ", 1)[-1], b"\xff" * 40])
    if auth:
        headers.append(b"Authorization: " + auth)
    for _ in range(rng.choice([0, 0, 1, 3, 150])):
        headers.append(rng.choice([b"Content-Length: " + rng.choice([b"-1", b"10", b"1e30", b"99999999999999999999"]),
                                   b"Transfer-Encoding: chunked", b"Expect: 100-continue", b"Connection: keep-alive",
                                   b"X-Long: " + b"v" * rng.choice([10, 70_000]), b"no colon here", b"X-Nul: \x00",
                                   b" folded continuation", b"Cookie: " + rng.randbytes(20)]))
    request = line + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + rng.choice([b"\r\n", b"\r\n", b"\n", b""])
    if rng.random() < 0.15:  # cut short
        request = request[:rng.randrange(0, len(request) + 1)]
    if rng.random() < 0.15 and request:  # a few bytes flipped
        data = bytearray(request)
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        request = bytes(data)
    return request


def send_http(port: int, request: bytes, timeout: float = 5.0) -> tuple[int | None, float]:
    """Send, close our side, read the whole answer: (status code or None when no answer, seconds)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        answer = b""
        try:
            sock.sendall(request)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server closed first (a request it refused before reading it all)
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass  # closed with our unread bytes pending: whatever came before the reset counts
    took = time.monotonic() - started
    if not answer:
        return None, took
    status = answer.split(b"\r\n", 1)[0].split(b" ")
    assert status[0] in (b"HTTP/1.0", b"HTTP/1.1") and status[1].isdigit(), answer[:200]
    return int(status[1]), took


# --- the board's serial line ------------------------------------------------------------------

def _message(rng: random.Random) -> Message:
    kind = rng.randrange(6)
    if kind == 0:
        return Button(rng.randrange(16), rng.random() < 0.5, rng.randrange(2**32))
    if kind == 1:
        return Heartbeat(rng.randrange(2**32), rng.randrange(4), rng.randrange(2**16))
    if kind == 2:
        return Ack(rng.randrange(256), rng.randrange(8))
    if kind == 3:
        return SelftestResult(rng.randrange(2**16), rng.randrange(2**16))
    if kind == 4:
        return ErrorReport(rng.randrange(1, 6), rng.randrange(256))
    return Hello((1, rng.randrange(3)), (rng.randrange(256), rng.randrange(256), rng.randrange(256)),
                 rng.randrange(1, 17), rng.randrange(0, 17), rng.randbytes(8))


def serial_chunk(rng: random.Random) -> bytes:
    """Bytes a broken, babbling or hostile board could send."""
    roll = rng.random()
    if roll < 0.25:
        return rng.randbytes(rng.randrange(1, 200))  # noise, zeros included
    if roll < 0.45:  # a well-formed frame of any type and payload, good CRC
        return encode_frame(Frame(rng.randrange(256), rng.randrange(256), rng.randbytes(rng.randrange(MAX_PAYLOAD))))
    if roll < 0.80:  # a real message with any values the protocol allows (presses included: a flood)
        return b"".join(encode_message(_message(rng), rng.randrange(256)) for _ in range(rng.randrange(1, 30)))
    if roll < 0.90:  # a real frame with one bit flipped
        wire = bytearray(encode_message(_message(rng), rng.randrange(256)))
        i = rng.randrange(len(wire))
        wire[i] ^= 1 << rng.randrange(8)
        return bytes(wire)
    return bytes(rng.randrange(1, 256) for _ in range(rng.randrange(100, 600)))  # no delimiter: an overrun
