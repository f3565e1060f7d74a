#!/usr/bin/env bash
# Runs one of the web console's test steps in web/: unit | build | e2e.
# Installs the pinned dependencies (npm ci) first when node_modules is missing or older than
# package-lock.json. Fails loudly when Node or npm is missing or too old.
set -euo pipefail

step=${1:?usage: run_npm.sh unit|build|e2e}
web_dir=${SPAROUTER_WEB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../web" && pwd)}

fail() { echo "web.$step: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || fail "node is not installed (Node >= 20.19 is needed: scripts/setup-debian.sh web)"
command -v npm >/dev/null 2>&1 || fail "npm is not installed (it comes with Node >= 20.19)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "Node $(node --version) is too old: the console needs Node >= 20.19"

cd "$web_dir"
[ -f package-lock.json ] || fail "no package-lock.json in $web_dir"

# npm ci when the install is missing or older than the lock file. One install at a time.
lock_dir=node_modules.lock
ensure_deps() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "web.$step: installing dependencies (npm ci)"
    npm ci --no-audit --no-fund || fail "npm ci failed (is the npm registry reachable?)"
    touch node_modules/.package-lock.json
  fi
}
exec 9>"$web_dir/.npm-ci.lock"
flock 9
ensure_deps
flock -u 9

case "$step" in
  unit) exec npx --no-install vitest run ;;
  build) exec npm run build ;;
  e2e)
    [ -f dist/index.html ] || fail "web/dist is missing: web.build must run first (npm run build)"
    exec node e2e/run.mjs ;;
  *) fail "unknown step '$step'" ;;
esac
