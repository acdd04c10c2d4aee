#!/usr/bin/env bash
# One command for the whole test suite: setup, lint, types, layering contract, the complexity gate
# (modules up to 400 lines, functions up to complexity 15), then every test, the slow ones included.
# Extra arguments go to pytest (e.g. -m "not slow"); the tests run on two workers (NOVA_TEST_WORKERS).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1
echo "== ruff";          .venv/bin/ruff check kiosk hardware tests scripts
echo "== mypy";          .venv/bin/mypy
echo "== import layers"; .venv/bin/lint-imports
echo "== complexity";    .venv/bin/python scripts/complexity.py --paths kiosk hardware
# Two workers (pytest-xdist): most tests wait on kiosk processes, servers and clocks rather than on
# the CPU, so two at a time fill a 2-core machine. NOVA_TEST_WORKERS=0 runs them in this process.
echo "== pytest";        .venv/bin/pytest -n "${NOVA_TEST_WORKERS:-2}" "$@"
