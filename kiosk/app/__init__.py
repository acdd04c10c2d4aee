"""Composition root: wires content, screen, renderer, input, devices and clock. Wiring only.

`run.py` runs the kiosk; `hub.py` is where every device's events enter and what the frame loop
waits on; `input_map.py` gives reports their meaning; `devices.py` starts the board and the serial
touch controller, `headset.py` the headset link; `visit.py` builds the session screen and what
serves it (host, journals, captions, sound, sync, content updates).
"""

from kiosk.app.run import RunOptions, RunSummary, run_kiosk
from kiosk.app.visit import load_captions, packs_fingerprint

__all__ = ["RunOptions", "RunSummary", "load_captions", "packs_fingerprint", "run_kiosk"]
