#!/usr/bin/env bash
# Compares two Bulwark setups at the same time on the same core, for differences too small for
# proxy-vs-nginx.sh to resolve on a shared machine (its runs follow each other, and the machine's speed drifts
# by tens of percent from one run to the next).
#
#   cpu0: gateway A and gateway B (each with -XX:ActiveProcessorCount=1)
#   cpu1: two wrk (-t1, half the connections each), one per gateway, and the fixed upstream
#
# Both gateways run the --auth configuration of proxy-vs-nginx.sh on copies of one H2 store, so the same
# access tokens (lua/bearer-tokens.lua) work on both. Each run loads both at once, so whatever else the machine
# does slows both alike; the script prints the CPU time each used per request, for the whole process and for
# its event-loop thread, and their B/A ratios per run and as medians.
#
# Usage: bulwark-bench/side-by-side.sh
# Environment (defaults in brackets):
#   A_JAR, B_JAR      gateway jars (both: BULWARK_JAR, or bulwark-gateway/$BULWARK_BUILD_DIR, or the launcher's)
#   A_OPTS, B_OPTS    extra JVM options of each (e.g. a collector: the launcher's is used unless one is named)
#   A_PATH, B_PATH    the path each is loaded on [/bench]: e.g. B_PATH=/limited/bench prices rate limiting
#   WARMUP [90]       seconds of load on both before measuring (two JVMs compile slowly on one core)
#   DURATION [5]      seconds per measured run (at most 30)
#   RUNS [10]         measured runs per fork
#   FORKS [1]         how many times both gateways are started afresh (warm-up and runs each time); the JIT
#                     compiles each JVM its own way, so one pair of JVMs can differ by several percent from
#                     the next: compare medians over forks for differences that small
#   CONNECTIONS [64]  wrk connections, split between the two
#   PACE_MS []        when set, each connection waits this long after a response before its next request, so
#                     both gateways get the same request rate below capacity (CPU per request is then compared
#                     at equal load; saturated, the dearer side also serves fewer requests per wake-up)
#   BASE_PORT [18080] upstream on BASE_PORT, A on +1, B on +2
#   TOKENS [1000]     distinct users, and so distinct access tokens
# Smoke run: WARMUP=5 DURATION=2 RUNS=1 TOKENS=20 bulwark-bench/side-by-side.sh
#
# Installs nginx and wrk from Debian packages when missing (needs root). Everything listens on 127.0.0.1;
# every process it starts is stopped on exit.
set -euo pipefail

BENCH_NAME=side-by-side
# shellcheck source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

WARMUP="${WARMUP:-90}"
DURATION="${DURATION:-5}"
RUNS="${RUNS:-10}"
FORKS="${FORKS:-1}"
CONNECTIONS="${CONNECTIONS:-64}"
BASE_PORT="${BASE_PORT:-18080}"
PACE_MS="${PACE_MS:-}"
TOKENS="${TOKENS:-1000}"
A_PATH="${A_PATH:-/bench}"
B_PATH="${B_PATH:-/bench}"
UPSTREAM_PORT="$BASE_PORT"
A_PORT=$((BASE_PORT + 1))
B_PORT=$((BASE_PORT + 2))

require_whole_numbers WARMUP="$WARMUP" DURATION="$DURATION" RUNS="$RUNS" FORKS="$FORKS" \
  CONNECTIONS="$CONNECTIONS" BASE_PORT="$BASE_PORT" TOKENS="$TOKENS"
(( RUNS >= 1 && FORKS >= 1 && DURATION >= 1 && TOKENS >= 1 )) || die "RUNS, FORKS, DURATION and TOKENS must be at least 1"
[[ -z "$PACE_MS" ]] || require_whole_numbers PACE_MS="$PACE_MS"
(( DURATION <= 30 )) || die "DURATION must be at most 30 s (one wrk run)"
(( CONNECTIONS >= 2 )) || die "CONNECTIONS must be at least 2 (they are split between the gateways)"
require_two_cpus
install_tools
require_free_ports "$UPSTREAM_PORT" "$A_PORT" "$B_PORT"
LOAD_BEFORE="$(load_average)"

start_upstream "$UPSTREAM_PORT"
wait_ready "http://127.0.0.1:$UPSTREAM_PORT/" "the upstream nginx"

# Starts gateway A or B with its own jar and JVM options on its own copy of the store.
start_side() { # A or B
  local jar_var="${1}_JAR" opts_var="${1}_OPTS" port_var="${1}_PORT"
  BULWARK_JAR="${!jar_var:-${BULWARK_JAR:-}}" BENCH_JAVA_OPTS="${!opts_var:-}" choose_bulwark
  BENCH_JAVA_OPTS="${!opts_var:-}" start_bulwark "$WORK/$1.yaml" "${!port_var}"
  wait_ready "http://127.0.0.1:${!port_var}/public/bench" "gateway $1"
}

