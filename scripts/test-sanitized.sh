#!/usr/bin/env bash
# Every test again under AddressSanitizer + UndefinedBehaviorSanitizer, and the concurrency
# tests under ThreadSanitizer. Each in its own build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
export CCACHE_BASEDIR="$PWD"  # cache hits across checkouts in different folders

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSPAROUTER_SANITIZE=address,undefined
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 900 \
    -E '^web\.unit$'  # the console's own unit tests hold no C++; its browser test still runs

cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPAROUTER_SANITIZE=thread \
  -DSPAROUTER_BUILD_EXAMPLES=OFF
cmake --build build-tsan -j "$jobs" --target sparouter_unit_router sparouter_unit_select
TSAN_OPTIONS=halt_on_error=1 ./build-tsan/tests/sparouter_unit_router --gtest_filter='*Concurren*'
TSAN_OPTIONS=halt_on_error=1 ./build-tsan/tests/sparouter_unit_select --gtest_filter='*Concurren*'
