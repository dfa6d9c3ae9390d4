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
                libbenchmark-dev
                curl tar
                # test-only: completion scripts are loaded in zsh and fish; ssh:// is tested
                # against a real sshd on 127.0.0.1; the second engine (a stand-in GPU box,
                # tests/e2e/support/second_engine.hpp) needs ip for its veth link
                zsh fish openssh-client openssh-server iproute2)

# shellcheck source=tests/lib/engine.sh
source "$ROOT/tests/lib/engine.sh"

install_missing "${BUILD_PACKAGES[@]}"

ENGINE_OK=1
mkdir -p "$BUILD_DIR"
ensure_engine || ENGINE_OK=0
# The second engine of the GPU tests runs this machine's dockerd with the docker CLI beside it.
if ((ENGINE_OK)) && { ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; }; then
  install_missing docker.io
fi
if ((ENGINE_OK == 0)); then
  [[ "$CI" == "true" ]] && die "no Docker engine could be reached or started, and CI=true: end-to-end tests cannot be skipped"
  say "WARNING: no Docker engine; end-to-end tests will be skipped (they fail when CI=true)"
fi

say "configuring and building (warnings are errors)"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOLLAMA_STACK_WERROR=ON -DOLLAMA_STACK_BUILD_BENCH=ON >&2
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
