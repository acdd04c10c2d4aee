#!/usr/bin/env bash
# One command for the whole test suite: setup, lint, types, layering contract, the complexity gate
# (modules up to 400 lines, functions up to complexity 15), then every test, the slow ones included.
# Extra arguments go to pytest (e.g. -m "not slow"); the tests run in one process (NOVA_TEST_WORKERS=2 for two).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1
echo "== ruff";          .venv/bin/ruff check kiosk hardware tests scripts
echo "== mypy";          .venv/bin/mypy
echo "== import layers"; .venv/bin/lint-imports
echo "== complexity";    .venv/bin/python scripts/complexity.py --paths kiosk hardware
# One process by default: measured on a quiet 2-core VM, two pytest-xdist workers saved ~6 % on the
# CPU-bound tests and lost ~20 % on the LRS tests (each worker repeats the session set-up), and the
# benches' and floods' timing margins are set for one test at a time. NOVA_TEST_WORKERS=2 tries two.
echo "== pytest";        .venv/bin/pytest -n "${NOVA_TEST_WORKERS:-0}" "$@"
