#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for Nova Kiosk: the few system packages for headless
# OpenGL (Mesa EGL/llvmpipe) and Python venvs, then .venv with the kiosk and its dev tools.
# Idempotent: run it as often as you like.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3 python3-venv python3-dev libegl1 libgl1 libegl-mesa0 libgl1-mesa-dri ffmpeg graphviz gcc g++ libc6-dev
              chromium fonts-noto-core systemd espeak-ng nodejs
              gettext  # msgfmt checks the PO files
              prometheus prometheus-alertmanager  # promtool, amtool and a real scraper for the fleet tests
              python3-seccomp  # libseccomp for the unit's filter test
              xvfb)  # bench input's window run on a real X server where the machine has no display
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# npm is its own package in Debian, but bundled with NodeSource's nodejs (where Debian's would conflict)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
SECONDS=0
# The test tools below do not need .venv: they install beside it (network and CPU overlap), each into
# .cache/ with its log in .cache/setup-NAME.log; setup waits for them at the end and names any that failed.
mkdir -p .cache
side_names=(); side_pids=()
beside() {  # beside NAME COMMAND...: runs COMMAND in the background
  local name=$1; shift
  echo "setup: $name (beside the rest)"
  "$@" >".cache/setup-$name.log" 2>&1 &
  side_names+=("$name"); side_pids+=($!)
}
# extwee (npm): an independent Twine 2 HTML / Twee 3 implementation the Twine tests check against.
EXTWEE_VERSION=2.3.18
if ! grep -qs "\"version\": \"$EXTWEE_VERSION\"" .cache/extwee/node_modules/extwee/package.json; then
  beside "extwee-$EXTWEE_VERSION" npm install --prefix .cache/extwee --no-audit --no-fund --silent "extwee@$EXTWEE_VERSION"
fi
# Learning Locker's xAPI statement validator (npm registry, GPL-3.0): the tests check every statement
# the kiosk sends with it (tests/xapi/). A test tool only: installed under .cache/, never shipped.
if [ ! -f .cache/xapi-validation/node_modules/xapi-validation/package.json ]; then
  beside xapi-validation npm install --silent --no-audit --no-fund --prefix .cache/xapi-validation xapi-validation@2.1.4
fi
# Ralph, the tests' LRS, in its own venv (it pins old fastapi/uvicorn): made here rather than by the
# first test that needs it, so that its ~20 s overlap the rest (scripts/lrs/ralph_server.py).
beside ralph-venv "$PYTHON" -c "import sys; sys.path.insert(0, '.')
from scripts.lrs.ralph_server import ralph_venv
ralph_venv()"

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"
# The kiosk's own modules as bytecode now: the service's checkout is read-only (ProtectSystem=strict)
# and tests run with PYTHONDONTWRITEBYTECODE, so Python would otherwise compile ~170 modules at every
# start (0.5-0.8 s of the cold start here; docs/performance.md). Re-run after each update.
.venv/bin/python -m compileall -q kiosk hardware >/dev/null
echo "setup: .venv ready (${SECONDS} s)"
# Sample sounds (kept out of git): the event sounds and an ambient loop per sample scene.
.venv/bin/python scripts/make_sample_sounds.py
# Sample packs: draw the media their YAML names (kept out of git), then seal those that lint clean
# (a pack with lint errors is named with its first error and left unsealed, as `kiosk pack seal` would).
.venv/bin/python scripts/make_sample_media.py
echo "setup: sample media ready (${SECONDS} s)"
failed=()
for i in "${!side_pids[@]}"; do
  wait "${side_pids[$i]}" || failed+=("${side_names[$i]}")
done
for name in "${failed[@]}"; do
  echo "setup: $name failed; its log, .cache/setup-$name.log:" >&2
  tail -n 30 ".cache/setup-$name.log" >&2
done
((${#failed[@]} == 0)) || exit 1
echo "setup: ready in ${SECONDS} s (.venv/bin/kiosk --help)"
