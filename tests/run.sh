#!/usr/bin/env bash
# Runs the whole test suite — unit and end-to-end — from a fresh machine:
#   1. installs what is missing (build dependencies; docker.io when no engine answers) with apt
#      when running as root on Debian/Ubuntu,
#   2. starts dockerd in the background when none answers (its own pid file and log under the
#      build directory) and stops it again at the end — only the one it started,
#   3. builds with warnings as errors (through ccache, which it installs, so a machine that has
#      built before rebuilds little), builds the stand-in images, and runs everything via ctest,
#   4. installs the built binary with ./install.sh into a fresh temporary prefix and runs it from
#      there (then installs again, to prove it idempotent, and uninstalls),
#   5. builds the .deb with cpack, installs it with apt, runs it from PATH, removes it and checks
#      that nothing of it is left; then the same through ./install.sh --package.
# ctest also runs the README's first command verbatim (tests/e2e/readme_smoke_test.cpp).
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
                # ccache: a machine that has built the project before rebuilds little
                ccache
                curl tar
                # test-only: completion scripts are loaded in zsh and fish; ssh:// is tested
                # against a real sshd on 127.0.0.1; the second engine (a stand-in GPU box,
                # tests/e2e/support/second_engine.hpp) needs ip for its veth link
                zsh fish openssh-client openssh-server iproute2)

# shellcheck source=tests/lib/engine.sh
source "$ROOT/tests/lib/engine.sh"

install_missing "${BUILD_PACKAGES[@]}"
# test-only, for the README smoke test (its unprivileged user gets sudo) and the package test
# (groff checks the generated man page)
install_missing sudo groff-base

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
LAUNCHER=()
if command -v ccache >/dev/null; then
  LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# Debug information as line tables only (-g1): a failing test's backtrace still names functions,
# files and lines, and a clean build takes a quarter less time than with full -g
# (docs/ARCHITECTURE.md, "Build speed").
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" \
  -DOLLAMA_STACK_WERROR=ON -DOLLAMA_STACK_BUILD_BENCH=ON "${LAUNCHER[@]}" >&2
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

# --- the Debian package: cpack builds it, apt installs and removes it, nothing is left ----------
# (run as root on Debian/Ubuntu, which run.sh needs anyway to install what it lacks)
package_installed() { dpkg-query -W -f='${Status}' ollama-stack 2>/dev/null | grep -q "ok installed"; }

# check_package_removed FILES: after `apt remove`, none of the package's files is left, and of its
# directories only those that other packages own or that hold other files.
check_package_removed() {
  local path left=""
  ! package_installed || die "ollama-stack is still installed after removing it"
  while IFS= read -r path; do
    [[ -n "$path" && "$path" != "/." ]] || continue
    if [[ -L "$path" || (-e "$path" && ! -d "$path") ]]; then
      left+=" $path"
    elif [[ -d "$path" && -z "$(ls -A "$path")" ]] && ! dpkg -S "$path" >/dev/null 2>&1; then
      left+=" $path/"
    fi
  done <<<"$1"
  [[ -z "$left" ]] || die "removing the package left behind:$left"
}

# check_package_installed: on PATH, runs, and holds what it should.
check_package_installed() {
  local found files path
  hash -r
  found="$(command -v ollama-stack || true)"
  [[ "$found" == /usr/bin/ollama-stack ]] ||
    die "after installing the package, ollama-stack on PATH is '${found:-nothing}', not /usr/bin/ollama-stack"
  if ((ENGINE_OK)); then
    ollama-stack version --json | grep -q '"cli"' || die "the packaged ollama-stack version --json failed"
  else
    ollama-stack --version >&2 || die "the packaged ollama-stack --version failed"
  fi
  files="$(dpkg -L ollama-stack)"
  for path in /usr/bin/ollama-stack /usr/share/man/man1/ollama-stack.1.gz /usr/share/doc/ollama-stack/copyright \
              /usr/share/doc/ollama-stack/README.md /usr/share/bash-completion/completions/ollama-stack \
              /usr/share/zsh/vendor-completions/_ollama-stack /usr/share/fish/vendor_completions.d/ollama-stack.fish; do
    grep -qx "$path" <<<"$files" || die "the package does not hold $path"
  done
  bash -c "source /usr/share/bash-completion/completions/ollama-stack" || die "the packaged bash completion does not load"
}

package_round_trip() {
  local package_dir="$BUILD_DIR/packages" debs depends warnings files
  package_installed &&
    die "the ollama-stack package is already installed here; this test installs and removes it, so run it where it is not (apt remove ollama-stack)"
  say "building the .deb with cpack"
  rm -rf "$package_dir"
  (cd "$BUILD_DIR" && cpack -G DEB -B "$package_dir" >&2)
  debs=("$package_dir"/ollama-stack_*.deb)
  ((${#debs[@]} == 1)) && [[ -f "${debs[0]}" ]] || die "cpack did not make exactly one ollama-stack_*.deb in $package_dir"
  depends="$(dpkg-deb -f "${debs[0]}" Depends)"
  [[ "$depends" == *libc6* && "$depends" == *libcurl* && "$depends" == *libyaml-cpp* ]] ||
    die "the package's Depends (from dpkg-shlibdeps) misses a linked library: $depends"
  warnings="$(dpkg-deb --fsys-tarfile "${debs[0]}" | tar -xOf - ./usr/share/man/man1/ollama-stack.1.gz | gzip -dc |
              groff -man -ww -z -Tutf8 2>&1)"
  [[ -z "$warnings" ]] || die "groff warns about the generated man page: $warnings"
  say "$(basename "${debs[0]}"): Depends: $depends"

  # On failure, do not leave the package on the machine.
  trap 'package_installed && DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq ollama-stack >&2' EXIT
  say "apt install ./$(basename "${debs[0]}")"
  (cd "$package_dir" && DEBIAN_FRONTEND=noninteractive apt install -y ./ollama-stack_*.deb >&2)
  check_package_installed
  files="$(dpkg -L ollama-stack)"
  say "apt remove ollama-stack"
  DEBIAN_FRONTEND=noninteractive apt remove -y ollama-stack >&2
  check_package_removed "$files"

  say "./install.sh --package (reusing $BUILD_DIR)"
  "$ROOT/install.sh" -y --package --build-dir "$BUILD_DIR" >&2
  check_package_installed
  files="$(dpkg -L ollama-stack)"
  "$ROOT/install.sh" --uninstall --package >&2
  check_package_removed "$files"
  say "the package: built, installed with apt, ran from PATH, removed without a trace"
}

if command -v dpkg-deb >/dev/null && [[ $(id -u) -eq 0 ]]; then
  (package_round_trip)
elif [[ "$CI" == "true" ]]; then
  die "the package test needs root on Debian/Ubuntu (CI=true, so this is a failure)"
else
  say "WARNING: not root on Debian/Ubuntu: the package test is skipped"
fi
