#!/usr/bin/env bash
# bench/run.sh — times ollama-stack beside what users would run instead (docker ps,
# docker-compose, docker logs) and beside the engine floor (the same engine calls issued directly
# with curl), on this machine, in this run, with the stand-in images; then prints the figures
# and each target of issue 8 with PASS/FAIL. Nothing here runs in CI.
#
#   bench/run.sh                 (as root on Debian, or with the packages and an engine present)
#
# Environment: RUNS (timed runs per command, default 15), BUILD_DIR (default build-bench),
#              BENCH_PORT_BASE (first of the host ports used, default 21400), JOBS.
# Exit status: 0 when every target passed, 1 when one failed, 2 when the benchmark could not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-bench}"
RUNS="${RUNS:-15}"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
PORT_BASE="${BENCH_PORT_BASE:-21400}"
SOCKET="/var/run/docker.sock"
STARTED_DOCKERD=""

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: error: %s\n' "$*" >&2; exit 2; }

# shellcheck source=tests/lib/engine.sh
source "$ROOT/tests/lib/engine.sh"

install_missing build-essential cmake pkg-config libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev \
  libyaml-cpp-dev libcurl4-openssl-dev libssl-dev libarchive-dev libgtest-dev libgmock-dev libbenchmark-dev \
  curl tar time docker-compose
mkdir -p "$BUILD_DIR"
ensure_engine || die "no Docker engine answers; start dockerd (or set DOCKER_HOST) and run again"

say "building Release (benchmarks on)"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DOLLAMA_STACK_BUILD_BENCH=ON -DOLLAMA_STACK_BUILD_TESTS=ON >&2
cmake --build "$BUILD_DIR" -j "$JOBS" --target ollama-stack standin bench_measure micro_benchmarks >&2
"$ROOT/tests/standin/build-images.sh" "$BUILD_DIR/tests/standin/standin" >&2

BIN="$BUILD_DIR/ollama-stack"
MEASURE="$BUILD_DIR/bench/bench_measure"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/ollama-stack-bench.XXXXXX")"
export OLLAMA_STACK_HOME="$WORK/home" PROJECT_NAME=osbench
export OLLAMA_IMAGE=ollama-stack-standin/ollama:test WEBUI_IMAGE=ollama-stack-standin/webui:test
export MCP_PROXY_IMAGE=ollama-stack-standin/mcpo:test
export OLLAMA_PORT=$PORT_BASE WEBUI_PORT=$((PORT_BASE + 1)) MCP_PROXY_PORT=$((PORT_BASE + 2))
for port in "$OLLAMA_PORT" "$WEBUI_PORT" "$MCP_PROXY_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use; set BENCH_PORT_BASE"; fi
done
COMPOSE=(docker-compose --project-name osbench-compose --file "$WORK/compose.yml")
FLOOR="$ROOT/bench/floor.sh"
URLS="http://127.0.0.1:$OLLAMA_PORT/api/version http://127.0.0.1:$WEBUI_PORT/health http://127.0.0.1:$MCP_PROXY_PORT/openapi.json"

cleanup() {
  set +e
  "$BIN" stop -q >/dev/null 2>&1
  for n in 3 10 30; do "$BIN" --home "$WORK/scale-home" --compose-dir "$WORK/scale$n" stop -q >/dev/null 2>&1; done
  "${COMPOSE[@]}" down -v >/dev/null 2>&1
  "$FLOOR" down osbench-floor >/dev/null 2>&1
  for volume in osbench_ollama_data osbench_webui_data osbench-floor_ollama_data osbench-floor_webui_data; do
    docker volume rm "$volume" >/dev/null 2>&1
  done
  rm -rf "$WORK"
  stop_started_dockerd
}
trap cleanup EXIT

# ---- the stack under test -----------------------------------------------------------------
"$BIN" install -q >/dev/null
# The stand-in WebUI image carries a Docker healthcheck with a 2 s interval; disabled here so that
# ollama-stack, docker-compose and the floor all wait for the same thing: the HTTP health
# endpoints. The chatty Ollama gives `logs` something to read.
cat >"$OLLAMA_STACK_HOME/compose/docker-compose.override.yml" <<'YAML'
services:
  webui:
    healthcheck:
      disable: true
  ollama:
    environment:
      STANDIN_CHATTY_LINES: "5000"
