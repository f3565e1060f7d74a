#!/usr/bin/env bash
# Fixed-body load test: sparouter's HTTP stack (http_fixed_server) against nginx serving the same
# bytes, both on loopback, each driven by wrk. Reports requests/s and CPU time per request of
# each server process (utime+stime from /proc/<pid>/stat, before and after the run).
#
#   benchmarks/load/bench_http_vs_nginx.sh [path/to/http_fixed_server]
# Environment: DURATION (10, seconds per run), ROUNDS (1), CONNECTIONS (32), WRK_THREADS (1), SERVER_THREADS (1),
#   MODEL (per-thread|shared), BODY_BYTES (1024), NGINX (/usr/sbin/nginx), WRK (wrk),
#   NGINX_MODE (return: the body from memory with `return 200`, nginx's fastest path; static:
#   the body from a file with sendfile).
# Needs: apt-get install -y --no-install-recommends nginx-light wrk
set -euo pipefail

SERVER_BIN=${1:-build/benchmarks/load/http_fixed_server}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-1}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-1}
MODEL=${MODEL:-per-thread}
BODY_BYTES=${BODY_BYTES:-1024}
NGINX=${NGINX:-/usr/sbin/nginx}
NGINX_MODE=${NGINX_MODE:-return}
WRK=${WRK:-wrk}

for tool in "$SERVER_BIN" "$NGINX"; do
  [[ -x $tool ]] || { echo "missing executable: $tool" >&2; exit 2; }
done
command -v "$WRK" >/dev/null || { echo "missing wrk (apt-get install wrk)" >&2; exit 2; }

