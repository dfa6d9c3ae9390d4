#!/usr/bin/env bash
# Builds ollama-stack from this checkout and installs the binary (Linux, macOS).
#
#   ./install.sh                 install build dependencies (asks first), build Release, install
#                                where the shell already looks: ~/.local/bin when it is on PATH,
#                                else /usr/local/bin
#   ./install.sh -y --prefix D   no questions; install to D/bin
#   ./install.sh --package       build a .deb with cpack and install it with apt (Debian/Ubuntu)
#   ./install.sh --uninstall     remove exactly what an earlier run installed
#   ./install.sh --binary PATH   install an already-built binary (no packages, no build)
#
# Run ./install.sh --help for every option. Safe to run again: packages already present are
# skipped, the build directory is reused, and the installed files are replaced in place.
#
# Written for bash 3.2 too (macOS's /bin/bash): no associative arrays, no mapfile, and empty
# arrays are expanded with ${a[@]+"${a[@]}"} so `set -u` does not trip on them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROGRAM="ollama-stack"
MANIFEST_NAME="install-manifest.txt"

ASSUME_YES=0
UNINSTALL=0
SKIP_DEPS=0
PREFIX=""
BUILD_DIR=""
PACKAGE=0
BINARY="${OLLAMA_STACK_BINARY:-}"
JOBS="${JOBS:-}"

say() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<'EOF'
Usage: ./install.sh [options]

Builds ollama-stack (Release) from this checkout and installs the binary.

  1. Installs the build dependencies with the platform's package manager (apt, dnf, pacman or
     Homebrew). It lists what is missing and asks before installing; packages already present
     are skipped. sudo is used only for the package manager, and only when not running as root.
  2. Configures and builds in a build directory (default: build-release in this checkout). A
     build directory that is already configured is reused as it is (its build type is kept).
  3. Installs the binary where your shell already looks for commands, so that `ollama-stack`
     works at once: ~/.local/bin when that is on your PATH, else /usr/local/bin (with sudo when
     not root). With neither on PATH it installs to ~/.local/bin, says how to add that to PATH,
     and exits 1. Bash, zsh and fish completion (from `ollama-stack completion SHELL`) go with it.

Every installed file is listed in PREFIX/share/ollama-stack/install-manifest.txt, which
--uninstall uses to remove exactly those files again. Neither --uninstall nor anything else in
this script touches your Docker volumes (models, chats) or ~/.ollama-stack.

Options:
  -y, --yes            Do not ask; install missing packages. Without a terminal to ask on, this
                       is required whenever packages are missing.
  --prefix DIR         Install to DIR/bin (default: ~/.local or /usr/local, see above).
  --package            Debian/Ubuntu: build a .deb with cpack (binary, completions, man page)
                       and install it with apt into /usr, so that `apt remove ollama-stack`
                       removes it. With --uninstall: remove that package.
  --build-dir DIR      Build directory (default: build-release in this checkout).
  -j, --jobs N         Parallel build jobs (default: $JOBS, else the number of CPUs).
  --skip-deps          Do not check or install build dependencies.
  --binary PATH        Install this already-built ollama-stack instead of building one (implies
                       --skip-deps; the test suite uses it). Also: OLLAMA_STACK_BINARY=PATH.
  --uninstall          Remove what earlier runs installed (in ~/.local and /usr/local, or in
                       --prefix DIR), then stop.
  -h, --help           Show this help.

Examples:
  ./install.sh && ollama-stack start
  ./install.sh -y --prefix /opt/ollama-stack
  ./install.sh --package
  ./install.sh --uninstall
  ./install.sh -y --prefix /tmp/try --binary build/ollama-stack
EOF
}

# --- options -------------------------------------------------------------------------------

