#!/usr/bin/env bash
# Installs the pinned OpenAI SDK (npm registry) when missing, then runs the SDK test.
set -euo pipefail
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "node is missing: SETUP_EXTRAS=web scripts/setup-debian.sh" >&2; exit 1; }
if [[ ! -d node_modules/openai || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node sdk_test.mjs
