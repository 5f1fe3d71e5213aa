# Functions shared by the load scripts in bulwark-bench/ (proxy-vs-nginx.sh, login-load.sh). Sourced, not run.
#
# The sourcing script sets BENCH_NAME (used in error messages) before sourcing. This file creates a work
# directory ($WORK), stops every process started with `start` when the script exits, and chooses how to run
# the gateway:
#   BULWARK_JAR        a gateway jar to run as it is (`java -jar`, with the first JDK 21+ found)
#   BULWARK_BUILD_DIR  a Maven build directory, e.g. target-bench after
#                      `mvn -Dbulwark.buildDir=target-bench -DskipTests install`: runs
#                      bulwark-gateway/$BULWARK_BUILD_DIR/bulwark-gateway-*-all.jar without rebuilding it
#   neither            the ./bulwark launcher, which builds bulwark-gateway/target/ when it is missing or stale
# shellcheck shell=bash

BENCH_NAME="${BENCH_NAME:-bench}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# shellcheck disable=SC2034 # used by the sourcing scripts
BENCH_DIR="$ROOT/bulwark-bench"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-bench.XXXXXX")"
PIDS=()
# The process whose CPU time `load` charges to a port: the proxy listening there.
declare -A PORT_PID=()
PROXY_CPU=0
LOAD_CPU=1

die() {
  echo "$BENCH_NAME: $*" >&2
  exit 1
}

