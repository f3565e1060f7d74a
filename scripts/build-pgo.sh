#!/usr/bin/env bash
# A profile-guided build of sparouter-server (GCC PGO), in three steps:
#   1. <out>-gen: an instrumented build of the server and the fake upstream;
#   2. the training workload (scripts/pgo-train.py) against it, on loopback, about 30 s;
#   3. <out>: the real build, compiled with the counts from step 2.
#   scripts/build-pgo.sh [out dir, default build-pgo] [extra cmake arguments]
# Everything else in <out> (tests, benchmarks with -DSPAROUTER_BUILD_BENCHMARKS=ON) builds as
# usual; only code the training ran gets laid out by its profile. The profile lives in
# <out>-profile and is made afresh each time: counts from older sources would be ignored anyway.
# Environment: TARGETS (default: all) limits step 3, e.g. TARGETS=sparouter-server.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-build-pgo}")
shift || true
GEN=$OUT-gen
PROFILE=$OUT-profile
JOBS=$(nproc)

rm -rf "$PROFILE"  # the instrumented build itself stays: its objects do not depend on it
cmake -S . -B "$GEN" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPAROUTER_PGO=generate \
  -DSPAROUTER_PGO_DIR="$PROFILE" -DSPAROUTER_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$GEN" -j "$JOBS" --target sparouter-server sparouter-fake-upstream

# shellcheck source=processes.sh
source scripts/processes.sh

# The fake upstream is instrumented too (it shares the HTTP code): its counts go elsewhere.
GCOV_PREFIX=$WORK/upstream-profile "$GEN"/bin/sparouter-fake-upstream --port 0 --name training \
  > "$WORK/upstream.out" 2>&1 &
PIDS+=($!)
wait_for "$WORK/upstream.out" "listening on"
UPSTREAM=http://127.0.0.1:$(listening_port "$WORK/upstream.out")/v1

mkdir -p "$WORK/server"
(cd "$WORK/server" && PORT=0 ADMIN_TOKEN=pgo-training APP_SECRET=pgo-training-secret-0123456789 \
  STATE_FILE=state.json CONFIG_DIR=config ACCESS_LOG=on exec "$GEN/bin/sparouter-server" \
  --no-console > out 2> err) &
SERVER=$!
PIDS+=($SERVER)
wait_for "$WORK/server/out" "listening on"
python3 scripts/pgo-train.py "$(listening_port "$WORK/server/out")" pgo-training "$UPSTREAM"
kill -TERM "$SERVER"
wait "$SERVER" || { echo "build-pgo: the instrumented server did not exit cleanly" >&2; exit 1; }
# -print -quit, not "| grep -q": with pipefail, find killed by grep's early exit fails the test.
if [[ -z $(find "$PROFILE" -name '*.gcda' -print -quit) ]]; then
  echo "build-pgo: the training run wrote no profile into $PROFILE" >&2
  exit 1
fi

cmake -S . -B "$OUT" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPAROUTER_PGO=use \
  -DSPAROUTER_PGO_DIR="$PROFILE" "$@" >/dev/null
# Ninja does not know that objects depend on the profile: compile everything against this one.
cmake --build "$OUT" --target clean
# shellcheck disable=SC2086  # TARGETS is a list
cmake --build "$OUT" -j "$JOBS" ${TARGETS:+--target $TARGETS}
echo "build-pgo: $OUT/bin/sparouter-server is built with the profile in $PROFILE"
