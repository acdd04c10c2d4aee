"""One GET to a kiosk with a deadline for the whole exchange and a cap on the answer's size.

urllib's timeout bounds each socket read, not the request: a kiosk (or whatever answers at its
address) sending a byte every two seconds would hold the fleet's poll for ever, and one sending
gigabytes would fill its memory. This reads the raw answer itself: HTTP/1.0, so the kiosk closes
the connection after the body and no chunked encoding is involved.
"""

from __future__ import annotations

import socket
import ssl
import time
import urllib.parse

MAX_ANSWER = 1 << 20  # /healthz and /metrics of one kiosk are a few KiB
MAX_IMAGE = 16 << 20  # a 1080p PNG screenshot is a few MiB


class AnswerError(ValueError):
    """The answer is not usable HTTP: too big, not HTTP, or cut short."""


def get(url: str, token: str = "", *, deadline: float = 3.0, limit: int = MAX_ANSWER) -> tuple[int, bytes]:
    """(status, body) of GET `url`; OSError (incl. TimeoutError) when unreachable or too slow,
    AnswerError when what came back is not a usable answer."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AnswerError(f"{url}: not an http(s) URL")
    ends = time.monotonic() + deadline
    port = parts.port or (443 if parts.scheme == "https" else 80)
    sock = socket.create_connection((parts.hostname, port), timeout=deadline)
    try:
        if parts.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        sock.sendall(f"GET {target} HTTP/1.0\r\nHost: {parts.netloc}\r\n{auth}\r\n".encode())
        data = _read_until_closed(sock, ends, deadline, limit)
    finally:
        sock.close()
    return _status_and_body(data)


def _read_until_closed(sock: socket.socket, ends: float, deadline: float, limit: int) -> bytes:
    """Everything the server sends until it closes, within the deadline of the whole exchange."""
    data = bytearray()
    while True:
        left = ends - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no whole answer within {deadline:.0f} s")
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            raise TimeoutError(f"no whole answer within {deadline:.0f} s") from None
        if not chunk:
            return bytes(data)
        data += chunk
        if len(data) > limit + 16384:  # the body's cap plus room for headers
            raise AnswerError(f"answer larger than {limit // 1024} KiB")


def _status_and_body(data: bytes) -> tuple[int, bytes]:
    head, blank, body = data.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].split(b" ", 2)
    if not blank or len(status) < 2 or not status[0].startswith(b"HTTP/") or not status[1].isdigit():
        raise AnswerError("not an HTTP answer")
    return int(status[1]), body
