"""A window's input waits in SDL's own event wait (pygame-ce's `event.wait` is a loop of 1 ms sleeps),
found in the SDL library pygame loaded, and any thread's posted event ends it."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from kiosk.render.window_input import make_pygame_input, sdl_wait_event


def test_sdl_wait_is_found_in_the_loaded_library_and_woken_from_another_thread() -> None:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame = pytest.importorskip("pygame")
    pygame.display.init()
    try:
        sdl_wait = sdl_wait_event()
        assert sdl_wait is not None
        wait = make_pygame_input(lambda event: event.type if event.type == pygame.USEREVENT else None,  # type: ignore[arg-type,return-value]
                                 sdl_wait)
        started = time.monotonic()
        assert wait(0.05) == [] and time.monotonic() - started >= 0.04  # nothing came: it waited its time
        timer = threading.Timer(0.05, lambda: pygame.event.post(pygame.event.Event(pygame.USEREVENT)))
        timer.start()
        started = time.monotonic()
        assert wait(5.0) == [pygame.USEREVENT]
        assert time.monotonic() - started < 2.0  # woken by the post, not by the timeout
        timer.join()
    finally:
        pygame.display.quit()


def test_without_sdl_in_the_process_the_wait_is_pygames(tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    maps.write_text("7f0000 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libSDL2_image-2.0.so.0.800.4\n")
    assert sdl_wait_event(maps) is None
