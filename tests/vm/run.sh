#!/bin/bash
# tests/vm/run.sh: the cgroup v2 suite, in a throw-away qemu guest.
#
# The host may have cgroup v1 (or a hybrid layout) and must never have its
# cgroup mounts touched; the guest boots a Debian kernel with
# cgroup_no_v1=all, so cgroup2 alone sits at /sys/fs/cgroup with every
# controller enabled, and there the limits are really enforced.
#
# One boot per suite. The guest sees this machine's / read-only through
# virtio-9p, under a tmpfs overlay (its writes vanish with it), plus a
# read-write run directory for its log and exit status. tests/vm/guest.sh
# runs inside and prints one line per test and the summary.
#
# Needs root. First run: installs qemu-system-x86, busybox-static, cpio,
# kmod, xz-utils, gcc with apt-get if missing; downloads (never installs)
# the kernel package that linux-image-amd64 depends on; all cached in
# $RT_VM_CACHE (default /var/cache/v2guest/rt-vm).
#
# With --systemd first, the guest's PID 1 is systemd (this machine's, as
# Debian installs it: systemd 252), with D-Bus, and the suite is
# tests/vm/systemd.sh: the systemd cgroup driver of rt, runc and crun, and
# rt behind Podman and containerd with their systemd cgroup managers. The
# engines and runtimes it drives are installed here first if missing.
# --systemd-hybrid boots systemd with the v1 controllers and cgroup2 at
# /sys/fs/cgroup/unified (as on hosts that still run cgroup v1), and the
# suite runs its cgroup v1 tests.
#
# Environment: RT (runtime binary, default the repo's ./rt), RT_VM_CACHE,
# RT_VM_TIMEOUT (seconds for the whole guest run, default 900; 1800 with
# --systemd), RT_VM_MEM (MiB, default 1024; 2048 with --systemd),
# RT_VM_KEEP=1 (keep the run directory), RT_VM_VERBOSE=1 (also print the
# guest's per-test logs of passing tests), RT_VM_CONSOLE=1 (--systemd:
# also systemd's own console lines).
# Arguments are test name patterns passed to the guest's suite.
# Ends with the line 'N passed, N failed'; exits 0 when nothing failed.
set -u -o pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$VM_DIR/../.." && pwd)
CACHE=${RT_VM_CACHE:-/var/cache/v2guest/rt-vm}
SYSTEMD=0
HYBRID=0
case ${1:-} in
--systemd) SYSTEMD=1 && shift ;;
--systemd-hybrid) SYSTEMD=1 HYBRID=1 && shift ;;
esac
TIMEOUT=${RT_VM_TIMEOUT:-$((SYSTEMD ? 1800 : 900))}
MEM=${RT_VM_MEM:-$((SYSTEMD ? 2048 : 1024))}
INITRD_REV=1 # bump when the init below changes

