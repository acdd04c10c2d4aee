"""Kiosk configuration: a TOML file read into typed, frozen settings.

Every error names the file and the key, e.g. `kiosk.toml: display.width: expected an
integer between 320 and 7680, got "big"`. Settings are passed down explicitly; there is
no global config object.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.errors import ConfigError
from kiosk.languages import codes


@dataclass(frozen=True)
class DisplaySettings:
    width: int = 1920
    height: int = 1080
    fullscreen: bool = False
    max_fps: int = 60
    idle_fps: int = 30  # frame rate cap for attract-screen animations: saves the CPU


@dataclass(frozen=True)
class ContentSettings:
    scenarios: Path = Path("scenarios")
    assets: Path = Path("assets")
    language: str = "fr"


@dataclass(frozen=True)
class DeviceSettings:
    board: str = ""  # button/LED board URL: serial:///dev/nova-board, sim://, loop://...; "" = none
    touch: str = ""  # serial touch controller URL ("" = none; USB touch screens need no setting)
    touch_protocol: str = "egalax"  # egalax | microtouch
    headset: str = "none"  # none | openxr | sim | monitor (a headset plugged in as the kiosk's display)
    board_profile: str = "nova-board-v1"  # hardware/profiles/<id>.toml: what each board button means
    lens_k1: float = 0.22  # monitor headsets: barrel distortion undoing the lenses' (k1 = k2 = 0: none) ...
    lens_k2: float = 0.24
    lens_scale: float = 1.46  # ... shrunk by this so the corners stay in the picture
    eye_fov: float = 90.0  # monitor headsets: each eye's vertical field of view in 360° views (degrees)


@dataclass(frozen=True)
class StoreSettings:
    path: Path = Path("var/kiosk.db")  # production: /var/lib/nova-kiosk/kiosk.db (systemd StateDirectory=)
    retention_days: int = 30  # local rows are deleted this long after the visit, once sent to the LRS
    outbox_max_mb: int = 200  # sent statements are pruned oldest-first beyond this; unsent ones never are


@dataclass(frozen=True)
class LrsSettings:
    endpoint: str = ""  # e.g. https://lrs.agency.example.org/xAPI/ ; "" = results stay on the kiosk
    username: str = ""  # basic auth ...
    password: str = ""
    token: str = ""  # ... or a bearer token
    batch_size: int = 200
    home_page: str = "https://agency.example.org"  # namespace of the visitors' pseudonymous accounts


@dataclass(frozen=True)
class OfferSettings:
    path: Path = Path("var/offers.json")  # written by `kiosk offers import`
    kiosk_lat: float = 45.7640  # where the kiosk stands: distances to offers are measured from here
    kiosk_lon: float = 4.8357


@dataclass(frozen=True)
class TrainingSettings:
    path: Path = Path("var/trainings.json")  # written by `kiosk trainings import`; distances as for offers


@dataclass(frozen=True)
class CredentialSettings:
    keys: Path = Path("var/keys")  # `kiosk keys generate` puts the signing key here
    # did:web (docs/results.md): verifiers fetch https://agency.example.org/nova/did.json, which
    # `kiosk keys publish` writes; an https URL of the hosted Profile works too (keys in a JWK Set)
    issuer_id: str = "did:web:agency.example.org:nova"
    issuer_name: str = "Agence pour l'emploi (exemple)"
    issuer_url: str = "https://agency.example.org"  # the agency's home page, in the issuer Profile
    valid_days: int = 365
    portal: str = "https://results.agency.example.org"  # where the QR link points when the kiosk is online


@dataclass(frozen=True)
class PackSettings:
    publisher_keys: Path = Path("")  # a folder of publisher JWKs; when set, installed packs must be signed


@dataclass(frozen=True)
class SessionSettings:
    idle_after: float = 60.0  # seconds without input before the "are you still there?" countdown
    warn_for: float = 15.0  # length of that countdown; then the screen is wiped for the next visitor
    headphones: bool = False  # without headphones captions stay on
    large_text: bool = False  # what every visit starts with; visitors change them on the language screen
    high_contrast: bool = False
    reduced_motion: bool = False
    scanning: bool = False  # one-switch kiosks: the focus moves by itself, the switch selects
    scan_every: float = 1.5
    narration: bool = False  # read each screen aloud with espeak-ng (installed by the setup script)
    replays: Path = Path("var/replays")  # one input journal per visit, for `kiosk replay`
    keep_replays: int = 200  # the oldest journals beyond this are deleted


@dataclass(frozen=True)
class SoundSettings:
    """`[sound]`: quiet agencies turn the ambient down or mute the kiosk; a clip's own sound and
    narration are not affected by `ambient`/`events` (only by the system volume)."""

    mute: bool = False  # no ambient loops and no event sounds
    volume: float = 0.8  # master, 0..1
    ambient: float = 0.4  # the scene's ambient loop, 0..1 (× volume)
    events: float = 0.8  # answer, timer and button sounds, 0..1 (× volume)
    duck: float = 0.25  # the ambient's level under narration and clips, 0..1 of its own level


@dataclass(frozen=True)
class OpsSettings:
    listen: str = "127.0.0.1:9108"  # /healthz, /metrics, /screenshot; "" = off
    token: str = ""  # required for any client beyond loopback (and to listen beyond it)
    log_format: str = "text"  # text | json (one JSON object per line on stdout, for journald)


@dataclass(frozen=True)
class Settings:
    display: DisplaySettings = field(default_factory=DisplaySettings)
    content: ContentSettings = field(default_factory=ContentSettings)
    devices: DeviceSettings = field(default_factory=DeviceSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    lrs: LrsSettings = field(default_factory=LrsSettings)
    offers: OfferSettings = field(default_factory=OfferSettings)
    trainings: TrainingSettings = field(default_factory=TrainingSettings)
    credentials: CredentialSettings = field(default_factory=CredentialSettings)
    packs: PackSettings = field(default_factory=PackSettings)
    ops: OpsSettings = field(default_factory=OpsSettings)
    session: SessionSettings = field(default_factory=SessionSettings)
    sound: SoundSettings = field(default_factory=SoundSettings)


_INT_RANGES: dict[str, tuple[int, int]] = {
    "display.width": (320, 7680),
    "display.height": (240, 4320),
    "display.max_fps": (1, 240),
    "display.idle_fps": (1, 240),
    "store.retention_days": (1, 3650),
    "store.outbox_max_mb": (1, 100_000),
    "lrs.batch_size": (1, 1000),
    "credentials.valid_days": (1, 3650),
    "session.keep_replays": (0, 100_000),
}
_FLOAT_RANGES: dict[str, tuple[float, float]] = {"offers.kiosk_lat": (-90.0, 90.0), "offers.kiosk_lon": (-180.0, 180.0),
                                                 "session.idle_after": (5.0, 3600.0), "session.warn_for": (3.0, 300.0),
                                                 "session.scan_every": (0.5, 10.0),
                                                 "devices.lens_k1": (-1.0, 2.0), "devices.lens_k2": (-1.0, 2.0),
                                                 "devices.lens_scale": (0.5, 3.0), "devices.eye_fov": (30.0, 150.0),
                                                 "sound.volume": (0.0, 1.0), "sound.ambient": (0.0, 1.0),
                                                 "sound.events": (0.0, 1.0), "sound.duck": (0.0, 1.0)}
_CHOICES: dict[str, tuple[str, ...]] = {
    "content.language": codes(),  # the offered languages (kiosk.languages)
    "devices.touch_protocol": ("egalax", "microtouch"),
    "devices.headset": ("none", "openxr", "sim", "monitor"),
    "ops.log_format": ("text", "json"),
}
_URL_KEYS = ("devices.board", "devices.touch")
# where verifiers fetch the badge keys (kiosk/credentials/issuer.py): a did:web id, or the https URL of the Profile
_ISSUER_ID = re.compile(r"did:web:[^:/?#\s]+(:[^:/?#\s]+)*|https://[^/?#\s]+/[^?#\s]*[^/?#\s]")
_URL_SCHEMES = ("serial", "sim", "loop", "socket", "rfc2217", "spy", "alt", "hwgrep", "cp2110")


class _BadValueError(Exception):
    """What a value should have been; `_check_value` turns it into a ConfigError naming the file and key."""


def _check_value(where: str, key: str, default: Any, value: Any) -> Any:
    """The value of `key` read from the file, checked against the type of its default (and its range or choices)."""
    check = next(check for kind, check in _CHECKERS if isinstance(default, kind))
    try:
        return check(key, value)
    except _BadValueError as exc:
        raise ConfigError(f"{where}: {key}: expected {exc}, got {value!r}",
                          hint=f"fix or remove `{key.rsplit('.', maxsplit=1)[-1]}` in that section") from None


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _BadValueError("true or false")
    return value


def _float(key: str, value: Any) -> float:
    lo, hi = _FLOAT_RANGES.get(key, (-1e9, 1e9))
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise _BadValueError(f"a number between {lo} and {hi}")
    return float(value)


def _int(key: str, value: Any) -> int:
    lo, hi = _INT_RANGES.get(key, (0, 2**31))
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _BadValueError(f"an integer between {lo} and {hi}")
    return value


def _path(key: str, value: Any) -> Path:
    if not isinstance(value, str) or not value or "\x00" in value:
        raise _BadValueError("a path as a string")
    return Path(value)


def _string(key: str, value: Any) -> str:
    if key in _CHOICES and value not in _CHOICES[key]:
        raise _BadValueError("one of " + ", ".join(_CHOICES[key]))
    if not isinstance(value, str):
        raise _BadValueError("a string")
    if key == "ops.listen" and value and not _host_port(value):
        raise _BadValueError("host:port such as 127.0.0.1:9108, or \"\" to turn it off")
    if key == "credentials.issuer_id" and not _ISSUER_ID.fullmatch(value):
        raise _BadValueError("a did:web id such as did:web:agency.example.org:nova, or the https URL of the issuer "
                             "Profile")
    if key in _URL_KEYS and value and value.partition("://")[0] not in _URL_SCHEMES:
        raise _BadValueError("a device URL such as serial:///dev/nova-board?baud=115200, sim:// or loop://")
    return value


# bool before int: True is an int to isinstance
_CHECKERS: tuple[tuple[type, Callable[[str, Any], Any]], ...] = (
    (bool, _bool), (float, _float), (int, _int), (Path, _path), (str, _string))


MAX_CONFIG_BYTES = 64 * 1024  # a full config is about 2 KB


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def _check_together(where: str, settings: Settings) -> None:
    """Rules between keys: where credentials may travel, and who may reach the ops server."""
    lrs, ops = settings.lrs, settings.ops
    if lrs.endpoint:
        url = urlsplit(lrs.endpoint)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(f"{where}: lrs.endpoint: expected an http(s) URL, got {lrs.endpoint!r}",
                              hint="write e.g. endpoint = \"https://lrs.agency.example.org/xAPI/\"")
        if url.scheme == "http" and (lrs.token or lrs.password) and not _loopback(url.hostname):
            raise ConfigError(f"{where}: lrs.endpoint: {lrs.endpoint} is http:// but a token or password is set: "
                              "the credentials would cross the network in clear",
                              hint="use the LRS's https:// address")
    if ops.listen and not _loopback(ops.listen.rpartition(":")[0]) and not ops.token:
        raise ConfigError(f"{where}: ops.listen: {ops.listen} is reachable from the network but ops.token is empty",
                          hint="set a long random ops.token, or listen on 127.0.0.1")


def _host_port(value: str) -> bool:
    host, _, port = value.rpartition(":")
    return bool(host) and port.isdigit() and 0 < int(port) < 65536


def _section(where: str, name: str, default: Any, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: [{name}] must be a table", hint=f"write it as a `[{name}]` section")
    known = {f.name for f in fields(default)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{where}: {name}.{unknown[0]}: unknown key",
                          hint="known keys: " + ", ".join(sorted(known)))
    changes = {k: _check_value(where, f"{name}.{k}", getattr(default, k), v) for k, v in raw.items()}
    return replace(default, **changes)


def parse_settings(text: str, where: str = "<config>") -> Settings:
    """Parse TOML text into Settings; `where` names the source in error messages."""
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{where}: larger than {MAX_CONFIG_BYTES} bytes: not a kiosk config",
                          hint="check the path given to --config")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}", hint="check quotes and brackets") from exc
    except RecursionError as exc:  # tomllib recurses once per nested array or inline table
        raise ConfigError(f"{where}: arrays or tables nested too deeply", hint="a kiosk config nests 2 levels "
                          "at most") from exc
    except ValueError as exc:  # tomllib lets Python's int() refuse a number of over 4,300 digits
        raise ConfigError(f"{where}: a number is too long ({str(exc).split(':', maxsplit=1)[0]})",
                          hint="write numbers of a few digits") from exc
    base = Settings()
    sections = ("content", "credentials", "devices", "display", "lrs", "offers", "ops", "packs", "session", "sound",
                "store", "trainings")
    unknown = sorted(set(raw) - set(sections))
    if unknown:
        raise ConfigError(f"{where}: [{unknown[0]}]: unknown section", hint="known sections: " + ", ".join(sections))
    settings = Settings(
        display=_section(where, "display", base.display, raw.get("display", {})),
        content=_section(where, "content", base.content, raw.get("content", {})),
        devices=_section(where, "devices", base.devices, raw.get("devices", {})),
        store=_section(where, "store", base.store, raw.get("store", {})),
        lrs=_section(where, "lrs", base.lrs, raw.get("lrs", {})),
        offers=_section(where, "offers", base.offers, raw.get("offers", {})),
        trainings=_section(where, "trainings", base.trainings, raw.get("trainings", {})),
        credentials=_section(where, "credentials", base.credentials, raw.get("credentials", {})),
        packs=_section(where, "packs", base.packs, raw.get("packs", {})),
        ops=_section(where, "ops", base.ops, raw.get("ops", {})),
        session=_section(where, "session", base.session, raw.get("session", {})),
        sound=_section(where, "sound", base.sound, raw.get("sound", {})),
    )
    _check_together(where, settings)
    return settings


def load_settings(path: Path | None) -> Settings:
    """Settings from a file, or the defaults when no file is given."""
    if path is None:
        return Settings()
    try:
        with path.open("rb") as f:
            data = f.read(MAX_CONFIG_BYTES + 1)  # no further: --config /dev/zero is an error, not a hang
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})",
                          hint="check the path given to --config") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 text (byte {data[exc.start]:#04x})",
                          hint="save the file as UTF-8") from exc
    return parse_settings(text, where=str(path))
