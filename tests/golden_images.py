"""Golden-image comparison shared by the GL screen tests: KIOSK_UPDATE_GOLDEN=1 rewrites the golden
(look at it before checking it in); a mismatch leaves `NAME.actual.png` beside it to compare."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from kiosk.render.capture import image_difference, read_png, write_png


def check_golden(path: Path, pixels: np.ndarray) -> None:
    if os.environ.get("KIOSK_UPDATE_GOLDEN"):
        write_png(path, pixels)
        return
    assert path.exists(), f"no golden image {path}: run the tests once with KIOSK_UPDATE_GOLDEN=1"
    mean, share = image_difference(pixels, read_png(path))
    if mean > 1.5 or share > 0.01:
        write_png(path.with_suffix(".actual.png"), pixels)
    assert mean <= 1.5 and share <= 0.01, f"{path.name}: mean difference {mean:.2f}, {share:.2%} of pixels differ " \
                                          f"(see {path.with_suffix('.actual.png')})"
