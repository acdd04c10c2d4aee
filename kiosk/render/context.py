"""OpenGL contexts: a pygame window where there is a display, a standalone EGL context
where there is none. No silent fallback: the caller chooses, and failure says what to
install."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import moderngl

from kiosk.errors import GraphicsUnavailableError

GL_REQUIRED = 330
_INSTALL_HINT = ("install Mesa's OpenGL/EGL drivers: "
                 "sudo apt-get install libegl1 libgl1 libegl-mesa0 libgl1-mesa-dri")


def display_available(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def create_offscreen_context(libegl: str | None = None) -> moderngl.Context:
    """A headless GL 3.3+ context through EGL (Mesa llvmpipe when there is no GPU).

    `libegl` (or $KIOSK_LIBEGL) names the EGL library to load, e.g. a vendor's.
    """
    kwargs: dict[str, Any] = {"backend": "egl", "require": GL_REQUIRED}
    lib = libegl or os.environ.get("KIOSK_LIBEGL")
    if lib:
        kwargs["libegl"] = lib
    try:
        return moderngl.create_standalone_context(**kwargs)
    except Exception as exc:  # glcontext raises bare Exceptions for missing libraries
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GraphicsUnavailableError(f"no OpenGL driver: cannot create a headless EGL context ({reason})",
                                       hint=_INSTALL_HINT) from exc


@dataclass
class Window:
    """A pygame window holding the GL context; `flip` presents the back buffer."""

    ctx: moderngl.Context
    size: tuple[int, int]

    def flip(self) -> None:
        import pygame

        pygame.display.flip()

    def close(self) -> None:
        import pygame

        pygame.display.quit()


def create_window(size: tuple[int, int], fullscreen: bool, title: str = "Nova Kiosk") -> Window:
    """A window with a GL 3.3 core context (works under X11, Wayland/cage, or SDL offscreen)."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    try:
        pygame.display.init()
        pygame.display.gl_set_attribute(pygame.GL_CONTEXT_MAJOR_VERSION, 3)
        pygame.display.gl_set_attribute(pygame.GL_CONTEXT_MINOR_VERSION, 3)
        pygame.display.gl_set_attribute(pygame.GL_CONTEXT_PROFILE_MASK, pygame.GL_CONTEXT_PROFILE_CORE)
        flags = pygame.OPENGL | pygame.DOUBLEBUF | (pygame.FULLSCREEN if fullscreen else 0)
        surface = pygame.display.set_mode((0, 0) if fullscreen else size, flags, vsync=1)
        pygame.display.set_caption(title)
        pygame.mouse.set_visible(not fullscreen)
        ctx = moderngl.create_context(require=GL_REQUIRED)
    except Exception as exc:
        pygame.display.quit()
        raise GraphicsUnavailableError(f"cannot open an OpenGL window ({exc})",
                                       hint="run with --headless, or " + _INSTALL_HINT) from exc
    return Window(ctx, surface.get_size())
