#!/bin/bash
# systemd.sh: the systemd cgroup driver, run inside the systemd guest by
# `run.sh --systemd` (as root; systemd is PID 1 on a pure cgroup v2 tree).
#
# The driver tests run for rt, runc and crun alike (each line names the
# runtime): the same checks on the reference runtimes show that they are
# fair. Where a runtime does a thing its own documented way, the check
# says so and is skipped for it (crun puts the container in
# <scope>/container and keeps the limits off the scope's properties).
# Then rt (and runc, for comparison) behind Podman with its default
# systemd cgroup manager, and behind containerd's runc v2 shim with
# SystemdCgroup.
#
# Every test must leave no unit, no cgroup and no container behind.
# Prints "ok - RUNTIME: NAME" or "not ok - RUNTIME: NAME: REASON", then
# 'N passed, N failed[, N skipped]'.
# Environment (from run.sh's env file): RT RT_HELPER REPO_ROOT.
set -u -o pipefail

# make_oci_archive, shared with the engine suites: sourced first, so that
# the helpers below (fail...) are this suite's
# shellcheck source=../engines/lib.sh
. "$REPO_ROOT/tests/engines/lib.sh"

WORK=/tmp/rt-sd
CGROOT=/sys/fs/cgroup
MIB32=33554432
MIB64=67108864

# ---------------------------------------------------------------------------
# Helpers (inside a test's subshell); the shared ones are in lib.sh.

# shellcheck source=lib.sh
. "$REPO_ROOT/tests/vm/lib.sh"

# the runtime under test, with the systemd driver
r() { "$RTBIN" --root "$ROOT" --systemd-cgroup "$@"; }

status_of() { r state "$1" 2>/dev/null | jq -r .status; }
pid_of() { r state "$1" 2>/dev/null | jq -r .pid; }
is_status() { [ "$(status_of "$1")" = "$2" ]; }


# A check a runtime does its own documented way: `differs RUNTIME -- WHY`
# is true for that runtime (and says why in the log).
differs() {
	[ "$1" = "$FLAVOR" ] || return 1
	shift 2
	echo "# $FLAVOR differs here: $*"
}

# The unit rtvm-ID.scope in system.slice (runc's slice:prefix:name).
unit_path() { cfg '.linux.cgroupsPath = $p' --arg p "system.slice:rtvm:$1"; }

# start ID: run detached, wait for "ready" on its stdout.
start() {
	r run -d --bundle "$BUNDLE" "$1" </dev/null >"$T/$1.out" 2>"$T/$1.err" ||
		fail "run $1 failed: $(head -n3 "$T/$1.err" | tr '\n' ' ')"
	wait_text "$T/$1.out" ready
}

# The container's cgroup (from its process: runtimes differ in layout).
cgroup_of() {
	local pid
	pid=$(pid_of "$1")
	[ -n "$pid" ] && [ "$pid" != null ] && sed -n 's/^0:://p' "/proc/$pid/cgroup"
}
cgf() { cat "$CGROOT$(cgroup_of "$1")/$2"; }
prop() { systemctl show -p "$2" --value "$1"; }
unit_listed() { [ -n "$(systemctl list-units --all --plain --no-legend "$1" 2>/dev/null)" ]; }
unit_gone() { ! unit_listed "$1"; }

# ---------------------------------------------------------------------------
# The driver, for each runtime.

test_scope_holds_the_limits() {
	local cg
	unit_path c1
	cfg '.linux.resources.memory = {"limit": 33554432, "swap": 33554432} | .linux.resources.pids = {"limit": 32}'
	start c1
	assert_eq "$(systemctl is-active rtvm-c1.scope)" active "the scope"
	cg=$(cgroup_of c1)
	assert_match "$cg" '^/system\.slice/rtvm-c1\.scope(/container)?$' "the container's cgroup"
	assert_eq "$(cgf c1 memory.max)" $MIB32 "memory.max"
	assert_eq "$(cgf c1 pids.max)" 32 "pids.max"
	if ! differs crun -- "keeps the limits off the scope (in <scope>/container's files only)"; then
		assert_eq "$(prop rtvm-c1.scope MemoryMax)" $MIB32 "MemoryMax"
		assert_eq "$(prop rtvm-c1.scope TasksMax)" 32 "TasksMax"
	fi
	assert_eq "$(prop rtvm-c1.scope Delegate)" yes "Delegate"
	r kill c1 KILL || fail "kill"
	wait_until 20 is_status c1 stopped || fail "not stopped: $(status_of c1)"
	r delete c1 || fail "delete"
	wait_until 20 unit_gone rtvm-c1.scope || fail "the unit is left: $(systemctl status rtvm-c1.scope 2>&1 | head -3)"
	[ ! -d "$CGROOT/system.slice/rtvm-c1.scope" ] || fail "the cgroup is left"
}

