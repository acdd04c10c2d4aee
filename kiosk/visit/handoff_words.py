"""What the hand-off page says about its code, and the worker thread that encodes the code off the frame thread."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache

from kiosk.i18n import Words


def handoff_note(kind: str, signed: bool, words: Words) -> str:
    """Says "signed" only when there is a signed credential: a visit that showed no skill yet gets a plain link."""
    if kind == "credential":
        return words.gettext("This code holds your signed results: an employer can check them.")
    if signed:
        return words.gettext("This code is a link to your results. They are signed by the kiosk: an employer can "
                             "check them.")
    return words.gettext("This code is a link to your results.")


@cache
def qr_encoder() -> ThreadPoolExecutor:
    """One worker thread for QR codes: encoding is pure Python (segno), ~0.1–1 s here, and must not
    hold up the frame thread while the results page is on screen."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="qr-encoder")
