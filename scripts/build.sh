#!/usr/bin/env bash
# Configures and builds wsn into build/ (Release with debug info) with Ninja and ccache.
# Usage: scripts/build.sh [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/wsn-ccache}"
# Paths relative to the clone (and not its folder hashed in), so a cache made by one clone serves the next.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
ninja -C "$BUILD_DIR" -j"${JOBS:-2}"
