#!/bin/bash
# PID 1 of the rt test guest (see run.sh): set up a pure cgroup v2 system,
# run guest.sh, record its status for the host, power off. With SYSTEMD=1
# it prepares the guest's /etc (in the overlay: this machine's stays as it
# is) and hands PID 1 over to systemd, which runs this script again as the
# unit rt-vm-suite.service (--suite) to run systemd.sh.
RUNDIR=/rt-vm-run
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
set -a
. "$RUNDIR/env"
set +a

warn() { echo "rt-vm: $*" >/dev/console; }

# run_suite SCRIPT [ARGS...]: its output to the console and guest.log, its
# status to rc, then power off.
run_suite() {
	cd /tmp || exit 1
	bash "$@" </dev/null 2>&1 | tee "$RUNDIR/guest.log" >/dev/console
	echo "${PIPESTATUS[0]}" >"$RUNDIR/rc"
	sync
	/bin/busybox poweroff -f
}

# systemd fell into emergency or rescue mode: say so, with its journal.
boot_failed() {
	{
		echo "rt-vm: systemd did not reach multi-user.target ($1)"
		journalctl -b --no-pager 2>&1 | tail -n 60
	} | tee "$RUNDIR/guest.log" >/dev/console
	echo 125 >"$RUNDIR/rc"
	sync
	/bin/busybox poweroff -f
}

case ${1:-} in
--suite) run_suite "$REPO_ROOT/tests/vm/systemd.sh" "${PATTERNS[@]}" ;;
--failed) boot_failed "${2:-}" ;;
esac

# Units that cost boot time and do nothing for the tests (no hardware, no
# network, nothing to keep), masked in the guest only.
MASKED="getty.target serial-getty@ttyS0.service console-getty.service kmod-static-nodes.service
	systemd-tmpfiles-setup-dev.service systemd-sysctl.service systemd-update-utmp.service
	systemd-update-utmp-runlevel.service systemd-journal-flush.service systemd-random-seed.service
	systemd-modules-load.service systemd-sysusers.service systemd-firstboot.service
	systemd-machine-id-commit.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount
	sys-kernel-config.mount systemd-journald-audit.socket systemd-tmpfiles-clean.timer
	systemd-pstore.service apparmor.service systemd-timesyncd.service systemd-networkd.service
	systemd-networkd.socket systemd-networkd-wait-online.service networking.service
	systemd-remount-fs.service systemd-fsck-root.service systemd-repart.service remote-fs.target
	apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer e2scrub_reap.service
	fstrim.timer dpkg-db-backup.timer modprobe@fuse.service modprobe@configfs.service
	modprobe@drm.service modprobe@efi_pstore.service"

suite_unit() {
	cat <<UNIT
[Unit]
Description=rt systemd suite
Wants=dbus.service
After=multi-user.target dbus.service

[Service]
Type=exec
ExecStart=/bin/bash $RUNDIR/guest-init.sh --suite
StandardInput=null
StandardOutput=journal
TimeoutStartSec=infinity
FailureAction=poweroff-immediate
UNIT
}

# The guest's /etc for a short systemd boot, then systemd as PID 1.
exec_systemd() {
	local S=/etc/systemd/system u g
	# this machine's root may say it is a container (/.dockerenv): systemd
	# would then ignore the kernel command line
	rm -f /.dockerenv /run/.containerenv
	unset container
	echo rt-vm >/etc/hostname
	tr -d '-' </proc/sys/kernel/random/uuid >/etc/machine-id
	# what this machine enables (docker, containerd, timers...) stays off
	rm -rf "$S"/*.wants "$S"/*.requires
	for u in $MASKED; do
		rm -rf "${S:?}/$u" && ln -s /dev/null "$S/$u"
	done
	mkdir -p /etc/systemd/system-generators /etc/tmpfiles.d /etc/systemd/journald.conf.d \
		/etc/systemd/system.conf.d "$S/multi-user.target.wants"
	for g in /lib/systemd/system-generators/*; do
		[ "${g##*/}" = systemd-debug-generator ] || ln -sfn /dev/null "/etc/systemd/system-generators/${g##*/}"
	done
	# /tmp holds the run: never let systemd-tmpfiles clean it
	for u in tmp.conf x11.conf systemd-tmp.conf; do ln -sfn /dev/null "/etc/tmpfiles.d/$u"; done
	printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=32M\n' >/etc/systemd/journald.conf.d/90-rt-vm.conf
	printf '[Manager]\nDefaultTimeoutStartSec=120s\nDefaultTimeoutStopSec=10s\n' >/etc/systemd/system.conf.d/90-rt-vm.conf
	suite_unit >"$S/rt-vm-suite.service"
	ln -sfn ../rt-vm-suite.service "$S/multi-user.target.wants/rt-vm-suite.service"
	for u in emergency.service rescue.service; do
		mkdir -p "$S/$u.d"
		printf '[Service]\nExecStartPre=\nExecStart=\nExecStart=/bin/bash %s/guest-init.sh --failed %s\n' \
			"$RUNDIR" "$u" >"$S/$u.d/90-rt-vm.conf"
	done
	# API file systems systemd would mount with a /bin/mount each (slow here)
	mkdir -p /dev/hugepages && mount -t hugetlbfs -o nosuid,nodev hugetlbfs /dev/hugepages
	mount -t debugfs -o nosuid,nodev,noexec debugfs /sys/kernel/debug
	mount -t tracefs -o nosuid,nodev,noexec tracefs /sys/kernel/tracing
	exec /lib/systemd/systemd
}

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
# the guest kernel's modules where modprobe looks (loop for io.max)
mkdir -p "/lib/modules/$KVER" && mount --bind "$KROOT/lib/modules/$KVER" "/lib/modules/$KVER"
date -u -s "@$HOST_TIME" >/dev/null 2>&1
[ "${SYSTEMD:-0}" = 1 ] && exec_systemd
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || warn "cannot mount cgroup2"
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
	echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control || warn "cannot enable $c"
done
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount --make-rshared /
hostname rt-vm
ip link set lo up 2>/dev/null
run_suite "$REPO_ROOT/tests/vm/guest.sh" "${PATTERNS[@]}"