WORK=$(mktemp -d)
SR_PID=""
NGINX_PID=""
cleanup() {
  [[ -n $SR_PID ]] && kill "$SR_PID" 2>/dev/null && wait "$SR_PID" 2>/dev/null || true
  [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# CPU seconds (utime+stime) of a process and its direct children (nginx workers).
cpu_ticks() {
  local total=0 pid
  for pid in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    [[ -r /proc/$pid/stat ]] || continue
    # Fields after the ")" of the command name: utime is 12th, stime 13th of that remainder.
    local rest
    rest=$(sed 's/^.*) //' /proc/"$pid"/stat)
    total=$((total + $(echo "$rest" | awk '{print $12 + $13}')))
  done
  echo "$total"
}

mkdir -p "$WORK/www"
head -c "$BODY_BYTES" /dev/zero | tr '\0' 'x' > "$WORK/www/body"
chmod -R a+rX "$WORK"

# nginx: same body from a static file, one worker per server thread, long keep-alive.
NGINX_PORT=$(free_port)
if [[ $NGINX_MODE == static ]]; then
  LOCATION="root $WORK/www;"
else
  LOCATION="return 200 '$(cat "$WORK/www/body")';"
fi
cat > "$WORK/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes $SERVER_THREADS;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/plain;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  keepalive_timeout 65;
  client_body_temp_path $WORK/tmp-body;
  proxy_temp_path $WORK/tmp-proxy;
  fastcgi_temp_path $WORK/tmp-fastcgi;
  uwsgi_temp_path $WORK/tmp-uwsgi;
  scgi_temp_path $WORK/tmp-scgi;
  open_file_cache max=16;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { $LOCATION }
  }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
NGINX_PID=$!

"$SERVER_BIN" --port 0 --threads "$SERVER_THREADS" --model "$MODEL" --body "$WORK/www/body" \
  > "$WORK/sr.out" 2> "$WORK/sr.err" &
SR_PID=$!

for _ in $(seq 100); do
  grep -q LISTENING "$WORK/sr.out" 2>/dev/null && curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/body" && break
  sleep 0.1
done
SR_PORT=$(awk '/LISTENING/ {print $2}' "$WORK/sr.out")
[[ -n $SR_PORT ]] || { echo "http_fixed_server did not start" >&2; cat "$WORK/sr.err" >&2; exit 1; }
cmp -s <(curl -sf "http://127.0.0.1:$SR_PORT/body") "$WORK/www/body" || { echo "sparouter body differs" >&2; exit 1; }
cmp -s <(curl -sf "http://127.0.0.1:$NGINX_PORT/body") "$WORK/www/body" || { echo "nginx body differs" >&2; exit 1; }

HZ=$(getconf CLK_TCK)
# run_one <name> <pid> <port>: prints "name rps requests cpu_seconds"
run_one() {
  local name=$1 pid=$2 port=$3
  "$WRK" -t"$WRK_THREADS" -c"$CONNECTIONS" -d2s "http://127.0.0.1:$port/body" > /dev/null  # warm-up
  local before after out
  before=$(cpu_ticks "$pid")
  out=$("$WRK" -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$port/body")
  after=$(cpu_ticks "$pid")
  local rps requests errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  [[ -z $errors ]] || echo "$name: wrk reported: $errors" >&2
  echo "$name $rps $requests $(awk -v t=$((after - before)) -v hz="$HZ" 'BEGIN {printf "%.2f", t / hz}')"
}

echo "body ${BODY_BYTES} B (nginx: ${NGINX_MODE}), wrk -t${WRK_THREADS} -c${CONNECTIONS} -d${DURATION}s x ${ROUNDS} rounds, server threads ${SERVER_THREADS} (sparouter model ${MODEL}), $(nproc) cores"
# ROUNDS > 1 alternates the order and sums, so load from other processes on a shared machine
# weighs on both servers alike.
SR_REQ=0; SR_CPU=0; SR_RPS=0; NG_REQ=0; NG_CPU=0; NG_RPS=0
for round in $(seq "$ROUNDS"); do
  if (( round % 2 == 1 )); then order="sparouter nginx"; else order="nginx sparouter"; fi
  for name in $order; do
    if [[ $name == sparouter ]]; then
      read -r _ rps req cpu < <(run_one sparouter "$SR_PID" "$SR_PORT")
      SR_REQ=$((SR_REQ + req)); SR_CPU=$(awk -v a="$SR_CPU" -v b="$cpu" 'BEGIN {print a + b}')
    else
      read -r _ rps req cpu < <(run_one nginx "$NGINX_PID" "$NGINX_PORT")
      NG_REQ=$((NG_REQ + req)); NG_CPU=$(awk -v a="$NG_CPU" -v b="$cpu" 'BEGIN {print a + b}')
    fi
    echo "  round $round $name: $rps requests/s, $req requests, $cpu cpu s" >&2
  done
done
SR_RPS=$(awk -v n="$SR_REQ" -v r="$ROUNDS" -v d="$DURATION" 'BEGIN {print n / (r * d)}')
NG_RPS=$(awk -v n="$NG_REQ" -v r="$ROUNDS" -v d="$DURATION" 'BEGIN {print n / (r * d)}')

awk -v srr="$SR_RPS" -v srn="$SR_REQ" -v src="$SR_CPU" -v ngr="$NG_RPS" -v ngn="$NG_REQ" -v ngc="$NG_CPU" 'BEGIN {
  sru = src * 1e6 / srn; ngu = ngc * 1e6 / ngn;
  printf "%-10s %12s %12s %10s %14s\n", "server", "requests/s", "requests", "cpu s", "cpu us/req";
  printf "%-10s %12.0f %12d %10.2f %14.2f\n", "sparouter", srr, srn, src, sru;
  printf "%-10s %12.0f %12d %10.2f %14.2f\n", "nginx", ngr, ngn, ngc, ngu;
  printf "ratio sparouter/nginx: requests/s %.2fx (goal >= 0.90), cpu per request %.2fx (goal <= 1.20)\n", srr / ngr, sru / ngu;
}'

# Graceful stop of our server: SIGTERM must give exit status 0.
kill -TERM "$SR_PID"
wait "$SR_PID"; SR_STATUS=$?
SR_PID=""
echo "http_fixed_server exit status after SIGTERM: $SR_STATUS"
