from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

# Hypothesis fails an example that takes over 200 ms by default: on a loaded machine, or in a GC pause, any
# example can, so the properties have no deadline (each test's own settings still choose how many examples).
# With the fuzz seed pinned (.ci/run), they draw the same examples every run, as the fuzz harnesses do.
settings.register_profile("nova", deadline=None, derandomize="KIOSK_FUZZ_SEED" in os.environ)
settings.load_profile("nova")

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
SCENARIOS = REPO / "scenarios"


@pytest.fixture(scope="session")
def gl_context() -> Iterator[object]:
    from kiosk.render.context import create_offscreen_context

    ctx = create_offscreen_context()
    yield ctx
    ctx.release()


def _media_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample_media", REPO / "scripts" / "make_sample_media.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def published_scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample packs as a kiosk receives them: media present, sealed. A copy: tests never
    touch the repository. Media the setup script already drew are reused, others drawn."""
    from kiosk.scenario.load import find_packs, inspect_pack
    from kiosk.scenario.manifest import seal

    root = tmp_path_factory.mktemp("published") / "scenarios"
    shutil.copytree(SCENARIOS, root, ignore=shutil.ignore_patterns("manifest.json"))
    script = _media_script()
    for pack_dir in find_packs([root]):
        draft = inspect_pack(pack_dir, check_manifest=False).draft
        assert draft is not None, f"{pack_dir.name} does not pass the schema"
        script.make_pack_media(draft, force=False)
        seal(pack_dir)
    return root


@pytest.fixture
def scenarios_copy(published_scenarios: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the published packs, for tests that break them."""
    target = tmp_path / "scenarios"
    shutil.copytree(published_scenarios, target)
    return target


@pytest.fixture(scope="session")
def sample_cards(published_scenarios: Path) -> list[object]:
    from kiosk.runtime.attract import cards_from_trades
    from kiosk.scenario.catalog import discover_trades

    trades, errors = discover_trades(published_scenarios)
    assert not errors
    return list(cards_from_trades([(t.text("title", "fr"), t.text("pitch", "fr"), t.card_image, t.rome,
                                    t.shortage_level) for t in trades]))


@pytest.fixture(scope="session")
def ralph_venv() -> Path:
    from scripts.lrs.ralph_server import ralph_venv as make

    return make()


@pytest.fixture(scope="session")
def ralph_auth(ralph_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ralph's users file, made once: `ralph auth` hashes the password with bcrypt and pays Ralph's
    imports (3 s of CPU a call here), and every LRS of the tests has the same user."""
    from scripts.lrs.ralph_server import RalphServer

    folder = tmp_path_factory.mktemp("ralph-auth")
    RalphServer(ralph_venv, folder)  # writes folder/auth.json
    return folder / "auth.json"


@pytest.fixture
def ralph(ralph_venv: Path, ralph_auth: Path, tmp_path: Path) -> Iterator[object]:
    """A real Ralph LRS on 127.0.0.1 (filesystem backend in tmp_path), stopped after the test."""
    from scripts.lrs.ralph_server import RalphServer

    (tmp_path / "ralph").mkdir()
    shutil.copyfile(ralph_auth, tmp_path / "ralph" / "auth.json")
    server = RalphServer(ralph_venv, tmp_path / "ralph").start()
    yield server
    server.stop()


@pytest.fixture
def stopper() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test started; terminated after it, whatever happened."""
    running: list[subprocess.Popen[bytes]] = []
    yield running
    for process in running:
        process.terminate()
        process.wait(timeout=10)
