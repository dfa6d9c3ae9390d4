#!/usr/bin/env bash
# Peak memory of `backup --include-volumes` and `restore --include-volumes` for a small and a large
# volume: both stream (engine archive API <-> libarchive <-> disk), so peak RSS must stay flat as
# the volume grows. Prints one line per size with the peak RSS of each command (/usr/bin/time -v).
#
#   bench/backup_rss.sh [OLLAMA_STACK_BINARY] [SMALL_MIB] [LARGE_MIB]   (defaults: build/ollama-stack 32 512)
#
# Needs a running Docker engine, the docker CLI and the stand-in images (tests/standin/build-images.sh).
set -euo pipefail

binary=${1:-build/ollama-stack}
small=${2:-32}
large=${3:-512}
[[ -x $binary ]] || { echo "backup_rss.sh: $binary is not executable; build it first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "backup_rss.sh: /usr/bin/time is missing (Debian package: time)" >&2; exit 2; }
command -v docker >/dev/null || { echo "backup_rss.sh: the docker CLI is not installed" >&2; exit 2; }
tag=${OLLAMA_STACK_STANDIN_TAG:-test}
docker image inspect "ollama-stack-standin/ollama:$tag" >/dev/null 2>&1 ||
    { echo "backup_rss.sh: ollama-stack-standin/ollama:$tag is missing; run tests/standin/build-images.sh" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/osk-bench-rss.XXXXXX")
project=osk-bench-rss-$$
cleanup() {
    docker ps -aq --filter "label=ollama-stack.installation=$project" | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker ps -aq --filter "label=osk-bench=$project" | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker volume rm -f "${project}_ollama_data" "${project}_webui_data" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

export OLLAMA_STACK_HOME=$work/home PROJECT_NAME=$project
export OLLAMA_IMAGE=ollama-stack-standin/ollama:$tag WEBUI_IMAGE=ollama-stack-standin/webui:$tag
export MCP_PROXY_IMAGE=ollama-stack-standin/mcpo:$tag
"$binary" install >/dev/null

peak_kib() {  # peak RSS in KiB of the command
    /usr/bin/time -v "$@" 2>"$work/time.txt" >/dev/null || { cat "$work/time.txt" >&2; return 1; }
    awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt"
}

printf '%-10s %-22s %-22s %-22s\n' "volume" "backup peak RSS" "backup --compress" "restore peak RSS"
for mib in "$small" "$large"; do
    volume=${project}_ollama_data
    docker volume rm -f "$volume" >/dev/null 2>&1 || true
    docker volume create --label "com.docker.compose.project=$project" --label "ollama-stack.installation=$project" \
        --label com.docker.compose.volume=ollama_data "$volume" >/dev/null
    head -c "$((mib * 1024 * 1024))" /dev/urandom >"$work/model.bin"
    id=$(docker create --label "osk-bench=$project" -v "$volume:/vol" "ollama-stack-standin/ollama:$tag")
    docker cp "$work/model.bin" "$id:/vol/model.bin" >/dev/null
    docker rm -f "$id" >/dev/null
    rm -f "$work/model.bin"

    rm -rf "$work/b" "$work/b.tar.gz"
    backup=$(peak_kib "$binary" backup --include-volumes --output "$work/b")
    compressed=$(peak_kib "$binary" backup --include-volumes --compress --output "$work/b.tar.gz")
    restore=$(peak_kib "$binary" restore "$work/b" --include-volumes --force)
    printf '%-10s %-22s %-22s %-22s\n' "${mib} MiB" "$((backup / 1024)) MiB" "$((compressed / 1024)) MiB" "$((restore / 1024)) MiB"
    rm -rf "$work/b" "$work/b.tar.gz"
done