test_oom_kill_under_the_limit() {
	unit_path c2
	cfg '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	start c2
	r exec c2 dd if=/dev/zero of=/dev/null bs=64M count=1 >"$T/dd.out" 2>&1
	assert_eq "$?" 137 "a 64 MiB allocation under 32 MiB"
	[ "$(awk '$1 == "oom_kill" { print $2 }' "$CGROOT$(cgroup_of c2)/memory.events")" -ge 1 ] || fail "no oom_kill counted"
	r delete --force c2 || fail "delete"
	wait_until 20 unit_gone rtvm-c2.scope || fail "the unit is left"
}

test_update_survives_daemon_reload() {
	unit_path c3
	cfg '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 32}
		| .process.capabilities[] += ["CAP_MKNOD"]'
	start c3
	r update --memory $MIB64 --pids-limit 64 c3 || fail "update"
	assert_eq "$(cgf c3 memory.max)" $MIB64 "memory.max after update"
	assert_eq "$(cgf c3 pids.max)" 64 "pids.max after update"
	if ! differs crun -- "keeps the limits off the scope"; then
		assert_eq "$(prop rtvm-c3.scope MemoryMax)" $MIB64 "MemoryMax after update"
		assert_eq "$(prop rtvm-c3.scope TasksMax)" 64 "TasksMax after update"
	fi
	# systemd applies its properties again: the limits must be its own
	systemctl daemon-reload || fail "daemon-reload"
	sleep 1
	assert_eq "$(cgf c3 memory.max)" $MIB64 "memory.max after daemon-reload"
	assert_eq "$(cgf c3 pids.max)" 64 "pids.max after daemon-reload"
	# and the device filter: /dev/mem (c 1:1) is not one of the defaults
	r exec c3 sh -c 'head -c1 /dev/null && mknod /dev/rtvm-mem c 1 1' >"$T/mknod.out" 2>&1 || fail "mknod: $(cat "$T/mknod.out")"
	if r exec c3 head -c1 /dev/rtvm-mem >"$T/mem.out" 2>&1; then
		fail "a device outside the filter opened after daemon-reload"
	fi
	assert_contains "$(cat "$T/mem.out")" "Operation not permitted" "opening /dev/mem"
	r delete --force c3 || fail "delete"
	wait_until 20 unit_gone rtvm-c3.scope || fail "the unit is left"
}

test_pause_ps_stats_exec() {
	local pid out
	unit_path c4
	start c4
	pid=$(pid_of c4)
	r pause c4 || fail "pause"
	assert_eq "$(status_of c4)" paused "status after pause"
	has_text "$CGROOT$(cgroup_of c4)/cgroup.events" "frozen 1" || fail "not frozen"
	r resume c4 || fail "resume"
	assert_eq "$(status_of c4)" running "status after resume"
	out=$(r ps c4) || fail "ps"
	grep -qw -- "$pid" <<<"$out" || fail "ps does not list the init $pid: $(tr '\n' ' ' <<<"$out")"
	if ! differs crun -- "has no events command"; then
		out=$(r events --stats c4) || fail "events --stats"
		assert_json "$out" '.type == "stats" and .data.memory.usage.usage > 0 and .data.pids.current >= 1' "events --stats"
	fi
	out=$(r exec c4 echo hello) || fail "exec"
	assert_eq "$out" hello "exec output"
	r kill --all c4 KILL || fail "kill --all"
	wait_until 20 is_status c4 stopped || fail "not stopped after kill --all"
	r delete c4 || fail "delete"
	wait_until 20 unit_gone rtvm-c4.scope || fail "the unit is left"
}

