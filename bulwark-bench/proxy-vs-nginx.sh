#!/usr/bin/env bash
# Compares Bulwark with nginx as reverse proxies on the same single core, in one run.
#
#   cpu0: the proxy under test, alone (nginx with 1 worker, or Bulwark with -XX:ActiveProcessorCount=1)
#   cpu1: wrk (-t1) and the fixed upstream (nginx `return 200`, 1 worker)
#
# Bulwark is warmed up under load, then nginx and Bulwark runs alternate; the table reports the median
# requests/s, p50 and p99 of each, and a line starting `ratio` (Bulwark/nginx requests/s). It also prints the
# CPU time each proxy used per request and the machine's load average before and after (others' work skews
# requests/s on this 2-cpu machine much more than CPU time per request).
#
# With --auth, Bulwark's route requires authentication: Bulwark starts with an auth section (H2 storage in the
# work directory, cheap password hashing so setup takes seconds, 1 h access tokens), an authorization matrix and
# the admin API. The script creates an admin with `bulwark users add`, then TOKENS merchants through the admin
# API (role merchant, tenant m-<n mod 10>), logs each in once over HTTP, and every request of every run (nginx's
# too) carries one of those access tokens, round-robin, with its merchant in X-Merchant-Id
# (lua/bearer-tokens.lua). The same Bulwark also serves an authenticated + RBAC + tenant route (/tenant/**:
# the permission orders:read, and the merchant header must agree with the token), an authenticated route with
# two rate-limit tiers, per client address and per user, too generous to refuse anything (/limited/**), and a
# public route (/public/**), measured in the same runs, so the table shows what authentication, and
# authorization or rate limiting on top of it, cost.
#
# Usage: bulwark-bench/proxy-vs-nginx.sh [--auth]
# Environment (defaults in brackets):
#   WARMUP [60]       seconds of load on Bulwark before measuring (wrk runs of at most 30 s); with --auth each
#                     of the other routes then gets a quarter of it (at least 5 s), so none is still being
#                     compiled while measured
#   DURATION [20]     seconds per measured run (at most 30)
#   RUNS [3]          measured runs per proxy
#   CONNECTIONS [64]  wrk connections
#   BASE_PORT [18080] upstream on BASE_PORT, nginx proxy on +1, Bulwark on +2
#   TOKENS [1000]     --auth only: distinct users, and so distinct access tokens
#   BENCH_JAVA_OPTS   extra JVM options for Bulwark
#   BULWARK_BUILD_DIR run bulwark-gateway/<dir>/bulwark-gateway-*-all.jar (e.g. target-bench) instead of the
#                     ./bulwark launcher, which builds target/; BULWARK_JAR names a jar directly
# Smoke run: WARMUP=5 DURATION=3 RUNS=1 bulwark-bench/proxy-vs-nginx.sh
#
# Installs nginx and wrk from Debian packages when missing (needs root). Everything listens on 127.0.0.1;
# every process it starts is stopped on exit.
set -euo pipefail

BENCH_NAME=proxy-vs-nginx
# shellcheck source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

AUTH=false
for arg in "$@"; do
  case "$arg" in
    --auth) AUTH=true ;;
    *) die "unknown argument: $arg (expected --auth or nothing)" ;;
  esac
done

WARMUP="${WARMUP:-60}"
DURATION="${DURATION:-20}"
RUNS="${RUNS:-3}"
CONNECTIONS="${CONNECTIONS:-64}"
BASE_PORT="${BASE_PORT:-18080}"
TOKENS="${TOKENS:-1000}"
UPSTREAM_PORT="$BASE_PORT"
NGINX_PORT=$((BASE_PORT + 1))
BULWARK_PORT=$((BASE_PORT + 2))

require_whole_numbers WARMUP="$WARMUP" DURATION="$DURATION" RUNS="$RUNS" CONNECTIONS="$CONNECTIONS" \
  BASE_PORT="$BASE_PORT" TOKENS="$TOKENS"
(( RUNS >= 1 && DURATION >= 1 )) || die "RUNS and DURATION must be at least 1"
(( DURATION <= 30 )) || die "DURATION must be at most 30 s (one wrk run)"
(( TOKENS >= 1 )) || die "TOKENS must be at least 1"
require_two_cpus
install_tools
choose_bulwark
require_free_ports "$UPSTREAM_PORT" "$NGINX_PORT" "$BULWARK_PORT"
LOAD_BEFORE="$(load_average)"

