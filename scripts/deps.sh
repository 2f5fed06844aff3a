#!/usr/bin/env bash
# Installs every Debian package wsn needs to build, test and benchmark.
# Idempotent and non-interactive: runs `apt-get update` only when a package is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-dev
  libsecp256k1-dev libssl-dev libboost-dev libboost-system-dev
  libsimdjson-dev liblmdb-dev libpq-dev libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libqrencode-dev libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 postgresql-client-15
  nginx-light microsocks openssl nodejs npm chromium zbar-tools util-linux procps iproute2
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs from another origin may provide npm itself.
if [[ " ${missing[*]} " == *" npm "* ]] && command -v npm >/dev/null; then
  missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
