"""SVG pictures rasterised at the size they are drawn, off the frame thread, cached on disk.

resvg (through `resvg-py`) holds the GIL while it draws (a 1920×1080 scene takes 0.1-0.7 s on
these machines, 3840×2160 about four times that), so it runs in a worker *process*; the PNG it
writes is the cache, keyed by the SVG's content hash and the pixel size: a picture edited by a
trainer is drawn again, an unchanged one never. Decoding that PNG (OpenCV releases the GIL) runs
in a thread; the frame thread only copies finished pixels into the atlas.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from concurrent.futures import Executor, Future
from concurrent.futures.thread import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

Pixels = npt.NDArray[np.uint8]
SIZE_STEP = 8  # pixel sizes are rounded up to this: a picture drawn 1 px larger is not drawn again


def raster_size(width: float, height: float) -> tuple[int, int]:
    def up(value: float) -> int:
        return max(SIZE_STEP, -(-round(value) // SIZE_STEP) * SIZE_STEP)
    return up(width), up(height)


def cache_name(svg: bytes, size: tuple[int, int]) -> str:
    return f"{hashlib.sha256(svg).hexdigest()[:32]}-{size[0]}x{size[1]}.png"


def rasterise_to(svg: bytes, size: tuple[int, int], target: Path) -> Path:
    """Draw `svg` to fit `size` (its aspect kept) and write the PNG to `target` atomically. Runs in
    the worker process: imports nothing heavy."""
    import resvg_py

    png = resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), width=size[0], height=size[1],
                                skip_system_fonts=True)  # the project's pictures carry no text to shape
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    partial.write_bytes(bytes(png))
    partial.replace(target)
    return target


def lower_priority() -> None:
    """The rasteriser yields to the frame loop when both want a core (a kiosk with 2 cores and a
    software GL driver draws frames on the CPU too)."""
    with contextlib.suppress(OSError):
        os.nice(10)


def png_size(path: Path) -> tuple[int, int] | None:
    """A PNG's pixel size from its header (IHDR, bytes 16-24), without decoding it; None: not a PNG."""
    with path.open("rb") as file:
        head = file.read(24)
    if len(head) < 24 or not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def decode_png(path: Path) -> Pixels:
    from kiosk.render.images import load_rgba_premultiplied

    return load_rgba_premultiplied(path)


class VectorPictures:
    """Asks for a picture at a size; answers its pixels once they are ready (None until then)."""

    def __init__(self, cache: Path, rasteriser: Executor | None = None, decoder: Executor | None = None) -> None:
        self.cache = cache
        self._own_rasteriser = rasteriser is None
        self._rasteriser = rasteriser
        self._decoder = decoder or ThreadPoolExecutor(1, thread_name_prefix="svg-decode")
        self._jobs: dict[tuple[Path, tuple[int, int]], Future[Pixels]] = {}
        self._failed: set[tuple[Path, tuple[int, int]]] = set()
        self._prepared: list[Future[Path]] = []
        self._arriving: dict[tuple[Path, tuple[int, int]], tuple[int, int]] = {}  # drawn, being decoded: its size

    def _pool(self) -> Executor:
        if self._rasteriser is None:  # spawn: the kiosk holds GL and threads a fork must not copy
            import multiprocessing  # only when a picture is not in the cache yet
            from concurrent.futures.process import ProcessPoolExecutor

            self._rasteriser = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                   initializer=lower_priority)
        return self._rasteriser

    def pixels(self, source: Path, size: tuple[int, int]) -> Pixels | None:
        """The picture's pixels at `size` if ready; otherwise start the work (once) and return None."""
        key = (source, size)
        job = self._jobs.get(key)
        if job is None:
            if key in self._failed:
                return None
            job = self._jobs[key] = self._start(source, size)
        if not job.done():
            return None
        del self._jobs[key]
        self._arriving.pop(key, None)
        try:
            return job.result()
        except Exception as exc:  # a broken SVG: logged once, the picture stays out
            log.error("picture %s not drawn: %s", source, exc)
            self._failed.add(key)
            return None

    def prepare(self, source: Path, size: tuple[int, int]) -> None:
        """Rasterise into the disk cache ahead of time, nothing more: no pixels are kept in memory
        until the picture is shown (a kiosk prepares every pack's pictures when it starts)."""
        svg = source.read_bytes()
        target = self.cache / cache_name(svg, size)
        if not target.is_file():
            self._prepared.append(self._pool().submit(rasterise_to, svg, size, target))

    def failed(self, source: Path, size: tuple[int, int]) -> bool:
        return (source, size) in self._failed

    def arriving(self, source: Path, size: tuple[int, int]) -> tuple[int, int] | None:
        """The pixel size of a picture asked for at `size` once it is drawn and being decoded (resvg
        keeps the SVG's aspect, so it may be smaller than asked): the renderer makes its texture then."""
        return self._arriving.get((source, size))

    def _start(self, source: Path, size: tuple[int, int]) -> Future[Pixels]:
        svg = source.read_bytes()
        target = self.cache / cache_name(svg, size)
        key = (source, size)
        if target.is_file():
            self._note_size(key, target)
            return self._decoder.submit(decode_png, target)
        drawn = self._pool().submit(rasterise_to, svg, size, target)
        result: Future[Pixels] = Future()

        def decode(done: Future[Path]) -> None:
            try:
                self._note_size(key, done.result())
                result.set_result(decode_png(done.result()))
            except Exception as exc:
                result.set_exception(exc)

        drawn.add_done_callback(lambda done: self._decoder.submit(decode, done))
        return result

    def _note_size(self, key: tuple[Path, tuple[int, int]], png: Path) -> None:
        with contextlib.suppress(OSError):
            found = png_size(png)
            if found is not None:
                self._arriving[key] = found

    def wait(self, timeout: float = 30.0) -> None:
        """Block until every started picture is ready (screenshots, tests, benches)."""
        jobs: list[Future[Any]] = [*self._jobs.values(), *self._prepared]
        for job in jobs:
            with contextlib.suppress(Exception):  # reported by pixels()
                job.result(timeout)

    def close(self) -> None:
        if self._rasteriser is not None and self._own_rasteriser:
            self._rasteriser.shutdown(cancel_futures=True)
        self._decoder.shutdown(cancel_futures=True)
