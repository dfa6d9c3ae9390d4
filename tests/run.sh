#!/usr/bin/env bash
# Runs the whole test suite — unit and end-to-end — from a fresh machine:
#   1. installs what is missing (build dependencies; docker.io when no engine answers) with apt
#      when running as root on Debian/Ubuntu,
#   2. starts dockerd in the background when none answers (its own pid file and log under the
#      build directory) and stops it again at the end — only the one it started,
#   3. builds with warnings as errors, builds the stand-in images, and runs everything via ctest,
#   4. installs the built binary with ./install.sh into a fresh temporary prefix and runs it from
#      there (then installs again, to prove it idempotent, and uninstalls).
# With CI=true an engine that cannot be reached is a failure, never a skip.
#
# Environment: BUILD_DIR (default build-tests), CTEST_ARGS (extra ctest arguments),
#              DOCKER_HOST (use another engine), JOBS (parallel build/test jobs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-tests}"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
CI="${CI:-false}"
SOCKET="/var/run/docker.sock"
STARTED_DOCKERD=""

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'tests/run.sh: error: %s\n' "$*" >&2; exit 1; }

BUILD_PACKAGES=(build-essential cmake pkg-config libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
                libyaml-cpp-dev libcurl4-openssl-dev libssl-dev libarchive-dev libgtest-dev libgmock-dev
                curl tar
                # test-only: completion scripts are loaded in zsh and fish; ssh:// is tested
                # against a real sshd on 127.0.0.1
                zsh fish openssh-client openssh-server)

apt_install() {
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    die "missing packages: $*; install them (Debian/Ubuntu: sudo apt-get install -y $*) and run again"
  fi
  say "installing: $*"
  if [[ -z "${APT_UPDATED:-}" ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

install_build_deps() {
  command -v dpkg-query >/dev/null || { say "not a Debian system: assuming build dependencies are present"; return; }
  local missing=()
  for package in "${BUILD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

engine_answers() {
  if [[ -n "${DOCKER_HOST:-}" && "${DOCKER_HOST}" == tcp://* ]]; then
    curl -fsS --max-time 3 "http://${DOCKER_HOST#tcp://}/_ping" >/dev/null 2>&1
  else
    local socket="$SOCKET"
    [[ -z "${DOCKER_HOST:-}" ]] || socket="${DOCKER_HOST#unix://}"
    curl -fsS --max-time 3 --unix-socket "$socket" http://localhost/_ping >/dev/null 2>&1
  fi
}

stop_started_dockerd() {
  if [[ -n "$STARTED_DOCKERD" ]] && kill -0 "$STARTED_DOCKERD" 2>/dev/null; then
    say "stopping the dockerd this script started (pid $STARTED_DOCKERD)"
    kill "$STARTED_DOCKERD" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$STARTED_DOCKERD" 2>/dev/null || break; sleep 0.1; done
  fi
}

ensure_engine() {
  if engine_answers; then say "using the Docker engine that answers at ${DOCKER_HOST:-unix://$SOCKET}"; return 0; fi
  if [[ -n "${DOCKER_HOST:-}" ]]; then
    say "DOCKER_HOST=$DOCKER_HOST does not answer"
    return 1
  fi
  if ! command -v dockerd >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      apt_install docker.io
    else
      say "no dockerd here and cannot install docker.io (needs root on Debian/Ubuntu)"
      return 1
    fi
  fi
  if [[ $(id -u) -ne 0 ]]; then say "no engine answers and starting dockerd needs root"; return 1; fi
  local state="$BUILD_DIR/dockerd"
  mkdir -p "$state"
  say "starting dockerd in the background (log: $state/dockerd.log)"
  dockerd --pidfile "$state/dockerd.pid" >"$state/dockerd.log" 2>&1 &
  STARTED_DOCKERD=$!
  trap stop_started_dockerd EXIT
  local deadline=$((SECONDS + 60))
  until engine_answers; do
    if ! kill -0 "$STARTED_DOCKERD" 2>/dev/null; then
      tail -n 20 "$state/dockerd.log" >&2 || true
      say "dockerd exited during start-up"
      return 1
    fi
    ((SECONDS < deadline)) || { say "dockerd did not answer /_ping within 60 s"; return 1; }
    sleep 0.2
  done
  say "dockerd answers /_ping"
}

install_build_deps

ENGINE_OK=1
mkdir -p "$BUILD_DIR"
ensure_engine || ENGINE_OK=0
if ((ENGINE_OK == 0)); then
  [[ "$CI" == "true" ]] && die "no Docker engine could be reached or started, and CI=true: end-to-end tests cannot be skipped"
  say "WARNING: no Docker engine; end-to-end tests will be skipped (they fail when CI=true)"
fi

say "configuring and building (warnings are errors)"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOLLAMA_STACK_WERROR=ON >&2
cmake --build "$BUILD_DIR" -j "$JOBS" >&2

if ((ENGINE_OK)); then
  say "building the stand-in images"
  "$ROOT/tests/standin/build-images.sh" "$BUILD_DIR/tests/standin/standin"
fi

say "running the tests"
cd "$BUILD_DIR"
# shellcheck disable=SC2086
ctest --output-on-failure --timeout 600 -j "$JOBS" ${CTEST_ARGS:-}

# install.sh in a clean prefix, with the binary just built (--binary skips its own Release build).
say "install.sh in a clean prefix"
PREFIX_DIR="$(mktemp -d)"
trap 'rm -rf "$PREFIX_DIR"; stop_started_dockerd' EXIT
"$ROOT/install.sh" -y --prefix "$PREFIX_DIR" --binary "$BUILD_DIR/ollama-stack" >&2
"$PREFIX_DIR/bin/ollama-stack" --version >&2
for installed in share/bash-completion/completions/ollama-stack share/zsh/site-functions/_ollama-stack \
                 share/fish/vendor_completions.d/ollama-stack.fish; do
  [[ -s "$PREFIX_DIR/$installed" ]] || die "install.sh did not install $installed"
done
bash -c "source '$PREFIX_DIR/share/bash-completion/completions/ollama-stack'" ||
  die "the installed bash completion does not load"
"$ROOT/install.sh" -y --prefix "$PREFIX_DIR" --binary "$BUILD_DIR/ollama-stack" >&2  # idempotent
"$ROOT/install.sh" --uninstall --prefix "$PREFIX_DIR" >&2
left="$(find "$PREFIX_DIR" -mindepth 1)"
[[ -z "$left" ]] || die "install.sh --uninstall left files behind: $left"
say "install.sh: installed, ran, reinstalled and uninstalled cleanly"
