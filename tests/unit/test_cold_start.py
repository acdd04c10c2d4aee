"""What `kiosk run` does before its first frame: no more than the attract poster needs (docs/performance.md,
cold start). The session's side is imported after READY=1, the poster it takes over is the one it
would have built, and pictures shrunk to their shown size are made once, not at every start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kiosk.render import images as images_module
from kiosk.render.atlas import Atlas
from kiosk.render.images import ImageLibrary

# Each was imported by `import kiosk.app.run` before (752 modules in round 1, 641 in round 3) and is
# not needed to draw the attract poster: visits, records, scoring, signing, QR codes, video, the
# ops endpoint's HTTP server, the SVG rasteriser's process pool.
DEFERRED = ("cv2", "av", "cryptography", "segno", "jsonschema", "babel", "prometheus_client", "sqlite_utils",
            "click", "pluggy", "dateutil", "http.server", "urllib.request", "ssl", "multiprocessing", "resvg_py",
            "kiosk.app.visit", "kiosk.app.sound", "kiosk.runtime.session_screen", "kiosk.runtime.pages",
            "kiosk.visit.host", "kiosk.store.records", "kiosk.scoring.estimate", "kiosk.credentials.keys",
            "kiosk.media.deck", "kiosk.media.decoder", "kiosk.sync.client", "kiosk.ops.server")


def test_importing_kiosk_run_leaves_the_session_side_for_after_the_first_frame() -> None:
    probe = ("import sys, json; import kiosk.cli, kiosk.commands.run, kiosk.app.run; "
             f"print(json.dumps([m for m in {list(DEFERRED)!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"imported before the first frame: {out.stdout.strip()}"


def test_the_poster_drawn_first_is_the_one_the_session_screen_keeps(tmp_path: Path) -> None:
    from kiosk.app.run import first_screen
    from kiosk.config import Settings
    from kiosk.runtime.attract import AttractScreen
    from tests.conftest import SCENARIOS
    from tests.visit_kit import make_kit

    kit = make_kit(SCENARIOS, tmp_path / "kiosk.db")
    packs = list(kit.screen.packs.values())
    first, state, reason = first_screen(Settings(), packs, 0, kit.screen.attract.start, (1920, 1080))
    assert isinstance(first, AttractScreen) and (state, reason) == ("serving", "")
    built = kit.screen.attract  # what the session screen builds for itself
    assert first.frame == built.frame and first.cards == built.cards and first.scenes == built.scenes
    for now in (100.0, 109.0, 117.0):  # still, sliding, dissolving
        assert first.view(now) == built.view(now)


def _library(roots: list[Path], shrunk: Path) -> ImageLibrary:
    return ImageLibrary(roots, Atlas(1024, 1024, 4, "image"), shrunk=shrunk)


def _uploaded(library: ImageLibrary) -> np.ndarray:  # type: ignore[type-arg]
    """The one picture the library put into its atlas."""
    _, uploads = library.atlas.take_uploads()
    (upload,) = uploads
    return upload.pixels


def _poster(path: Path, seed: int) -> None:
    import pygame

    pixels = np.random.default_rng(seed).integers(0, 256, (320, 560, 4), dtype=np.uint8)
    pixels[:, :, 3] = 255
    surface = pygame.image.frombuffer(pixels.tobytes(), (560, 320), "RGBA")
    pygame.image.save(surface, str(path))


def test_a_picture_shrunk_once_is_read_back_at_the_next_start(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _poster(tmp_path / "card.png", 1)
    first = _library([tmp_path], tmp_path / "shrunk")
    placed = first.uv("card.png", (400, 224))
    made = _uploaded(first)
    assert placed is not None and made.shape == (224, 400, 4)
    assert len(list((tmp_path / "shrunk").glob("*.npy"))) == 1

    def no_shrinking(*_: object) -> None:
        raise AssertionError("shrunk again")

    monkeypatch.setattr(images_module, "_scaled", no_shrinking)
    again = _library([tmp_path], tmp_path / "shrunk")  # a new start
    assert again.uv("card.png", (400, 224)) == placed
    assert np.array_equal(_uploaded(again), made)

    _poster(tmp_path / "card.png", 2)  # a trainer replaced the picture: shrunk again, not the old copy
    monkeypatch.undo()
    edited = _library([tmp_path], tmp_path / "shrunk")
    assert edited.uv("card.png", (400, 224)) is not None
    assert not np.array_equal(_uploaded(edited), made)
    assert len(list((tmp_path / "shrunk").glob("*.npy"))) == 2


def test_a_damaged_shrunk_copy_is_made_again(tmp_path: Path) -> None:
    _poster(tmp_path / "card.png", 1)
    _library([tmp_path], tmp_path / "shrunk").uv("card.png", (400, 224))
    (copy,) = (tmp_path / "shrunk").glob("*.npy")
    copy.write_bytes(b"not an array")
    library = _library([tmp_path], tmp_path / "shrunk")
    assert library.uv("card.png", (400, 224)) is not None
    assert np.load(copy).shape == (224, 400, 4)  # rewritten


def test_an_idle_kiosk_without_a_signing_key_never_loads_cryptography(tmp_path: Path) -> None:
    """The session side imported and the key looked for (`build_host`): cryptography's libraries (~8 MB
    of RSS) wait for a key to read, make or check."""
    probe = ("import sys; from pathlib import Path; import kiosk.app.visit; from kiosk.credentials import keys\n"
             f"try:\n    keys.active(Path({str(tmp_path)!r}))\nexcept keys.CredentialError as exc:\n    print(exc)\n"
             "print(sorted(m for m in sys.modules if m.startswith('cryptography')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    said, loaded = out.stdout.splitlines()
    assert said.startswith(f"no signing key in {tmp_path}") and loaded == "[]"
    generated = ("import sys; from pathlib import Path; from kiosk.credentials import keys\n"
                 f"made = keys.generate(Path({str(tmp_path)!r})); read = keys.active(Path({str(tmp_path)!r}))\n"
                 "print(made.kid == read.kid, 'cryptography' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", generated], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]


def test_freed_memory_goes_back_when_the_screen_goes_still_at_most_every_two_seconds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.app import interpreter

    trims: list[int] = []
    monkeypatch.setattr(interpreter, "return_free_memory", lambda: trims.append(1))
    returns = interpreter.FreeMemoryReturn(every=2.0)
    for now in (10.0, 10.5, 11.9, 12.0, 30.0):
        returns(now)
    assert len(trims) == 3  # at 10, 12 and 30


def test_giving_freed_memory_back_lowers_the_heap_after_a_burst() -> None:
    """glibc keeps freed small blocks in its heap; `return_free_memory` hands whole free pages back."""
    probe = """
import ctypes
from kiosk.app.interpreter import return_free_memory
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
base = rss()
burst = [bytearray(1000) for _ in range(60_000)]  # ~60 MB in small blocks: from the heap, not mmap
keep = burst[-1]
del burst
held = rss()
return_free_memory()
print(round(held - base), round(rss() - base))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    held, after = (int(v) for v in out.stdout.split())
    assert held > 40 and after < held / 2, out.stdout