test_killed_create_then_delete_leaves_nothing() {
	local pgid
	unit_path c5
	cfg '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "touch \($m); sleep 60"]}]' --arg m "$T/hook-ran"
	setsid "$RTBIN" --root "$ROOT" --systemd-cgroup create --bundle "$BUNDLE" c5 </dev/null >"$T/c5.out" 2>&1 &
	pgid=$!
	wait_until 30 test -e "$T/hook-ran" || fail "the hook never ran: $(cat "$T/c5.out")"
	kill -KILL -- "-$pgid"
	wait "$pgid" 2>/dev/null
	r delete --force c5 >"$T/delete.out" 2>&1 || fail "delete --force: $(cat "$T/delete.out")"
	wait_until 20 unit_gone rtvm-c5.scope || fail "the unit is left: $(systemctl list-units --all --plain --no-legend rtvm-c5.scope)"
	[ ! -d "$CGROOT/system.slice/rtvm-c5.scope" ] || fail "the cgroup is left"
}

# placed ID: the container in a scope named after ID where the regex says;
# deleted, nothing of it is left.
placed() {
	local cg
	start "$1"
	cg=$(cgroup_of "$1")
	assert_match "$cg" "$2" "the container's cgroup"
	r delete --force "$1" || fail "delete"
	[ ! -d "$CGROOT${cg%/container}" ] || fail "the cgroup is left"
}

test_default_cgroups_path() {
	cfg 'del(.linux.cgroupsPath)'
	placed c6 '^/system\.slice/[a-z]+-c6\.scope(/container)?$'
}

test_nested_slice() {
	cfg '.linux.cgroupsPath = "rtvm-nest.slice:rtvm:c7"'
	placed c7 '^/rtvm\.slice/rtvm-nest\.slice/rtvm-c7\.scope(/container)?$'
	wait_until 20 unit_gone rtvm-c7.scope || fail "the unit is left"
	systemctl stop rtvm-nest.slice rtvm.slice
}

test_unit_properties_from_annotations() {
	unit_path c8
	cfg '.annotations["org.systemd.property.TimeoutStopUSec"] = "uint64 123456789"
		| .annotations["org.systemd.property.CollectMode"] = "'"'"'inactive-or-failed'"'"'"'
	start c8
	assert_eq "$(prop rtvm-c8.scope TimeoutStopUSec)" "2min 3.456789s" "TimeoutStopUSec"
	assert_eq "$(prop rtvm-c8.scope CollectMode)" inactive-or-failed "CollectMode"
	r delete --force c8 || fail "delete"
	wait_until 20 unit_gone rtvm-c8.scope || fail "the unit is left"
}

test_not_a_systemd_path_fails_cleanly() {
	cfg '.linux.cgroupsPath = "/rtvm/not-a-unit"'
	if r run -d --bundle "$BUNDLE" c9 </dev/null >"$T/c9.out" 2>&1; then
		differs crun -- "takes an absolute path as a cgroupfs path" && { r delete -f c9; return 0; }
		fail "an absolute cgroupsPath was taken by the systemd driver"
	fi
	[ "$FLAVOR" = rt ] && assert_contains "$(cat "$T/c9.out")" ".linux.cgroupsPath: \`/rtvm/not-a-unit\`" "the error names the path"
	assert_eq "$(r list -q)" "" "containers left"
	[ ! -d "$CGROOT/rtvm" ] || fail "a cgroup is left"
}

# ---------------------------------------------------------------------------
# A host with cgroup v1 controllers (--systemd-hybrid): the same driver,
# one directory per hierarchy.

# v1_dir ID CONTROLLER: the container's directory in that hierarchy
v1_dir() {
	local pid
	pid=$(pid_of "$1")
	echo "$CGROOT/$2$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")"
}

