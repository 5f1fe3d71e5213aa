#!/usr/bin/env bash
# Logins under load, with the real password hashing (Argon2id, OWASP parameters m=19 MiB, t=2, p=1), in the
# layout of proxy-vs-nginx.sh:
#
#   cpu0: Bulwark alone (-XX:ActiveProcessorCount=1, so one password-hashing thread beside the event loop)
#   cpu1: wrk (-t1) and the fixed upstream (nginx `return 200`, 1 worker)
#
# Measures, after a warm-up:
#   1. logins/s: wrk posting POST /auth/login for USERS users round-robin (lua/login.lua), LOGIN_DURATION s;
#   2. whether a login flood slows proxied traffic: the p99 of a public proxied route alone, then while a
#      second wrk floods /auth/login with FLOOD_CONNECTIONS connections; the ratio flooded/alone. This is
#      done for two kinds of proxied load, each alone-then-flooded RUNS times (medians):
#        saturated  wrk -c64 as fast as it can (the foundation benchmark's load): latency there is mostly
#                   queueing, so it grows with any CPU taken away;
#        paced      wrk with PACED_CONNECTIONS connections, each pausing PACE_MS ms between requests
#                   (lua/paced.lua), well below capacity: the latency a normal load sees.
#
# Usage: bulwark-bench/login-load.sh
# Environment (defaults in brackets):
#   WARMUP [30]            seconds of proxied load on Bulwark before measuring (wrk runs of at most 30 s)
#   DURATION [20]          seconds per proxied run (at most 26: the flood runs DURATION + 4 s)
#   RUNS [2]               alone/flooded pairs per kind of proxied load
#   USERS [5]              users logging in
#   LOGIN_DURATION [10]    seconds of the logins/s run
#   LOGIN_CONNECTIONS [8]  wrk connections of the logins/s run
#   FLOOD_CONNECTIONS [32] wrk connections of the flood; up to 1 + password.queue (65) every login waits
#                          for the hashing thread, beyond that the rest get 503 at once
#   PACED_CONNECTIONS [16], PACE_MS [5]  the paced proxied load (at most 16 / 5 ms = 3,200 requests/s)
#   HASH_MEMORY [19MB], HASH_ITERATIONS [2]  Argon2id m and t (p is 1); the defaults are OWASP's. For
#                          experiments: e.g. 256KB and 100 cost about as much CPU with almost no garbage
#   BASE_PORT [18080]      upstream on BASE_PORT, Bulwark on +2
#   BENCH_JAVA_OPTS, BULWARK_BUILD_DIR, BULWARK_JAR  as in proxy-vs-nginx.sh
# Smoke run: WARMUP=3 DURATION=3 RUNS=1 LOGIN_DURATION=3 bulwark-bench/login-load.sh
#
# Installs nginx and wrk from Debian packages when missing (needs root). Everything listens on 127.0.0.1;
# every process it starts is stopped on exit.
set -euo pipefail

BENCH_NAME=login-load
# shellcheck source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