while (($#)); do
  case "$1" in
    -y | --yes) ASSUME_YES=1 ;;
    --uninstall) UNINSTALL=1 ;;
    --skip-deps) SKIP_DEPS=1 ;;
    --package) PACKAGE=1 ;;
    --prefix)
      (($# >= 2)) || die "--prefix needs a directory, e.g. --prefix ~/.local"
      PREFIX="$2"; shift ;;
    --prefix=*) PREFIX="${1#*=}" ;;
    --build-dir)
      (($# >= 2)) || die "--build-dir needs a directory"
      BUILD_DIR="$2"; shift ;;
    --build-dir=*) BUILD_DIR="${1#*=}" ;;
    --binary)
      (($# >= 2)) || die "--binary needs the path of a built ollama-stack"
      BINARY="$2"; shift ;;
    --binary=*) BINARY="${1#*=}" ;;
    -j | --jobs)
      (($# >= 2)) || die "$1 needs a number"
      JOBS="$2"; shift ;;
    --jobs=*) JOBS="${1#*=}" ;;
    -h | --help) usage; exit 0 ;;
    *) printf 'install.sh: error: unknown option "%s"\n' "$1" >&2
       printf 'Run ./install.sh --help for usage.\n' >&2
       exit 2 ;;
  esac
  shift
done