test_v1_scope_limits_survive_daemon_reload() {
	local mem dev
	unit_path v1
	cfg '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 32}
		| .process.capabilities[] += ["CAP_MKNOD"]'
	start v1
	assert_eq "$(systemctl is-active rtvm-v1.scope)" active "the scope"
	mem=$(v1_dir v1 memory)
	dev=$(v1_dir v1 devices)
	assert_match "$mem" '/memory/system\.slice/rtvm-v1\.scope(/container)?$' "the memory cgroup"
	assert_match "$dev" '/devices/system\.slice/rtvm-v1\.scope(/container)?$' "the devices cgroup"
	assert_eq "$(cat "$mem/memory.limit_in_bytes")" $MIB32 "memory.limit_in_bytes"
	assert_eq "$(cat "$(v1_dir v1 pids)/pids.max")" 32 "pids.max"
	r update --memory $MIB64 v1 || fail "update"
	assert_eq "$(cat "$mem/memory.limit_in_bytes")" $MIB64 "memory.limit_in_bytes after update"
	systemctl daemon-reload || fail "daemon-reload"
	sleep 1
	assert_eq "$(cat "$mem/memory.limit_in_bytes")" $MIB64 "memory.limit_in_bytes after daemon-reload"
	r exec v1 sh -c 'mknod /dev/rtvm-mem c 1 1' >"$T/mknod.out" 2>&1 || fail "mknod: $(cat "$T/mknod.out")"
	if r exec v1 head -c1 /dev/rtvm-mem >"$T/mem.out" 2>&1; then
		fail "a device outside the rules opened after daemon-reload (devices.list: $(tr '\n' ' ' <"$dev/devices.list"))"
	fi
	assert_contains "$(cat "$T/mem.out")" "Operation not permitted" "opening /dev/mem"
	r delete --force v1 || fail "delete"
	wait_until 20 unit_gone rtvm-v1.scope || fail "the unit is left"
	[ ! -d "${mem%/container}" ] || fail "the memory cgroup is left"
	[ ! -d "${dev%/container}" ] || fail "the devices cgroup is left"
}

# ---------------------------------------------------------------------------
# Engines: Podman as root (its default manager here is systemd) and
# containerd's shim with SystemdCgroup.

pm() { timeout 180 podman --runtime "$RTBIN" "$@"; }

test_podman_memory_limit() {
	local out
	out=$(pm run --rm --memory 32m localhost/busybox sh -c 'cat /sys/fs/cgroup/memory.max; exit 3' 2>"$T/pm.err")
	assert_eq "$?" 3 "the exit status of the container"
	assert_eq "$out" $MIB32 "memory.max inside"
}

test_podman_scope_exec_oom_stop_rm() {
	local id pid cg rc
	id=$(pm run -d --memory 32m localhost/busybox sleep 300 2>"$T/pm.err") || fail "run -d: $(cat "$T/pm.err")"
	pid=$(timeout 60 podman inspect -f '{{.State.Pid}}' "$id")
	cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	assert_match "$cg" "^/machine\\.slice/libpod-$id\\.scope(/container)?\$" "the container's cgroup"
	assert_eq "$(systemctl is-active "libpod-$id.scope")" active "the scope"
	pm exec "$id" dd if=/dev/zero of=/dev/null bs=64M count=1 >/dev/null 2>&1
	rc=$?
	assert_eq "$rc" 137 "a 64 MiB allocation under --memory 32m"
	pm stop -t 0 "$id" >/dev/null || fail "stop"
	pm rm "$id" >/dev/null || fail "rm"
	wait_until 30 unit_gone "libpod-$id.scope" || fail "the scope is left"
	[ ! -d "$CGROOT$cg" ] || fail "the cgroup is left"
}

CTRD_SOCK=$WORK/containerd/containerd.sock
containerd_setup() {
	local C=$WORK/containerd
	mkdir -p "$C"/{root,state}
	cat >"$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CTRD_SOCK"
[ttrpc]
  address = "$CTRD_SOCK.ttrpc"
EOF
	containerd --config "$C/config.toml" >"$C/log" 2>&1 &
	CTRD_PID=$!
	wait_until 60 test -S "$CTRD_SOCK" || return 1
	timeout 300 ctr --address "$CTRD_SOCK" -n rtvm images import "$WORK/busybox-oci.tar" >"$C/import.log" 2>&1
}