# Stops a started process: SIGTERM, then SIGKILL after a bounded 10 s wait.
stop_pid() {
  local pid="$1"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    stop_pid "$pid"
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_whole_numbers() { # name=value...
  local pair
  for pair in "$@"; do
    [[ "${pair#*=}" =~ ^[0-9]+$ ]] || die "${pair%%=*} must be a whole number: ${pair#*=}"
  done
}

require_two_cpus() {
  (( $(nproc) >= 2 )) || die "needs at least 2 cpus (proxy on cpu0, load and upstream on cpu1); this machine has $(nproc)"
}

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

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

require_free_ports() { # port...
  local port
  for port in "$@"; do
    port_free "$port" || die "port $port on 127.0.0.1 is in use; set BASE_PORT to use others"
  done
}

# Waits (at most 60 s) until a URL answers the expected status (200 unless given).
wait_ready() { # url, name, [status]
  local url="$1" name="$2" want="${3:-200}"
  for _ in $(seq 1 600); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" == "$want" ]] && return 0
    sleep 0.1
  done
  die "$name did not answer $want at $url within 60 s (logs in $WORK)"
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

# The fixed upstream, on the load core: nginx with one worker answering 200 "ok\n".
start_upstream() { # port
  local nginx
  nginx="$(command -v nginx || echo /usr/sbin/nginx)"
  nginx_conf upstream "$1" "" 'location / { return 200 "ok\n"; }'
  start upstream taskset -c "$LOAD_CPU" "$nginx" -c "$WORK/upstream.conf" -e "$WORK/upstream-error.log"
}

# The reference reverse proxy on the proxy core: one worker, upstream keep-alive.
start_nginx_proxy() { # listen port, upstream port
  local nginx
  nginx="$(command -v nginx || echo /usr/sbin/nginx)"
  nginx_conf nginx-proxy "$1" "upstream backend { server 127.0.0.1:$2; keepalive 64; }" \
    'location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }'
  start nginx-proxy taskset -c "$PROXY_CPU" "$nginx" -c "$WORK/nginx-proxy.conf" -e "$WORK/nginx-proxy-error.log"
  PORT_PID[$1]="${PIDS[-1]}"
}

# Prints the feature release of a java binary (17, 21, 25...), or nothing when it does not run.
java_major() {
  local line version
  line="$("$1" -version 2>&1 | grep -m1 -E 'version "[^"]+"')" || return 0
  version="${line#*version \"}"
  version="${version%%\"*}"
  case "$version" in
    1.*) version="${version#1.}" ;;
  esac
  echo "${version%%[.+-]*}"
}

find_java21() {
  local candidate major
  local candidates=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for home in /usr/lib/jvm/*; do
    candidates+=("$home/bin/java")
  done
  for candidate in "${candidates[@]}"; do
    [[ -x "$candidate" ]] || continue
    major="$(java_major "$candidate")"
    if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 21 )); then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# BULWARK_CLI runs the gateway's command line; BULWARK_OPTS_VAR names the environment variable that carries
# JVM options to it (the launcher reads BULWARK_JAVA_OPTS; a plain `java -jar` reads JDK_JAVA_OPTIONS).
choose_bulwark() {
  local jar="${BULWARK_JAR:-}"
  if [[ -z "$jar" && -n "${BULWARK_BUILD_DIR:-}" ]]; then
    local jars=("$ROOT/bulwark-gateway/$BULWARK_BUILD_DIR"/bulwark-gateway-*-all.jar)
    jar="${jars[0]}"
    [[ -f "$jar" ]] || die "no gateway jar in bulwark-gateway/$BULWARK_BUILD_DIR (build it with: mvn -Dbulwark.buildDir=$BULWARK_BUILD_DIR -DskipTests install)"
  fi
  if [[ -n "$jar" ]]; then
    [[ -f "$jar" ]] || die "BULWARK_JAR is not a file: $jar"
    local java
    java="$(find_java21)" || die "no JDK 21+ found to run $jar (looked at JAVA_HOME, java on PATH, /usr/lib/jvm)"
    # The same JVM options the ./bulwark launcher adds (see its comments): its collector unless
    # BENCH_JAVA_OPTS names one.
    BULWARK_CLI=("$java")
    if [[ ! "${BENCH_JAVA_OPTS:-}" =~ -XX:\+Use[A-Za-z]+GC ]]; then
      BULWARK_CLI+=(-XX:+UseParallelGC)
    fi
    if (( $(java_major "$java") >= 23 )); then
      BULWARK_CLI+=(--sun-misc-unsafe-memory-access=allow)
    fi
    BULWARK_CLI+=(-jar "$jar")
    BULWARK_OPTS_VAR=JDK_JAVA_OPTIONS
  else
    BULWARK_CLI=("$ROOT/bulwark")
    BULWARK_OPTS_VAR=BULWARK_JAVA_OPTS
  fi
}

# Prints the start of a gateway config shared by the load scripts: production mode, every edge filter of the
# proxy comparison on (request id, security headers, CORS, body limits, host allowlist, header limits), the
# access log off (as nginx's is), and one upstream `fixed`. Callers append their own sections.
edge_config() { # gateway port, upstream port, upstream connections
  cat <<YAML
mode: production
server:
  host: 127.0.0.1
  port: $1
  allowedHosts: [127.0.0.1, localhost]
  maxHeaderCount: 100
  maxHeaderBytes: 16KB
  accessLog: false
upstreams:
  fixed:
    url: http://127.0.0.1:$2
    maxConnections: $3
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
YAML
}

# Prints the auth part of the --auth bench config, to append to edge_config's: H2 storage under a directory,
# an authorization matrix, the admin API, two rate-limit tiers and the routes /public/** (no auth),
# /tenant/** (auth + RBAC + tenant), /limited/** (auth + both tiers) and /** (auth). Hashing is made cheap here
# only so that creating the users takes seconds; no password is checked while measuring (login-load.sh
# measures logins with the real OWASP parameters).
auth_bench_config() { # storage directory
  cat <<YAML
storage: { kind: h2, path: "$1" }
auth:
  masterKey: $(random_key)
  accessToken: { lifetime: 1h }
  sessions: { maxPerUser: 5 }
  password:
    hashing: { memory: 64KB, iterations: 1, parallelism: 1 }
authorization:
  roles:
    admin: ["*"]
    merchant: ["orders:*"]
tenancy:
  unknownTenants: deny
admin:
  roles: [admin]
rateLimits:                            # generous enough never to refuse while measuring: this prices the check
  per-ip: { limit: 100000000, period: 1h, key: [ip] }
  per-user: { limit: 100000000, period: 1h, key: [user] }
routes:
  - id: public
    match: { path: "/public/**" }
    upstream: fixed
  - id: tenant
    match: { path: "/tenant/**" }
    upstream: fixed
    auth: required
    tenant: { sources: [header:X-Merchant-Id, claim] }
    access: { permissions: ["orders:{action}"] }
  - id: limited
    match: { path: "/limited/**" }
    upstream: fixed
    auth: required
    rateLimit: [per-ip, per-user]
  - id: api
    match: { path: "/**" }
    upstream: fixed
    auth: required
YAML
}

# Creates an admin with `bulwark users add`, then `count` merchants through the admin API of a running gateway
# (role merchant, tenant m-<n mod 10>), and logs each in once: $WORK/tokens.txt gets one "token merchant" line
# per merchant, and $WORK/users.txt their credentials.
merchant_tokens() { # port, config file, count
  echo "creating an admin (bulwark users add), then $3 merchants and their access tokens..." >&2
  make_users "$3" "$WORK/users.txt"
  local admin_password
  admin_password="$(random_password)"
  "${BULWARK_CLI[@]}" users add admin@example.com --role admin --password-stdin --config "$2" \
    <<< "$admin_password" >&2
  echo "admin@example.com $admin_password" > "$WORK/admin.txt"
  mint_tokens "$1" "$WORK/admin.txt" "$WORK/admin-token.txt"
  create_merchants "$1" "$WORK/users.txt" "$(cut -d' ' -f1 "$WORK/admin-token.txt")"
  mint_tokens "$1" "$WORK/users.txt" "$WORK/tokens.txt"
}

# Checks a config, then starts the gateway on the proxy core with one active processor and a fixed heap.
start_bulwark() { # config file, port it listens on
  echo "building Bulwark if needed..." >&2
  "${BULWARK_CLI[@]}" check --config "$1" >&2
  local opts="-XX:ActiveProcessorCount=1 -Xms512m -Xmx512m -XX:+AlwaysPreTouch ${BENCH_JAVA_OPTS:-}"
  start bulwark env "$BULWARK_OPTS_VAR=$opts" taskset -c "$PROXY_CPU" "${BULWARK_CLI[@]}" run --config "$1"
  PORT_PID[$2]="${PIDS[-1]}"
}

# CPU time (user + system, in clock ticks) used so far by a process and its children (nginx's worker).
cpu_ticks() { # pid
  local total=0 pid ticks
  for pid in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    ticks="$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)"
    total=$((total + ticks))
  done
  echo "$total"
}

# CPU time (user + system, in clock ticks) used so far by the threads of a process whose name starts with a
# prefix (Linux truncates thread names to 15 characters). Field 2 of a thread's stat may hold spaces, so the
# fields are counted after its closing parenthesis.
thread_ticks() { # pid, thread name prefix
  local total=0 task ticks
  for task in /proc/"$1"/task/*; do
    [[ "$(cat "$task/comm" 2>/dev/null)" == "$2"* ]] || continue
    ticks="$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{ print $12 + $13 }')"
    total=$((total + ${ticks:-0}))
  done
  echo "$total"
}

bulwark_version() {
  "${BULWARK_CLI[@]}" version 2>/dev/null | tail -n1
}

# 32 random bytes in base64: a master key for the bench config's auth section.
random_key() {
  head -c 32 /dev/urandom | base64 | tr -d '\n'
}

# Runs wrk on the load core and prints "rps p50_ms p99_ms non2xx errors cpu_us_per_request
# loop_us_per_request": errors counts socket errors of all kinds (timeouts included); cpu is the CPU time the
# proxy listening on the port used per completed request (0 when no process is known for the port), loop the
# part of it spent on Bulwark's event-loop threads (0 for nginx), which leaves out the JIT compiler and the
# collector. CPU time per request hardly depends on what else the machine runs, unlike requests/s. Extra wrk
# options (e.g. -s script.lua) may follow.
wrk_run() { # port, path, seconds, connections, [wrk options...]
  local port="$1" path="$2" seconds="$3" connections="$4" out pid="${PORT_PID[$1]:-}" before=0 after=0
  local loop_before=0 loop_after=0
  shift 4
  [[ -n "$pid" ]] && before="$(cpu_ticks "$pid")" && loop_before="$(thread_ticks "$pid" vert.x-eventloo)"
  out="$(timeout $((seconds + 30)) taskset -c "$LOAD_CPU" wrk -t1 -c"$connections" -d"${seconds}s" --latency "$@" \
    "http://127.0.0.1:$port$path")" || die "wrk failed against port $port$path"
  [[ -n "$pid" ]] && after="$(cpu_ticks "$pid")" && loop_after="$(thread_ticks "$pid" vert.x-eventloo)"
  summarize_wrk "$out" $((after - before)) $((loop_after - loop_before))
}

# Reads wrk's output (and CPU ticks used meanwhile: the process's, and its event loop's) and prints
# "rps p50_ms p99_ms non2xx errors cpu_us_per_request loop_us_per_request".
summarize_wrk() { # wrk output, cpu ticks, [event-loop ticks]
  echo "$1" | awk -v ticks="$2" -v loop="${3:-0}" -v hz="$(getconf CLK_TCK)" '
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
    $2 == "requests" && $3 == "in" { requests = $1 }
    /Non-2xx or 3xx responses/ { bad = $NF }
    /Socket errors/ {
      n = 0
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { v = $i; sub(/,/, "", v); n += v }
      errors = n
    }
    END {
      printf "%s %.3f %.3f %d %d %.1f %.1f\n", rps, p50, p99, bad, errors,
        (requests > 0 ? ticks * 1e6 / hz / requests : 0), (requests > 0 ? loop * 1e6 / hz / requests : 0)
    }'
}

# Like wrk_run, for the proxy comparisons: prints "rps p50_ms p99_ms cpu_us_per_request loop_us_per_request"
# and warns about failed requests.
load() { # port, path, seconds, connections, [wrk options...]
  local result rps p50 p99 bad errors cpu loop
  result="$(wrk_run "$@")"
  read -r rps p50 p99 bad errors cpu loop <<< "$result"
  (( bad > 0 )) && echo "warning: $bad non-2xx responses from port $1$2" >&2
  (( errors > 0 )) && echo "warning: $errors socket errors against port $1$2" >&2
  echo "$rps $p50 $p99 $cpu $loop"
}

# Load for a number of seconds in wrk runs of at most 30 s each, results discarded (JIT warm-up).
warm_up() { # port, path, seconds, connections, [wrk options...]
  local port="$1" path="$2" left="$3" connections="$4" chunk
  shift 4
  while (( left > 0 )); do
    chunk=$(( left > 30 ? 30 : left ))
    load "$port" "$path" "$chunk" "$connections" "$@" >/dev/null
    left=$((left - chunk))
  done
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

column_median() { # file, column
  awk -v c="$2" '{ print $c }' "$1" | median
}

# The report's first line: cpus, CPU model and the gateway's version.
machine_line() {
  echo "machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(bulwark_version)"
}

# The 1-, 5- and 15-minute load averages: anything else running on this 2-cpu machine skews every number.
load_average() {
  cut -d' ' -f1-3 /proc/loadavg
}

# A password that passes the default policy (length, estimated entropy, not containing the email's local
# part), new for every run.
random_password() {
  echo "Pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
}

# Posts one JSON body per line of a file to a URL with curl --parallel (8 at a time), saving each response
# body as $out_dir/<line number>.json; prints the HTTP statuses, one per line. A line may start with a URL
# suffix and a tab (e.g. "/users/42<TAB>{...}"), appended to the URL for that request. METHOD (POST) and
# AUTHORIZATION (none) in the environment set the method and an Authorization header.
post_each() { # url, file of JSON bodies, output directory
  local url="$1" bodies="$2" out_dir="$3" config="$WORK/curl-$RANDOM.cfg" i=0 body suffix
  mkdir -p "$out_dir"
  : > "$config"
  while IFS= read -r body; do
    i=$((i + 1))
    suffix=""
    if [[ "$body" == *$'\t'* ]]; then
      suffix="${body%%$'\t'*}"
      body="${body#*$'\t'}"
    fi
    body="${body//\\/\\\\}"
    # `next` separates transfers; silent and max-time are per transfer, so every block repeats them.
    (( i > 1 )) && echo next >> "$config"
    printf 'url = "%s"\nrequest = "%s"\nheader = "Content-Type: application/json"\ndata-raw = "%s"\noutput = "%s"\nwrite-out = "%%{http_code}\\n"\nsilent\nshow-error\nmax-time = 60\n' \
      "$url$suffix" "${METHOD:-POST}" "${body//\"/\\\"}" "$out_dir/$i.json" >> "$config"
    [[ -n "${AUTHORIZATION:-}" ]] && printf 'header = "Authorization: %s"\n' "$AUTHORIZATION" >> "$config"
  done < "$bodies"
  curl --no-progress-meter --parallel --parallel-max 8 -K "$config" 2>> "$WORK/curl-errors.log" || true
}

# Writes "email password" lines for `count` users (user-<n>@example.com, one shared random password).
make_users() { # count, users file
  local password i
  password="$(random_password)"
  : > "$2"
  for i in $(seq 1 "$1"); do
    echo "user-$i@example.com $password" >> "$2"
  done
}

# Registers every user of a users file (needs auth.registration: open); dies unless all get 202.
register_users() { # port, users file
  local bodies="$WORK/register-bodies.txt" statuses
  awk '{ printf "{\"email\":\"%s\",\"password\":\"%s\"}\n", $1, $2 }' "$2" > "$bodies"
  statuses="$(post_each "http://127.0.0.1:$1/auth/register" "$bodies" "$WORK/register")"
  if [[ "$(grep -c '^202$' <<< "$statuses")" != "$(wc -l < "$2")" ]]; then
    die "registration failed: statuses $(sort <<< "$statuses" | uniq -c | tr -s ' \n' ' '); first answer: $(cat "$WORK/register/1.json" 2>/dev/null) $(tail -n2 "$WORK/curl-errors.log" 2>/dev/null)"
  fi
}

# Creates tenants m-0 to m-9, then every user of a users file, through the admin API (as the admin whose access
# token is given), with role merchant and one tenant, m-<line number modulo 10>; dies unless all are created.
create_merchants() { # port, users file, admin access token
  local bodies="$WORK/user-bodies.txt" statuses count
  count="$(wc -l < "$2")"
  for i in $(seq 0 9); do
    printf '{"id":"m-%d","name":"merchant %d"}\n' "$i" "$i"
  done > "$bodies"
  statuses="$(AUTHORIZATION="Bearer $3" post_each "http://127.0.0.1:$1/_bulwark/admin/tenants" "$bodies" \
    "$WORK/merchants")"
  [[ "$(grep -c '^201$' <<< "$statuses")" == 10 ]] \
    || die "creating tenants failed: statuses $(sort <<< "$statuses" | uniq -c | tr -s ' \n' ' '); first answer: $(cat "$WORK/merchants/1.json" 2>/dev/null)"
  awk '{ printf "{\"email\":\"%s\",\"password\":\"%s\",\"roles\":[\"merchant\"]}\n", $1, $2 }' "$2" > "$bodies"
  statuses="$(AUTHORIZATION="Bearer $3" post_each "http://127.0.0.1:$1/_bulwark/admin/users" "$bodies" "$WORK/users")"
  [[ "$(grep -c '^201$' <<< "$statuses")" == "$count" ]] \
    || die "creating users failed: statuses $(sort <<< "$statuses" | uniq -c | tr -s ' \n' ' '); first answer: $(cat "$WORK/users/1.json" 2>/dev/null)"
  : > "$bodies"
  for i in $(seq 1 "$count"); do
    printf '/%s/tenants\t{"tenants":["m-%d"]}\n' \
      "$(grep -o '"id":"[^"]*"' "$WORK/users/$i.json" | head -n1 | cut -d'"' -f4)" $((i % 10)) >> "$bodies"
  done
  statuses="$(METHOD=PUT AUTHORIZATION="Bearer $3" post_each "http://127.0.0.1:$1/_bulwark/admin/users" "$bodies" \
    "$WORK/tenants")"
  [[ "$(grep -c '^200$' <<< "$statuses")" == "$count" ]] \
    || die "setting tenants failed: statuses $(sort <<< "$statuses" | uniq -c | tr -s ' \n' ' '); first answer: $(cat "$WORK/tenants/1.json" 2>/dev/null)"
}

# Logs every user of a users file in once and writes the access tokens, one per line in the users file's order,
# each followed by the user's tenant (m-<line number modulo 10>); dies unless every user got a token.
mint_tokens() { # port, users file, tokens file
  local bodies="$WORK/login-bodies.txt" statuses i
  awk '{ printf "{\"email\":\"%s\",\"password\":\"%s\"}\n", $1, $2 }' "$2" > "$bodies"
  statuses="$(post_each "http://127.0.0.1:$1/auth/login" "$bodies" "$WORK/login")"
  : > "$3"
  for i in $(seq 1 "$(wc -l < "$2")"); do
    printf '%s m-%d\n' "$(grep -o '"accessToken":"[^"]*"' "$WORK/login/$i.json" | cut -d'"' -f4)" $((i % 10)) >> "$3"
  done
  if [[ "$(awk 'NF == 2 { print $1 }' "$3" | sort -u | wc -l)" != "$(wc -l < "$2")" ]]; then
    die "login failed: statuses $(sort <<< "$statuses" | uniq -c | tr -s ' \n' ' '); first answer: $(cat "$WORK/login/1.json" 2>/dev/null) $(tail -n2 "$WORK/curl-errors.log" 2>/dev/null)"
  fi
}
