#!/usr/bin/env bash
# Peak memory of `ollama-stack logs` without --tail (the whole log, merged in time order) beside
# `docker logs` of the same container, over a log of about MIB MiB: logs streams its lines (a few
# hundred per container wait at most), so its peak RSS stays flat however big the log is; the
# target is at most 2x docker logs'. Prints both peaks and the ratio (/usr/bin/time -v). Not a
# timed test: nothing here runs in CI.
#
#   bench/logs_rss.sh [OLLAMA_STACK_BINARY] [MIB]   (defaults: build/ollama-stack 50)
#
# Needs a running Docker engine, the docker CLI and the stand-in images (tests/standin/build-images.sh).
# Exit status: 0 when the ratio is within 2x, 1 when not, 2 when it could not run.
set -euo pipefail

binary=${1:-build/ollama-stack}
mib=${2:-50}
[[ -x $binary ]] || { echo "logs_rss.sh: $binary is not executable; build it first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "logs_rss.sh: /usr/bin/time is missing (Debian package: time)" >&2; exit 2; }
command -v docker >/dev/null || { echo "logs_rss.sh: the docker CLI is not installed" >&2; exit 2; }
tag=${OLLAMA_STACK_STANDIN_TAG:-test}
docker image inspect "ollama-stack-standin/ollama:$tag" >/dev/null 2>&1 ||
    { echo "logs_rss.sh: ollama-stack-standin/ollama:$tag is missing; run tests/standin/build-images.sh" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/osk-bench-logs.XXXXXX")
project=osk-bench-logs-$$
cleanup() {
    "$binary" stop -q >/dev/null 2>&1 || true
    docker volume rm -f "${project}_ollama_data" "${project}_webui_data" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {  # a port nothing answers on
    local port
    while :; do
        port=$((20000 + RANDOM % 20000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}
export OLLAMA_STACK_HOME=$work/home PROJECT_NAME=$project
export OLLAMA_IMAGE=ollama-stack-standin/ollama:$tag WEBUI_IMAGE=ollama-stack-standin/webui:$tag
export MCP_PROXY_IMAGE=ollama-stack-standin/mcpo:$tag
export OLLAMA_PORT=$(free_port) WEBUI_PORT=$(free_port) MCP_PROXY_PORT=$(free_port)
"$binary" install -q >/dev/null
# "chatty line 123456/1456355 (stdout)" and its newline: about 37 bytes a line.
lines=$((mib * 1024 * 1024 / 37))
cat >"$OLLAMA_STACK_HOME/compose/docker-compose.override.yml" <<YAML
services:
  ollama:
    environment:
      STANDIN_CHATTY_LINES: "$lines"
YAML
"$binary" start -q --timeout 600 >/dev/null
container=$(docker ps -q --filter "label=com.docker.compose.project=$project" --filter label=com.docker.compose.service=ollama)
# The engine writes the log as the container prints it: wait for the last line.
for _ in $(seq 1 600); do
    docker logs --tail 3 "$container" 2>&1 | grep -q "chatty line $lines/$lines" && break
    sleep 0.5
done

peak_kib() {  # peak RSS in KiB of the command (its output is counted, then dropped)
    /usr/bin/time -v "$@" 2>"$work/time.txt" | wc -c >"$work/bytes.txt" || { cat "$work/time.txt" >&2; return 1; }
    awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt"
}
ours=$(peak_kib "$binary" logs --no-prefix ollama)
ours_bytes=$(cat "$work/bytes.txt")
theirs=$(peak_kib sh -c "exec docker logs $container 2>&1")
theirs_bytes=$(cat "$work/bytes.txt")
ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')

printf '%-34s %12s %14s\n' "command (log of $lines lines)" "peak RSS" "output"
printf '%-34s %8d MiB %10d MiB\n' "ollama-stack logs ollama" "$((ours / 1024))" "$((ours_bytes / 1048576))"
printf '%-34s %8d MiB %10d MiB\n' "docker logs" "$((theirs / 1024))" "$((theirs_bytes / 1048576))"
if awk -v r="$ratio" 'BEGIN { exit !(r <= 2) }'; then
    echo "PASS  logs peak RSS / docker logs peak RSS = $ratio (target <= 2)"
else
    echo "FAIL  logs peak RSS / docker logs peak RSS = $ratio (target <= 2)"
    exit 1
fi
