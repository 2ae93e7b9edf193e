#!/bin/bash
# PID 1 of the rt test guest (see run.sh): set up a pure cgroup v2 system,
# run guest.sh, record its status for the host, power off.
RUNDIR=/rt-vm-run
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
set -a
. "$RUNDIR/env"
set +a

warn() { echo "rt-vm: $*" >/dev/console; }

mkdir -p /dev/pts /dev/shm /dev/mqueue
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts /dev/pts && [ -e /dev/ptmx ] || ln -sf pts/ptmx /dev/ptmx
# The tree under test (and the runtime) may live where the guest mounts a
# fresh tmpfs (a CI checkout in /tmp): keep them visible at their paths.
KEEP=()
for p in "$REPO_ROOT" "$(dirname "$RT")" "$(dirname "$RT_HELPER")"; do
	case $p in /tmp/* | /var/tmp/* | /run/* | /dev/shm/*) ;; *) continue ;; esac
	mkdir -p "/rt-vm-keep/${#KEEP[@]}" && mount --bind "$p" "/rt-vm-keep/${#KEEP[@]}" && KEEP+=("$p")
done
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
for i in "${!KEEP[@]}"; do
	mkdir -p "${KEEP[$i]}" && mount --bind "/rt-vm-keep/$i" "${KEEP[$i]}" || warn "cannot keep ${KEEP[$i]}"
done
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || warn "cannot mount cgroup2"
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
	echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control || warn "cannot enable $c"
done
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
# the guest kernel's modules where modprobe looks (loop for io.max)
mkdir -p "/lib/modules/$KVER" && mount --bind "$KROOT/lib/modules/$KVER" "/lib/modules/$KVER"
mount --make-rshared /
hostname rt-vm
ip link set lo up 2>/dev/null
date -u -s "@$HOST_TIME" >/dev/null 2>&1

cd /tmp || exit 1
bash "$REPO_ROOT/tests/vm/guest.sh" "${PATTERNS[@]}" </dev/null 2>&1 | tee "$RUNDIR/guest.log" >/dev/console
echo "${PIPESTATUS[0]}" >"$RUNDIR/rc"
sync
/bin/busybox poweroff -f