edge_config "$A_PORT" "$UPSTREAM_PORT" "$CONNECTIONS" > "$WORK/A.yaml"
auth_bench_config "$WORK/data-A" >> "$WORK/A.yaml"
sed -e "s/port: $A_PORT/port: $B_PORT/" -e "s|$WORK/data-A|$WORK/data-B|" "$WORK/A.yaml" > "$WORK/B.yaml"

# One store made through A, then copied for B while no gateway has it open.
start_side A
merchant_tokens "$A_PORT" "$WORK/A.yaml" "$TOKENS"
stop_pid "${PORT_PID[$A_PORT]}"
cp -r "$WORK/data-A" "$WORK/data-B"
start_side A
start_side B
# Fork 1 started A first; later forks alternate the order, so neither side is always the JVM started last.
restart_both() { # fork number
  stop_pid "${PORT_PID[$A_PORT]}"
  stop_pid "${PORT_PID[$B_PORT]}"
  if (( $1 % 2 == 0 )); then start_side B; start_side A; else start_side A; start_side B; fi
}

export BENCH_TOKENS="$WORK/tokens.txt"
[[ -z "$PACE_MS" ]] || export BENCH_DELAY_MS="$PACE_MS"
WRK_OPTS=(-s "$BENCH_DIR/lua/bearer-tokens.lua")
read -r first_token first_tenant < "$WORK/tokens.txt"
for side in A B; do
  port_var="${side}_PORT" path_var="${side}_PATH"
  status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $first_token" \
    -H "X-Merchant-Id: $first_tenant" "http://127.0.0.1:${!port_var}${!path_var}")"
  [[ "$status" == 200 ]] || die "gateway $side answered $status instead of 200 on ${!path_var}"
done

HALF=$((CONNECTIONS / 2))
# Loads both gateways at once; appends "A-result B-result" (see `load`) to a file.
both() { # seconds, results file
  load "$A_PORT" "$A_PATH" "$1" "$HALF" "${WRK_OPTS[@]}" > "$WORK/a.result" &
  local a_pid=$!
  load "$B_PORT" "$B_PATH" "$1" "$HALF" "${WRK_OPTS[@]}" > "$WORK/b.result"
  wait "$a_pid"
  echo "$(cat "$WORK/a.result") $(cat "$WORK/b.result")" >> "$2"
}

: > "$WORK/runs.results"
for fork in $(seq 1 "$FORKS"); do
  (( fork == 1 )) || restart_both "$fork"
  echo "fork $fork of $FORKS: warming up both, ${WARMUP} s..." >&2
  left="$WARMUP"
  while (( left > 0 )); do
    chunk=$(( left > 30 ? 30 : left ))
    both "$chunk" "$WORK/warmup.results"
    left=$((left - chunk))
  done
  echo "fork $fork of $FORKS: measuring $RUNS runs of $DURATION s, both gateways at once..." >&2
  : > "$WORK/fork.results"
  for run in $(seq 1 "$RUNS"); do
    both "$DURATION" "$WORK/fork.results"
  done
  sed "s/^/$fork /" "$WORK/fork.results" >> "$WORK/runs.results"
done

# Columns of runs.results: the fork, A's rps p50 p99 cpu loop, then B's.
echo
machine_line
echo "load average before: $LOAD_BEFORE; after: $(load_average)"
DEFAULT_JAR="${BULWARK_JAR:-${BULWARK_BUILD_DIR:-target (the launcher)}}"
echo "A: ${A_JAR:-$DEFAULT_JAR} ${A_OPTS:-} on $A_PATH"
echo "B: ${B_JAR:-$DEFAULT_JAR} ${B_OPTS:-} on $B_PATH"
echo "load: two wrk -t1 -c$HALF at once${PACE_MS:+, each connection pausing $PACE_MS ms between requests}," \
  "$FORKS fork(s) of $RUNS x $DURATION s after $WARMUP s; $TOKENS bearer tokens, round-robin"
printf '%4s %4s %10s %10s %9s %9s %9s %9s %7s %7s\n' fork run "A req/s" "B req/s" "A p99 ms" "B p99 ms" \
  "A us/req" "B us/req" "B/A" "loop"
awk '{ printf "%4d %4d %10.0f %10.0f %9.2f %9.2f %9.1f %9.1f %7.3f %7.3f\n", $1, NR, $2, $7, $4, $9, $5, $10,
  $10 / $5, $11 / $6 }' "$WORK/runs.results"
if (( FORKS > 1 )); then
  for fork in $(seq 1 "$FORKS"); do
    printf "fork %d median B/A event loop: %.3f\n" "$fork" \
      "$(awk -v f="$fork" '$1 == f { print $11 / $6 }' "$WORK/runs.results" | median)"
  done
fi
printf "median B/A cpu per request: %.3f (process), %.3f (event loop); B/A requests/s %.3f\n" \
  "$(awk '{ print $10 / $5 }' "$WORK/runs.results" | median)" \
  "$(awk '{ print $11 / $6 }' "$WORK/runs.results" | median)" \
  "$(awk '{ print $7 / $2 }' "$WORK/runs.results" | median)"
