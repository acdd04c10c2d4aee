"""Clips and 360° views where no media deck plays (screenshots, replays): each stream shows its first
frame, read once from the scenarios folder, instead of an empty box."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from kiosk.render.renderer import GLRenderer
from kiosk.view.nodes import Scene, media_nodes


def show_first_frames(renderer: GLRenderer, scene: Scene, scenarios: Path) -> None:
    for node in media_nodes(scene):
        if node.stream in renderer.streams:
            continue
        capture = cv2.VideoCapture(str(scenarios / node.stream.split("#")[0]))  # "…#trade": the trade page's loop
        ok, frame = capture.read()
        capture.release()
        if ok:
            renderer.update_stream(node.stream, np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA), np.uint8))