# Any failure before the guest reports still ends with a summary line.
setup_failed() {
	echo "vm: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

say() { echo "# $*" >&2; }

[ "$(id -u)" -eq 0 ] || setup_failed "must run as root"

# ---------------------------------------------------------------------------
# Host tools.

install_missing() {
	local -a pkgs=()
	command -v qemu-system-x86_64 >/dev/null || pkgs+=(qemu-system-x86)
	# the initramfs userland: it must be static
	{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || pkgs+=(busybox-static)
	command -v cpio >/dev/null || pkgs+=(cpio)
	command -v depmod >/dev/null || pkgs+=(kmod)
	command -v xz >/dev/null || pkgs+=(xz-utils)
	command -v gcc >/dev/null || pkgs+=(gcc)
	[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || pkgs+=(libc6-dev)
	command -v jq >/dev/null || pkgs+=(jq)
	command -v losetup >/dev/null || pkgs+=(mount)
	if [ "$SYSTEMD" = 0 ]; then
		# checkpoint and restore (guest.sh's checkpoint.sh), of rt, runc and Podman
		command -v criu >/dev/null || pkgs+=(criu)
		command -v runc >/dev/null || pkgs+=(runc)
		command -v podman >/dev/null || pkgs+=(podman)
		command -v conmon >/dev/null || pkgs+=(conmon)
	fi
	if [ "$SYSTEMD" = 1 ]; then
		# what the guest runs, from this machine's root
		[ -x /lib/systemd/systemd ] || pkgs+=(systemd)
		command -v dbus-daemon >/dev/null || pkgs+=(dbus)
		command -v podman >/dev/null || pkgs+=(podman)
		command -v conmon >/dev/null || pkgs+=(conmon)
		command -v crun >/dev/null || pkgs+=(crun)
		command -v runc >/dev/null || pkgs+=(runc)
		command -v containerd >/dev/null || pkgs+=(containerd)
		# rootless Podman: subordinate ids and its user-mode network
		command -v newuidmap >/dev/null || pkgs+=(uidmap)
		command -v slirp4netns >/dev/null || pkgs+=(slirp4netns)
		command -v perl >/dev/null || pkgs+=(perl)
	fi
	[ ${#pkgs[@]} -eq 0 ] && return 0
	say "installing ${pkgs[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# containerd's postinst would start its service on this machine
	local policy_made=0 rc
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_made=1
	fi
	{ apt-get install -y -q --no-install-recommends "${pkgs[@]}" ||
		{ apt-get update -q && apt-get install -y -q --no-install-recommends "${pkgs[@]}"; }; } >"$CACHE/apt.log" 2>&1
	rc=$?
	[ "$policy_made" = 1 ] && rm -f /usr/sbin/policy-rc.d
	[ "$rc" -eq 0 ] || setup_failed "apt-get install ${pkgs[*]} failed (see $CACHE/apt.log)"
}

mkdir -p "$CACHE" || setup_failed "cannot create $CACHE"
exec 8>"$CACHE/.lock"
flock 8 # one set-up at a time
install_missing

# ---------------------------------------------------------------------------
# The guest kernel: the package behind linux-image-amd64, unpacked.

kernel_package() {
	local p
	p=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$p" ]; then
		apt-get update -q >/dev/null 2>&1
		p=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	fi
	printf '%s\n' "$p"
}

[ -s "$CACHE/kernel" ] || kernel_package >"$CACHE/kernel"
KPKG=$(cat "$CACHE/kernel")
[ -n "$KPKG" ] || { rm -f "$CACHE/kernel"; setup_failed "cannot tell the kernel package of linux-image-amd64"; }
KVER=${KPKG#linux-image-}
KROOT=$CACHE/kroot-$KVER
if [ ! -s "$KROOT/boot/vmlinuz-$KVER" ] || [ ! -s "$KROOT/lib/modules/$KVER/modules.dep" ]; then
	say "downloading $KPKG"
	rm -rf "$CACHE/dl" "$KROOT.tmp" && mkdir -p "$CACHE/dl" || setup_failed "cannot clean $CACHE"
	(cd "$CACHE/dl" && apt-get download "$KPKG") >"$CACHE/download.log" 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 && (cd "$CACHE/dl" && apt-get download "$KPKG") >"$CACHE/download.log" 2>&1; } ||
		setup_failed "apt-get download $KPKG failed (see $CACHE/download.log)"
	dpkg -x "$CACHE/dl/${KPKG}"_*.deb "$KROOT.tmp" || setup_failed "dpkg -x failed"
	depmod -b "$KROOT.tmp" "$KVER" || setup_failed "depmod failed"
	rm -rf "$KROOT" "$CACHE/dl" && mv "$KROOT.tmp" "$KROOT"
fi

# ---------------------------------------------------------------------------
# The initramfs: static busybox, the modules that reach the host's root
# (virtio, 9p, overlay; Debian builds them as modules), and /init.

INITRD=$CACHE/initrd-$KVER-r$INITRD_REV.cpio.gz
build_initrd() {
	local st m ko
	st=$(mktemp -d "$CACHE/initrd.XXXXXX") || return 1
	mkdir -p "$st"/{bin,dev,proc,sys,lower,upper,newroot,modules}
	cp /bin/busybox "$st/bin/busybox" || return 1
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" || return 1
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$st/list"
	while read -r ko; do
		cp "$ko" "$st/modules/" && basename "$ko" >>"$st/modules/order" || return 1
	done <"$st/list"
	rm "$st/list"
	cat >"$st/init" <<'EOF'
#!/bin/busybox sh
# rt's VM init: the host's / over 9p (read-only) under a tmpfs overlay,
# then the repo's tests/vm/guest-init.sh as PID 1 inside it.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
die() { echo "rt-vm init: $*" >/dev/console; poweroff -f; }
for ko in $(cat /modules/order); do insmod "/modules/$ko" || die "insmod $ko"; done
opts=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "ro,$opts,cache=loose" hostroot /lower || die "9p hostroot"
mount -t tmpfs -o mode=755 tmpfs /upper
mkdir -p /upper/data /upper/work
mount -t overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work overlay /newroot || die "overlay"
mkdir -p /newroot/rt-vm-run
mount -t 9p -o "$opts,cache=none" run /newroot/rt-vm-run || die "9p run share"
for d in dev proc sys; do mount --move "/$d" "/newroot/$d"; done
cd /newroot && mount --move . / || die "mount --move"
# chroot in PID 1 itself: the kernel's usermode helpers (modprobe) share
# its root and so find the host's tools
exec chroot . /bin/bash /rt-vm-run/guest-init.sh
EOF
	chmod 755 "$st/init"
	(cd "$st" && find . -mindepth 1 | sort | cpio -o -H newc --quiet | gzip -1) >"$INITRD.tmp" || return 1
	mv "$INITRD.tmp" "$INITRD"
	rm -rf "$st"
}
[ -s "$INITRD" ] || build_initrd || setup_failed "cannot build the initramfs"
flock -u 8

# ---------------------------------------------------------------------------
# What the guest runs: the runtime, the test helpers, the test script.

RT=${RT:-$REPO_ROOT/rt}
[[ $RT == */* ]] || RT=$(command -v "$RT") || setup_failed "runtime not found: ${RT}"
RT=$(cd "$(dirname "$RT")" && pwd)/$(basename "$RT")
[ -x "$RT" ] || setup_failed "no runtime at $RT (build it first: make)"

mkdir -p "$CACHE/runs"
RUN=$(mktemp -d "$CACHE/runs/run.XXXXXX") || setup_failed "mktemp failed"
QPID=""
TAILPID=""
cleanup() {
	[ -n "$QPID" ] && kill "$QPID" 2>/dev/null
	[ -n "$TAILPID" ] && kill "$TAILPID" 2>/dev/null
	if [ "${RT_VM_KEEP:-0}" = 1 ]; then say "kept $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

HELPER=$REPO_ROOT/tests/helper/rt-helper
if [ ! -x "$HELPER" ] || [ "$REPO_ROOT/tests/helper/rt-helper.c" -nt "$HELPER" ]; then
	HELPER=$RUN/rt-helper
	gcc -static -O2 -Wall -Wextra -Werror -o "$HELPER" "$REPO_ROOT/tests/helper/rt-helper.c" ||
		setup_failed "cannot build rt-helper"
fi
gcc -static -O2 -Wall -Wextra -Werror -o "$RUN/vm-helper" "$VM_DIR/vm-helper.c" ||
	setup_failed "cannot build vm-helper"
cp "$VM_DIR/guest-init.sh" "$RUN/guest-init.sh"
{
	printf 'RT=%q\n' "$RT"
	printf 'RT_HELPER=%q\n' "$HELPER"
	printf 'VM_HELPER=%q\n' /rt-vm-run/vm-helper
	printf 'REPO_ROOT=%q\n' "$REPO_ROOT"
	printf 'KVER=%q\nKROOT=%q\n' "$KVER" "$KROOT"
	printf 'HOST_TIME=%q\n' "$(date -u +%s)"
	printf 'VERBOSE=%q\n' "${RT_VM_VERBOSE:-0}"
	printf 'SYSTEMD=%q\n' "$SYSTEMD"
	# (printf '%q ' with no argument would print one empty pattern)
	printf 'PATTERNS=(%s)\n' "$([ $# -eq 0 ] || printf '%q ' "$@")"
} >"$RUN/env"

# ---------------------------------------------------------------------------
# Boot. The guest's console (serial) is the suite's output: followed live.

append="console=ttyS0 quiet loglevel=1 panic=-1 mitigations=off"
[ "$HYBRID" = 1 ] || append+=" cgroup_no_v1=all"
if [ "$SYSTEMD" = 1 ]; then
	append+=" systemd.unified_cgroup_hierarchy=$((1 - HYBRID)) systemd.unit=multi-user.target"
	[ "${RT_VM_CONSOLE:-0}" = 1 ] || append+=" systemd.show_status=false systemd.log_level=warning"
fi
# shellcheck disable=SC2054 # qemu's own option syntax, one word
accel=(-accel tcg,thread=multi)
# shellcheck disable=SC2054
[ -w /dev/kvm ] && accel=(-accel kvm -accel tcg,thread=multi)
: >"$RUN/console.log"
say "booting $KVER under qemu (${accel[1]%%,*})"
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 \
	-nodefaults -no-user-config -display none -no-reboot \
	"${accel[@]}" -cpu max -smp 2 -m "$MEM" \
	-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$INITRD" \
	-append "$append" \
	-serial "file:$RUN/console.log" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=passthrough,multidevs=remap,readonly=on" \
	-virtfs "local,path=$RUN,mount_tag=run,security_model=passthrough" \
	-device virtio-rng-pci \
	</dev/null >"$RUN/qemu.log" 2>&1 &
QPID=$!
tail -n +1 -f --pid="$QPID" "$RUN/console.log" | tr -d '\r' | grep -v '^\[ *[0-9.]*\] ' >&2 &
TAILPID=$!
wait "$QPID"
qrc=$?
QPID=""
wait "$TAILPID" 2>/dev/null
TAILPID=""

if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	setup_failed "the guest timed out after ${TIMEOUT}s"
fi
[ -s "$RUN/rc" ] || setup_failed "the guest stopped without a result (qemu status $qrc): $(tail -n 5 "$RUN/qemu.log" | tr '\n' ' ')"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$RUN/guest.log" | tail -n 1)
[ -n "$summary" ] || setup_failed "the guest printed no summary (status $(cat "$RUN/rc"))"
echo "$summary"
[ "$(cat "$RUN/rc")" = 0 ]
