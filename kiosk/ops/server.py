"""The kiosk's operations endpoint: /healthz, /metrics (Prometheus text or OpenMetrics), /screenshot (PNG).

It listens on 127.0.0.1 by default. A request from anywhere but loopback must carry
`Authorization: Bearer <token>`; without it, or with a wrong one, the answer is a bare 401 with
no detail. Listening beyond loopback without a token configured is refused at start.
/screenshot shows a visitor's screen: it is off (403) unless a token is set, and then needs the
token even on loopback, so no other local account can look over a visitor's shoulder.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable

from kiosk.errors import ConfigError
from kiosk.ops.http import MAX_CONNECTIONS, REQUEST_SECONDS, LocalServer, QuietHandler, loopback
from kiosk.ops.status import KioskStatus, assess


class OpsServer:
    def __init__(self, host: str, port: int, snapshot: Callable[[], KioskStatus], clock: Callable[[], float], *,
                 screenshot: Callable[[], bytes | None] = lambda: None, token: str = "",
                 max_connections: int = MAX_CONNECTIONS, request_seconds: float = REQUEST_SECONDS) -> None:
        if not loopback(host) and not token:
            raise ConfigError(f"ops.listen {host}:{port} is reachable from the network but ops.token is empty",
                              "set a long random ops.token, or listen on 127.0.0.1")
        self.snapshot, self.clock, self.screenshot, self.token = snapshot, clock, screenshot, token
        self._server = LocalServer(host, port, self._handler(), "ops-http", max_connections=max_connections,
                                   request_seconds=request_seconds)

    @property
    def port(self) -> int:
        return self._server.port

    def start(self) -> OpsServer:
        self._server.start()
        return self

    @property
    def refused(self) -> int:
        return self._server.refused

    def stop(self) -> None:
        self._server.stop()

    def _handler(self) -> type[QuietHandler]:
        ops = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server names it so
                if not self._allowed():
                    self.send_body(401, b'{"error": "unauthorized"}', "application/json")
                    return
                path = self.path.split("?", 1)[0]
                status = ops.snapshot()
                if path == "/healthz":
                    health = assess(status, ops.clock())
                    body = {"status": health.status, "problems": list(health.problems), "state": status.state,
                            "reason": status.reason, "version": status.version, "frames": status.frames_drawn,
                            "sync_pending": status.sync_pending, "devices": dict(status.devices),
                            "disk_free_bytes": status.disk_free_bytes}
                    self.send_body(503 if health.status == "failing" else 200, json.dumps(body).encode(),
                               "application/json")
                elif path == "/metrics":
                    from kiosk.ops.metrics import render_metrics  # prometheus-client: at the first scrape, not at start

                    metrics, content_type = render_metrics(status, ops.clock(), self.headers.get("Accept", ""),
                                                           ops.refused)
                    self.send_body(200, metrics, content_type)
                elif path == "/screenshot":
                    if not ops.token:  # a visitor's screen: never for whoever shares the machine
                        self.send_body(403, b'{"error": "screenshots need ops.token"}', "application/json")
                        return
                    png = ops.screenshot()
                    if png is None:
                        self.send_body(503, b'{"error": "no frame yet"}', "application/json")
                    else:
                        self.send_body(200, png, "image/png")
                else:
                    self.send_body(404, b'{"error": "not found"}', "application/json")

            def _allowed(self) -> bool:
                if loopback(self.client_address[0]) and not ops.token:
                    return True
                given = self.headers.get("Authorization", "")
                expected = f"Bearer {ops.token}"
                return bool(ops.token) and hmac.compare_digest(given.encode(), expected.encode())

        return Handler
