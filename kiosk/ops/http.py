"""What the ops endpoint and the fleet dashboard share: a threaded HTTP server on its own thread
with bounded connections and a deadline per request, and a request handler that answers with a
body and logs nothing per request.

Bounds (docs/security.md): at most `max_connections` requests are served at once, one thread
each; a connection beyond that gets a bare 503 and is closed at once (no thread). A request must
arrive whole within `request_seconds`, and then be answered within `answer_seconds`, or its
connection is shut — so idle or one-byte-at-a-time clients (slowloris) hold a slot for seconds,
not for ever. Errors in a connection are one log line, never a traceback on stderr.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kiosk.errors import ConfigError, KioskError

log = logging.getLogger("kiosk.ops")

MAX_CONNECTIONS = 32  # requests served at once; a kiosk's endpoint sees a few pollers, not crowds
REQUEST_SECONDS = 5.0  # to send a whole request
ANSWER_SECONDS = 10.0  # then to be answered (a screenshot waits for the GL thread) and read the answer
REFUSED_LOG_EVERY = 10.0  # seconds between two log lines about refused connections
BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 17\r\n"
        b"Connection: close\r\nRetry-After: 1\r\n\r\n{\"error\": \"busy\"}")


class ListenError(KioskError):
    """The address cannot be listened on: taken by another program, or not this machine's."""

    exit_code = 69  # EX_UNAVAILABLE


def loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def parse_listen(text: str, what: str) -> tuple[str, int]:
    """`host:port` (IPv6 as `[::1]:9200`) → (host, port), or a ConfigError naming `what`."""
    host, _, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ConfigError(f"{what} `{text}` is not host:port", hint="e.g. 127.0.0.1:9200, or 0.0.0.0:9200 with auth")
    return host, int(port)


class QuietHandler(BaseHTTPRequestHandler):
    server_version = "nova-kiosk"
    sys_version = ""
    timeout = REQUEST_SECONDS  # each read; the server's deadline bounds the whole request
    default_request_version = "HTTP/1.0"  # a version-less request gets a status line too, not HTTP/0.9's bare body
    error_message_format = "%(code)d %(message)s\n"  # no HTML page echoing the request
    error_content_type = "text/plain; charset=utf-8"

    # HTTP/0.9 answers have no status line or headers: every answer here has both.
    def parse_request(self) -> bool:
        ok = super().parse_request()
        if ok and not self.request_version.startswith("HTTP/1."):
            self.send_error(505, "HTTP/1.0 or 1.1 only")
            return False
        if ok and isinstance(self.server, BoundedHTTPServer):  # read whole: the answer's time starts
            self.server.answering(self.connection)
        return ok

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if not self.request_version.startswith("HTTP/1."):
            self.request_version = "HTTP/1.0"
        super().send_error(code, message, explain)

    def send_body(self, code: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # requests are not worth a log line each
        pass


class BoundedHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the kernel's backlog; connections past the bound are refused by us, not it

    def __init__(self, address: tuple[str, int], handler: type[QuietHandler], name: str, *,
                 max_connections: int = MAX_CONNECTIONS, request_seconds: float = REQUEST_SECONDS,
                 answer_seconds: float = ANSWER_SECONDS) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)
        self.name, self.request_seconds, self.max_connections = name, request_seconds, max_connections
        self.answer_seconds = answer_seconds
        self.refused = 0  # connections answered "busy" since start
        self._slots = threading.BoundedSemaphore(max_connections)
        self._open: dict[socket.socket, float] = {}  # connection -> when it must be done
        self._lock = threading.Lock()
        self._refused_logged = (0, float("-inf"))

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.refused += 1
            with contextlib.suppress(OSError):
                request.setblocking(False)
                request.send(BUSY)
            self.shutdown_request(request)
            return
        with self._lock:
            self._open[request] = time.monotonic() + self.request_seconds
        try:
            super().process_request(request, client_address)
        except RuntimeError as exc:  # no thread to be had: refuse like a full house
            self._done(request)
            self.shutdown_request(request)
            log.warning("%s: connection refused (%s)", self.name, exc)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._done(request)

    def answering(self, request: socket.socket) -> None:
        """The request has arrived whole: from now on it has `answer_seconds`."""
        with self._lock:
            if request in self._open:
                self._open[request] = time.monotonic() + self.answer_seconds

    def _done(self, request: socket.socket) -> None:
        with self._lock:
            if self._open.pop(request, None) is not None:
                self._slots.release()

    def service_actions(self) -> None:
        """Between accepts (at least every poll interval): shut connections past their deadline, so
        their threads end, and say how many were refused since the last line."""
        now = time.monotonic()
        with self._lock:
            late = [sock for sock, deadline in self._open.items() if now > deadline]
        for sock in late:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        logged, at = self._refused_logged
        if self.refused > logged and now - at >= REFUSED_LOG_EVERY:
            log.warning("%s: %d connections refused as busy (more than %d at once)", self.name,
                        self.refused - logged, self.max_connections)
            self._refused_logged = (self.refused, now)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, never socketserver's traceback on stderr (it would break JSON logs)."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):  # the client went away, or its deadline passed: routine
            log.debug("%s: connection from %s ended: %s", self.name, client_address[0], exc)
        else:
            log.error("%s: request from %s failed: %s: %s", self.name, client_address[0], type(exc).__name__, exc)


class LocalServer:
    def __init__(self, host: str, port: int, handler: type[QuietHandler], name: str, *,
                 max_connections: int = MAX_CONNECTIONS, request_seconds: float = REQUEST_SECONDS,
                 answer_seconds: float = ANSWER_SECONDS) -> None:
        try:
            self._server = BoundedHTTPServer((host, port), handler, name, max_connections=max_connections,
                                             request_seconds=request_seconds, answer_seconds=answer_seconds)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ListenError(f"{name}: {host}:{port} is already in use",
                                  hint="stop what listens there (`ss -ltnp`) or choose another port") from None
            raise ListenError(f"{name}: cannot listen on {host}:{port}: {exc.strerror or exc}",
                              hint="use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0") from None
        self.name = name

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def refused(self) -> int:
        return self._server.refused

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.25}, name=self.name,
                         daemon=True).start()

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.25)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
