# Shell functions shared by tests/run.sh and bench/run.sh: install Debian packages when missing,
# and make sure a Docker engine answers (starting dockerd in the background when none does, and
# stopping only the one started here at exit). Callers set BUILD_DIR (where dockerd's pid file and
# log go) and SOCKET, and define say() and die().

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

# install_missing PACKAGE...: installs those of the Debian packages that are not installed yet.
install_missing() {
  command -v dpkg-query >/dev/null || { say "not a Debian system: assuming $* are present"; return; }
  local missing=() package
  for package in "$@"; do
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
