#!/usr/bin/env bash
# Runs the README's first command exactly as written, as a newcomer would: in a fresh copy of the
# checkout in a clean HOME, first as root, then as a new unprivileged user in a login shell (the
# PATH Debian gives such a user; the user in the group of the engine's socket, with sudo), then
# as that user again with ~/.local/bin on PATH and no sudo. After each run `ollama-stack` must be
# found on that shell's PATH where install.sh said it put it, the stack must be healthy, and
# `./install.sh --uninstall` must leave nothing behind.
#
# Driven by tests/e2e/readme_smoke_test.cpp, as root, with:
#   SMOKE_COMMAND  the command (README.md's first code block, first line)
#   SMOKE_SOURCE   the checkout to copy;  SMOKE_BINARY  the built ollama-stack
#   SMOKE_WORK     an empty directory for homes and layers (removed by the caller)
#   PROJECT_NAME, OLLAMA_IMAGE, WEBUI_IMAGE, MCP_PROXY_IMAGE, *_PORT: the stand-in stack, chosen
#                  through the variables users pin images with (compose/docker-compose.yml)
#
# Nothing it does outlives it: it runs in a private mount namespace where /usr/local is an
# overlay and the user exists only in bind-mounted copies of /etc/passwd, /etc/group,
# /etc/shadow and /etc/sudoers.d. The binary is handed to install.sh as OLLAMA_STACK_BINARY, so
# the command runs verbatim without a second 9-minute Release build.
set -euo pipefail

step() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'readme smoke: FAIL: %s\n' "$*" >&2; exit 1; }

for name in SMOKE_COMMAND SMOKE_SOURCE SMOKE_BINARY SMOKE_WORK PROJECT_NAME; do
  [[ -n "${!name:-}" ]] || fail "$name is not set (run through readme_smoke_test.cpp)"
done
if [[ "${1:-}" != --inside ]]; then
  SMOKE_OUTER_NAMESPACE="$(readlink /proc/self/ns/mnt)" \
    exec unshare --mount --propagation private -- "$BASH" "$0" --inside
fi
# Everything below changes mounts and /etc: never outside the private namespace.
[[ "$(readlink /proc/self/ns/mnt)" != "${SMOKE_OUTER_NAMESPACE:-}" ]] || fail "not in a private mount namespace"

WORK="$SMOKE_WORK"
chmod 0755 "$WORK"
USER_NAME="osk-smoke-$$"
USER_HOME="$WORK/home-user"
ROOT_HOME="$WORK/home-root"
# What a user's shell would carry: the stack's variables, the binary for install.sh, the engine.
PASS_VARS=(PROJECT_NAME OLLAMA_IMAGE WEBUI_IMAGE MCP_PROXY_IMAGE OLLAMA_PORT WEBUI_PORT MCP_PROXY_PORT
           OLLAMA_STACK_BINARY)
[[ -z "${DOCKER_HOST:-}" ]] || PASS_VARS+=(DOCKER_HOST)

# --- the throwaway machine state -------------------------------------------------------------

mkdir -p "$WORK/layers" "$WORK/etc"
mount -t tmpfs -o mode=0755 readme-smoke "$WORK/layers"
mkdir -p "$WORK/layers/upper" "$WORK/layers/work"
mount -t overlay readme-smoke -o "lowerdir=/usr/local,upperdir=$WORK/layers/upper,workdir=$WORK/layers/work" /usr/local
UPPER="$WORK/layers/upper"

# The binary where every user can read it (the build directory may be under /root).
install -m 0755 "$SMOKE_BINARY" "$WORK/ollama-stack"
export OLLAMA_STACK_BINARY="$WORK/ollama-stack"

# A fresh clone's worth of files: what git tracks (and new files not ignored), else the tree
# without build directories.
copy_checkout() {
  local dest="$1"
  mkdir -p "$dest"
  if git -C "$SMOKE_SOURCE" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$SMOKE_SOURCE" ls-files -z --cached --others --exclude-standard |
      tar -C "$SMOKE_SOURCE" --null --ignore-failed-read -T - -cf - | tar -C "$dest" -xf -
  else
    tar -C "$SMOKE_SOURCE" --exclude=./.git --exclude='./build*' -cf - . | tar -C "$dest" -xf -
  fi
}

