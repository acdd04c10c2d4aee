"""Composition root: wires content, screen, renderer, input, devices and clock. Wiring only.

`run.py` runs the kiosk; `hub.py` is where every device's events enter and what the frame loop
waits on; `input_map.py` gives reports their meaning; `devices.py` starts the board and the serial
touch controller, `headset.py` the headset link; `visit.py` builds the session screen and what
serves it (host, journals, captions, sound, sync, content updates).
"""

from kiosk.app.run import RunOptions, RunSummary, run_kiosk

__all__ = ["RunOptions", "RunSummary", "run_kiosk"]
