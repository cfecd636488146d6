#!/usr/bin/env bash
# Installs the Debian packages logship needs to build and test. Idempotent: installs only what is missing.
set -euo pipefail
packages=(
  build-essential cmake pkg-config clang clang-format
  libsimdjson-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev libexpected-dev
  libre2-dev libmicrohttpd-dev zlib1g-dev libssl-dev libcurl4-openssl-dev libsqlite3-dev libzstd-dev
  libgtest-dev libgmock-dev libbenchmark-dev python3 time
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