start_upstream "$UPSTREAM_PORT"
start_nginx_proxy "$NGINX_PORT" "$UPSTREAM_PORT"

# Bulwark: every edge filter on (request id, security headers, CORS, body limit, host allowlist, header
# limits). The access log is off, as nginx's is.
edge_config "$BULWARK_PORT" "$UPSTREAM_PORT" "$CONNECTIONS" > "$WORK/bulwark-bench.yaml"
if $AUTH; then
  auth_bench_config "$WORK/data" >> "$WORK/bulwark-bench.yaml"
else
  cat >> "$WORK/bulwark-bench.yaml" <<YAML
routes:
  - id: public
    match: { path: "/**" }
    upstream: fixed
YAML
fi

start_bulwark "$WORK/bulwark-bench.yaml" "$BULWARK_PORT"

wait_ready "http://127.0.0.1:$UPSTREAM_PORT/" "the upstream nginx"
wait_ready "http://127.0.0.1:$NGINX_PORT/bench" "the nginx proxy"

WRK_OPTS=()
if $AUTH; then
  wait_ready "http://127.0.0.1:$BULWARK_PORT/public/bench" "Bulwark"
  wait_ready "http://127.0.0.1:$BULWARK_PORT/bench" "Bulwark's authenticated route (without a token)" 401
  merchant_tokens "$BULWARK_PORT" "$WORK/bulwark-bench.yaml" "$TOKENS"
  read -r first_token first_tenant < "$WORK/tokens.txt"
  for target in /bench /tenant/bench /limited/bench; do
    status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $first_token" \
      -H "X-Merchant-Id: $first_tenant" "http://127.0.0.1:$BULWARK_PORT$target")"
    [[ "$status" == 200 ]] || die "a freshly minted token got $status instead of 200 on $target"
  done
  status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $first_token" \
    -H "X-Merchant-Id: m-other" "http://127.0.0.1:$BULWARK_PORT/tenant/bench")"
  [[ "$status" == 403 ]] || die "another merchant's id got $status instead of 403 on the tenant route"
  curl -s -D - -o /dev/null --max-time 5 -H "Authorization: Bearer $first_token" \
      "http://127.0.0.1:$BULWARK_PORT/limited/bench" | grep -qi '^RateLimit-Policy:' \
    || die "the rate-limited route did not announce its limits"
  export BENCH_TOKENS="$WORK/tokens.txt"
  WRK_OPTS=(-s "$BENCH_DIR/lua/bearer-tokens.lua")
else
  wait_ready "http://127.0.0.1:$BULWARK_PORT/bench" "Bulwark"
fi

echo "warming up: nginx 2 s, Bulwark ${WARMUP} s..." >&2
load "$NGINX_PORT" /bench 2 "$CONNECTIONS" "${WRK_OPTS[@]}" >/dev/null
warm_up "$BULWARK_PORT" /bench "$WARMUP" "$CONNECTIONS" "${WRK_OPTS[@]}"
if $AUTH; then
  ROUTE_WARMUP=$(( WARMUP / 4 > 5 ? WARMUP / 4 : 5 ))
  echo "warming up the other routes, ${ROUTE_WARMUP} s each..." >&2
  for route in /tenant/bench /limited/bench /public/bench; do
    warm_up "$BULWARK_PORT" "$route" "$ROUTE_WARMUP" "$CONNECTIONS" "${WRK_OPTS[@]}"
  done
fi

: > "$WORK/nginx.results"
: > "$WORK/bulwark.results"
: > "$WORK/public.results"
: > "$WORK/tenant.results"
: > "$WORK/limited.results"
for run in $(seq 1 "$RUNS"); do
  if $AUTH; then
    echo "run $run/$RUNS: nginx, then Bulwark's authenticated, authenticated + RBAC + tenant, authenticated +" \
      "rate-limited, and public routes," \
      "${DURATION} s each..." >&2
  else
    echo "run $run/$RUNS: nginx ${DURATION} s, then Bulwark ${DURATION} s..." >&2
  fi
  load "$NGINX_PORT" /bench "$DURATION" "$CONNECTIONS" "${WRK_OPTS[@]}" >> "$WORK/nginx.results"
  load "$BULWARK_PORT" /bench "$DURATION" "$CONNECTIONS" "${WRK_OPTS[@]}" >> "$WORK/bulwark.results"
  if $AUTH; then
    load "$BULWARK_PORT" /tenant/bench "$DURATION" "$CONNECTIONS" "${WRK_OPTS[@]}" >> "$WORK/tenant.results"
    load "$BULWARK_PORT" /limited/bench "$DURATION" "$CONNECTIONS" "${WRK_OPTS[@]}" >> "$WORK/limited.results"
    load "$BULWARK_PORT" /public/bench "$DURATION" "$CONNECTIONS" "${WRK_OPTS[@]}" >> "$WORK/public.results"
  fi
