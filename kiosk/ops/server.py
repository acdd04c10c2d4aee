"""The kiosk's operations endpoint: /healthz, /metrics (Prometheus), /screenshot (PNG).

It listens on 127.0.0.1 by default. A request from anywhere but loopback must carry
`Authorization: Bearer <token>`; without it, or with a wrong one, the answer is a bare 401 with
no detail. Listening beyond loopback without a token configured is refused at start.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kiosk.errors import ConfigError
from kiosk.ops.metrics import render_metrics
from kiosk.ops.status import KioskStatus, assess


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class OpsServer:
    def __init__(self, host: str, port: int, snapshot: Callable[[], KioskStatus], clock: Callable[[], float], *,
                 screenshot: Callable[[], bytes | None] = lambda: None, token: str = "") -> None:
        if not _loopback(host) and not token:
            raise ConfigError(f"ops.listen {host}:{port} is reachable from the network but ops.token is empty",
                              "set a long random ops.token, or listen on 127.0.0.1")
        self.snapshot, self.clock, self.screenshot, self.token = snapshot, clock, screenshot, token
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> OpsServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="ops-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        ops = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "nova-kiosk"
            sys_version = ""

            def do_GET(self) -> None:
                if not self._allowed():
                    self._send(401, b'{"error": "unauthorized"}', "application/json")
                    return
                path = self.path.split("?", 1)[0]
                status = ops.snapshot()
                if path == "/healthz":
                    health = assess(status, ops.clock())
                    body = {"status": health.status, "problems": list(health.problems), "state": status.state,
                            "reason": status.reason, "version": status.version, "frames": status.frames_drawn,
                            "sync_pending": status.sync_pending, "devices": dict(status.devices),
                            "disk_free_bytes": status.disk_free_bytes}
                    self._send(503 if health.status == "failing" else 200, json.dumps(body).encode(),
                               "application/json")
                elif path == "/metrics":
                    self._send(200, render_metrics(status, ops.clock()), "text/plain; version=0.0.4")
                elif path == "/screenshot":
                    png = ops.screenshot()
                    if png is None:
                        self._send(503, b'{"error": "no frame yet"}', "application/json")
                    else:
                        self._send(200, png, "image/png")
                else:
                    self._send(404, b'{"error": "not found"}', "application/json")

            def _allowed(self) -> bool:
                if _loopback(self.client_address[0]) and not ops.token:
                    return True
                given = self.headers.get("Authorization", "")
                expected = f"Bearer {ops.token}"
                return bool(ops.token) and hmac.compare_digest(given.encode(), expected.encode())

            def _send(self, code: int, body: bytes, kind: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:  # requests are not worth a log line each
                pass

        return Handler
