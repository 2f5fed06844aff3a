#!/usr/bin/env bash
# Installs what is needed, builds, and starts the relay with its embedded default:
# LMDB under ./wsn-data, a key generated on first start, its wsn:// addresses printed.
# Extra arguments go to `wsn relay` (see `build/wsn relay --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
WSN_BENCH=OFF scripts/build.sh -DWSN_TESTS=OFF -DWSN_BENCH=OFF
exec build/wsn relay "$@"
