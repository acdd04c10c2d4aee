"""Device URLs, as in pyserial: the configuration names a board by URL, never by code.

- `serial:///dev/ttyACM0?baud=115200` (or a udev name such as `serial:///dev/nova-board`)
- `sim://` or `sim://?buttons=4&leds=4&seed=1`: the built-in board simulator on a pseudo-terminal
- any pyserial URL handler: `loop://`, `socket://host:port`, `rfc2217://host:port`, `spy://...`
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from hardware.errors import DeviceUrlError

PYSERIAL_SCHEMES = ("loop", "socket", "rfc2217", "spy", "alt", "hwgrep", "cp2110")
DEFAULT_BAUD = 115200


@dataclass(frozen=True)
class Endpoint:
    scheme: str  # serial | sim | one of PYSERIAL_SCHEMES
    target: str  # a device path for serial, the whole URL for pyserial schemes, "" for sim
    baud: int = DEFAULT_BAUD
    options: dict[str, str] = field(default_factory=dict)


def parse_url(url: str) -> Endpoint:
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    try:
        baud = int(query.pop("baud", DEFAULT_BAUD))
    except ValueError:
        raise DeviceUrlError(f"{url}: baud must be a number", "e.g. serial:///dev/ttyACM0?baud=115200") from None
    if parts.scheme == "serial":
        if not parts.path or parts.netloc:
            raise DeviceUrlError(f"{url}: no absolute device path", "write serial:///dev/ttyACM0 (three slashes)")
        return Endpoint("serial", parts.path, baud, query)
    if parts.scheme == "sim":
        return Endpoint("sim", "", baud, query)
    if parts.scheme in PYSERIAL_SCHEMES:
        return Endpoint(parts.scheme, url, baud, query)
    raise DeviceUrlError(f"{url}: unknown device URL scheme `{parts.scheme}`",
                         "use serial:///dev/..., sim://, or a pyserial URL such as loop://")
