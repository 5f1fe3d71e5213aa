#!/usr/bin/env bash
# Compares Bulwark with nginx as reverse proxies on the same single core, in one run.
#
#   cpu0: the proxy under test, alone (nginx with 1 worker, or Bulwark with -XX:ActiveProcessorCount=1)
#   cpu1: wrk (-t1) and the fixed upstream (nginx `return 200`, 1 worker)
#
# Bulwark is warmed up under load, then nginx and Bulwark runs alternate; the table reports the median
# requests/s, p50 and p99 of each, and a line starting `ratio` (Bulwark/nginx requests/s).
#
# Usage: bulwark-bench/proxy-vs-nginx.sh
# Environment (defaults in brackets):
#   WARMUP [60]       seconds of load on Bulwark before measuring
#   DURATION [20]     seconds per measured run
#   RUNS [3]          measured runs per proxy
#   CONNECTIONS [64]  wrk connections
#   BASE_PORT [18080] upstream on BASE_PORT, nginx proxy on +1, Bulwark on +2
#   BENCH_JAVA_OPTS   extra JVM options for Bulwark
# Smoke run: WARMUP=5 DURATION=3 RUNS=1 bulwark-bench/proxy-vs-nginx.sh
#
# Installs nginx and wrk from Debian packages when missing (needs root). Everything listens on 127.0.0.1;
# every process it starts is stopped on exit.
set -euo pipefail

WARMUP="${WARMUP:-60}"
DURATION="${DURATION:-20}"
RUNS="${RUNS:-3}"
CONNECTIONS="${CONNECTIONS:-64}"
BASE_PORT="${BASE_PORT:-18080}"
UPSTREAM_PORT="$BASE_PORT"
NGINX_PORT=$((BASE_PORT + 1))
BULWARK_PORT=$((BASE_PORT + 2))
PROXY_CPU=0
LOAD_CPU=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-bench.XXXXXX")"
PIDS=()

