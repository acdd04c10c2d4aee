"""SDL (pygame) events → engine input events, in design-space coordinates.

Touch screens arrive as SDL finger events (USB HID touch via evdev); mice and keyboards
as their own events. Mouse events synthesised from touches are dropped, so a tap counts once.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
from collections.abc import Callable
from pathlib import Path

import pygame

from kiosk.events import InputEvent, KeyPressed, PointerDown, PointerMoved, PointerUp, QuitRequested
from kiosk.render.viewport import Viewport

TOUCH_MOUSEID = getattr(pygame, "TOUCH_MOUSEID", -1)


def make_event_translator(viewport: Viewport, window_size: tuple[int, int],
                          clock: Callable[[], float]) -> Callable[[pygame.event.Event], InputEvent | None]:
    width, height = window_size

    def design(px: float, py: float) -> tuple[float, float]:
        # Window pixels have their origin top-left; the viewport's y is counted from the bottom.
        return viewport.to_design(px, py, height)

    def translate(event: pygame.event.Event) -> InputEvent | None:
        now = clock()
        if event.type == pygame.QUIT:
            return QuitRequested(now)
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            if getattr(event, "touch", False) or getattr(event, "which", None) == TOUCH_MOUSEID:
                return None
            x, y = design(*event.pos)
            return (PointerDown if event.type == pygame.MOUSEBUTTONDOWN else PointerUp)(x, y, now)
        if event.type == pygame.MOUSEMOTION and any(event.buttons) and not getattr(event, "touch", False):
            return PointerMoved(*design(*event.pos), now)
        if event.type == pygame.FINGERMOTION:
            return PointerMoved(*design(event.x * width, event.y * height), now)
        if event.type in (pygame.FINGERDOWN, pygame.FINGERUP):
            x, y = design(event.x * width, event.y * height)
            return (PointerDown if event.type == pygame.FINGERDOWN else PointerUp)(x, y, now)
        if event.type == pygame.KEYDOWN:
            return KeyPressed(pygame.key.name(event.key), now)
        return None

    return translate


SDL_LIBRARY = re.compile(r"/libSDL2-2[^/]*\.so[^/]*$")  # SDL itself, not SDL2_image, _mixer, _ttf


def sdl_wait_event(maps: Path = Path("/proc/self/maps")) -> Callable[[int], int] | None:
    """SDL's own `SDL_WaitEventTimeout`, from the SDL library this process (pygame) has loaded; None
    when it cannot be found. pygame-ce's `event.wait` is a loop of 1 ms sleeps (strace: ~600
    `clock_nanosleep` a second, 1.6-2.3 % of a core on this VM while nothing happens); SDL's wait, given
    a window on X11 or Wayland, sleeps on the display connection and is woken by `SDL_PushEvent` from
    any thread. Called through ctypes, it lets go of the GIL (pygame-ce's event filter, run by SDL's
    pump, is C that may run on any thread)."""
    try:
        found = next((line.split()[-1] for line in maps.read_text().splitlines() if SDL_LIBRARY.search(line)), None)
        if found is None:
            return None
        function = ctypes.CDLL(found).SDL_WaitEventTimeout  # the one already loaded: same handle, same queue
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_void_p, ctypes.c_int]
    function.restype = ctypes.c_int

    def wait(milliseconds: int) -> int:
        return int(function(None, milliseconds))  # NULL event: the event stays queued for pygame

    return wait


def make_pygame_input(translate: Callable[[pygame.event.Event], InputEvent | None],
                      sdl_wait: Callable[[int], int] | None = None) -> Callable[[float | None], list[InputEvent]]:
    """An InputSource that sleeps in SDL until an event or the timeout: no busy loop. `sdl_wait`
    (`sdl_wait_event()`): SDL's own wait, then pygame takes what it left queued; without it pygame's."""

    def wait(timeout: float | None) -> list[InputEvent]:
        milliseconds = None if timeout is None else round(timeout * 1000)
        if milliseconds is not None and milliseconds <= 0:
            raw = pygame.event.get()  # due now: poll (SDL treats a 0 ms wait as "forever")
        elif sdl_wait is not None:
            sdl_wait(-1 if milliseconds is None else milliseconds)
            raw = pygame.event.get()
        else:
            first = pygame.event.wait() if milliseconds is None else pygame.event.wait(milliseconds)
            raw = [first, *pygame.event.get()] if first.type != pygame.NOEVENT else pygame.event.get()
        return [e for e in map(translate, raw) if e is not None]

    return wait


def make_waker() -> Callable[[], None]:
    """Ends a `make_pygame_input` wait from any thread: SDL's event queue takes events from any
    thread, and this one is of a type the translator ignores (the wait returns no event)."""
    kind = pygame.event.custom_type()

    def wake() -> None:
        with contextlib.suppress(pygame.error):  # a full SDL queue is awake anyway
            pygame.event.post(pygame.event.Event(kind))

    return wake
