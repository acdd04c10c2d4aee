"""The thin I/O edges: sd_notify over a real datagram socket, SDL events → input events."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from kiosk.events import KeyPressed, PointerDown, PointerUp, QuitRequested
from kiosk.ops.systemd import sd_notify
from kiosk.render.viewport import Viewport


def test_sd_notify_sends_the_state_to_the_notify_socket(tmp_path: Path) -> None:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        assert sd_notify("READY=1", {"NOTIFY_SOCKET": str(path)})
        assert server.recv(64) == b"READY=1"


def test_sd_notify_is_a_no_op_outside_systemd() -> None:
    assert not sd_notify("READY=1", {})


def test_sd_notify_never_raises_when_systemd_went_away(tmp_path: Path) -> None:
    assert not sd_notify("WATCHDOG=1", {"NOTIFY_SOCKET": str(tmp_path / "gone.sock")})


def test_sdl_events_become_design_space_input() -> None:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame = pytest.importorskip("pygame")
    from kiosk.render.window_input import make_event_translator

    window = (960, 540)  # half the design size: coordinates double
    translate = make_event_translator(Viewport.fit(window), window, lambda: 3.0)
    ev = pygame.event.Event
    assert translate(ev(pygame.MOUSEBUTTONDOWN, pos=(480, 270), button=1, touch=False)) == PointerDown(960, 540, 3.0)
    assert translate(ev(pygame.MOUSEBUTTONDOWN, pos=(1, 1), button=1, touch=True)) is None  # synthesised by touch
    assert translate(ev(pygame.FINGERDOWN, x=0.25, y=0.5, touch_id=1, finger_id=0)) == PointerDown(480, 540, 3.0)
    assert translate(ev(pygame.FINGERUP, x=1.0, y=1.0, touch_id=1, finger_id=0)) == PointerUp(1920, 1080, 3.0)
    assert translate(ev(pygame.KEYDOWN, key=pygame.K_RETURN)) == KeyPressed("return", 3.0)
    assert translate(ev(pygame.QUIT)) == QuitRequested(3.0)
    assert translate(ev(pygame.WINDOWMOVED, x=0, y=0)) is None


def test_pygame_input_never_blocks_when_a_frame_is_due_now() -> None:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame = pytest.importorskip("pygame")
    from kiosk.render.window_input import make_pygame_input

    pygame.display.init()
    try:
        wait = make_pygame_input(lambda event: None)
        assert wait(0.0) == []  # returns at once; a 0 ms SDL wait would block forever
        assert wait(0.0004) == []
        pygame.event.post(pygame.event.Event(pygame.USEREVENT))
        seen: list[int] = []
        wait = make_pygame_input(lambda event: seen.append(event.type))  # type: ignore[func-returns-value]
        wait(0.05)
        assert pygame.USEREVENT in seen
    finally:
        pygame.display.quit()