die() {
  echo "proxy-vs-nginx: $*" >&2
  exit 1
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    # Bounded wait: a process that ignores SIGTERM gets SIGKILL after 10 s.
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for value in "$WARMUP" "$DURATION" "$RUNS" "$CONNECTIONS" "$BASE_PORT"; do
  [[ "$value" =~ ^[0-9]+$ ]] || die "WARMUP, DURATION, RUNS, CONNECTIONS and BASE_PORT must be whole numbers: $value"
done
(( RUNS >= 1 && DURATION >= 1 )) || die "RUNS and DURATION must be at least 1"
(( $(nproc) >= 2 )) || die "needs at least 2 cpus (proxy on cpu0, load and upstream on cpu1); this machine has $(nproc)"

install_tools() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  (( ${#missing[@]} == 0 )) && return
  echo "installing ${missing[*]} (apt-get)..." >&2
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and apt-get is not available to install them"
  local packages=()
  for tool in "${missing[@]}"; do
    packages+=("$tool")
  done
  apt-get update -qq >&2 || true
  local light=("${packages[@]/nginx/nginx-light}")
  apt-get install -y -qq "${light[@]}" >&2 || apt-get install -y -qq "${packages[@]}" >&2 \
    || die "could not install ${missing[*]}"
}
install_tools
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
for port in "$UPSTREAM_PORT" "$NGINX_PORT" "$BULWARK_PORT"; do
  port_free "$port" || die "port $port on 127.0.0.1 is in use; set BASE_PORT to use others"
done

# Waits (at most 60 s) until a URL answers 200.
wait_ready() {
  local url="$1" name="$2"
  for _ in $(seq 1 600); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" == 200 ]] && return 0
    sleep 0.1
  done
  die "$name did not answer 200 at $url within 60 s (logs in $WORK)"
}

nginx_conf() { # name, listen port, extra http directives, server directives
  cat > "$WORK/$1.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/$1.pid;
error_log $WORK/$1-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/$1-body;
  proxy_temp_path $WORK/$1-proxy;
  fastcgi_temp_path $WORK/$1-fastcgi;
  uwsgi_temp_path $WORK/$1-uwsgi;
  scgi_temp_path $WORK/$1-scgi;
  $3
  server {
    listen 127.0.0.1:$2;
    $4
  }
}
CONF
}

start() { # log name, command...
  local name="$1"
  shift
  "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}

# The fixed upstream: the same for both proxies, on the load core.
nginx_conf upstream "$UPSTREAM_PORT" "" 'location / { return 200 "ok\n"; }'
start upstream taskset -c "$LOAD_CPU" "$NGINX" -c "$WORK/upstream.conf" -e "$WORK/upstream-error.log"

# The reference reverse proxy: one worker, upstream keep-alive.
nginx_conf nginx-proxy "$NGINX_PORT" "upstream backend { server 127.0.0.1:$UPSTREAM_PORT; keepalive 64; }" \
  'location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }'
start nginx-proxy taskset -c "$PROXY_CPU" "$NGINX" -c "$WORK/nginx-proxy.conf" -e "$WORK/nginx-proxy-error.log"

# Bulwark: a public route with every edge filter on (request id, security headers, CORS, body limit, host
# allowlist, header limits). The access log is off, as nginx's is.
cat > "$WORK/bulwark-bench.yaml" <<YAML
mode: production
server:
  host: 127.0.0.1
  port: $BULWARK_PORT
  allowedHosts: [127.0.0.1, localhost]
  maxHeaderCount: 100
  maxHeaderBytes: 16KB
  accessLog: false
upstreams:
  fixed:
    url: http://127.0.0.1:$UPSTREAM_PORT
    maxConnections: $CONNECTIONS
defaults:
  requestId: { header: X-Request-Id, trustIncoming: true }
  headers: true
  cors:
    allowedOrigins: [https://app.example.com, "https://*.example.com"]
    allowedMethods: [GET, POST]
    allowedHeaders: [Content-Type]
    exposedHeaders: [X-Request-Id]
    maxAge: 10m
  bodyLimit: { json: 5MB, text: 1MB, other: 1MB }
routes:
  - id: public
    match: { path: "/**" }
    upstream: fixed
YAML

echo "building Bulwark if needed..." >&2
"$ROOT/bulwark" check --config "$WORK/bulwark-bench.yaml" >&2
JAVA_OPTS="-XX:ActiveProcessorCount=1 -Xms512m -Xmx512m -XX:+AlwaysPreTouch ${BENCH_JAVA_OPTS:-}"
start bulwark env BULWARK_JAVA_OPTS="$JAVA_OPTS" taskset -c "$PROXY_CPU" "$ROOT/bulwark" run \
  --config "$WORK/bulwark-bench.yaml"

wait_ready "http://127.0.0.1:$UPSTREAM_PORT/" "the upstream nginx"
wait_ready "http://127.0.0.1:$NGINX_PORT/bench" "the nginx proxy"
wait_ready "http://127.0.0.1:$BULWARK_PORT/bench" "Bulwark"

# Runs wrk against a port and prints "rps p50_ms p99_ms".
load() {
  local port="$1" seconds="$2" out
  out="$(timeout $((seconds + 30)) taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency \
    "http://127.0.0.1:$port/bench")" || die "wrk failed against port $port"
  echo "$out" | awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /m$/)  { sub(/m$/, "", v);  return v * 60000 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return v + 0
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    /Non-2xx or 3xx responses/ { bad = $NF }
    /Socket errors/ { errors = $0 }
    END {
      if (bad > 0) { print "warning: " bad " non-2xx responses" > "/dev/stderr" }
      if (errors != "") { print "warning: " errors > "/dev/stderr" }
      printf "%s %.3f %.3f\n", rps, p50, p99
    }'
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "warming up: nginx 2 s, Bulwark ${WARMUP} s..." >&2
load "$NGINX_PORT" 2 >/dev/null
(( WARMUP > 0 )) && load "$BULWARK_PORT" "$WARMUP" >/dev/null

: > "$WORK/nginx.results"
: > "$WORK/bulwark.results"
for run in $(seq 1 "$RUNS"); do
  echo "run $run/$RUNS: nginx ${DURATION} s, then Bulwark ${DURATION} s..." >&2
  load "$NGINX_PORT" "$DURATION" >> "$WORK/nginx.results"
  load "$BULWARK_PORT" "$DURATION" >> "$WORK/bulwark.results"
done

column_median() { # file, column
  awk -v c="$2" '{ print $c }' "$1" | median
}
NGINX_RPS="$(column_median "$WORK/nginx.results" 1)"
NGINX_P50="$(column_median "$WORK/nginx.results" 2)"
NGINX_P99="$(column_median "$WORK/nginx.results" 3)"
BULWARK_RPS="$(column_median "$WORK/bulwark.results" 1)"
BULWARK_P50="$(column_median "$WORK/bulwark.results" 2)"
BULWARK_P99="$(column_median "$WORK/bulwark.results" 3)"

echo
echo "machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $("$ROOT/bulwark" version | tail -n1)"
echo "load: wrk -t1 -c$CONNECTIONS, ${RUNS} x ${DURATION} s per proxy after ${WARMUP} s warm-up; medians"
printf '%-10s %12s %10s %10s\n' proxy "requests/s" "p50 ms" "p99 ms"
printf '%-10s %12.0f %10.3f %10.3f\n' nginx "$NGINX_RPS" "$NGINX_P50" "$NGINX_P99"
printf '%-10s %12.0f %10.3f %10.3f\n' bulwark "$BULWARK_RPS" "$BULWARK_P50" "$BULWARK_P99"
awk -v b="$BULWARK_RPS" -v n="$NGINX_RPS" -v bp="$BULWARK_P99" -v np="$NGINX_P99" 'BEGIN {
  printf "ratio %.2f (bulwark/nginx requests/s); p99 ratio %.2f (bulwark/nginx)\n", b / n, (np > 0 ? bp / np : 0)
}'