# Makes a path absolute without requiring it to exist (realpath is missing on older macOS).
# A literal "~" can arrive quoted, e.g. --prefix="~/x".
absolute_path() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    "~") printf '%s\n' "$HOME" ;;
    \~/*) printf '%s/%s\n' "$HOME" "${1#"~/"}" ;;
    *) printf '%s/%s\n' "$(pwd)" "$1" ;;
  esac
}

on_path() {
  case ":${PATH:-}:" in *":$1:"* | *":$1/:"*) return 0 ;; esac
  return 1
}

# set_prefix DIR: the prefix and every path derived from it.
# In the user's own ~/.local, completion goes where bash-completion and fish look for a user's
# completions; elsewhere it stays inside the prefix (bash-completion also looks in
# <dir of the command>/../share/bash-completion/completions, /usr/local/share is in every
# shell's default search path). zsh: a file named _ollama-stack in a directory of $fpath.
set_prefix() {
  PREFIX="$1"
  BIN_DIR="$PREFIX/bin"
  SHARE_DIR="$PREFIX/share/$PROGRAM"
  MANIFEST="$SHARE_DIR/$MANIFEST_NAME"
  if [[ "$PREFIX" == "${HOME:-}/.local" ]]; then
    COMPLETION_DIR="${BASH_COMPLETION_USER_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bash-completion}/completions"
    FISH_COMPLETION_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions"
  else
    COMPLETION_DIR="$PREFIX/share/bash-completion/completions"
    FISH_COMPLETION_DIR="$PREFIX/share/fish/vendor_completions.d"
  fi
  ZSH_COMPLETION_DIR="$PREFIX/share/zsh/site-functions"
  MANIFEST_LINES=()
}

# Without --prefix, install where the shell that runs `./install.sh && ollama-stack start`
# already looks (PATH is inherited from it): the user's ~/.local/bin when it is on PATH (no sudo),
# else /usr/local/bin, which every Debian/Ubuntu PATH holds for root and for users alike.
DEFAULT_PREFIX=0
ON_PATH=1
if [[ -z "$PREFIX" ]]; then
  [[ -n "${HOME:-}" ]] || die "HOME is not set; pass --prefix DIR"
  DEFAULT_PREFIX=1
  if on_path "$HOME/.local/bin"; then
    PREFIX="$HOME/.local"
  elif on_path /usr/local/bin; then
    PREFIX=/usr/local
  else
    PREFIX="$HOME/.local"
    ON_PATH=0
  fi
fi
PREFIX="$(absolute_path "$PREFIX")"
PREFIX="${PREFIX%/}"
[[ -n "$PREFIX" ]] || die "--prefix / is not allowed; use --prefix /usr/local or similar"
set_prefix "$PREFIX"
BUILD_DIR="$(absolute_path "${BUILD_DIR:-$ROOT/build-release}")"
if [[ -z "$JOBS" ]]; then
  JOBS="$(getconf _NPROCESSORS_ONLN 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)"
fi
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "--jobs must be a positive number, not \"$JOBS\""

IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

# --- writing into the prefix ---------------------------------------------------------------

# sudo for the prefix only when it cannot be written as we are (e.g. --prefix /usr/local).
PREFIX_SUDO=""
nearest_existing_dir() {
  local dir="$1"
  while [[ ! -d "$dir" ]]; do dir="$(dirname "$dir")"; done
  printf '%s\n' "$dir"
}
decide_prefix_sudo() {
  local existing
  PREFIX_SUDO=""
  existing="$(nearest_existing_dir "$PREFIX")"
  if [[ -w "$existing" && ( ! -d "$BIN_DIR" || -w "$BIN_DIR" ) ]]; then return; fi
  ((IS_ROOT)) && return
  command -v sudo >/dev/null 2>&1 ||
    die "$existing is not writable and sudo is not available; run as root, or choose a --prefix you can write (e.g. --prefix ~/.local, with ~/.local/bin added to your PATH)"
  warn "$existing is not writable by $(id -un); sudo will be used to write into $PREFIX"
  PREFIX_SUDO="sudo"
}
in_prefix() { if [[ -n "$PREFIX_SUDO" ]]; then sudo "$@"; else "$@"; fi; }

# Manifest lines: "dir PATH" for a directory this script created, "file PATH" for a file it
# installed. Re-runs keep earlier lines, so directories created by the first run are still
# removed (when empty) by --uninstall. set_prefix empties MANIFEST_LINES.
manifest_add() {
  local line="$1" existing
  for existing in ${MANIFEST_LINES[@]+"${MANIFEST_LINES[@]}"}; do
    [[ "$existing" == "$line" ]] && return
  done
  MANIFEST_LINES+=("$line")
}
manifest_load() {
  [[ -f "$MANIFEST" ]] || return 0
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    case "$line" in
      "dir /"* | "file /"*) manifest_add "$line" ;;
    esac
  done <"$MANIFEST"
}

# mkdir -p that records every directory it had to create.
make_dir() {
  local dir="$1" missing=() i
  while [[ ! -d "$dir" ]]; do
    missing+=("$dir")
    dir="$(dirname "$dir")"
  done
  for ((i = ${#missing[@]} - 1; i >= 0; i--)); do
    in_prefix mkdir "${missing[$i]}"
    manifest_add "dir ${missing[$i]}"
  done
}

# Copies through a temporary name and renames, so a running ollama-stack is never overwritten
# in place.
install_file() {
  local source="$1" target="$2" mode="$3"
  make_dir "$(dirname "$target")"
  in_prefix cp "$source" "$target.tmp.$$"
  in_prefix chmod "$mode" "$target.tmp.$$"
  in_prefix mv -f "$target.tmp.$$" "$target"
  manifest_add "file $target"
}

manifest_write() {
  make_dir "$SHARE_DIR"
  manifest_add "file $MANIFEST"
  {
    printf '# Written by ollama-stack install.sh; ./install.sh --uninstall --prefix %s removes these.\n' "$PREFIX"
    printf '%s\n' "${MANIFEST_LINES[@]}"
  } | in_prefix tee "$MANIFEST.tmp.$$" >/dev/null
  in_prefix mv -f "$MANIFEST.tmp.$$" "$MANIFEST"
}

# --- uninstall -----------------------------------------------------------------------------

# Removes the files listed in the current prefix's manifest, and the directories this script
# created there when they are empty.
uninstall_prefix() {
  decide_prefix_sudo
  manifest_load
  local line path removed=0 dirs=()
  for line in ${MANIFEST_LINES[@]+"${MANIFEST_LINES[@]}"}; do
    path="${line#* }"
    case "$line" in
      "file "*)
        [[ "$path" == "$MANIFEST" ]] && continue
        if [[ -e "$path" || -L "$path" ]]; then
          in_prefix rm -f "$path"
          say "removed $path"
          removed=$((removed + 1))
        fi ;;
      "dir "*) dirs+=("$path") ;;
    esac
  done
  in_prefix rm -f "$MANIFEST"
  # Deepest first; only directories this script created, and only when nothing else is in them.
  local sorted
  sorted="$(for path in ${dirs[@]+"${dirs[@]}"}; do printf '%s\n' "$path"; done | sort -r)"
  while IFS= read -r path; do
    [[ -n "$path" && -d "$path" ]] || continue
    if in_prefix rmdir "$path" 2>/dev/null; then
      say "removed empty directory $path"
    fi
  done <<<"$sorted"
  if ((removed == 1)); then say "uninstalled from $PREFIX (1 file)"; else say "uninstalled from $PREFIX ($removed files)"; fi
}

# Without --prefix: every default prefix that holds a manifest of ours.
uninstall() {
  local candidates=("$PREFIX") candidate found=0
  ((DEFAULT_PREFIX)) && candidates=("$HOME/.local" /usr/local)
  for candidate in "${candidates[@]}"; do
    set_prefix "$candidate"
    [[ -f "$MANIFEST" ]] || continue
    uninstall_prefix
    found=1
  done
  if ((found == 0)); then
    for candidate in "${candidates[@]}"; do
      [[ ! -e "$candidate/bin/$PROGRAM" ]] ||
        die "$candidate/bin/$PROGRAM exists but no install manifest is beside it, so this script did not install it; remove it yourself if it is yours (or \`apt remove $PROGRAM\` for the package)"
    done
    say "nothing to uninstall: no $MANIFEST_NAME under ${candidates[*]} (was it installed with another --prefix?)"
    return 0
  fi
  local kept="the Docker volumes holding models and chats"
  [[ ! -d "$BUILD_DIR" ]] || kept+=", and the build directory $BUILD_DIR"
  note "Kept: your settings and state in ~/.ollama-stack (or \$OLLAMA_STACK_HOME),"
  note "$kept."
}

# --- build dependencies --------------------------------------------------------------------

OS="$(uname -s)"
PKG_MANAGER=""
PACKAGES=()
case "$OS" in
  Darwin)
    command -v brew >/dev/null 2>&1 && PKG_MANAGER=brew ;;
  Linux)
    if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
      PKG_MANAGER=apt
    elif command -v dnf >/dev/null 2>&1; then
      PKG_MANAGER=dnf
    elif command -v pacman >/dev/null 2>&1; then
      PKG_MANAGER=pacman
    fi ;;
  *) die "$OS is not supported by install.sh (Linux and macOS are; on Windows use install.ps1)" ;;
esac

case "$PKG_MANAGER" in
  apt)
    PACKAGES=(build-essential cmake pkg-config libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
              libyaml-cpp-dev libcurl4-openssl-dev libssl-dev libarchive-dev) ;;
  dnf)
    # Fedora. On RHEL/CentOS Stream/Rocky/Alma the *-devel libraries below come from EPEL
    # (and CodeReady Builder/PowerTools).
    PACKAGES=(gcc-c++ make cmake pkgconf-pkg-config cli11-devel json-devel spdlog-devel fmt-devel
              yaml-cpp-devel libcurl-devel openssl-devel libarchive-devel) ;;
  pacman)
    PACKAGES=(base-devel cmake pkgconf cli11 nlohmann-json spdlog fmt yaml-cpp curl openssl libarchive) ;;
  brew)
    PACKAGES=(cmake pkg-config cli11 nlohmann-json spdlog fmt yaml-cpp curl openssl@3 libarchive) ;;
esac

package_installed() {
  case "$PKG_MANAGER" in
    apt) dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed" ;;
    dnf) rpm -q --whatprovides "$1" >/dev/null 2>&1 ;;
    pacman) pacman -Qq "$1" >/dev/null 2>&1 || pacman -Qqg "$1" >/dev/null 2>&1 ;;
    brew) brew list --versions "$1" >/dev/null 2>&1 ;;
  esac
}

# Asks a yes/no question on the terminal; refuses (exits) when there is none.
confirm() {
  local question="$1" answer=""
  ((ASSUME_YES)) && return 0
  if [[ -t 0 ]]; then
    read -r -p "$question [y/N] " answer
  elif { : </dev/tty; } 2>/dev/null; then
    read -r -p "$question [y/N] " answer </dev/tty
  else
    die "no terminal to ask on; run ./install.sh -y to install the packages listed above without asking"
  fi
  case "$answer" in
    y | Y | yes | YES | Yes) return 0 ;;
    *) return 1 ;;
  esac
}

as_root() {
  if ((IS_ROOT)); then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "installing packages needs root and sudo is not available; run as root: $*"
  fi
}

# The command a person would type, for messages.
install_command() {
  case "$PKG_MANAGER" in
    apt) printf 'apt-get install -y %s' "$*" ;;
    dnf) printf 'dnf install -y %s' "$*" ;;
    pacman) printf 'pacman -S --needed %s' "$*" ;;
    brew) printf 'brew install %s' "$*" ;;
  esac
}

install_packages() {
  case "$PKG_MANAGER" in
    apt)
      as_root env DEBIAN_FRONTEND=noninteractive apt-get update
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" ;;
    dnf) as_root dnf install -y "$@" ;;
    pacman) as_root pacman -S --needed --noconfirm "$@" ;;
    brew) brew install "$@" ;;  # Homebrew refuses to run as root, and never needs sudo.
  esac
}

ensure_dependencies() {
  if ((SKIP_DEPS)); then
    say "skipping build dependencies (--skip-deps)"
    return
  fi
  if [[ -z "$PKG_MANAGER" ]]; then
    local found=""
    for candidate in zypper apk xbps-install emerge nix-env port yum; do
      if command -v "$candidate" >/dev/null 2>&1; then found="$candidate"; break; fi
    done
    if [[ "$OS" == Darwin ]]; then
      warn "Homebrew was not found, and it is the only package manager this script handles on macOS."
      note "Install Homebrew, or install these yourself: cmake pkg-config cli11 nlohmann-json spdlog fmt"
      note "yaml-cpp curl openssl libarchive, plus the Xcode Command Line Tools (xcode-select --install)."
    else
      warn "${found:-no package manager} found: this script handles apt, dnf, pacman and Homebrew${found:+, not $found}."
      note "Install these yourself: a C++20 compiler, make, cmake (3.20+), pkg-config, and the development"
      note "packages of CLI11, nlohmann-json (3.10+), spdlog, fmt, yaml-cpp, libcurl (OpenSSL), OpenSSL,"
      note "libarchive. Trying to build with what is present."
    fi
    return
  fi
  if [[ "$PKG_MANAGER" == brew ]] && ! xcode-select -p >/dev/null 2>&1; then
    die "the Xcode Command Line Tools (the C++ compiler) are missing: run xcode-select --install, then run this again"
  fi

  local missing=() package
  for package in "${PACKAGES[@]}"; do
    package_installed "$package" || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    say "build dependencies: all present ($PKG_MANAGER)"
    return
  fi
  say "build dependencies missing; $PKG_MANAGER will install:"
  note "${missing[*]}"
  if [[ "$PKG_MANAGER" != brew ]] && ((IS_ROOT == 0)); then
    command -v sudo >/dev/null 2>&1 ||
      die "installing packages needs root and sudo is not available; as root run \`$(install_command "${missing[@]}")\`, then run this again"
    note "(with sudo)"
  fi
  confirm "Install these packages now?" ||
    die "not installing; install them yourself, or run ./install.sh -y"
  install_packages "${missing[@]}"
}

# --- package (Debian/Ubuntu) ----------------------------------------------------------------

package_installed_by_dpkg() { dpkg-query -W -f='${Status}' "$PROGRAM" 2>/dev/null | grep -q "ok installed"; }

uninstall_package() {
  if package_installed_by_dpkg; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y "$PROGRAM"
    say "removed the $PROGRAM package"
  else
    say "nothing to uninstall: the $PROGRAM package is not installed"
  fi
}

# Packs the build with cpack (see cmake/packaging.cmake) and installs the .deb with apt, which
# resolves its dependencies (found by dpkg-shlibdeps from the libraries the binary links).
build_and_install_package() {
  local package_dir="$BUILD_DIR/packages" debs deb
  rm -f "$package_dir/${PROGRAM}_"*.deb
  say "packing the .deb (cpack) into $package_dir"
  (cd "$BUILD_DIR" && cpack -G DEB -B "$package_dir" >/dev/null) ||
    die "cpack failed (run \`cpack -G DEB\` in $BUILD_DIR to see why)"
  debs=("$package_dir/${PROGRAM}_"*.deb)
  deb="${debs[0]}"
  [[ -f "$deb" ]] || die "cpack finished but left no ${PROGRAM}_*.deb in $package_dir"
  say "installing $deb with apt"
  # --reinstall: the same version built again must still replace the installed files.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --reinstall "$deb" ||
    die "apt could not install $deb (see its messages above)"
  local found
  found="$(command -v "$PROGRAM" 2>/dev/null || true)"
  if [[ "$found" != "/usr/bin/$PROGRAM" ]]; then
    warn "\`$PROGRAM\` on your PATH is ${found:-nothing}, not the package's /usr/bin/$PROGRAM; ./install.sh --uninstall removes an earlier install"
  fi
  say "done: the $PROGRAM package is installed (\`apt remove $PROGRAM\` or ./install.sh --uninstall --package removes it)"
}

if ((PACKAGE)); then
  [[ "$PKG_MANAGER" == apt ]] || die "--package builds a .deb for Debian/Ubuntu (apt); on this system run ./install.sh without it"
  [[ -z "$BINARY" ]] || die "--package packs a build directory; it cannot take --binary (or OLLAMA_STACK_BINARY)"
  ((DEFAULT_PREFIX)) || die "--package installs into /usr; it cannot take --prefix"
fi

if ((UNINSTALL)); then
  if ((PACKAGE)); then uninstall_package; else uninstall; fi
  exit 0
fi

if ((PACKAGE == 0)); then
  # Before the long build: can we write the prefix, and do we need sudo for it?
  decide_prefix_sudo
fi

if [[ -n "$BINARY" ]]; then
  BUILT="$(absolute_path "$BINARY")"
  [[ -f "$BUILT" && -x "$BUILT" ]] || die "--binary $BINARY is not an executable file"
  say "installing the given binary $BUILT (no packages, no build)"
else
ensure_dependencies

# --- build ---------------------------------------------------------------------------------

command -v cmake >/dev/null 2>&1 || die "cmake is not installed; install it (3.20 or newer) and run again"

CMAKE_ARGS=(-DCMAKE_BUILD_TYPE=Release -DOLLAMA_STACK_BUILD_TESTS=OFF -DOLLAMA_STACK_BUILD_BENCH=OFF)
if [[ "$PKG_MANAGER" == brew ]]; then
  # curl, openssl@3 and libarchive are keg-only: CMake finds them only when told where they are.
  brew_prefixes=""
  for formula in curl openssl@3 libarchive; do
    if formula_prefix="$(brew --prefix "$formula" 2>/dev/null)" && [[ -d "$formula_prefix" ]]; then
      brew_prefixes="${brew_prefixes:+$brew_prefixes;}$formula_prefix"
    fi
  done
  [[ -z "$brew_prefixes" ]] || CMAKE_ARGS+=("-DCMAKE_PREFIX_PATH=$brew_prefixes")
fi

# A build directory that is already configured is reused as it is: reconfiguring it as Release
# without tests would throw away a developer's (or the test suite's) build.
CACHE="$BUILD_DIR/CMakeCache.txt"
if [[ -f "$CACHE" ]]; then
  configured_source="$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$CACHE")"
  [[ "$configured_source" -ef "$ROOT" ]] ||
    die "$BUILD_DIR is the build directory of ${configured_source:-another checkout}, not of $ROOT; choose another --build-dir"
  configured_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$CACHE")"
  say "reusing the build directory $BUILD_DIR (${configured_type:-no build type}, as configured there)"
else
  say "configuring (Release) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" "${CMAKE_ARGS[@]}" >/dev/null ||
    die "configuring failed (see the CMake messages above); a missing package is the usual cause"
fi
say "building with $JOBS jobs (this takes a few minutes)"
cmake --build "$BUILD_DIR" --target "$PROGRAM" -j "$JOBS" ||
  die "the build failed (see the compiler messages above)"

BUILT="$BUILD_DIR/$PROGRAM"
[[ -x "$BUILT" ]] || die "the build finished but $BUILT is missing"
fi
status=0
VERSION_TEXT="$("$BUILT" --version 2>&1)" || status=$?
if ((status != 0)); then
  printf '%s\n' "$VERSION_TEXT" >&2
  die "the freshly built $BUILT does not run (\`--version\` exited with $status); try again with a fresh --build-dir"
fi

# --- install -------------------------------------------------------------------------------

if ((PACKAGE)); then
  build_and_install_package
  exit 0
fi

manifest_load
install_file "$BUILT" "$BIN_DIR/$PROGRAM" 0755
say "installed $VERSION_TEXT to $BIN_DIR/$PROGRAM"

# Completion for bash, zsh and fish, when this version of the binary has the verb.
# install_completion SHELL TARGET CHECK: CHECK is the syntax check run on the script when that
# shell is installed (a script is still installed when the shell is not, for later).
install_completion() {
  local shell="$1" target="$2" checker="$3" script
  script="$(mktemp)"
  if "$BUILT" completion "$shell" >"$script" 2>/dev/null && [[ -s "$script" ]] &&
    { ! command -v "$checker" >/dev/null 2>&1 || "$checker" -n "$script" >/dev/null 2>&1; }; then
    install_file "$script" "$target" 0644
    say "installed $shell completion to $target"
  else
    warn "\`$PROGRAM completion $shell\` did not print a usable script; $shell completion not installed"
  fi
  rm -f "$script"
}
if "$BUILT" --help 2>/dev/null | grep -Eq '^[[:space:]]+completion([[:space:]]|$)'; then
  install_completion bash "$COMPLETION_DIR/$PROGRAM" bash
  install_completion zsh "$ZSH_COMPLETION_DIR/_$PROGRAM" zsh
  install_completion fish "$FISH_COMPLETION_DIR/$PROGRAM.fish" fish
  if [[ "$PREFIX" != /usr/local ]]; then  # /usr/local/share/zsh/site-functions is on zsh's default fpath
    note "bash and fish load completion in new shells; for zsh add this before compinit in ~/.zshrc:"
    note "  fpath=($ZSH_COMPLETION_DIR \$fpath)"
  fi
else
  note "(this version has no \`completion\` command yet, so no shell completion was installed)"
fi

manifest_write
uninstall_command="./install.sh --uninstall"
((DEFAULT_PREFIX)) || uninstall_command+=" --prefix $PREFIX"
note "installed files are listed in $MANIFEST; \`$uninstall_command\` removes them"

if on_path "$BIN_DIR"; then
  say "done: run \`$PROGRAM start\` (or \`$PROGRAM version\` to check that it reaches your Docker Engine)"
  exit 0
fi
shell_rc="$HOME/.profile"
case "${SHELL:-}" in
  */zsh) shell_rc="$HOME/.zshrc" ;;
  */bash) if [[ "$OS" == Darwin ]]; then shell_rc="$HOME/.bash_profile"; else shell_rc="$HOME/.bashrc"; fi ;;
  */fish) shell_rc="" ;;
esac
warn "$BIN_DIR is not on your PATH, so \`$PROGRAM\` will not be found by name."
if [[ -n "$shell_rc" ]]; then
  note "Add this line to $shell_rc and open a new terminal:"
  note "  export PATH=\"$BIN_DIR:\$PATH\""
else
  note "Run once in fish:  fish_add_path $BIN_DIR"
fi
note "Until then run it as $BIN_DIR/$PROGRAM (e.g. $BIN_DIR/$PROGRAM start)."
# Chosen by us, not by --prefix: neither ~/.local/bin nor /usr/local/bin is on PATH, so the
# command after `./install.sh &&` would fail with "command not found"; stop it here instead.
((ON_PATH)) || die "installed, but neither ~/.local/bin nor /usr/local/bin is on your PATH ($PATH); add one as shown above"
