# Sourced by scripts that start helper processes on loopback (build-pgo.sh, the load harness):
# a scratch directory $WORK, the PIDS to kill on exit, and waiting for a "listening" line.
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() {  # wait_for <file> <pattern>: up to 20 s
  for _ in $(seq 400); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1
}

listening_port() {  # the port of the first "listening on http://127.0.0.1:<port>" in a file
  sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1" | head -1
}
