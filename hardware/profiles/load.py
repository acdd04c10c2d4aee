"""Reading device profiles, with errors that name the file and the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from hardware.board.url import parse_url
from hardware.errors import HardwareError

PROFILE_DIR = Path(__file__).resolve().parent
KINDS = ("board", "touch")
PROTOCOLS = {"board": ("nova/1",), "touch": ("egalax", "microtouch")}
INTENTS = ("back", "previous", "next", "select", "help", "scroll_up", "scroll_down")


class ProfileError(HardwareError):
    exit_code = 78  # EX_CONFIG


@dataclass(frozen=True)
class DeviceProfile:
    id: str
    kind: str
    name: str
    protocol: str
    url: str
    usb_vendor: str
    usb_product: str
    buttons: int = 0
    leds: int = 0
    debounce_ms: int = 0
    button_intents: tuple[str, ...] = ()
    file: str = ""


def load_profile(path: Path) -> DeviceProfile:
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{where}: cannot read the profile ({exc})", "check the TOML syntax") from exc

    def need(key: str, kind: type) -> object:
        if key not in raw:
            raise ProfileError(f"{where}: {key}: missing", f"add `{key} = ...`")
        value = raw[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ProfileError(f"{where}: {key}: expected a {kind.__name__}, got {value!r}", "see nova-board-v1.toml")
        return value

    kind = str(need("kind", str))
    if kind not in KINDS:
        raise ProfileError(f"{where}: kind: `{kind}` is not one of {', '.join(KINDS)}", "kind = \"board\"")
    protocol = str(need("protocol", str))
    if protocol not in PROTOCOLS[kind]:
        raise ProfileError(f"{where}: protocol: `{protocol}` is not a {kind} protocol",
                           f"one of {', '.join(PROTOCOLS[kind])}")
    url = str(need("url", str))
    parse_url(url)
    usb = need("usb", dict)
    assert isinstance(usb, dict)
    vendor, product = str(usb.get("vendor", "")), str(usb.get("product", ""))
    for key, value in (("usb.vendor", vendor), ("usb.product", product)):
        if len(value) != 4 or any(c not in "0123456789abcdef" for c in value):
            raise ProfileError(f"{where}: {key}: expected 4 lowercase hex digits, got {value!r}",
                               "as `lsusb` prints it, e.g. 2341")
    intents = tuple(raw.get("button_intents", ()))
    unknown = [i for i in intents if i not in INTENTS]
    if unknown:
        raise ProfileError(f"{where}: button_intents: unknown intent `{unknown[0]}`", f"one of {', '.join(INTENTS)}")
    buttons = int(raw.get("buttons", 0))
    if intents and len(intents) != buttons:
        raise ProfileError(f"{where}: button_intents: {len(intents)} names for {buttons} buttons",
                           "name every button, left to right")
    return DeviceProfile(str(need("id", str)), kind, str(need("name", str)), protocol, url, vendor, product, buttons,
                         int(raw.get("leds", 0)), int(raw.get("debounce_ms", 0)), intents, where)


def load_profiles(directory: Path = PROFILE_DIR) -> dict[str, DeviceProfile]:
    profiles: dict[str, DeviceProfile] = {}
    for path in sorted(directory.glob("*.toml")):
        profile = load_profile(path)
        if profile.id in profiles:
            raise ProfileError(f"{path}: id `{profile.id}` is also used by {profiles[profile.id].file}",
                               "give each profile its own id")
        profiles[profile.id] = profile
    return profiles
