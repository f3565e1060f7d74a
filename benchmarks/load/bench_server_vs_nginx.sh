#!/usr/bin/env bash
# The server under load, next to nginx as a plain reverse proxy to the same upstream, in one run.
#   upstream: http_fixed_server answering every request with one chat.completion JSON
#   sparouter-server: 3 groups, 7 deployments, 20 rules, embedded classifier (hybrid), clients
#     send model "auto" with ~1 KB bodies (server_config.py sets it up through the admin API)
#   nginx: proxy_pass to the upstream with keep-alive connections
# For each: wrk at 32 and 128 connections, at 8 with a new connection per request, at 32 with
# the group named in the body instead of "auto", and at 32 with 64 distinct prompts in turn
# (requests/s, p99, CPU per request of the server process); RSS idle and at peak; time to first
# byte of a streamed answer
# (sparouter-fake-upstream as the upstream, ttfb_pairs.py, median of N alternating pairs).
#
#   benchmarks/load/bench_server_vs_nginx.sh [build dir]
# The issue's numbers come from the profile-guided build, as a production server would run:
#   scripts/build-pgo.sh build-pgo -DSPAROUTER_BUILD_BENCHMARKS=ON
#   benchmarks/load/bench_server_vs_nginx.sh build-pgo
# Environment: DURATION (10 s), ROUNDS (2, alternating order), GOAL_ROUNDS (6: rounds of the
#   c=32 row, the one the goal is judged on: one round's ratio swings by 10% here), THREADS (1:
#   server threads and nginx workers), TTFB_N (200), NGINX, WRK, PIN (1), MALLOC_TUNING (1), CLASSIFIER_DATA
#   (../shared/reference/classifier-data, for the rotating prompts). Needs nginx-light,
#   wrk, curl, python3.
# PIN=1 with THREADS=1 on 2+ cores: the proxy under test (sparouter-server or nginx) runs on CPU 1,
# wrk and the upstreams on CPU 0, so the two proxies never fight the load generator for a core
# and the scheduler's placement stops adding run-to-run noise. PIN=0 leaves placement to Linux.
set -euo pipefail