cr() { timeout 120 ctr --address "$CTRD_SOCK" -n rtvm "$@"; }

test_containerd_systemd_cgroup() {
	local pid cg id=ctrd-$FLAVOR
	cr run -d --runc-binary "$RTBIN" --runc-systemd-cgroup --cgroup "system.slice:rtvm:$id" --memory-limit $MIB32 \
		localhost/busybox:latest "$id" sleep 300 >"$T/ctr.out" 2>&1 || fail "ctr run: $(cat "$T/ctr.out")"
	pid=$(cr task ls | awk -v id="$id" '$1 == id { print $2 }')
	[ -n "$pid" ] || fail "no task"
	cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	assert_match "$cg" "^/system\\.slice/rtvm-$id\\.scope(/container)?\$" "the container's cgroup"
	assert_eq "$(cat "$CGROOT$cg/memory.max")" $MIB32 "memory.max"
	cr task kill -s KILL "$id" || fail "task kill"
	wait_until 30 sh -c '! ctr --address "$1" -n rtvm task ls | grep -q "^$2 .*RUNNING"' _ "$CTRD_SOCK" "$id" || fail "still running"
	cr task rm "$id" >/dev/null || fail "task rm"
	cr container rm "$id" >/dev/null || fail "container rm"
	wait_until 30 unit_gone "rtvm-$id.scope" || fail "the scope is left"
}

# ---------------------------------------------------------------------------
# Rootless Podman: an ordinary user (made here, removed at the end) with
# subordinate ids, linger (so its systemd user manager runs) and storage
# of its own. Podman runs the runtime as root of the user's user
# namespace, with --systemd-cgroup: the scope is the user manager's,
# reached on the user's bus.

RL_USER=rtvm-user
RL_UID=""
RL_HOME=""

