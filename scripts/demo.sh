#!/usr/bin/env bash
# One command for a newcomer: set up, then run the kiosk on the bundled sample content.
# With a display: a window (pass --fullscreen for a real kiosk). Without one: headless
# through EGL for 20 s, leaving screenshots and a recording in ./out/, then a sample visit
# replayed through every screen into ./out/visit/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SDL_AUDIODRIVER="${SDL_AUDIODRIVER:-dummy}"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/kiosk run "$@"
fi
echo "demo: no display found: running headless for 20 s; screenshots and a recording go to ./out/"
.venv/bin/kiosk run --headless --duration 20 --screenshot-every 2 --out out --record out/kiosk.mp4 "$@"
echo "demo: replaying a sample visit (every screen, fr → en, an idle reset) into ./out/visit/"
exec .venv/bin/kiosk replay assets/replays/sample-visit.jsonl --screenshots out/visit