BUILD=$(realpath -m "${1:-build}")  # absolute: the server starts from its own directory
SERVER_BIN=$BUILD/bin/sparouter-server
FAKE_BIN=$BUILD/bin/sparouter-fake-upstream
FIXED_BIN=$BUILD/benchmarks/load/http_fixed_server
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
GOAL_ROUNDS=${GOAL_ROUNDS:-6}
THREADS=${THREADS:-1}
TTFB_N=${TTFB_N:-200}
NGINX=${NGINX:-/usr/sbin/nginx}
WRK=${WRK:-wrk}
PIN=${PIN:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
CLASSIFIER_DATA=${CLASSIFIER_DATA:-$HERE/../../../shared/reference/classifier-data}

for tool in "$SERVER_BIN" "$FAKE_BIN" "$FIXED_BIN" "$NGINX"; do
  [[ -x $tool ]] || { echo "missing executable: $tool (build with -DSPAROUTER_BUILD_BENCHMARKS=ON)" >&2; exit 2; }
done
command -v "$WRK" >/dev/null || { echo "missing wrk (apt-get install wrk)" >&2; exit 2; }
LOAD_PIN=()
PROXY_PIN=()
if [[ $PIN == 1 && $THREADS == 1 && $(nproc) -ge 2 ]] && command -v taskset >/dev/null; then
  LOAD_PIN=(taskset -c 0)
  PROXY_PIN=(taskset -c 1)
fi

# shellcheck source=../../scripts/processes.sh
source "$HERE/../../scripts/processes.sh"
# Both proxies (only they) start with the malloc settings the server gives itself (it then has
# nothing to add and does not restart); MALLOC_TUNING=0: glibc's defaults for both, whatever
# GLIBC_TUNABLES says.
# shellcheck source=../../scripts/malloc-tuning.sh
source "$HERE/../../scripts/malloc-tuning.sh"
SR_MALLOC_TUNING=on
[[ ${MALLOC_TUNING:-1} == 1 ]] || { MALLOC_TUNABLES=""; SR_MALLOC_TUNING=off; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
cpu_ticks() {
  local total=0 pid rest
  for pid in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    [[ -r /proc/$pid/stat ]] || continue
    rest=$(sed 's/^.*) //' /proc/"$pid"/stat)
    total=$((total + $(echo "$rest" | awk '{print $12 + $13}')))
  done
  echo "$total"
}
rss_kb() {  # VmRSS / VmHWM of a process and its children (nginx workers), in KiB
  local total=0 pid
  for pid in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    total=$((total + $(awk -v k="$2:" '$1 == k {print $2}' /proc/"$pid"/status)))
  done
  echo "$total"
}

# The upstream: one chat.completion for every request.
cat > "$WORK/answer.json" <<'JSON'
{"id":"chatcmpl-load","object":"chat.completion","created":1700000000,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"A short fixed answer from the load-test upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":200,"completion_tokens":10,"total_tokens":210}}
JSON
UP_PORT=$(free_port)
"${LOAD_PIN[@]}" "$FIXED_BIN" --port "$UP_PORT" --threads 1 --body "$WORK/answer.json" > "$WORK/up.out" 2>&1 &
PIDS+=($!)
wait_for "$WORK/up.out" LISTENING

# A streaming upstream for the time-to-first-byte comparison.
"${LOAD_PIN[@]}" "$FAKE_BIN" --port 0 --name stream --chunk-delay-ms 5 > "$WORK/fake.out" 2>&1 &
PIDS+=($!)
wait_for "$WORK/fake.out" "listening on"
FAKE_PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/fake.out" | head -1)

# nginx as a reverse proxy: keep-alive to the upstream, no buffering of streamed answers.
NGINX_PORT=$(free_port)
NGINX_STREAM_PORT=$(free_port)
cat > "$WORK/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes $THREADS;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp-body;
  proxy_temp_path $WORK/tmp-proxy;
  fastcgi_temp_path $WORK/tmp-fastcgi;
  uwsgi_temp_path $WORK/tmp-uwsgi;
  scgi_temp_path $WORK/tmp-scgi;
  keepalive_requests 100000000;
  upstream fixed { server 127.0.0.1:$UP_PORT; keepalive 256; }
  upstream streaming { server 127.0.0.1:$FAKE_PORT; keepalive 16; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://fixed; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:$NGINX_STREAM_PORT;
    location / { proxy_pass http://streaming; proxy_http_version 1.1; proxy_set_header Connection "";
                 proxy_buffering off; }
  }
}
CONF
GLIBC_TUNABLES=$MALLOC_TUNABLES "${PROXY_PIN[@]}" "$NGINX" -c "$WORK/nginx.conf" \
  -e "$WORK/nginx-error.log" &
NGINX_PID=$!
PIDS+=($NGINX_PID)

# sparouter-server, configured through its admin API.
mkdir -p "$WORK/sr"
(cd "$WORK/sr" && PORT=0 THREADS=$THREADS ADMIN_TOKEN=load-token APP_SECRET=load-test-secret-0123456789 \
   STATE_FILE=state.json CONFIG_DIR=config ACCESS_LOG=off GLIBC_TUNABLES=$MALLOC_TUNABLES \
   MALLOC_TUNING=$SR_MALLOC_TUNING \
   exec "${PROXY_PIN[@]}" "$SERVER_BIN" --no-console \
   > "$WORK/sr.out" 2> "$WORK/sr.err") &
SR_PID=$!
PIDS+=($SR_PID)
wait_for "$WORK/sr.out" "listening on"
SR_PORT=$(listening_port "$WORK/sr.out")
python3 "$HERE/server_config.py" "$SR_PORT" load-token "http://127.0.0.1:$UP_PORT/v1" "$WORK/body.json" > /dev/null
sleep 0.5
SR_IDLE_RSS=$(rss_kb "$SR_PID" VmRSS)
NG_IDLE_RSS=$(rss_kb "$NGINX_PID" VmRSS)

# Both answer, and sparouter routed by the classifier.
curl -sf -D "$WORK/h" -o /dev/null -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" \
  "http://127.0.0.1:$SR_PORT/v1/chat/completions" || { echo "sparouter does not answer" >&2; cat "$WORK/sr.err" >&2; exit 1; }
