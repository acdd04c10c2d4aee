"""The adversarial suite of issue 27: a fuzz harness per input surface the kiosk reads from outside
(scenario/scoring YAML, pack archives, offer feeds, config, credentials). Each runs the `kiosk`
command on mutated input in a child process under a memory limit and a deadline, and asserts:
an exit code from the documented set, one located error line, each case under 10 s, the process
under 300 MiB, nothing outside its folder touched, nothing recorded lost (tests/fuzz_driver.py).

A few seconds per surface in every CI run (a new seed each day: the date is the seed, printed on
failure); `slow` runs 20 s per surface (KIOSK_FUZZ_SLOW_SECONDS). Replay a finding with
`python -m tests.fuzz_driver SURFACE SECONDS SEED WORKDIR`.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.hostile import snapshot

REPO = Path(__file__).resolve().parents[2]
SURFACES = ["yaml", "packs", "offers", "config", "jwt"]
MEMORY_LIMIT_MIB = 2048  # address space (Python and its libraries map far more than they touch)
PEAK_RSS_MIB = 300
SEED = int(os.environ.get("KIOSK_FUZZ_SEED", date.today().strftime("%Y%m%d")))


def _limit_memory() -> None:
    limit = MEMORY_LIMIT_MIB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _fuzz(surface: str, seconds: float, tmp_path: Path, samples: Path) -> list[dict[str, object]]:
    outside = tmp_path / "outside"  # a neighbour the harness must never touch
    outside.mkdir()
    (outside / "visits.db").write_bytes(b"recorded visits")
    before = snapshot(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    env = dict(os.environ, SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    try:
        done = subprocess.run([sys.executable, "-m", "tests.fuzz_driver", surface, str(seconds), str(SEED), str(work),
                               str(samples)],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=seconds + 120,
                              preexec_fn=_limit_memory, check=False)
        problem = "" if done.returncode == 0 else f"driver exited {done.returncode}: {done.stderr[-2000:]}"
    except subprocess.TimeoutExpired:
        problem = "the driver hung"
    lines = [json.loads(line) for line in (work / "results.jsonl").read_text(encoding="utf-8").splitlines()] \
        if (work / "results.jsonl").exists() else []
    finished = {line["case"] for line in lines if "code" in line}
    hung = [line for line in lines if "started" in line and line["case"] not in finished]
    assert not problem and not hung, f"seed {SEED}: {problem} {hung[-1:] if hung else ''}"
    after = snapshot(tmp_path)
    touched = sorted(k for k in set(before) | set(after) if not k.startswith("work") and before.get(k) != after.get(k))
    assert touched == [], f"seed {SEED}: touched outside its folder: {touched}"
    peak = next(line["peak_mib"] for line in lines if "peak_mib" in line)
    assert peak < PEAK_RSS_MIB, f"seed {SEED}: {surface} peaked at {peak} MiB"
    return [line for line in lines if "code" in line]


def _assert_clean(surface: str, results: list[dict[str, object]]) -> None:
    findings = [r for r in results if r["problem"]]
    assert results, "no case ran"
    assert not findings, f"{surface}, seed {SEED}: {len(findings)} finding(s) in {len(results)} cases: {findings[:3]}"


@pytest.mark.parametrize("surface", SURFACES)
def test_fuzz_briefly(surface: str, tmp_path: Path, published_scenarios: Path) -> None:
    _assert_clean(surface, _fuzz(surface, 4.0, tmp_path, published_scenarios))


# The slow slice: 20 s per surface keeps the whole CI run within its budget; a soak before a release
# sets KIOSK_FUZZ_SLOW_SECONDS=600.
SLOW_SECONDS = float(os.environ.get("KIOSK_FUZZ_SLOW_SECONDS", "20"))


@pytest.mark.slow
@pytest.mark.parametrize("surface", SURFACES)
def test_fuzz_for_longer(surface: str, tmp_path: Path, published_scenarios: Path) -> None:
    _assert_clean(surface, _fuzz(surface, SLOW_SECONDS, tmp_path, published_scenarios))