# upm ARGS...: podman as the user, in its session's environment.
upm() {
	(cd / && timeout 300 runuser -u "$RL_USER" -- env -i PATH="$PATH" HOME="$RL_HOME" USER="$RL_USER" \
		XDG_RUNTIME_DIR="/run/user/$RL_UID" DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$RL_UID/bus" \
		podman "$@")
}
rlpm() { upm --runtime "$RTBIN" "$@"; }
user_unit_gone() { ! runuser -u "$RL_USER" -- env XDG_RUNTIME_DIR="/run/user/$RL_UID" systemctl --user is-active --quiet "$1"; }

rootless_setup() {
	useradd -m -s /bin/bash "$RL_USER" || return 1
	RL_UID=$(id -u "$RL_USER")
	RL_HOME=$(getent passwd "$RL_USER" | cut -d: -f6)
	grep -q "^$RL_USER:" /etc/subuid ||
		usermod --add-subuids 200000-265535 --add-subgids 200000-265535 "$RL_USER" || return 1
	# slirp4netns needs /dev/net/tun, for everyone (as udev would make it)
	{ [ -e /dev/net/tun ] || modprobe tun; } && chmod 666 /dev/net/tun || return 1
	loginctl enable-linger "$RL_USER" || return 1
	wait_until 120 test -S "/run/user/$RL_UID/bus" || return 1
	mkdir -p "$RL_HOME/.config/containers"
	containers_conf >"$RL_HOME/.config/containers/containers.conf"
	printf '[storage]\ndriver = "vfs"\n' >"$RL_HOME/.config/containers/storage.conf"
	chown -R "$RL_USER:" "$RL_HOME/.config"
	upm load -i "$WORK/busybox-oci.tar" >"$WORK/rootless-load.log" 2>&1 &&
		upm tag "$OCI_CONFIG_DIGEST" localhost/busybox:latest >>"$WORK/rootless-load.log" 2>&1
}

rootless_teardown() {
	[ -n "$RL_UID" ] || return 0
	upm rm -af -t 0 >/dev/null 2>&1
	loginctl disable-linger "$RL_USER"
	systemctl stop "user@$RL_UID.service" >/dev/null 2>&1
	loginctl terminate-user "$RL_USER" >/dev/null 2>&1
	userdel -r -f "$RL_USER" >/dev/null 2>&1
	! getent passwd "$RL_USER" >/dev/null || echo "# warning: cannot remove $RL_USER" >&2
}

test_rootless_podman_memory_limit() {
	local out
	out=$(rlpm run --rm --network none --memory 32m localhost/busybox \
		sh -c 'cat /sys/fs/cgroup/memory.max; tr -s " " </proc/self/uid_map; exit 3' 2>"$T/pm.err")
	assert_eq "$?" 3 "the exit status of the container ($(tail -n 3 "$T/pm.err" | tr '\n' ' '))"
	assert_eq "$(head -n1 <<<"$out")" $MIB32 "memory.max inside"
	assert_contains "$out" " 0 $RL_UID 1" "the user's uid as root inside"
}

test_rootless_podman_lifecycle() {
	local id pid cg rc base="/user.slice/user-$RL_UID.slice/user@$RL_UID.service"
	id=$(rlpm run -d --network none --memory 32m --pids-limit 32 localhost/busybox \
		sh -c 'echo hello from rootless; exec sleep 300' 2>"$T/pm.err") || fail "run -d: $(cat "$T/pm.err")"
	pid=$(upm inspect -f '{{.State.Pid}}' "$id")
	cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	assert_match "$cg" "^$base/user\\.slice/libpod-$id\\.scope(/container)?\$" "the container's cgroup"
	assert_eq "$(cat "$CGROOT$cg/memory.max")" $MIB32 "memory.max under user@$RL_UID.service"
	assert_eq "$(cat "$CGROOT$cg/pids.max")" 32 "pids.max"
	assert_eq "$(rlpm exec "$id" id -u 2>"$T/exec.err")" 0 "exec: uid ($(tail -n 3 "$T/exec.err" | tr '\n' ' '))"
	rlpm exec "$id" dd if=/dev/zero of=/dev/null bs=64M count=1 >/dev/null 2>&1
	rc=$?
	assert_eq "$rc" 137 "a 64 MiB allocation under --memory 32m"
	assert_contains "$(rlpm logs "$id" 2>&1)" "hello from rootless" "logs"
	rlpm stop -t 0 "$id" >/dev/null || fail "stop"
	rlpm rm "$id" >/dev/null || fail "rm"
	wait_until 30 user_unit_gone "libpod-$id.scope" || fail "the scope is left"
	[ ! -d "$CGROOT$cg" ] || fail "the cgroup is left"
	[ -z "$(upm ps -aq)" ] || fail "containers left: $(upm ps -a)"
}

test_rootless_podman_networks() {
	local out
	out=$(rlpm run --rm --network slirp4netns localhost/busybox sh -c 'ip -4 addr show tap0; ip route' 2>"$T/pm.err") ||
		fail "slirp4netns: $(tail -n 3 "$T/pm.err")"
	assert_contains "$out" "inet 10.0.2.100" "tap0's address"
	assert_contains "$out" "default via 10.0.2.2" "the default route"
	out=$(rlpm run --rm --network none localhost/busybox sh -c 'ls /sys/class/net' 2>"$T/pm.err") ||
		fail "--network none: $(tail -n 3 "$T/pm.err")"
	assert_eq "$out" lo "interfaces with --network none"
}

# ---------------------------------------------------------------------------
# The runner.

setup() {
	mkdir -p "$WORK" || return 1
	"$REPO_ROOT/contrib/make-bundle" --rt "$RT" --helper "$RT_HELPER" "$WORK/base" >/dev/null || return 1
	# crun 1.8 takes spec versions up to 1.0.2 only
	jq '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["/bin/sh", "-c", "echo ready; exec sleep 600"]' \
		"$WORK/base/config.json" >"$WORK/c.json" && mv "$WORK/c.json" "$WORK/base/config.json"
}

# What a test left: deleted, and reported as its failure.
cleanup_test() {
	local id left u
	for id in $("$RTBIN" --root "$ROOT" list -q 2>/dev/null); do
		echo "container $id" >>"$T/.leak"
		timeout 30 "$RTBIN" --root "$ROOT" --systemd-cgroup delete --force "$id" >/dev/null 2>&1
	done
	for u in $(systemctl list-units --all --plain --no-legend 'rtvm-*' | awk '{ print $1 }'); do
		case $u in *.slice) ;; *) echo "unit $u" >>"$T/.leak" ;; esac
		systemctl stop "$u" >/dev/null 2>&1
		systemctl reset-failed "$u" >/dev/null 2>&1
	done
	left=$(find "$CGROOT" -maxdepth 3 -path '*/system.slice/rtvm-*' 2>/dev/null)
	[ -n "$left" ] && echo "cgroups $(tr "\n" " " <<<"$left")" >>"$T/.leak"
	# the rootless user's Podman containers (a failed run leaves one)
	if [ -n "$RL_UID" ] && left=$(upm ps -aq) && [ -n "$left" ]; then
		echo "rootless podman containers $(tr "\n" " " <<<"$left")" >>"$T/.leak"
		upm rm -af -t 0 >/dev/null 2>&1
	fi
}


