"""Plain HTTP from the tests to the kiosk's endpoints on 127.0.0.1: a request with the ops token,
and a GET that answers (status, body) whatever the status, so that a test asserts refusals too."""

from __future__ import annotations

import urllib.error
import urllib.request


def authorized(url: str, token: str = "") -> urllib.request.Request:
    return urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})


def get(url: str, token: str = "") -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(authorized(url, token), timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
