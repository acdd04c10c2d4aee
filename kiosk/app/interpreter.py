"""The interpreter settings of a kiosk process once it has started (`kiosk run`, and the input bench
that measures its loop).

`gc.freeze()` after start-up moves what start-up built (packs, screens, fonts, caches) out of the
collector's sight: a full collection no longer walks it, so the rare long pauses of the oldest
generation shrink to the objects made since. Collected first, so no garbage is frozen. Frozen
objects dropped later (a pack swap's old packs) are still freed by reference counting; only
reference cycles among them would stay until the process ends.

Then the memory start-up freed goes back to the system (`malloc_trim`).

Tried and left out: a 0.5 ms GIL switch interval (CPython's default is 5 ms), meant to let a
device thread woken during a frame take the GIL sooner. In 7 paired runs of the input bench it
gave the higher board → screen p99 in 5 (docs/performance.md): on a busy machine a thread handed
the GIL more often may then wait for a CPU while holding it.
"""

from __future__ import annotations

import ctypes
import gc


def settle_interpreter() -> None:
    """Call once start-up is done (first frame drawn): later objects are collected as usual."""
    gc.collect()
    gc.freeze()
    return_free_memory()


class FreeMemoryReturn:
    """`return_free_memory` when the screen goes still, at most every `every` seconds: an animation's
    temporaries (a scene decoded on a worker thread, in that thread's own malloc arena) are given
    back once it ends, instead of staying in the idle kiosk's RSS."""

    def __init__(self, every: float = 2.0) -> None:
        self.every = every
        self._last: float | None = None

    def __call__(self, now: float) -> None:
        if self._last is None or now - self._last >= self.every:
            self._last = now
            return_free_memory()


def return_free_memory() -> None:
    """Give the pages start-up freed back to the system. glibc keeps freed memory in its heap for
    reuse, and start-up frees a lot at once (parsed packs' YAML trees, decoded pictures, layouts):
    without this the idle kiosk's RSS keeps them for ever (docs/performance.md, memory). A C library
    without `malloc_trim` (not glibc) is left alone."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
