#!/usr/bin/env bash
# The shared library must export nothing but the C ABI (sr_*).
set -euo pipefail
lib="$1"
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/ {print $3}')
[ -n "$exported" ] || { echo "no symbols exported from $lib"; exit 1; }
bad=$(grep -v '^sr_' <<<"$exported" || true)
if [ -n "$bad" ]; then
  echo "symbols outside the C ABI exported from $lib:"; echo "$bad"; exit 1
fi
echo "$(wc -l <<<"$exported") symbols exported, all sr_*"
