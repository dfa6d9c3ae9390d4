#!/usr/bin/env bash
# The engine floor: the same engine calls `start` / `stop` need for the three stand-ins, issued
# directly with curl, in parallel wherever the engine allows, with no planning, no labels and no
# dependency order. bench/run.sh times these beside ollama-stack and docker-compose.
#
#   floor.sh up PROJECT     network + volumes, create + start the 3 containers, wait for HTTP health
#   floor.sh down PROJECT   stop + remove the containers, remove the network (volumes stay)
#
# Environment: OLLAMA_IMAGE, WEBUI_IMAGE, MCP_PROXY_IMAGE, OLLAMA_PORT, WEBUI_PORT, MCP_PROXY_PORT,
# OLLAMA_STACK_HOME (its mcp/ directory is mounted like the stack does), DOCKER_SOCKET.
set -euo pipefail
socket=${DOCKER_SOCKET:-/var/run/docker.sock}
mode=${1:?usage: floor.sh up|down PROJECT}
project=${2:?usage: floor.sh up|down PROJECT}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

api() {  # api METHOD PATH [JSON]
  curl -fsS --unix-socket "$socket" -X "$1" -H 'Content-Type: application/json' ${3:+--data "$3"} \
    "http://localhost/v1.41$2" >/dev/null
}

# create_and_start NAME IMAGE CONTAINER_PORT HOST_PORT MOUNT [CMD_JSON]
create_and_start() {
  local name=$project-$1-1 cmd=${6:-null}
  api POST "/containers/create?name=$name" "{
    \"Image\": \"$2\", \"Cmd\": $cmd,
    \"ExposedPorts\": {\"$3/tcp\": {}},
    \"HostConfig\": {\"PortBindings\": {\"$3/tcp\": [{\"HostIp\": \"127.0.0.1\", \"HostPort\": \"$4\"}]},
                    \"Binds\": [\"$5\"], \"RestartPolicy\": {\"Name\": \"unless-stopped\"},
                    \"NetworkMode\": \"${project}_default\"},
    \"NetworkingConfig\": {\"EndpointsConfig\": {\"${project}_default\": {\"Aliases\": [\"$1\"]}}}}"
  api POST "/containers/$name/start"
}

case $mode in
up)
  api POST /networks/create "{\"Name\": \"${project}_default\", \"CheckDuplicate\": true}"
  api POST /volumes/create "{\"Name\": \"${project}_ollama_data\"}" &
  api POST /volumes/create "{\"Name\": \"${project}_webui_data\"}" &
  wait
  create_and_start ollama "$OLLAMA_IMAGE" 11434 "$OLLAMA_PORT" "${project}_ollama_data:/root/.ollama" &
  create_and_start webui "$WEBUI_IMAGE" 8080 "$WEBUI_PORT" "${project}_webui_data:/app/backend/data" &
  create_and_start mcp_proxy "$MCP_PROXY_IMAGE" 8000 "$MCP_PROXY_PORT" "$OLLAMA_STACK_HOME/mcp:/app/mcp:ro" \
    '["--host", "0.0.0.0", "--port", "8000", "--config", "/app/mcp/config.json", "--hot-reload"]' &
  for job in $(jobs -p); do wait "$job"; done
  "$here/wait-http.sh" "http://127.0.0.1:$OLLAMA_PORT/api/version" "http://127.0.0.1:$WEBUI_PORT/health" \
    "http://127.0.0.1:$MCP_PROXY_PORT/openapi.json"
  ;;
down)
  for service in ollama webui mcp_proxy; do
    { api POST "/containers/$project-$service-1/stop?t=10" || true; api DELETE "/containers/$project-$service-1?force=1"; } &
  done
  for job in $(jobs -p); do wait "$job"; done
  api DELETE "/networks/${project}_default"
  ;;
*) echo "usage: floor.sh up|down PROJECT" >&2; exit 2 ;;
esac
