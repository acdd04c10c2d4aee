"""What the results screen's QR code carries, and the code itself (segno).

The choice (docs/results.md): a phone should get the results without typing anything, whether
or not the kiosk is online.
- Online: a short-lived link to the agency's results portal, `<portal>/r/<token>` — small, so
  the QR stays coarse and scans from a metre away; the portal serves the page and the badges.
- Offline: a credential itself, so a phone can keep it with no network: the compact variant of
  the strongest badge that fits (one evidence sentence, criteria by URL; 2.2–2.7 KB as a JWT).
  The others wait for the link. When none fits, the kiosk falls back to the link, to be opened
  once the network is back.
Nothing is shown before the visitor agreed on the consent screen (`kiosk.consent.Consent.results_to_phone`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.consent import Consent
from kiosk.credentials.keys import CredentialError

# A compact VC-JWT is 2.2–2.7 KB. Up to 2,400 bytes fits a version ≤ 38 QR code at error level L;
# drawn at 5 px per module that is ~900 px wide on a 1080p kiosk screen, which phones read at
# arm's length. Beyond it, the link.
MAX_QR_BYTES = 2400


@dataclass(frozen=True)
class Handoff:
    payload: str
    kind: str  # "link" | "credential"
    note: str


def choose(consent: Consent, online: bool, portal: str, token: str, jwts: list[str],
           max_bytes: int = MAX_QR_BYTES) -> Handoff:
    if not consent.allows_handoff():
        raise CredentialError("the visitor has not agreed to take their results", "show the consent screen first")
    link = f"{portal.rstrip('/')}/r/{token}"
    if online or not jwts:
        return Handoff(link, "link", "a short-lived link to the results page")
    fitting = [jwt for jwt in jwts if len(jwt) <= max_bytes]
    if fitting:
        more = len(jwts) - 1
        note = "the signed credential itself" + (f"; {more} more with the link once online" if more else "")
        return Handoff(fitting[0], "credential", note)
    return Handoff(link, "link", "the credential is too large for a QR code: the link works once online")


def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, row by row (True: dark), as the results screen draws them."""
    return tuple(tuple(bool(cell) for cell in row) for row in _qr_code(payload).matrix)


def qr_png(payload: str, path: Path, scale: int = 6) -> Path:
    _qr_code(payload).save(str(path), scale=scale, border=4)
    return path


def _qr_code(payload: str) -> Any:
    import segno  # deferred: only the results screen draws one (start-up time)

    # medium error correction while the payload leaves the modules coarse; low for a whole credential
    return segno.make(payload, error="m" if len(payload) < 1000 else "l", micro=False)
