#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: unit and end-to-end tests
# (ctest), the same unit tests under ASan/UBSan, the fuzz targets for a short bounded
# time, and the JavaScript client's tests. Exits non-zero on any failure.
# PostgreSQL comes from Debian's packages and runs from scripts/pg.sh, in folders under
# /tmp, as the unprivileged `postgres` user when run as root: ctest starts one for the
# store tests (the pg_start/pg_stop fixture), the cluster tests start their own.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/wsn-ccache}"
# Paths relative to the clone (and not its folder hashed in), so a cache made by one clone serves the next.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
FUZZ_SECONDS="${FUZZ_SECONDS:-15}"

step() { printf '\n==> %s\n' "$*"; }

step "dependencies"
scripts/deps.sh
for dir in tests/e2e clients/js; do
  if [[ -f $dir/package-lock.json ]]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
if [[ -f clients/js/package.json ]]; then
  (cd clients/js && npm run --silent build)
fi

step "build (RelWithDebInfo)"
BUILD_DIR=build scripts/build.sh -DWSN_TESTS=ON -DWSN_BENCH=OFF

step "unit and end-to-end tests"
(cd build && ctest --output-on-failure -j2 --timeout 600)

# The sans-IO core and the store, where bytes from the network are parsed and decrypted; the
# sockets layer and the load generator, whose coroutines are where gcc 12 has miscompiled
# temporaries (see src/wsn/net/close_frame.hpp).
SAN_LAYERS=(util crypto nostr negentropy noise wsn store net loadgen)
step "unit tests of ${SAN_LAYERS[*]} under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWSN_SANITIZE=ON -DWSN_BENCH=OFF >/dev/null
targets=()
for l in "${SAN_LAYERS[@]}"; do
  ninja -C build-asan -t targets all | grep -q "^test_$l:" && targets+=("test_$l")
done
ninja -C build-asan -j2 "${targets[@]}"
for t in "${targets[@]}"; do
  echo "  $t"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "build-asan/tests/$t" --gtest_brief=1
done

step "fuzz targets, ${FUZZ_SECONDS}s each"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWSN_FUZZ=ON \
  -DWSN_TESTS=OFF -DWSN_BENCH=OFF >/dev/null
ninja -C build-fuzz -j2 $(ninja -C build-fuzz -t targets all | grep -o '^fuzz_[a-z0-9_]*' | sort -u)
for f in build-fuzz/fuzz/fuzz_*; do
  [[ -x $f ]] || continue
  name=$(basename "$f")
  corpus="build-fuzz/corpus/$name"
  mkdir -p "$corpus"
  seeds="fuzz/seeds/${name#fuzz_}"
  echo "  $name"
  "$f" -max_total_time="$FUZZ_SECONDS" -max_len=200000 -print_final_stats=0 "$corpus" \
    $([[ -d $seeds ]] && echo "$seeds") >"build-fuzz/$name.log" 2>&1 || {
    tail -50 "build-fuzz/$name.log"; echo "fuzz target $name failed"; exit 1; }
done

if [[ -f clients/js/package.json ]]; then
  step "JavaScript client tests"
  (cd clients/js && WSN_BIN="$ROOT/build/wsn" WSN_VECTORS_DIR="$ROOT/../shared/vectors" npm test)
fi

step "all tests passed"