add_user() {
  command -v sudo >/dev/null && [[ -d /etc/sudoers.d ]] || fail "sudo is not installed (tests/run.sh installs it)"
  local uid=20000 socket group file
  while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do uid=$((uid + 1)); done
  for file in passwd group shadow; do
    cp -p "/etc/$file" "$WORK/etc/$file"
    mount --bind "$WORK/etc/$file" "/etc/$file"
  done
  printf '%s:x:%d:%d:readme smoke test:%s:/bin/bash\n' "$USER_NAME" "$uid" "$uid" "$USER_HOME" >>/etc/passwd
  printf '%s:x:%d:\n' "$USER_NAME" "$uid" >>/etc/group
  printf '%s:*:19000:0:99999:7:::\n' "$USER_NAME" >>/etc/shadow
  # The engine's socket is root:docker 0660 on Debian: the user needs its group.
  socket="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  if [[ "$socket" == unix://* ]]; then
    group="$(stat -c %G "${socket#unix://}")"
    awk -F: -v OFS=: -v g="$group" -v u="$USER_NAME" '$1 == g { $4 = ($4 == "" ? u : $4 "," u) } 1' \
      /etc/group >"$WORK/etc/group.new"
    cat "$WORK/etc/group.new" >/etc/group
    step "user $USER_NAME (uid $uid), in the group $group of ${socket#unix://}"
  fi
  cp -a /etc/sudoers.d "$WORK/etc/sudoers.d"
  mount --bind "$WORK/etc/sudoers.d" /etc/sudoers.d
  printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$USER_NAME" >/etc/sudoers.d/readme-smoke
  chmod 0440 /etc/sudoers.d/readme-smoke
  mkdir -p "$USER_HOME"
  cp -rT /etc/skel "$USER_HOME"
  copy_checkout "$USER_HOME/ollama-stack"
  chown -R "$uid:$uid" "$USER_HOME"
}

# --- running as root and as the user -----------------------------------------------------------

# as_root_login COMMAND: a login shell of root with a clean HOME (/etc/profile sets root's PATH).
as_root_login() {
  local assignments=() name
  for name in "${PASS_VARS[@]}"; do assignments+=("$name=${!name:-}"); done
  env -i HOME="$ROOT_HOME" USER=root LOGNAME=root SHELL=/bin/bash TERM=dumb "${assignments[@]}" \
    bash -l -c "$1"
}
# as_user_login COMMAND: a login shell of the user (/etc/profile, then the user's ~/.profile).
as_user_login() {
  local list
  list="$(IFS=,; printf '%s' "${PASS_VARS[*]}")"
  TERM=dumb runuser -l "$USER_NAME" -w "$list" -c "$1"
}

# check_run WHO LOGIN EXPECTED_BIN: the README's command in WHO's checkout, then what it left.
check_run() {
  local who="$1" login="$2" expected="$3" found status=0
  step "$who: cd ~/ollama-stack && $SMOKE_COMMAND"
  "$login" "cd ~/ollama-stack && $SMOKE_COMMAND" || status=$?
  ((status == 0)) || fail "$who: \`$SMOKE_COMMAND\` exited with $status (see above)"
  found="$("$login" 'command -v ollama-stack' || true)"
  [[ "$found" == "$expected" ]] || fail "$who: ollama-stack on PATH is '${found:-nothing}', expected $expected"
  "$login" 'ollama-stack status --json >/dev/null' ||
    fail "$who: \`ollama-stack status\` says the stack is not healthy after the command"
  step "$who: found $found on PATH, stack healthy"
}

# check_uninstall WHO LOGIN DIR...: ./install.sh --uninstall leaves no file (only directories
# that were there before) in the DIRs.
check_uninstall() {
  local who="$1" login="$2" left
  shift 2
  "$login" 'cd ~/ollama-stack && ./install.sh --uninstall' || fail "$who: ./install.sh --uninstall failed"
  left="$(find "$@" ! -type d 2>/dev/null || true)"
  [[ -z "$left" ]] || fail "$who: ./install.sh --uninstall left files behind: $left"
}

step "the README's first command: $SMOKE_COMMAND"
mkdir -p "$ROOT_HOME"
copy_checkout "$ROOT_HOME/ollama-stack"
check_run root as_root_login /usr/local/bin/ollama-stack
as_root_login 'ollama-stack stop >/dev/null' || fail "root: ollama-stack stop failed"
check_uninstall root as_root_login "$UPPER"

add_user
# A fresh login: PATH holds /usr/local/bin but not ~/.local/bin (it does not exist yet), so
# install.sh writes /usr/local/bin with sudo.
check_run "$USER_NAME (fresh login)" as_user_login /usr/local/bin/ollama-stack
check_uninstall "$USER_NAME" as_user_login "$UPPER"

# With ~/.local/bin (Debian's ~/.profile puts it on PATH when it exists) and without sudo: the
# install must stay in the user's home. The stack still runs, so start only checks it.
rm /etc/sudoers.d/readme-smoke
runuser -u "$USER_NAME" -- mkdir -p "$USER_HOME/.local/bin"
check_run "$USER_NAME (~/.local/bin on PATH, no sudo)" as_user_login "$USER_HOME/.local/bin/ollama-stack"
as_user_login 'ollama-stack stop >/dev/null' || fail "$USER_NAME: ollama-stack stop failed"
check_uninstall "$USER_NAME" as_user_login "$USER_HOME/.local" "$USER_HOME/.config"
[[ -z "$(find "$UPPER" ! -type d)" ]] || fail "something was written to /usr/local: $(find "$UPPER" ! -type d)"
step "the README's first command works verbatim as root and as a user"
