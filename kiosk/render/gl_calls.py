"""The few OpenGL calls moderngl does not offer, on the context current in this thread: buffer
storage mapped persistently, buffer textures and fences (see `mapped_frames`), BGRA uploads and
framebuffer blits to a rectangle (see `screen_copy`).

Entry points come from the window system that made the context current (EGL for headless and
Wayland/cage, GLX under X11), the way moderngl itself found its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from ctypes import c_int, c_size_t, c_uint, c_uint64, c_void_p
from typing import Any

from kiosk.errors import GraphicsUnavailableError

TEXTURE_BUFFER = 0x8C2A
TEXTURE0 = 0x84C0
RGBA8 = 0x8058
MAP_WRITE = 0x0002
MAP_PERSISTENT = 0x0040
MAP_COHERENT = 0x0080
SYNC_GPU_COMMANDS_COMPLETE = 0x9117
SYNC_FLUSH_COMMANDS = 0x0001
TIMEOUT_EXPIRED = 0x911B
WAIT_FAILED = 0x911D
TEXTURE_2D = 0x0DE1
RGBA = 0x1908
UNSIGNED_BYTE = 0x1401
UNPACK_ALIGNMENT = 0x0CF5
UNPACK_ROW_LENGTH = 0x0CF2
READ_FRAMEBUFFER = 0x8CA8
DRAW_FRAMEBUFFER = 0x8CA9
FRAMEBUFFER = 0x8D40
COLOR_BUFFER_BIT = 0x4000
NEAREST = 0x2600
NEEDED_EXTENSIONS = ("GL_ARB_buffer_storage", "GL_ARB_texture_buffer_range")

_SIGNATURES: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "glGenBuffers": (None, (c_int, ctypes.POINTER(c_uint))),
    "glDeleteBuffers": (None, (c_int, ctypes.POINTER(c_uint))),
    "glBindBuffer": (None, (c_uint, c_uint)),
    "glBufferStorage": (None, (c_uint, c_size_t, c_void_p, c_uint)),
    "glMapBufferRange": (c_void_p, (c_uint, c_size_t, c_size_t, c_uint)),
    "glUnmapBuffer": (ctypes.c_ubyte, (c_uint,)),
    "glGenTextures": (None, (c_int, ctypes.POINTER(c_uint))),
    "glDeleteTextures": (None, (c_int, ctypes.POINTER(c_uint))),
    "glBindTexture": (None, (c_uint, c_uint)),
    "glActiveTexture": (None, (c_uint,)),
    "glTexBufferRange": (None, (c_uint, c_uint, c_uint, c_size_t, c_size_t)),
    "glFenceSync": (c_void_p, (c_uint, c_uint)),
    "glClientWaitSync": (c_uint, (c_void_p, c_uint, c_uint64)),
    "glDeleteSync": (None, (c_void_p,)),
    "glGetError": (c_uint, ()),
    "glTexSubImage2D": (None, (c_uint, c_int, c_int, c_int, c_int, c_int, c_uint, c_uint, c_void_p)),
    "glPixelStorei": (None, (c_uint, c_int)),
    "glBindFramebuffer": (None, (c_uint, c_uint)),
    "glBlitFramebuffer": (None, (c_int, c_int, c_int, c_int, c_int, c_int, c_int, c_int, c_uint, c_uint)),
}


def _proc_address_loader() -> Any:
    """eglGetProcAddress or glXGetProcAddressARB, whichever API has a context current here."""
    for library, current, lookup in (("EGL", "eglGetCurrentContext", "eglGetProcAddress"),
                                     ("GL", "glXGetCurrentContext", "glXGetProcAddressARB")):
        name = ctypes.util.find_library(library)
        if name is None:
            continue
        lib = ctypes.CDLL(name)
        if not hasattr(lib, current):
            continue
        getattr(lib, current).restype = c_void_p
        if getattr(lib, current)():
            loader = getattr(lib, lookup)
            loader.restype = c_void_p
            loader.argtypes = (ctypes.c_char_p,)
            return loader
    raise GraphicsUnavailableError("no OpenGL context is current in this thread (neither EGL nor GLX)",
                                   hint="create the kiosk's GL context before its video frame memory")


class GLCalls:
    """Bound entry points; each call goes to the context current in the calling thread."""

    def __init__(self) -> None:
        loader = _proc_address_loader()
        self._fn: dict[str, Any] = {}
        for name, (restype, argtypes) in _SIGNATURES.items():
            address = loader(name.encode())
            if not address:
                raise GraphicsUnavailableError(f"the OpenGL driver has no {name}",
                                               hint="a GL 4.4 driver (or ARB_buffer_storage) is needed")
            self._fn[name] = ctypes.CFUNCTYPE(restype, *argtypes)(address)

    def mapped_buffer(self, size: int) -> tuple[int, int]:
        """A buffer of `size` bytes, mapped for writing for its whole life: (name, address)."""
        name = self._gen("glGenBuffers")
        self._fn["glBindBuffer"](TEXTURE_BUFFER, name)
        flags = MAP_WRITE | MAP_PERSISTENT | MAP_COHERENT
        self._fn["glBufferStorage"](TEXTURE_BUFFER, size, None, flags)
        address = self._fn["glMapBufferRange"](TEXTURE_BUFFER, 0, size, flags)
        self._fn["glBindBuffer"](TEXTURE_BUFFER, 0)
        if not address:
            self.delete_buffer(name)
            raise GraphicsUnavailableError(f"cannot map a {size >> 20} MiB buffer for video frames "
                                           f"(GL error {self._fn['glGetError']():#x})",
                                           hint="lower the video resolution, or free graphics memory")
        return name, int(address)

    def delete_buffer(self, name: int) -> None:
        self._fn["glBindBuffer"](TEXTURE_BUFFER, name)
        self._fn["glUnmapBuffer"](TEXTURE_BUFFER)
        self._fn["glBindBuffer"](TEXTURE_BUFFER, 0)
        self._fn["glDeleteBuffers"](1, ctypes.byref(c_uint(name)))

    def buffer_texture(self, buffer: int, offset: int, size: int) -> int:
        """A buffer texture reading `size` bytes at `offset` of `buffer` as RGBA8 texels."""
        name = self._gen("glGenTextures")
        self._fn["glBindTexture"](TEXTURE_BUFFER, name)
        self._fn["glTexBufferRange"](TEXTURE_BUFFER, RGBA8, buffer, offset, size)
        self._fn["glBindTexture"](TEXTURE_BUFFER, 0)
        return name

    def delete_texture(self, name: int) -> None:
        self._fn["glDeleteTextures"](1, ctypes.byref(c_uint(name)))

    def bind_buffer_texture(self, unit: int, name: int) -> None:
        self._fn["glActiveTexture"](TEXTURE0 + unit)
        self._fn["glBindTexture"](TEXTURE_BUFFER, name)

    def fence(self) -> int:
        return int(self._fn["glFenceSync"](SYNC_GPU_COMMANDS_COMPLETE, 0) or 0)

    def wait(self, fence: int, timeout: float) -> bool:
        """True once the GL work before `fence` is done (False on time-out or failure)."""
        status = self._fn["glClientWaitSync"](c_void_p(fence), SYNC_FLUSH_COMMANDS, c_uint64(int(timeout * 1e9)))
        return int(status) not in (TIMEOUT_EXPIRED, WAIT_FAILED)

    def delete_fence(self, fence: int) -> None:
        self._fn["glDeleteSync"](c_void_p(fence))

    def upload_rgba(self, texture: int, size: tuple[int, int], address: int) -> None:
        """Write `size` pixels of RGBA bytes at `address` (rows packed, bottom first) into a 2D
        texture with four 8-bit channels: a plain copy where the texture stores RGBA."""
        self._fn["glBindTexture"](TEXTURE_2D, texture)
        self._fn["glPixelStorei"](UNPACK_ALIGNMENT, 4)
        self._fn["glPixelStorei"](UNPACK_ROW_LENGTH, 0)
        self._fn["glTexSubImage2D"](TEXTURE_2D, 0, 0, 0, size[0], size[1], RGBA, UNSIGNED_BYTE, c_void_p(address))
        self._fn["glBindTexture"](TEXTURE_2D, 0)

    def blit(self, source: int, target: int, size: tuple[int, int], at: tuple[int, int]) -> None:
        """Copy `source` framebuffer's `size` pixels from its origin to `target` at `at` (GL's
        bottom-left origin), unscaled and unflipped — what drivers turn into a plain copy — and
        leave `target` bound for drawing and reading."""
        width, height = size
        self._fn["glBindFramebuffer"](READ_FRAMEBUFFER, source)
        self._fn["glBindFramebuffer"](DRAW_FRAMEBUFFER, target)
        self._fn["glBlitFramebuffer"](0, 0, width, height, at[0], at[1], at[0] + width, at[1] + height,
                                      COLOR_BUFFER_BIT, NEAREST)
        self._fn["glBindFramebuffer"](FRAMEBUFFER, target)

    def _gen(self, function: str) -> int:
        out = c_uint(0)
        self._fn[function](1, ctypes.byref(out))
        return out.value