(( $# == 0 )) || die "takes no arguments (settings are environment variables): $*"
WARMUP="${WARMUP:-30}"
DURATION="${DURATION:-20}"
RUNS="${RUNS:-2}"
USERS="${USERS:-5}"
LOGIN_DURATION="${LOGIN_DURATION:-10}"
LOGIN_CONNECTIONS="${LOGIN_CONNECTIONS:-8}"
FLOOD_CONNECTIONS="${FLOOD_CONNECTIONS:-32}"
PACED_CONNECTIONS="${PACED_CONNECTIONS:-16}"
PACE_MS="${PACE_MS:-5}"
HASH_MEMORY="${HASH_MEMORY:-19MB}"
HASH_ITERATIONS="${HASH_ITERATIONS:-2}"
BASE_PORT="${BASE_PORT:-18080}"
UPSTREAM_PORT="$BASE_PORT"
BULWARK_PORT=$((BASE_PORT + 2))
SATURATED_CONNECTIONS=64

require_whole_numbers WARMUP="$WARMUP" DURATION="$DURATION" RUNS="$RUNS" USERS="$USERS" \
  LOGIN_DURATION="$LOGIN_DURATION" LOGIN_CONNECTIONS="$LOGIN_CONNECTIONS" FLOOD_CONNECTIONS="$FLOOD_CONNECTIONS" \
  PACED_CONNECTIONS="$PACED_CONNECTIONS" PACE_MS="$PACE_MS" BASE_PORT="$BASE_PORT" HASH_ITERATIONS="$HASH_ITERATIONS"
[[ "$HASH_MEMORY" =~ ^[0-9]+[KMG]B$ ]] || die "HASH_MEMORY must be a size like 19MB or 256KB: $HASH_MEMORY"
(( RUNS >= 1 && DURATION >= 1 && USERS >= 1 && LOGIN_DURATION >= 1 )) \
  || die "RUNS, DURATION, USERS and LOGIN_DURATION must be at least 1"
(( DURATION <= 26 && LOGIN_DURATION <= 30 )) || die "DURATION must be at most 26 s and LOGIN_DURATION at most 30 s"
(( LOGIN_CONNECTIONS >= 1 && FLOOD_CONNECTIONS >= 1 && PACED_CONNECTIONS >= 1 )) || die "connections must be at least 1"
require_two_cpus
install_tools
choose_bulwark
require_free_ports "$UPSTREAM_PORT" "$BULWARK_PORT"
LOAD_BEFORE="$(load_average)"

start_upstream "$UPSTREAM_PORT"

# The same edge filters as proxy-vs-nginx.sh, a public route, and identity with OWASP's hashing parameters
# (unless HASH_MEMORY or HASH_ITERATIONS say otherwise), one hashing thread (half the cores, at least one)
# and the default queue of 64.
{
  edge_config "$BULWARK_PORT" "$UPSTREAM_PORT" "$SATURATED_CONNECTIONS"
  cat <<YAML
auth:
  masterKey: $(random_key)
  registration: open
  accessToken: { lifetime: 1h }
  password:
    hashing: { memory: $HASH_MEMORY, iterations: $HASH_ITERATIONS, parallelism: 1 }
routes:
  - id: public
    match: { path: "/**" }
    upstream: fixed
YAML
} > "$WORK/bulwark-login.yaml"

start_bulwark "$WORK/bulwark-login.yaml" "$BULWARK_PORT"
wait_ready "http://127.0.0.1:$UPSTREAM_PORT/" "the upstream nginx"
wait_ready "http://127.0.0.1:$BULWARK_PORT/bench" "Bulwark"

echo "registering $USERS users..." >&2
make_users "$USERS" "$WORK/users.txt"
register_users "$BULWARK_PORT" "$WORK/users.txt"
mint_tokens "$BULWARK_PORT" "$WORK/users.txt" "$WORK/tokens.txt" # proves the logins succeed
export BENCH_USERS="$WORK/users.txt"
LOGIN_SCRIPT=(-s "$BENCH_DIR/lua/login.lua" --timeout 20s)

# Waits (at most 30 s) until the hashing queue is empty: a single login answers within half a second.
wait_logins_drained() {
  local body
  body="$(head -n1 "$WORK/users.txt" | awk '{ printf "{\"email\":\"%s\",\"password\":\"%s\"}", $1, $2 }')"
  for _ in $(seq 1 30); do
    curl -s -o /dev/null --max-time 30 -H 'Content-Type: application/json' -d "$body" \
      -w '%{time_total}\n' "http://127.0.0.1:$BULWARK_PORT/auth/login" | awk '{ exit !($1 < 0.5) }' && return 0
    sleep 0.5
  done
  echo "warning: logins still queue after 30 s" >&2
}

echo "warming up: Bulwark ${WARMUP} s of proxied load, 3 s of logins..." >&2
warm_up "$BULWARK_PORT" /bench "$WARMUP" "$SATURATED_CONNECTIONS"
wrk_run "$BULWARK_PORT" /auth/login 3 "$LOGIN_CONNECTIONS" "${LOGIN_SCRIPT[@]}" >/dev/null
wait_logins_drained

echo "logins/s: ${LOGIN_DURATION} s..." >&2
LOGINS="$(wrk_run "$BULWARK_PORT" /auth/login "$LOGIN_DURATION" "$LOGIN_CONNECTIONS" "${LOGIN_SCRIPT[@]}")"
read -r LOGIN_RPS LOGIN_P50 LOGIN_P99 LOGIN_BAD LOGIN_ERRORS LOGIN_CPU _ <<< "$LOGINS"
wait_logins_drained

# Measures proxied load alone, then under a login flood started 2 s before it; appends
# "alone_rps alone_p99 flooded_rps flooded_p99 flood_logins_per_s flood_non2xx flood_socket_errors" to a file.
alone_then_flooded() { # results file, connections, [wrk options...]
  local file="$1" connections="$2" alone flooded flood flood_pid flood_out="$WORK/flood.txt" pid kept=()
  shift 2
  alone="$(wrk_run "$BULWARK_PORT" /bench "$DURATION" "$connections" "$@")"
  timeout $((DURATION + 40)) taskset -c "$LOAD_CPU" wrk -t1 -c"$FLOOD_CONNECTIONS" -d"$((DURATION + 4))s" --latency \
    "${LOGIN_SCRIPT[@]}" "http://127.0.0.1:$BULWARK_PORT/auth/login" > "$flood_out" 2>&1 &
  flood_pid=$!
  PIDS+=("$flood_pid")
  sleep 2
  flooded="$(wrk_run "$BULWARK_PORT" /bench "$DURATION" "$connections" "$@")"
  wait "$flood_pid" || die "the flooding wrk failed: $(cat "$flood_out")"
  for pid in "${PIDS[@]}"; do
    [[ "$pid" == "$flood_pid" ]] || kept+=("$pid")
  done
  PIDS=("${kept[@]}")
  flood="$(summarize_wrk "$(cat "$flood_out")" 0)"
  echo "$(cut -d' ' -f1,3 <<< "$alone") $(cut -d' ' -f1,3 <<< "$flooded") $(cut -d' ' -f1,4,5 <<< "$flood")" >> "$file"
  wait_logins_drained
}

: > "$WORK/saturated.results"
: > "$WORK/paced.results"
export BENCH_DELAY_MS="$PACE_MS"
for run in $(seq 1 "$RUNS"); do
  echo "run $run/$RUNS: saturated proxied load alone then flooded, ${DURATION} s each..." >&2
  alone_then_flooded "$WORK/saturated.results" "$SATURATED_CONNECTIONS"
  echo "run $run/$RUNS: paced proxied load alone then flooded, ${DURATION} s each..." >&2
  alone_then_flooded "$WORK/paced.results" "$PACED_CONNECTIONS" -s "$BENCH_DIR/lua/paced.lua"
done

flood_row() { # label, results file
  local f="$2"
  awk -v label="$1" -v ar="$(column_median "$f" 1)" -v ap="$(column_median "$f" 2)" \
      -v fr="$(column_median "$f" 3)" -v fp="$(column_median "$f" 4)" -v lr="$(column_median "$f" 5)" \
      -v bad="$(column_median "$f" 6)" 'BEGIN {
    printf "%-22s %10.0f %10.3f %10.0f %10.3f %8.2f %10.1f %10.0f\n", label, ar, ap, fr, fp, (ap > 0 ? fp / ap : 0), lr, bad
  }'
}

echo
machine_line
echo "load average before: $LOAD_BEFORE; after: $(load_average)"
echo "password hashing: Argon2id m=$HASH_MEMORY, t=$HASH_ITERATIONS, p=1; 1 hashing thread, queue 64; $USERS users"
printf 'logins: wrk -t1 -c%s, %s s: %.1f logins/s, p50 %.0f ms, p99 %.0f ms, %s non-2xx, %s socket errors, %.0f cpu us/login\n' \
  "$LOGIN_CONNECTIONS" "$LOGIN_DURATION" "$LOGIN_RPS" "$LOGIN_P50" "$LOGIN_P99" "$LOGIN_BAD" "$LOGIN_ERRORS" "$LOGIN_CPU"
echo "proxied load alone, then under a login flood (wrk -c$FLOOD_CONNECTIONS on /auth/login); ${RUNS} x ${DURATION} s each; medians"
printf '%-22s %10s %10s %10s %10s %8s %10s %10s\n' "proxied load" "alone rps" "alone p99" "flood rps" "flood p99" \
  "p99 x" "logins/s" "non-2xx"
flood_row "saturated (-c$SATURATED_CONNECTIONS)" "$WORK/saturated.results"
flood_row "paced (-c$PACED_CONNECTIONS, ${PACE_MS} ms)" "$WORK/paced.results"