done

# Prints one row of the table: the medians of a results file.
row() { # width, label, results file
  printf "%-$1s %12.0f %10.3f %10.3f %14.1f\n" "$2" "$(column_median "$3" 1)" "$(column_median "$3" 2)" \
    "$(column_median "$3" 3)" "$(column_median "$3" 4)"
}
NGINX_RPS="$(column_median "$WORK/nginx.results" 1)"
NGINX_P99="$(column_median "$WORK/nginx.results" 3)"
BULWARK_RPS="$(column_median "$WORK/bulwark.results" 1)"
BULWARK_P99="$(column_median "$WORK/bulwark.results" 3)"

echo
machine_line
echo "load average before: $LOAD_BEFORE; after: $(load_average)"
echo "load: wrk -t1 -c$CONNECTIONS, ${RUNS} x ${DURATION} s per proxy after ${WARMUP} s warm-up; medians"
if $AUTH; then
  echo "every request carries one of $TOKENS distinct bearer tokens, round-robin, and its user's X-Merchant-Id"
  printf '%-15s %12s %10s %10s %14s\n' proxy "requests/s" "p50 ms" "p99 ms" "cpu us/request"
  row 15 nginx "$WORK/nginx.results"
  row 15 bulwark-auth "$WORK/bulwark.results"
  row 15 bulwark-tenant "$WORK/tenant.results"
  row 15 bulwark-limited "$WORK/limited.results"
  row 15 bulwark-public "$WORK/public.results"
  awk -v b="$BULWARK_RPS" -v n="$NGINX_RPS" -v bp="$BULWARK_P99" -v np="$NGINX_P99" \
      -v p="$(column_median "$WORK/public.results" 1)" -v t="$(column_median "$WORK/tenant.results" 1)" \
      -v l="$(column_median "$WORK/limited.results" 1)" 'BEGIN {
    printf "ratio %.2f (bulwark-auth/nginx requests/s); p99 ratio %.2f (bulwark-auth/nginx)\n", b / n, (np > 0 ? bp / np : 0)
    printf "authenticated/public requests/s on Bulwark: %.2f\n", b / p
    printf "authenticated + RBAC + tenant/authenticated requests/s on Bulwark: %.2f\n", t / b
    printf "authenticated + rate limits (per IP, per user)/authenticated requests/s on Bulwark: %.2f\n", l / b
  }'
  # Routes measured seconds apart share the machine's drift, so per-run pairs resolve small costs better than
  # ratios of medians.
  pairs="$(paste -d' ' "$WORK/limited.results" "$WORK/bulwark.results" | awk '{ printf "%.3f\n", $4 / $9 }')"
  printf "rate-limited/authenticated cpu per request, per run: %s; median %.3f\n" "$(echo $pairs)" \
    "$(echo "$pairs" | median)"
  # The event loop's share alone leaves out the JIT compiler and the collector: whether the scatter from run to
  # run comes from them or from the request path itself.
  pairs="$(paste -d' ' "$WORK/limited.results" "$WORK/bulwark.results" | awk '{ printf "%.3f\n", $5 / $10 }')"
  printf "the same on the event-loop thread alone (%.1f against %.1f us per request), per run: %s; median %.3f\n" \
    "$(column_median "$WORK/limited.results" 5)" "$(column_median "$WORK/bulwark.results" 5)" "$(echo $pairs)" \
    "$(echo "$pairs" | median)"
else
  printf '%-10s %12s %10s %10s %14s\n' proxy "requests/s" "p50 ms" "p99 ms" "cpu us/request"
  row 10 nginx "$WORK/nginx.results"
  row 10 bulwark "$WORK/bulwark.results"
  awk -v b="$BULWARK_RPS" -v n="$NGINX_RPS" -v bp="$BULWARK_P99" -v np="$NGINX_P99" 'BEGIN {
    printf "ratio %.2f (bulwark/nginx requests/s); p99 ratio %.2f (bulwark/nginx)\n", b / n, (np > 0 ? bp / np : 0)
  }'
fi
