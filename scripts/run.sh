#!/usr/bin/env bash
# The README's run command: installs what is missing (Debian 12), builds the server and the
# console, and starts sparouter-server on http://localhost:8080 with file storage.
#   scripts/run.sh [extra server arguments, e.g. --no-console]
#   PGO=1 scripts/run.sh: the same with the profile-guided build (scripts/build-pgo.sh).
# First run: writes .env with a random APP_SECRET (mode 0600) so provider keys can be stored;
# the admin token is random per run and printed (set ADMIN_TOKEN in .env to keep one).
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"

SETUP_EXTRAS="web" bash scripts/setup-debian.sh
if [[ ${PGO:-0} == 1 ]]; then  # the profile-guided build: slower to build, less CPU per request
  # Trained and rebuilt only when a source is newer than the last profile-guided server.
  if [[ ! -x build-pgo/bin/sparouter-server ]] ||
     [[ -n $(find CMakeLists.txt cmake include libsparouter servers scripts/pgo-train.py \
             -newer build-pgo/bin/sparouter-server -print -quit) ]]; then
    TARGETS=sparouter-server bash scripts/build-pgo.sh build-pgo
  fi
  SERVER=./build-pgo/bin/sparouter-server
else
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j "$(nproc)" --target sparouter-server
  SERVER=./build/bin/sparouter-server
fi

if [[ " $* " != *" --no-console "* ]]; then
  (cd web && { [[ -d node_modules && node_modules/.package-lock.json -nt package-lock.json ]] ||
               npm ci --no-audit --no-fund; } && npm run build)
fi

if [[ ! -f .env ]]; then
  umask 077
  printf 'APP_SECRET=%s\n' "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" > .env
  echo "run: wrote .env with a new APP_SECRET (keep it: it opens the stored provider keys)"
fi
exec "$SERVER" "$@"
