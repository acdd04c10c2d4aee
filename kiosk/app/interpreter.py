"""The interpreter settings of a kiosk process once it has started (`kiosk run`, and the input bench
that measures its loop).

* The GIL's switch interval, 5 ms by default, is how long a thread woken by a device (the board
  driver's read, the hub) may wait while the frame thread runs Python (building or drawing a
  frame) before the frame thread is asked to let go: the tail of board press → screen. At 0.5 ms
  the wait is ten times shorter; the cost is more hand-overs while two threads both want the
  GIL, which here only happens for that short while (the decoder releases it in FFmpeg).
* `gc.freeze()` after start-up moves what start-up built (packs, screens, fonts, caches) out of
  the collector's sight: a full collection no longer walks it, so the rare long pauses of the
  oldest generation shrink to the objects made since. Collected first, so no garbage is frozen.
  Frozen objects dropped later (a pack swap's old packs) are still freed by reference counting;
  only reference cycles among them would stay until the process ends.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.0005


def settle_interpreter(switch_interval: float = SWITCH_INTERVAL_S) -> None:
    """Call once start-up is done (first frame drawn): later objects are collected as usual."""
    sys.setswitchinterval(switch_interval)
    gc.collect()
    gc.freeze()
