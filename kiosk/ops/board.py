"""The bridge between the frame loop (GL thread) and the ops server (HTTP threads): the latest
status snapshot, and screenshots taken on the GL thread when the server asks for one."""

from __future__ import annotations

import threading

from kiosk.ops.status import KioskStatus


class StatusBoard:
    def __init__(self, first: KioskStatus) -> None:
        self._status = first
        self._png: bytes | None = None
        self._wanted = threading.Event()
        self._ready = threading.Condition()

    def publish(self, status: KioskStatus) -> None:
        self._status = status  # one reference swap: readers see the old snapshot or the new one

    def snapshot(self) -> KioskStatus:
        return self._status

    # --- screenshots: asked for by HTTP threads, made by the GL thread -----------------------
    def request_screenshot(self, timeout: float = 2.0) -> bytes | None:
        with self._ready:
            self._wanted.set()
            self._ready.wait(timeout)
            return self._png

    def screenshot_wanted(self) -> bool:
        return self._wanted.is_set()

    def deliver_screenshot(self, png: bytes) -> None:
        with self._ready:
            self._png = png
            self._wanted.clear()
            self._ready.notify_all()
