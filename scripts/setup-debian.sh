#!/usr/bin/env bash
# Installs every Debian package sparouter needs to build and test. Idempotent: packages
# already present are skipped, and apt is only asked when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libasio-dev node-llhttp libsimdjson-dev rapidjson-dev libsqlite3-dev sqlite3
  libmbedtls-dev libfmt-dev libre2-dev libgtest-dev libgmock-dev googletest libbenchmark-dev
  python3 python3-pytest python3-yaml curl openssl
)
# Extra groups, asked for with SETUP_EXTRAS="web bench fuzz".
for extra in ${SETUP_EXTRAS:-}; do
  case "$extra" in
    web)   packages+=(nodejs npm chromium fonts-wqy-microhei) ;;  # the font: CJK in screenshots
    bench) packages+=(nginx-light wrk) ;;  # benchmarks/load against nginx
    fuzz)  packages+=(clang libclang-rt-14-dev) ;;
    *) echo "setup-debian: unknown extra '$extra'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  # node/npm may come from elsewhere than Debian (this machine kind ships newer ones).
  if [[ "$p" == nodejs || "$p" == npm ]] && command -v "${p/nodejs/node}" >/dev/null 2>&1; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup-debian: all packages present"
  exit 0
fi

echo "setup-debian: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