grep -qi '^x-sparouter-route-source: classifier' "$WORK/h" || {
  echo "sparouter did not route by the classifier:" >&2; cat "$WORK/h" >&2; exit 1; }
curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" \
  "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" || { echo "nginx does not answer" >&2; exit 1; }

# The same body naming its group: the host's cost without the router's decision.
sed 's/"model": "auto"/"model": "general"/' "$WORK/body.json" > "$WORK/body_named.json"
grep -q '"model": "general"' "$WORK/body_named.json" || { echo "cannot name the group in the body" >&2; exit 1; }
for body in body body_named; do
  cat > "$WORK/$body.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$WORK/$body.json", "rb"); wrk.body = f:read("*a"); f:close()
LUA
done
# 64 distinct ~1 KB prompts sent in turn (rotating_bodies.py says why), when the classifier data
# of ../shared is there.
RUNS="32 128 8close 32named"
if [[ -r $CLASSIFIER_DATA/clinc150_domain.train.jsonl ]]; then
  python3 "$HERE/rotating_bodies.py" "$CLASSIFIER_DATA" "$WORK/rot.jsonl" 64
  cat > "$WORK/body_rot.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {}
for line in io.lines("$WORK/rot.jsonl") do bodies[#bodies + 1] = line end
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
LUA
  RUNS="$RUNS 32rot"
else
  echo "no classifier data in $CLASSIFIER_DATA: the 32rot row is left out" >&2
fi

HZ=$(getconf CLK_TCK)
# Wake-ups of other tasks the proxy causes per request (perf's sched:sched_waking, when perf can
# count it). Waking the load generator or the upstream asleep on CPU 0 is costly on a virtual
# machine (an interrupt to a halted vCPU), and a slower proxy leaves CPU 0 idle more often: this
# column explains much of the run-to-run spread of CPU per request.
WAKE_PERF=0
if command -v perf > /dev/null && perf stat -e sched:sched_waking -x, -o /dev/null -- true 2> /dev/null; then
  WAKE_PERF=1
fi
# run_one <pid> <port> <connections> [wrk options]: prints "rps requests cpu_s p99_ms wakeups errors"
run_one() {
  local pid=$1 port=$2 c=$3 before after out perf_pid=""
  local extra=("${@:4}")
  "${LOAD_PIN[@]}" "$WRK" -t1 -c"$c" -d2s "${extra[@]}" -s "$SCRIPT" "http://127.0.0.1:$port/v1/chat/completions" > /dev/null
  if [[ $WAKE_PERF == 1 ]]; then
    local pids
    pids=$(echo "$pid" $(cat /proc/"$pid"/task/*/children 2> /dev/null) | tr ' ' ',')
    perf stat -e sched:sched_waking -x, -p "$pids" -o "$WORK/wake.txt" -- sleep "$DURATION" 2> /dev/null &
    perf_pid=$!
  fi
  before=$(cpu_ticks "$pid")
  out=$("${LOAD_PIN[@]}" "$WRK" -t1 -c"$c" -d"${DURATION}s" --latency "${extra[@]}" -s "$SCRIPT" "http://127.0.0.1:$port/v1/chat/completions")
  after=$(cpu_ticks "$pid")
  local wakeups=-1
  if [[ -n $perf_pid ]] && wait "$perf_pid"; then
    wakeups=$(awk -F, '/sched_waking/ {print $1}' "$WORK/wake.txt")
    [[ $wakeups =~ ^[0-9]+$ ]] || wakeups=-1
  fi
  local rps requests p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v*=1000}; print v}')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {gsub(/ +/," "); printf "%s;", $0}')
  echo "$rps $requests $(awk -v t=$((after - before)) -v hz="$HZ" 'BEGIN {printf "%.3f", t / hz}') $p99 $wakeups ${errors:-none}"
}

# Which build is measured: a profile-guided one (scripts/build-pgo.sh) takes less CPU.
PGO_STAGE=$(sed -n 's/^SPAROUTER_PGO:STRING=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true)
echo "build: $BUILD ($([[ $PGO_STAGE == use ]] && echo "profile-guided" || echo "no profile-guided optimisation")); both proxies with GLIBC_TUNABLES=${MALLOC_TUNABLES:-(none)}"
echo "sparouter-server vs nginx reverse proxy; ~1 KB chat bodies (model auto), wrk -t1 -d${DURATION}s x ${ROUNDS} rounds (c=32: ${GOAL_ROUNDS}), ${THREADS} server thread(s)/worker(s), $(nproc) cores, $([[ ${#PROXY_PIN[@]} -gt 0 ]] && echo "proxy on CPU 1, load on CPU 0" || echo "unpinned"), load $(cut -d' ' -f1 /proc/loadavg)"
printf "%-6s %-10s %11s %9s %11s %8s %9s  %s\n" conns server "requests/s" "p99 ms" "cpu us/req" "ratio" "wake/req" "errors"
# "8close": 8 connections, each request on a new one (Connection: close): what a connection's
# set-up and teardown cost, which the time-to-first-byte comparison below pays on every sample.
# "32named": c=32 with the group named in the body ("general"), so sparouter skips its rules and
# classifier: what the host costs, and so what the routing decision costs in the 32 row.
for run in $RUNS; do
  c=${run%close}
  c=${c%named}
  c=${c%rot}
  extra=()
  [[ $run == *close ]] && extra=(-H "Connection: close")
  SCRIPT="$WORK/body.lua"
  [[ $run == *named ]] && SCRIPT="$WORK/body_named.lua"
  [[ $run == *rot ]] && SCRIPT="$WORK/body_rot.lua"
  declare -A REQ=( [sparouter]=0 [nginx]=0 ) CPU=( [sparouter]=0 [nginx]=0 ) P99=( [sparouter]=0 [nginx]=0 ) ERR=( [sparouter]="" [nginx]="" )
  declare -A WAKE=( [sparouter]=0 [nginx]=0 ) ROUND_RPS=()
  rounds=$ROUNDS
  [[ $run == 32 ]] && rounds=$GOAL_ROUNDS
  ROUND_RATIOS=""  # sparouter/nginx requests/s of each round: the two ran back to back
  for round in $(seq "$rounds"); do
    if (( round % 2 == 1 )); then order="sparouter nginx"; else order="nginx sparouter"; fi
    for name in $order; do
      if [[ $name == sparouter ]]; then pid=$SR_PID port=$SR_PORT; else pid=$NGINX_PID port=$NGINX_PORT; fi
      read -r rps req cpu p99 wakeups errors < <(run_one "$pid" "$port" "$c" "${extra[@]}")
      REQ[$name]=$((REQ[$name] + req))
      ROUND_RPS[$name]=$req  # the table's measure: requests in DURATION
      if (( wakeups < 0 || WAKE[$name] < 0 )); then WAKE[$name]=-1; else WAKE[$name]=$((WAKE[$name] + wakeups)); fi
      CPU[$name]=$(awk -v a="${CPU[$name]}" -v b="$cpu" 'BEGIN {print a + b}')
      P99[$name]=$(awk -v a="${P99[$name]}" -v b="$p99" 'BEGIN {print (b > a) ? b : a}')  # worst round
      [[ $errors == none ]] || ERR[$name]+="$errors"
    done
    ROUND_RATIOS+=" $(awk -v a="${ROUND_RPS[sparouter]}" -v b="${ROUND_RPS[nginx]}" 'BEGIN {printf "%.3f", a / b}')"
  done
  for name in nginx sparouter; do
    rps=$(awk -v n="${REQ[$name]}" -v r="$rounds" -v d="$DURATION" 'BEGIN {printf "%.0f", n / (r * d)}')
    cpu_us=$(awk -v c="${CPU[$name]}" -v n="${REQ[$name]}" 'BEGIN {printf "%.1f", c * 1e6 / n}')
    if [[ $name == nginx ]]; then NG_RPS=$rps NG_CPU=$cpu_us NG_P99=${P99[nginx]}; ratio="1.00"
    else ratio=$(awk -v a="$rps" -v b="$NG_RPS" 'BEGIN {printf "%.2f", a / b}'); fi
    wake=$(awk -v w="${WAKE[$name]}" -v n="${REQ[$name]}" 'BEGIN {if (w < 0) print "n/a"; else printf "%.3f", w / n}')
    printf "%-6s %-10s %11s %9s %11s %8s %9s  %s\n" "$run" "$name" "$rps" "${P99[$name]}" "$cpu_us" "$ratio" "$wake" "${ERR[$name]:-none}"
  done
  awk -v sr="$rps" -v ng="$NG_RPS" -v sc="$cpu_us" -v nc="$NG_CPU" -v sp="${P99[sparouter]}" -v np="$NG_P99" -v run="$run" 'BEGIN {
    if (run ~ /close$/)
      printf "  %s ratios sparouter/nginx: requests/s %.2fx, cpu/request %.2fx, p99 %.2fx (a new connection per request: no goal of its own)\n", run, sr/ng, sc/nc, sp/np
    else if (run ~ /rot$/)
      printf "  %s ratios sparouter/nginx: requests/s %.2fx, cpu/request %.2fx, p99 %.2fx (64 distinct prompts in turn: the decision on text it has not just seen; no goal of its own)\n", run, sr/ng, sc/nc, sp/np
    else if (run ~ /named$/)
      printf "  %s ratios sparouter/nginx: requests/s %.2fx, cpu/request %.2fx, p99 %.2fx (group named in the body, no routing decision: no goal of its own)\n", run, sr/ng, sc/nc, sp/np
    else
      printf "  c=%s ratios sparouter/nginx: requests/s %.2fx (goal >= 0.9 at c=32), cpu/request %.2fx (<= 1.3), p99 %.2fx (<= 1.5)\n", run, sr/ng, sc/nc, sp/np }'
  echo "$ROUND_RATIOS" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{v[NR] = $1} END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "    requests/s ratio by round (%d): median %.2fx, from %.2fx to %.2fx\n", NR, m, v[1], v[NR] }'
done
SR_PEAK_RSS=$(rss_kb "$SR_PID" VmHWM)
NG_PEAK_RSS=$(rss_kb "$NGINX_PID" VmHWM)
echo "RSS sparouter idle $((SR_IDLE_RSS / 1024)) MiB (goal <= 20), peak $((SR_PEAK_RSS / 1024)) MiB (goal <= 64); nginx idle $((NG_IDLE_RSS / 1024)) MiB, peak $((NG_PEAK_RSS / 1024)) MiB"

# Time to first byte of a streamed answer: sparouter (explicit group -> fake upstream) vs nginx,
# a new connection per sample.
python3 - "$SR_PORT" "http://127.0.0.1:$FAKE_PORT/v1" <<'PY'
import json, sys, urllib.request
port, base = sys.argv[1], sys.argv[2]
def api(m, p, b):
    r = urllib.request.Request("http://127.0.0.1:%s%s" % (port, p), method=m, data=json.dumps(b).encode(),
                               headers={"X-Admin-Token": "load-token", "Content-Type": "application/json"})
    return urllib.request.urlopen(r).read()
api("POST", "/api/providers", {"id": "stream", "name": "Streaming", "kind": "openai_compatible", "base_url": base})
api("POST", "/api/routing/groups", {"name": "streamer"})
api("POST", "/api/routing/groups/streamer/deployments", {"provider_id": "stream", "model": "fake-model"})
api("POST", "/api/apply", {})
PY
STREAM_BODY='{"model":"streamer","stream":true,"messages":[{"role":"user","content":"hi"}]}'
for round in 1 2; do  # samples alternate between the two proxies (ttfb_pairs.py says why)
  read -r _ SR_TTFB _ NG_TTFB _ ADDED < <("${LOAD_PIN[@]}" python3 "$HERE/ttfb_pairs.py" "$TTFB_N" "$STREAM_BODY" \
    "sparouter=http://127.0.0.1:$SR_PORT/v1/chat/completions" "nginx=http://127.0.0.1:$NGINX_STREAM_PORT/v1/chat/completions")
  echo "time to first streamed byte (median of $TTFB_N alternating pairs, round $round): sparouter ${SR_TTFB} us, nginx ${NG_TTFB} us, added ${ADDED} us as the median of paired differences (goal <= 50)"
done
