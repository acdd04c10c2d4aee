#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for Nova Kiosk: the few system packages for headless
# OpenGL (Mesa EGL/llvmpipe) and Python venvs, then .venv with the kiosk and its dev tools.
# Idempotent: run it as often as you like.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3 python3-venv python3-dev libegl1 libgl1 libegl-mesa0 libgl1-mesa-dri ffmpeg graphviz gcc g++ libc6-dev
              chromium fonts-noto-core systemd espeak-ng prometheus prometheus-alertmanager)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"
# Sample packs: draw the media their YAML names (kept out of git), then seal them.
.venv/bin/python scripts/make_sample_media.py
echo "setup: ready (.venv/bin/kiosk --help)"