# one driver or engine test for the runtime $FLAVOR ($RTBIN)
run_for() {
	FLAVOR=$1
	RTBIN=${BIN[$1]}
	ROOT=$WORK/$FLAVOR/root
	mkdir -p "$ROOT"
	run_test "$WORK/$FLAVOR/$2" "$FLAVOR: $2" "$2"
}

setup_failed() {
	echo "not ok - setup: $*"
	FAILED=$((FAILED + 1))
}

W=$WORK # make_oci_archive's work dir

setup || { echo "not ok - setup: cannot make the test bundle"; echo "0 passed, 1 failed"; exit 1; }
echo "# guest kernel $(uname -r); $(systemctl --version | head -n1); $(systemctl is-system-running)"
declare -A BIN=([rt]=$RT [runc]=$(command -v runc) [crun]=$(command -v crun))
for f in rt runc crun; do
	echo "# $f: $("${BIN[$f]}" --version 2>&1 | head -n1)"
done
ENGINES=1
if [ -e "$CGROOT/cgroup.controllers" ]; then
	DRIVER_TESTS=$(declare -F | awk '$3 ~ /^test_/ && $3 !~ /^test_(podman|containerd|v1|rootless)_/ { print $3 }')
else
	DRIVER_TESTS=$(declare -F | awk '$3 ~ /^test_v1_/ { print $3 }')
	ENGINES=0 # they run on the cgroup2 guest
fi
for f in rt runc crun; do
	for fn in $DRIVER_TESTS; do
		selected "$fn" "$@" && run_for "$f" "$fn"
	done
done

if [ "$ENGINES" = 1 ] && { selected test_podman_ "$@" || selected test_containerd_ "$@"; }; then
	if podman_setup; then
		for f in rt runc; do
			for fn in test_podman_memory_limit test_podman_scope_exec_oom_stop_rm; do
				selected "$fn" "$@" && run_for "$f" "$fn"
			done
		done
	else
		setup_failed "podman load: $(tail -n 5 "$WORK/podman-load.log" | tr '\n' ' ')"
	fi
	if containerd_setup; then
		for f in rt runc; do
			selected test_containerd_systemd_cgroup "$@" && run_for "$f" test_containerd_systemd_cgroup
		done
	else
		setup_failed "containerd: $(tail -n 5 "$WORK/containerd/log" "$WORK/containerd/import.log" 2>&1 | tr '\n' ' ')"
	fi
	[ -n "${CTRD_PID:-}" ] && kill "$CTRD_PID" 2>/dev/null
fi

if [ "$ENGINES" = 1 ] && selected test_rootless_podman_ "$@"; then
	[ -s "$WORK/busybox-oci.tar" ] || make_oci_archive "$WORK/busybox-oci.tar" localhost/busybox:latest >/dev/null
	if rootless_setup; then
		for f in rt runc; do
			for fn in test_rootless_podman_memory_limit test_rootless_podman_lifecycle test_rootless_podman_networks; do
				selected "$fn" "$@" && run_for "$f" "$fn"
			done
		done
	else
		setup_failed "rootless podman: $(tail -n 5 "$WORK/rootless-load.log" 2>&1 | tr '\n' ' ')"
	fi
	rootless_teardown
fi

summary
