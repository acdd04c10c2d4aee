"""A thin LRS client over urllib: POST a batch of statements, GET them back. No policy here."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.errors import KioskError

XAPI_VERSION = "1.0.3"


class LrsUnavailableError(KioskError):
    """The LRS could not be reached (network down, refused, timed out)."""

    exit_code = 69


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LrsClient:
    endpoint: str  # e.g. https://lrs.example.org/xAPI/ (statements are posted to <endpoint>statements)
    username: str = ""
    password: str = ""
    token: str = ""
    timeout: float = 10.0

    def _headers(self) -> dict[str, str]:
        headers = {"X-Experience-API-Version": XAPI_VERSION, "Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.username:
            pair = f"{self.username}:{self.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        return headers

    def _url(self, path: str) -> str:
        return self.endpoint.rstrip("/") + "/" + path

    def post(self, statements: Sequence[Mapping[str, Any]]) -> Reply:
        data = json.dumps(list(statements), ensure_ascii=False, separators=(",", ":")).encode()
        request = urllib.request.Request(self._url("statements"), data=data, method="POST", headers=self._headers())
        return self._send(request)

    def get(self, query: str = "") -> Reply:
        request = urllib.request.Request(self._url("statements") + (f"?{query}" if query else ""),
                                         headers=self._headers())
        return self._send(request)

    def get_more(self, more: str) -> Reply:
        """The page a StatementResult's `more` link names (an IRL, usually relative to the LRS's host)."""
        parts = urllib.parse.urlsplit(self.endpoint)
        url = more if "://" in more else f"{parts.scheme}://{parts.netloc}{more}"
        return self._send(urllib.request.Request(url, headers=self._headers()))

    def statements(self, query: str = "") -> list[dict[str, Any]]:
        """Every statement matching `query`, following the LRS's `more` links page by page."""
        found: list[dict[str, Any]] = []
        reply = self.get(query)
        while True:
            if reply.status != 200:
                raise LrsUnavailableError(f"LRS {self.endpoint} answered {reply.status} to a query",
                                          reply.body[:200].decode(errors="replace"))
            page = json.loads(reply.body)
            found += page.get("statements", [])
            more = page.get("more")
            if not more:
                return found
            parts = urllib.parse.urlsplit(self.endpoint)
            url = more if "://" in more else f"{parts.scheme}://{parts.netloc}{more}"
            reply = self._send(urllib.request.Request(url, headers=self._headers()))

    def _send(self, request: urllib.request.Request) -> Reply:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Reply(response.status, response.read(), dict(response.headers.items()))
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read(), dict(exc.headers.items()) if exc.headers else {})
        except (urllib.error.URLError, OSError) as exc:
            raise LrsUnavailableError(f"LRS {self.endpoint} unreachable: {getattr(exc, 'reason', exc)}",
                                      "results stay in the outbox and are sent when it answers") from exc
