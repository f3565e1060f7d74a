#!/usr/bin/env bash
# The README's test command: installs what is missing (Debian 12), builds everything in
# Release and runs every test. Usage: scripts/test.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
jobs="$(nproc)"
export CCACHE_BASEDIR="$PWD"  # cache hits across checkouts in different folders

# web: Node.js, npm and Chromium for the console, its browser tests and the OpenAI SDK test.
SETUP_EXTRAS="web ${SETUP_EXTRAS:-}" bash scripts/setup-debian.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPAROUTER_BUILD_BENCHMARKS=ON
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600
