#!/bin/sh
# The second engine's side of its start (tests/e2e/support/second_engine.cpp). This runs as root
# inside the engine's own network, mount and UTS namespaces (`unshare --net --mount --uts
# --propagation private`), so nothing done here is seen by the first engine or the host:
#   1. says "in" on fd 4 and waits for "go" on fd 3 while the harness moves one end of a veth
#      pair in as eth0,
#   2. brings up lo and eth0 (ADDRESS/30) and sets the host name,
#   3. mounts an empty tmpfs over each hidden directory (the client's home and temp dirs), so the
#      engine cannot see the client's files, as a remote engine cannot,
#   4. with stand-in devices, lays an overlay over /dev and creates the device nodes in it,
#   5. execs dockerd (the same pid, so the harness stops it with a signal).
#
# usage: second_engine_inside.sh STATE HOSTNAME ADDRESS POOL NVIDIA [hide=DIR | device=PATH:MAJOR:MINOR:GID]...
#   NVIDIA 1 = STATE/bin (the stand-in nvidia-container-runtime-hook) first on dockerd's PATH
#   and an `nvidia` runtime registered (pointing at runc).
set -eu
state=$1 name=$2 address=$3 pool=$4 nvidia=$5
shift 5

echo in >&4
read -r go <&3
exec 3<&- 4>&-
[ "$go" = go ] || { echo "second engine: the harness did not set up the network" >&2; exit 1; }

ip link set lo up
ip addr add "$address/30" dev eth0
ip link set eth0 up
hostname "$name"

devices=""
for arg in "$@"; do
    case $arg in
        hide=*) mount -t tmpfs -o size=1m,mode=0755 ollama-stack-hidden "${arg#hide=}" ;;
        device=*) devices="$devices ${arg#device=}" ;;
        *) echo "second engine: unknown argument $arg" >&2; exit 2 ;;
    esac
done

if [ -n "$devices" ]; then
    # /dev is the host's devtmpfs: a node made there would appear on the host. An overlay keeps
    # the new nodes in STATE/dev; the pts and shm mounts under /dev come back by bind mounts.
    mkdir -p "$state/dev/host" "$state/dev/upper" "$state/dev/work"
    mount --rbind /dev "$state/dev/host"
    mount -t overlay ollama-stack-dev -o "lowerdir=/dev,upperdir=$state/dev/upper,workdir=$state/dev/work" /dev
    for sub in pts shm mqueue; do
        if [ -d "$state/dev/host/$sub" ]; then mount --rbind "$state/dev/host/$sub" "/dev/$sub"; fi
    done
    for spec in $devices; do
        IFS=: read -r path major minor gid <<EOF
$spec
EOF
        mkdir -p "$(dirname "$path")"
        mknod -m 0660 "$path" c "$major" "$minor"
        chgrp "$gid" "$path"
    done
fi

# Its own (empty) daemon.json: the host's /etc/docker/daemon.json is the first engine's.
echo '{}' >"$state/daemon.json"
set -- --config-file "$state/daemon.json" -H "unix://$state/docker.sock" -H "tcp://$address:2375" --tls=false \
    --data-root "$state/data" --exec-root "$state/exec" --pidfile "$state/docker.pid" \
    --iptables=false --ip-masq=false --bridge=none --default-address-pool "base=$pool,size=24"
if [ "$nvidia" = 1 ]; then
    PATH="$state/bin:$PATH"
    export PATH
    set -- "$@" --add-runtime "nvidia=$(command -v runc)"
fi
exec dockerd "$@"
