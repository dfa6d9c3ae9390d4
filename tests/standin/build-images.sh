#!/usr/bin/env bash
# Builds the stand-in images for the end-to-end tests from the static `standin` binary, with
# `docker import` of a tiny root filesystem: no registry, no base image, no Dockerfile.
#
#   build-images.sh STANDIN_BINARY [TAG]      (TAG defaults to "test")
#
# Produces ollama-stack-standin/{ollama,webui,mcpo,mcp-ext}:TAG. An image whose ENV already carries this
# binary's sha256 (STANDIN_SHA256) and this script's revision (STANDIN_IMAGE_REV) is reused, so a
# second run costs two `docker image inspect`s per image. Prints one line per image.
set -euo pipefail

usage() {
    echo "usage: $0 STANDIN_BINARY [TAG]" >&2
    exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
binary=$1
tag=${2:-test}
if [[ ! -f $binary || ! -x $binary ]]; then
    echo "build-images.sh: '$binary' is not an executable file; build it with: cmake --build <dir> --target standin" >&2
    exit 2
fi
if [[ ! $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
    echo "build-images.sh: '$tag' is not a valid image tag" >&2
    exit 2
fi
command -v docker >/dev/null || { echo "build-images.sh: the docker CLI is not installed" >&2; exit 1; }

sha=$(sha256sum "$binary" | cut -d' ' -f1)
rev=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)

# Serialise concurrent runs (parallel test jobs) so an image is imported once.
if command -v flock >/dev/null; then
    exec 9>"${TMPDIR:-/tmp}/ollama-stack-standin-images.lock"
    flock 9
fi

up_to_date() {
    local env
    env=$(docker image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null) || return 1
    grep -qx "STANDIN_SHA256=$sha" <<<"$env" && grep -qx "STANDIN_IMAGE_REV=$rev" <<<"$env"
}

work=""
cleanup() { [[ -z $work ]] || rm -rf "$work"; }
trap cleanup EXIT

# The root filesystem of one image: the binary under the names that image runs it by (and only
# those: the Ollama image has no HTTP client, like the real one, while Open WebUI's and mcpo's
# have curl), /tmp, and an /etc/passwd with root.
#   rootfs_tar NAME BINARY_PATH LINK...   -> $work/NAME.tar
rootfs_tar() {
    local name=$1 binary_path=$2
    shift 2
    [[ -n $work ]] || work=$(mktemp -d "${TMPDIR:-/tmp}/standin-rootfs.XXXXXX")
    local root=$work/$name
    mkdir -p "$root"/{bin,usr/bin,usr/local/bin,etc,tmp,root/.ollama,app/backend/data,proc,sys,dev}
    install -m 0755 "$binary" "$root$binary_path"
    local link
    for link in "$@"; do
        ln -s "$binary_path" "$root/$link"
    done
    chmod 1777 "$root/tmp"
    printf 'root:x:0:0:root:/root:/standin\nnobody:x:65534:65534:nobody:/nonexistent:/standin\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$work/$name.tar" .
}

# build NAME "BINARY_PATH LINK..." [docker import --change ...]
build() {
    local name=$1 layout=$2
    shift 2
    local image=ollama-stack-standin/$name:$tag
    if up_to_date "$image"; then
        echo "reused $image ($(docker image inspect --format '{{.Id}}' "$image" | cut -c1-19))"
        return
    fi
    # shellcheck disable=SC2086 # the layout is a list of words
    rootfs_tar "$name" $layout
    local id old
    old=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
    id=$(docker import --message "ollama-stack stand-in ($name), standin sha256 $sha" \
        -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
        -c "ENV STANDIN_SHA256=$sha" \
        -c "ENV STANDIN_IMAGE_REV=$rev" \
        -c "LABEL org.opencontainers.image.title=ollama-stack-standin-$name" \
        -c 'LABEL org.opencontainers.image.version=0.0.0-standin' \
        "$@" "$work/$name.tar" "$image")
    echo "built $image (${id:0:19})"
    # The image this one replaced is ours and now untagged: drop it unless a container still uses it.
    if [[ -n $old && $old != "$id" ]]; then
        docker image rm "$old" >/dev/null 2>&1 || true
    fi
}

# Like ollama/ollama: ENTRYPOINT /bin/ollama, CMD serve, OLLAMA_HOST, no healthcheck, and no
# curl, wget or any other HTTP client (the binary is there only as `ollama`).
build ollama "/bin/ollama usr/bin/ollama usr/bin/nvidia-smi" \
    -c 'ENTRYPOINT ["/bin/ollama"]' \
    -c 'CMD ["serve"]' \
    -c 'ENV OLLAMA_HOST=0.0.0.0:11434' \
    -c 'EXPOSE 11434'

# Like open-webui: CMD only, WORKDIR /app/backend, PORT/DATA_DIR, curl and python3, and an image
# healthcheck that curls /health (the real one every 30 s; this one every 2 s so tests stay fast).
build webui "/standin usr/local/bin/open-webui usr/local/bin/standin usr/bin/curl usr/bin/python3" \
    -c 'CMD ["/usr/local/bin/open-webui"]' \
    -c 'WORKDIR /app/backend' \
    -c 'ENV PORT=8080' \
    -c 'ENV DATA_DIR=/app/backend/data' \
    -c 'EXPOSE 8080' \
    -c 'HEALTHCHECK --interval=2s --timeout=2s --retries=3 CMD ["curl", "--silent", "--fail", "http://127.0.0.1:8080/health"]'

# Like open-webui/mcpo: ENTRYPOINT mcpo, so a compose `command:` passes mcpo's flags; curl.
build mcpo "/standin usr/local/bin/mcpo usr/local/bin/standin usr/bin/curl" \
    -c 'ENTRYPOINT ["/usr/local/bin/mcpo"]' \
    -c 'CMD ["--host", "0.0.0.0", "--port", "8000", "--config", "/app/config.json"]' \
    -c 'WORKDIR /app' \
    -c 'EXPOSE 8000'

# An extension's MCP server over SSE (role mcp-sse), for the test extension in tests/extensions/:
# GET /sse, POST /messages, and a healthcheck on /health (the extension publishes no port).
build mcp-ext "/standin usr/local/bin/standin usr/local/bin/probe" \
    -c 'ENTRYPOINT ["/standin", "--role", "mcp-sse"]' \
    -c 'CMD ["--port", "8000"]' \
    -c 'EXPOSE 8000' \
    -c 'HEALTHCHECK --interval=1s --timeout=2s --retries=3 CMD ["/standin", "probe", "http://127.0.0.1:8000/health"]'