YAML
# The same stack for docker-compose 1.29 (which knows neither `name:` nor `!reset`): the embedded
# docker-compose.yml plus the override above, written the way 1.29 reads it.
cat >"$WORK/compose.yml" <<YAML
services:
  ollama:
    image: $OLLAMA_IMAGE
    ports: ["127.0.0.1:$OLLAMA_PORT:11434"]
    volumes: ["ollama_data:/root/.ollama"]
    environment: {OLLAMA_HOST: 0.0.0.0, OLLAMA_KEEP_ALIVE: 5m, STANDIN_CHATTY_LINES: "5000"}
    restart: unless-stopped
    stop_grace_period: 10s
  webui:
    image: $WEBUI_IMAGE
    ports: ["127.0.0.1:$WEBUI_PORT:8080"]
    volumes: ["webui_data:/app/backend/data"]
    environment: {OLLAMA_BASE_URL: "http://ollama:11434", WEBUI_SECRET_KEY: bench}
    extra_hosts: ["host.docker.internal:host-gateway"]
    depends_on: [ollama]
    healthcheck: {disable: true}
    restart: unless-stopped
    stop_grace_period: 10s
  mcp_proxy:
    image: $MCP_PROXY_IMAGE
    command: ["--host", "0.0.0.0", "--port", "8000", "--config", "/app/mcp/config.json", "--hot-reload"]
    ports: ["127.0.0.1:$MCP_PROXY_PORT:8000"]
    volumes: ["$OLLAMA_STACK_HOME/mcp:/app/mcp:ro"]
    extra_hosts: ["host.docker.internal:host-gateway"]
    restart: unless-stopped
    stop_grace_period: 5s
volumes:
  ollama_data:
  webui_data:
YAML
"${COMPOSE[@]}" config -q || die "docker-compose does not accept $WORK/compose.yml"

# A test project of N stand-in web servers (ephemeral host ports, HTTP health label).
write_scale_project() {
  local n=$1 dir="$WORK/scale$1" i
  mkdir -p "$dir"
  {
    echo "name: osbench-scale$n"
    echo "services:"
    for ((i = 1; i <= n; i++)); do
      cat <<YAML
  web$i:
    image: ollama-stack-standin/webui:test
    ports: ["127.0.0.1::8080"]
    healthcheck: {disable: true}
    labels: {ollama-stack.health.port: "8080", ollama-stack.health.path: /health}
YAML
    done
  } >"$dir/docker-compose.yml"
}
for n in 3 10 30; do write_scale_project "$n"; done
SCALE="$BIN --home $WORK/scale-home --compose-dir $WORK/scale"  # + N: the home without the override above
${SCALE}3 install -q >/dev/null

