"""Images found by name under the asset folders, decoded once and packed into an atlas.

PNG, JPEG and WebP are decoded as they are; SVG is rasterised at the size it is drawn on this
screen (render/vector.py: off the frame thread, cached on disk), and shows once it is ready.

A large picture (a full-screen scene) gets its own texture instead of a place in the atlas: at
3840×2160 a scene is 8.3 Mpx, and the two scenes of a dissolve (16.6 Mpx) do not fit a 4096² atlas
beside the cast. The renderer uploads it a strip of rows per frame (`OwnPicture.next_strip`), so
taking in a new scene never stalls a frame, and it shows only once it is whole.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from kiosk.errors import AssetError
from kiosk.render.atlas import Atlas, Region
from kiosk.render.shrunk import ShrunkCopies
from kiosk.render.vector import VectorPictures, raster_size
from kiosk.state import state_dir


def raster_cache() -> Path:
    """Rasterised SVG pictures, rebuilt when lost: systemd's CacheDirectory= when the kiosk runs as
    its service (the unit's sandbox makes everything else read-only), else under the state folder."""
    cache = os.environ.get("CACHE_DIRECTORY")
    return Path(cache) / "raster" if cache else state_dir() / "cache" / "raster"


RASTER_CACHE = raster_cache()

log = logging.getLogger(__name__)

OWN_TEXTURE_SHARE = 10  # a picture of 1/10 of the atlas or more gets its own texture (a 1920×1080 scene up)...
OWN_TEXTURE_MIN_PIXELS = 1 << 20  # ...if it has a million pixels (cards and faces share the atlas, however small)
MAX_OWN_TEXTURES = 4  # a dissolve or a slide shows two scenes; the next one may be arriving
STRIP_BYTES = 2 << 20  # uploaded per frame for a picture with its own texture (a 1080p scene in 4 frames)
_texture_ids = count(1)  # 0 is the atlas; never reused, so a cached frame never shows another picture


class Placed(NamedTuple):
    """Where a picture is sampled: UVs (rows counted from the top) in `texture` (0: the image atlas,
    else the id of its own texture)."""

    u0: float
    v0: float
    u1: float
    v1: float
    texture: int = 0


def needs_own_texture(width: int, height: int, atlas_width: int, atlas_height: int) -> bool:
    """Too large to share the atlas: two of them (a dissolve) would take most of it or not fit at all."""
    area = width * height
    return (area >= OWN_TEXTURE_MIN_PIXELS and area * OWN_TEXTURE_SHARE >= atlas_width * atlas_height) \
        or width > atlas_width or height > atlas_height


@dataclass
class OwnPicture:
    """A picture in a texture of its own, uploaded a strip at a time; `pixels` dropped once it is all up."""

    id: int
    pixels: npt.NDArray[np.uint8] | None
    width: int
    height: int
    exact: bool = False  # drawn at its own pixel size (an SVG rasterised for it): sampled without filtering
    uploaded: int = 0  # rows
    opaque: bool = True  # no translucent pixel among the rows uploaded so far (all of them once ready)
    strip_rows: int = field(init=False)

    def __post_init__(self) -> None:
        self.strip_rows = max(1, STRIP_BYTES // (self.width * 4))

    @property
    def ready(self) -> bool:
        return self.uploaded >= self.height

    def next_strip(self) -> tuple[int, npt.NDArray[np.uint8]]:
        """(first row, rows) to upload this frame; marks them uploaded."""
        assert self.pixels is not None
        top = self.uploaded
        self.uploaded = min(self.height, top + self.strip_rows)
        rows = self.pixels[top:self.uploaded]
        self.opaque = self.opaque and int(rows[..., 3].min()) == 255  # min: 3x cheaper than comparing each
        if self.ready:
            self.pixels = None
        return top, rows


def load_rgba_premultiplied(path: Path) -> npt.NDArray[np.uint8]:
    """Decode an image file to RGBA with premultiplied alpha (what the blend mode expects).

    Decoded by pygame (SDL_image), already loaded for sound, not OpenCV: importing cv2 for the
    attract screen's first pictures cost ~0.5 s and ~18 MB of a start. Both give the same pixels
    for every sample picture, PNG and JPEG (tests/unit/test_image_decoding.py)."""
    import pygame

    try:
        surface = pygame.image.load(str(path))
    except (pygame.error, OSError, ValueError) as exc:
        raise AssetError(f"cannot decode image {path} ({exc})", hint="use a PNG, JPEG, WebP or SVG file") from None
    width, height = surface.get_size()
    data = _rgba_view(surface)
    if data is None:  # another layout (a JPEG's 24 bits, a palette): pygame converts it, holding the GIL
        data = np.frombuffer(pygame.image.tobytes(surface, "RGBA"), np.uint8).reshape(height, width, 4)
    pixels = np.empty((height, width, 4), np.uint8)
    if (surface.get_flags() & pygame.SRCALPHA or surface.get_colorkey() is not None) and data[:, :, 3].min() < 255:
        alpha = data[:, :, 3:4].astype(np.uint16)  # an opaque picture with an alpha channel is left as it is
        pixels[:, :, :3] = data[:, :, :3].astype(np.uint16) * alpha // 255
        pixels[:, :, 3] = data[:, :, 3]
    else:
        pixels[...] = data
    return pixels


def _rgba_view(surface: object) -> npt.NDArray[np.uint8] | None:
    """The surface's own pixels as H×W×4 RGBA, without a copy, when they are laid out so (what resvg's
    PNGs decode to). Decoding runs in a thread beside the frame loop: `pygame.image.tobytes` holds the
    GIL while it converts (a 1920×1080 picture stalled the frame thread 11–55 ms here), numpy's casts
    and arithmetic on these arrays let it go."""
    import pygame

    assert isinstance(surface, pygame.Surface)
    width, height = surface.get_size()
    if (surface.get_bytesize() != 4 or surface.get_masks() != (0xFF, 0xFF00, 0xFF0000, 0xFF000000)
            or surface.get_pitch() != width * 4 or surface.get_colorkey() is not None):
        return None
    view: npt.NDArray[np.uint8] = np.asarray(surface.get_view("0"), np.uint8)  # the buffer protocol: no copy
    return view.reshape(height, width, 4)


DOWNSCALE_FROM = 1.25  # a picture this much larger than shown (on either side) is kept at the shown size


def _shrink(values: npt.NDArray[np.float64], target: int, axis: int) -> npt.NDArray[np.float64]:
    """Area averaging along one axis: each target pixel is the mean of the source span it covers
    (fractional pixels counted by their share), from a running sum: O(pixels), no per-pixel Python."""
    count = values.shape[axis]
    sums = np.concatenate([np.zeros_like(np.take(values, [0], axis)), np.cumsum(values, axis)], axis)
    edges = np.arange(target + 1) * (count / target)
    whole = np.minimum(edges.astype(int), count - 1)
    shape = [1] * values.ndim
    shape[axis] = target + 1
    part = (edges - whole).reshape(shape)
    at_edges = np.take(sums, whole, axis) + part * np.take(values, whole, axis)  # running sum at each edge
    averaged: npt.NDArray[np.float64] = np.diff(at_edges, axis=axis) * (target / count)
    return averaged


def _scaled(pixels: npt.NDArray[np.uint8], size: tuple[int, int]) -> npt.NDArray[np.uint8]:
    """Premultiplied RGBA shrunk to `size` by area averaging (what OpenCV's INTER_AREA does: no
    aliasing, and an opaque picture stays exactly opaque; averaging premultiplied pixels keeps edges
    free of dark fringes)."""
    shrunk = _shrink(_shrink(pixels.astype(np.float64), size[1], 0), size[0], 1)
    return np.ascontiguousarray(np.rint(shrunk).clip(0, 255).astype(np.uint8))


class ImageLibrary:
    """Resolves image names (e.g. "trades/G1602.png") against search folders, in order."""

    def __init__(self, roots: list[Path], atlas: Atlas, vectors: VectorPictures | None = None,
                 scale: float = 1.0, shrunk: Path | None = None) -> None:
        """`shrunk`: where pictures shrunk to their shown size are kept between starts (None: made
        at every start)."""
        self.roots = roots
        self._shrunk = ShrunkCopies(shrunk) if shrunk is not None else None
        self.atlas = atlas
        self.scale = scale  # screen pixels per design pixel: SVG is drawn at the screen's resolution
        self._vectors = vectors
        self._uvs: dict[str, Placed | None] = {}
        self._generation = atlas.generation
        self._pending: set[str] = set()
        self.own: OrderedDict[str, OwnPicture] = OrderedDict()  # by key, least recently shown first
        self.released: list[int] = []  # own textures evicted: the renderer frees them
        self.coming: set[tuple[int, int]] = set()  # sizes of own pictures being decoded (render/spares.py)
        self._smaller: dict[str, str] = {}  # "name@shown size" → the atlas key it is drawn from

    @property
    def has_vectors(self) -> bool:
        return self._vectors is not None

    @property
    def vectors(self) -> VectorPictures:
        if self._vectors is None:
            self._vectors = VectorPictures(RASTER_CACHE)
        return self._vectors

    def waiting(self) -> bool:
        """Some picture is still being rasterised."""
        return bool(self._pending)

    def pending(self, name: str) -> bool:
        """An SVG still being rasterised: drawn as nothing (not as a placeholder) until it is ready."""
        return name in self._pending

    def find(self, name: str) -> Path:
        for root in self.roots:
            candidate = root / name
            if candidate.is_file():
                return candidate
        raise AssetError(f"image {name!r} not found in " + ", ".join(str(r) for r in self.roots),
                         hint="check the file name, or run the setup script to generate sample media")

    def prepare(self, name: str, size: tuple[float, float]) -> None:
        """An SVG rasterised to the disk cache ahead of time for `size` (design pixels); other images
        and missing files are left for when they are shown."""
        if not name.lower().endswith(".svg"):
            return
        try:
            self.vectors.prepare(self.find(name), raster_size(size[0] * self.scale, size[1] * self.scale))
        except (AssetError, OSError) as exc:
            log.warning("picture not prepared: %s", exc)

    def uploads(self) -> list[OwnPicture]:
        """Own pictures still being uploaded (the renderer sends each its next strip)."""
        return [picture for picture in self.own.values() if not picture.ready]

    def opaque(self, texture_id: int) -> bool:
        """The own picture of that texture is whole and has no translucent pixel (False: not known)."""
        return any(p.id == texture_id and p.ready and p.opaque for p in self.own.values())

    def uv(self, name: str, size: tuple[float, float] | None = None, detail: float = 1.0) -> Placed | None:
        """Where the image is sampled, or None if it cannot be shown (logged once) or is not ready yet
        (`pending`). `size`: how large it is drawn, in design pixels (SVG is rasterised for it, at
        `detail` pixels per screen pixel; under 1 it is a backdrop: a texture of its own, filtered up,
        that never grows the shared atlas)."""
        self._follow_atlas()
        pixels_size, shown, key = self._sizes(name, size, detail)
        own = self.own.get(key)
        if own is not None:
            return self._show_own(key, name, own)
        if key in self._uvs:
            return self._uvs[key]
        try:
            if pixels_size is not None:
                found = self._vector_pixels(name, key, pixels_size)
                if found is None:
                    self._note_coming(name, pixels_size, detail)
                    return None
                pixels = found
            elif shown is not None:
                pixels, key = self._shown_copy(name, shown)
                if key in self._uvs:
                    return self._uvs[key]
            else:
                pixels = load_rgba_premultiplied(self.find(name))
            height, width = pixels.shape[:2]
            if detail < 1.0 or needs_own_texture(width, height, self.atlas.width, self.atlas.max_height):
                self._own_texture(key, pixels, exact=pixels_size is not None and detail == 1.0)
                self._pending.add(name)
                return None
            result: Placed | None = Placed(*self.atlas.uv(self._add(pixels, name)))
        except AssetError as exc:
            log.warning("image shown as a placeholder: %s", exc)
            result = None
        self._uvs[key] = result
        return result

    def _note_coming(self, name: str, pixels_size: tuple[int, int], detail: float) -> None:
        """A picture drawn and being decoded that will need its own texture: its size goes to `coming`,
        so the renderer makes the texture before the pixels are in."""
        arriving = self.vectors.arriving(self.find(name), pixels_size) if name in self._pending else None
        if arriving is not None and (detail < 1.0 or needs_own_texture(*arriving, self.atlas.width,
                                                                       self.atlas.max_height)):
            self.coming.add(arriving)

    def _sizes(self, name: str, size: tuple[float, float] | None, detail: float
               ) -> tuple[tuple[int, int] | None, tuple[int, int] | None, str]:
        """(the pixel size an SVG is rasterised at, the size a raster picture is shown at, the key its
        placement is kept under)."""
        vector = name.lower().endswith(".svg")
        drawn = (size[0] * detail, size[1] * detail) if size is not None else (512.0, 512.0)
        pixels = raster_size(drawn[0] * self.scale, drawn[1] * self.scale)
        if vector:
            return pixels, None, f"{name}@{pixels}"
        if size is None:
            return None, None, name
        # drawn from the copy made for this shown size, once that is known
        return None, pixels, self._smaller.get(f"{name}@{pixels}", f"{name}@{pixels} (not decoded yet)")

    def _follow_atlas(self) -> None:
        """Forget where pictures were placed once the atlas has started afresh."""
        if self._generation != self.atlas.generation:
            self._uvs.clear()
            self._smaller.clear()
            self._generation = self.atlas.generation

    def _show_own(self, key: str, name: str, own: OwnPicture) -> Placed | None:
        self.own.move_to_end(key)
        if not own.ready:
            return None  # still uploading: `pending` says so
        self._pending.discard(name)
        return Placed(0.0, 0.0, 1.0, 1.0, own.id)

    def _vector_pixels(self, name: str, key: str, pixels_size: tuple[int, int]) -> npt.NDArray[np.uint8] | None:
        """The SVG's pixels at that size, or None while the worker rasterises it (pending) or when it
        cannot be drawn (remembered, so it is tried once)."""
        found = self.vectors.pixels(self.find(name), pixels_size)
        if found is None:
            if self.vectors.failed(self.find(name), pixels_size):
                self._uvs[key] = None
                self._pending.discard(name)
            else:
                self._pending.add(name)
            return None
        self._pending.discard(name)
        return found

    def _own_texture(self, key: str, pixels: npt.NDArray[np.uint8], exact: bool = False) -> None:
        """A texture of its own for `pixels`; the least recently shown own picture makes room."""
        while len(self.own) >= MAX_OWN_TEXTURES:
            _key, evicted = self.own.popitem(last=False)
            self.released.append(evicted.id)
        height, width = pixels.shape[:2]
        self.coming.discard((width, height))
        self.own[key] = OwnPicture(next(_texture_ids), np.ascontiguousarray(pixels), width, height, exact)

    def _shown_copy(self, name: str, shown: tuple[int, int]) -> tuple[npt.NDArray[np.uint8], str]:
        """The picture as it is kept for `shown`: shrunk (from the disk copy of an earlier start when
        there is one) or as decoded."""
        source = self.find(name)
        if self._shrunk is not None and (kept := self._shrunk.get(source, shown)) is not None:
            key = f"{name}@{kept.shape[1]}x{kept.shape[0]}"
            self._smaller[f"{name}@{shown}"] = key
            return kept, key
        decoded = load_rgba_premultiplied(source)
        pixels, key = self._at_shown_size(decoded, name, shown)
        if self._shrunk is not None and pixels is not decoded:
            self._shrunk.put(source, shown, pixels)
        return pixels, key

    def _at_shown_size(self, pixels: npt.NDArray[np.uint8], name: str,
                       shown: tuple[int, int]) -> tuple[npt.NDArray[np.uint8], str]:
        """A picture much larger than it is shown (a 560×320 poster on a 260×118 card) is kept at the
        size it is shown: a software rasteriser samples the small copy at a fraction of the cost
        (minifying the large one misses its caches), and the atlas holds less. Shown sizes are
        rounded up in steps (raster_size), so a growing picture makes a few copies, not one a frame."""
        height, width = pixels.shape[:2]
        target = (min(width, shown[0]), min(height, shown[1]))
        if target[0] * DOWNSCALE_FROM > width and target[1] * DOWNSCALE_FROM > height:
            self._smaller[f"{name}@{shown}"] = name
            return pixels, name
        key = f"{name}@{target[0]}x{target[1]}"
        self._smaller[f"{name}@{shown}"] = key
        if key in self._uvs:
            return pixels, key
        return _scaled(pixels, target), key

    def _add(self, pixels: npt.NDArray[np.uint8], name: str) -> Region:
        """Into the atlas; when it is full, it grows (it starts small: an attract screen's cards need
        a sliver of it) or, at its largest, starts afresh (every image is added again on demand, from
        the raster cache for SVG) rather than show a placeholder."""
        region = self.atlas.add(pixels)
        while region is None and self.atlas.fits(pixels):
            if self.atlas.grow():
                log.info("image atlas grown to %d×%d for %s", self.atlas.width, self.atlas.height, name)
            else:
                self.atlas.reset()
                log.info("image atlas full: started afresh for %s", name)
            self._follow_atlas()
            region = self.atlas.add(pixels)
            if region is None and self.atlas.height >= self.atlas.max_height:
                break
        return region or self.atlas.add_or_fail(pixels, f"image {name!r}")
