"""Reproduces stretchable 1.1.8's leak in `node_compute_layout_with_measure`, without the kiosk: RSS
before and after N one-leaf layouts with a measure callback and without one, and the extra reference
each available-space dict passed to the callback carries (run: .venv/bin/python scripts/stretchable_leak.py).
The kiosk's layout engine no longer calls it (kiosk/view/layout.py); docs/performance.md has the figures."""

from __future__ import annotations

import gc
import os
import sys

from stretchable import Style, taffylib

LAYOUTS = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
POINTS = 1
SPACE = {"width": {"dim": POINTS, "value": 100.0}, "height": {"dim": POINTS, "value": 100.0}}


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> None:
    taffy = taffylib.init()
    style = Style().to_dict()
    calls = [0]
    references: list[int] = []

    def measure(_kw: float, _kh: float, width: dict[str, float], _height: dict[str, float],
                _node: int) -> tuple[float, float]:
        calls[0] += 1
        if not references:  # the frame's parameter, the arguments' tuple, getrefcount's own: 3 expected
            references.append(sys.getrefcount(width))
        return 10.0, 10.0

    for measured in (True, False, True, False):
        for round_ in range(2):  # a warm-up round, then the counted one
            gc.collect()
            before = rss_mb()
            calls[0] = 0
            for _ in range(LAYOUTS if round_ else 500):
                leaf, root = taffylib.node_create(taffy, style), taffylib.node_create(taffy, style)
                taffylib.node_add_child(taffy, root, leaf)
                if measured:
                    taffylib.node_set_measure(taffy, leaf, True)
                    taffylib.node_compute_layout_with_measure(taffy, root, SPACE, measure)
                else:
                    taffylib.node_compute_layout(taffy, root, SPACE)
                taffylib.node_drop(taffy, leaf)
                taffylib.node_drop(taffy, root)
            gc.collect()
        grown = rss_mb() - before
        per_call = f", {grown * 1e6 / calls[0]:.0f} B a callback" if calls[0] else ""
        print(f"{LAYOUTS} layouts {'with' if measured else 'without'} a measure callback "
              f"({calls[0]} callbacks): RSS +{grown:.1f} MB{per_call}")
    print(f"references to an available-space dict inside the callback: {references[0]} (3 expected)")


if __name__ == "__main__":
    main()