# ---- measuring ------------------------------------------------------------------------------
declare -A R  # "name field" -> value, from bench_measure's RESULT lines
measure() {  # measure [bench_measure options...]
  local out line key field parts
  out=$("$MEASURE" --runs "$RUNS" --warmup 1 "$@") || die "a benchmarked command failed (see above)"
  while IFS= read -r line; do
    if [[ $line == RESULT$'\t'* ]]; then
      IFS=$'\t' read -r -a parts <<<"$line"
      key=${parts[1]}
      for field in "${parts[@]:2}"; do R["$key ${field%%=*}"]=${field#*=}; done
    else

      printf '%s\n' "$line"
    fi
  done <<<"$out"
}
q() { printf '%q ' "$@"; }

say "timing --version and --help"
measure --name "ollama-stack --version" --cmd "exec $BIN --version >/dev/null"
measure --name "ollama-stack --help" --cmd "exec $BIN --help >/dev/null"

say "timing status with the 3-service stack running"
"$BIN" start -q >/dev/null
measure --name "status --json" --cmd "exec $BIN status --json >/dev/null" --vs-name "docker ps" --vs-cmd "exec docker ps >/dev/null"
measure --name "status --json --no-stats" --cmd "exec $BIN status --json --no-stats >/dev/null" \
  --vs-name "docker ps (2)" --vs-cmd "exec docker ps >/dev/null"
measure --name "status --json (3)" --cmd "exec $BIN status --json >/dev/null" \
  --vs-name "docker-compose ps" --vs-cmd "exec docker-compose --project-name osbench --file $WORK/compose.yml ps >/dev/null"

say "timing logs --tail 1000"
container=$(docker ps -q --filter label=com.docker.compose.project=osbench --filter label=com.docker.compose.service=ollama)
measure --name "logs --tail 1000 ollama" --cmd "exec $BIN logs --tail 1000 ollama >/dev/null" \
  --vs-name "docker logs --tail 1000" --vs-cmd "exec docker logs --tail 1000 $container >/dev/null 2>&1"

say "timing start (stopped → all healthy) and stop"
"$BIN" stop -q >/dev/null
measure --name "start" --cmd "exec $BIN start -q >/dev/null" --prepare "$(q "${COMPOSE[@]}") down >/dev/null 2>&1" \
  --vs-name "docker-compose up -d + health" \
  --vs-cmd "$(q "${COMPOSE[@]}") up -d >/dev/null 2>&1 && $ROOT/bench/wait-http.sh $URLS" \
  --vs-prepare "$BIN stop -q >/dev/null"
"${COMPOSE[@]}" down >/dev/null 2>&1
measure --name "start (2)" --cmd "exec $BIN start -q >/dev/null" --prepare "$FLOOR down osbench-floor >/dev/null 2>&1 || true" \
  --vs-name "floor up" --vs-cmd "exec $FLOOR up osbench-floor" --vs-prepare "$BIN stop -q >/dev/null"
"$FLOOR" down osbench-floor >/dev/null 2>&1 || true
measure --name "stop" --cmd "exec $BIN stop -q >/dev/null" --prepare "$BIN start -q >/dev/null" \
  --vs-name "docker-compose down" --vs-cmd "$(q "${COMPOSE[@]}") down >/dev/null 2>&1" \
  --vs-prepare "$(q "${COMPOSE[@]}") up -d >/dev/null 2>&1 && $ROOT/bench/wait-http.sh $URLS"
measure --name "stop (2)" --cmd "exec $BIN stop -q >/dev/null" --prepare "$BIN start -q >/dev/null" \
  --vs-name "floor down" --vs-cmd "exec $FLOOR down osbench-floor" --vs-prepare "$FLOOR up osbench-floor"

say "timing how cost grows with the number of services"
measure --name "start, 3 services" --cmd "exec ${SCALE}3 start -q >/dev/null" \
  --prepare "${SCALE}3 stop -q >/dev/null" \
  --vs-name "start, 10 services" --vs-cmd "exec ${SCALE}10 start -q >/dev/null" \
  --vs-prepare "${SCALE}10 stop -q >/dev/null"
${SCALE}30 start -q >/dev/null
measure --name "status --json, 3 services" --cmd "exec ${SCALE}3 status --json >/dev/null" \
  --vs-name "status --json, 10 services" --vs-cmd "exec ${SCALE}10 status --json >/dev/null"
measure --name "status --json, 3 services (2)" --cmd "exec ${SCALE}3 status --json >/dev/null" \
  --vs-name "status --json, 30 services" --vs-cmd "exec ${SCALE}30 status --json >/dev/null"
for n in 3 10 30; do ${SCALE}$n stop -q >/dev/null; done

if [[ -x "$ROOT/bench/backup_rss.sh" ]]; then
  say "peak RSS of backup and restore as the volume grows"
  "$ROOT/bench/backup_rss.sh" "$BIN"
fi

say "peak RSS of logs over a 50 MB log, beside docker logs"
LOGS_RSS_OK=1
"$ROOT/bench/logs_rss.sh" "$BIN" 50 || LOGS_RSS_OK=0

say "micro-benchmarks"
"$BUILD_DIR/bench/micro_benchmarks" --benchmark_min_time=0.2

# ---- targets --------------------------------------------------------------------------------
FAILED=0
check() {  # check DESCRIPTION VALUE OP LIMIT   (awk comparison on numbers)
  local verdict=FAIL
  if awk -v v="$2" -v l="$4" "BEGIN { exit !(v $3 l) }"; then verdict=PASS; else FAILED=1; fi
  printf '%-4s  %-66s %10.2f %s %.2f\n' "$verdict" "$1" "$2" "$3" "$4"
}
echo
echo "Binary: $(stat -c %s "$BIN") bytes ($(strip -o "$WORK/stripped" "$BIN" && stat -c %s "$WORK/stripped") stripped)"
echo "Targets (medians; ratios pair by pair):"
check "status --json wall (ms) <= 200" "${R[status --json wall_ms]}" "<=" 200
check "status --json --no-stats wall (ms) <= docker ps wall (ms)" "${R[status --json --no-stats wall_ms]}" "<=" \
  "${R[docker ps (2) wall_ms]}"
check "status --json peak RSS (MiB) <= docker ps peak RSS / 2" "${R[status --json rss_mib]}" "<=" \
  "$(awk -v r="${R[docker ps rss_mib]}" 'BEGIN { print r / 2 }')"
check "start wall (ms) <= 1.15 x floor up (to healthy) (ms)" "${R[start (2) wall_ms]}" "<=" \
  "$(awk -v f="${R[floor up wall_ms]}" 'BEGIN { print 1.15 * f }')"
check "docker-compose up -d + health / start >= 1.6" "${R[docker-compose up -d + health/start ratio]}" ">=" 1.6
check "stop wall (ms) <= 1.15 x floor down (ms)" "${R[stop (2) wall_ms]}" "<=" \
  "$(awk -v f="${R[floor down wall_ms]}" 'BEGIN { print 1.15 * f }')"
check "--version wall (ms) <= 5" "${R[ollama-stack --version wall_ms]}" "<=" 5
check "--help wall (ms) <= 5" "${R[ollama-stack --help wall_ms]}" "<=" 5
if ((LOGS_RSS_OK)); then echo "PASS  logs peak RSS <= 2 x docker logs peak RSS (50 MB log; figures above)"
else echo "FAIL  logs peak RSS <= 2 x docker logs peak RSS (50 MB log; figures above)"; FAILED=1; fi
echo "Growth (not targets): start 10/3 services $(printf %.2f "${R[start, 10 services/start, 3 services ratio]}")x," \
  "status 10/3 $(printf %.2f "${R[status --json, 10 services/status --json, 3 services ratio]}")x," \
  "status 30/3 $(printf %.2f "${R[status --json, 30 services/status --json, 3 services (2) ratio]}")x"
exit "$FAILED"
