#!/bin/bash
# guest.sh: rt's cgroup v2 tests, run inside the guest by run.sh (as root,
# in the root cgroup of a pure cgroup2 hierarchy with every controller on).
# Each test_* function runs in its own subshell with a fresh bundle; every
# container lives below /sys/fs/cgroup/rt-vm, which must be empty again
# after each test. Prints "ok - NAME" or "not ok - NAME: REASON" per test,
# then 'N passed, N failed[, N skipped]'.
# Environment (from run.sh's env file): RT RT_HELPER VM_HELPER REPO_ROOT.
set -u -o pipefail

# make_oci_archive (for Podman), shared with the engine suites: sourced
# first, so that the helpers below (fail...) are this suite's
# shellcheck source=../engines/lib.sh
. "$REPO_ROOT/tests/engines/lib.sh"

CGROOT=/sys/fs/cgroup
CG=$CGROOT/rt-vm
WORK=/tmp/rt-vm
ROOT=$WORK/root

# ---------------------------------------------------------------------------
# Helpers (used inside a test's subshell); the shared ones are in lib.sh.

# shellcheck source=lib.sh
. "$REPO_ROOT/tests/vm/lib.sh"

rt() { "$RT" --root "$ROOT" "$@"; }

status_of() { rt state "$1" 2>/dev/null | jq -r .status; }
pid_of() { rt state "$1" 2>/dev/null | jq -r .pid; }
is_status() { [ "$(status_of "$1")" = "$2" ]; }

# args ARG...: the container's argv (jq 1.6 would take a -c in --args as its own).
args() {
	local a='[]' x
	for x in "$@"; do
		a=$(jq -cn --argjson a "$a" --arg x "$x" '$a + [$x]') || fail "cannot encode $*"
	done
	cfg '.process.args = $a' --argjson a "$a"
}

# start ID: run detached in $CG/ID, wait for "ready" on its stdout.
start() {
	cfg '.linux.cgroupsPath = $p' --arg p "/rt-vm/$1"
	rt run -d --bundle "$BUNDLE" "$1" </dev/null >"$T/$1.out" 2>"$T/$1.err" ||
		fail "run $1 failed: $(head -n1 "$T/$1.err")"
	wait_text "$T/$1.out" ready
}

# runfg ID: run in the foreground; its output in OUT.
runfg() {
	cfg '.linux.cgroupsPath = $p' --arg p "/rt-vm/$1"
	OUT=$(rt run --bundle "$BUNDLE" "$1" </dev/null 2>"$T/$1.err")
}

cgf() { cat "$CG/$1/$2"; }
key_of() { awk -v k="$2" '$1 == k { print $2 }' "$CG/$1/$3"; }

# in_cg ID CMD...: a guest command inside the container's cgroup (only).
in_cg() {
	local id=$1
	shift
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG/$id" "$@"
}

# in_ctr ID CMD...: inside the container's cgroup, mount and pid namespaces.
in_ctr() {
	local id=$1 pid
	pid=$(pid_of "$id")
	shift
	in_cg "$id" nsenter -t "$pid" -m -p -- "$@"
}

# ---------------------------------------------------------------------------
# Tests.

test_memory_max_oom_kill_seen_by_events() {
	local ev
	cfg '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	args /bin/sh -c 'echo ready; while [ ! -e /go ]; do sleep 0.2; done; dd if=/dev/zero of=/dev/null bs=64M count=1; echo dd=$?; exec /rt-helper sleep 600'
	start c1
	assert_eq "$(cgf c1 memory.max)" 16777216 "memory.max"
	assert_eq "$(cgf c1 memory.swap.max)" 0 "memory.swap.max (swap - limit)"
	rt events --interval 1s c1 >"$T/events.out" 2>"$T/events.err" &
	ev=$!
	wait_text "$T/events.out" '"type":"stats"'
	touch "$BUNDLE/rootfs/go"
	wait_text "$T/c1.out" dd=137
	wait_text "$T/events.out" '{"type":"oom","id":"c1"}'
	[ "$(key_of c1 oom_kill memory.events)" -ge 1 ] || fail "memory.events oom_kill: $(cgf c1 memory.events | tr '\n' ' ')"
	rt delete --force c1 || fail "delete"
	wait_until 10 pid_gone "$ev" || fail "events still runs after delete"
}

test_pids_max_stops_forks() {
	cfg '.linux.resources.pids = {"limit": 6}'
	# ash gives up at the first fork it cannot make
	args /bin/sh -c 'echo ready; i=0; while [ $i -lt 12 ]; do sleep 600 & i=$((i+1)); echo forked $i; done; exec sleep 600'
	start c1
	assert_eq "$(cgf c1 pids.max)" 6 "pids.max"
	wait_text "$T/c1.err" "fork"
	[ "$(cgf c1 pids.current)" -le 6 ] || fail "pids.current $(cgf c1 pids.current) above the limit"
	[ "$(key_of c1 max pids.events)" -ge 1 ] || fail "no fork was refused: pids.events $(cgf c1 pids.events | tr '\n' ' ')"
	has_text "$T/c1.out" "forked 12" && fail "all 12 forks succeeded under pids.max 6"
	true
}

test_cpu_max_throttles() {
	local u0 u1 t0 t1 pct
	cfg '.linux.resources.cpu = {"quota": 20000, "period": 100000}'
	args /bin/sh -c 'echo ready; while :; do :; done'
	start c1
	assert_eq "$(cgf c1 cpu.max)" "20000 100000" "cpu.max"
	u0=$(key_of c1 usage_usec cpu.stat)
	t0=$(date +%s%N)
	sleep 3
	u1=$(key_of c1 usage_usec cpu.stat)
	t1=$(date +%s%N)
	pct=$(((u1 - u0) * 100000 / (t1 - t0)))
	[ "$(key_of c1 nr_throttled cpu.stat)" -gt 0 ] || fail "not throttled: $(cgf c1 cpu.stat | tr '\n' ' ')"
	# 20% of a cpu; TCG's accounting is rough, so allow up to 60%
	[ "$pct" -le 60 ] || fail "a busy loop used ${pct}% of a cpu under a 20% quota"
}

test_cpuset_pins() {
	[ "$(nproc)" -ge 2 ] || skip "one cpu"
	cfg '.linux.resources.cpu = {"cpus": "1", "mems": "0"}'
	start c1
	assert_eq "$(cgf c1 cpuset.cpus)" 1 "cpuset.cpus"
	assert_eq "$(cgf c1 cpuset.cpus.effective)" 1 "cpuset.cpus.effective"
	assert_eq "$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$(pid_of c1)/status")" 1 "the process runs on cpu 1 only"
}

test_io_max_limits_a_loop_device() {
	local dev mm t0 t1 ms
	modprobe loop 2>/dev/null
	truncate -s 16M "$T/disk" || fail "truncate"
	dev=$(losetup -f --show "$T/disk") || skip "no loop device"
	echo "$dev" >"$T/.loop"
	mm=$(printf '%d:%d' "0x$(stat -c %t "$dev")" "0x$(stat -c %T "$dev")")
	# the device filter covers every process of the cgroup: allow the disk
	cfg '.linux.resources.blockIO = {"throttleWriteBpsDevice": [{"major": $ma, "minor": $mi, "rate": 1048576}]} |
		.linux.resources.devices += [{"allow": true, "type": "b", "major": $ma, "minor": $mi, "access": "rw"}]' \
		--argjson ma "${mm%:*}" --argjson mi "${mm#*:}"
	start c1
	assert_contains "$(cgf c1 io.max)" "$mm rbps=max wbps=1048576" "io.max"
	t0=$(date +%s%N)
	in_cg c1 dd if=/dev/zero of="$dev" bs=1M count=3 oflag=direct status=none || fail "dd to $dev failed"
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	[ "$ms" -ge 1500 ] || fail "3 MiB at 1 MiB/s took only ${ms} ms"
}

test_hugetlb_limit() {
	echo 4 >/proc/sys/vm/nr_hugepages
	[ "$(awk '/^HugePages_Free/ { print $2 }' /proc/meminfo)" -ge 2 ] || skip "cannot reserve 2 huge pages"
	cp "$VM_HELPER" "$BUNDLE/rootfs/vm-helper"
	cfg '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 2097152}]'
	args /bin/sh -c 'echo ready; while [ ! -e /go ]; do sleep 0.2; done; /vm-helper hugetouch 2; echo rc=$?; exec sleep 600'
	start c1
	assert_eq "$(cgf c1 hugetlb.2MB.max)" 2097152 "hugetlb.2MB.max"
	touch "$BUNDLE/rootfs/go"
	wait_text "$T/c1.out" "rc="
	assert_contains "$(cat "$T/c1.out")" "touched 1" "the first page is within the limit"
	assert_contains "$(cat "$T/c1.out")" "rc=135" "the second page gets SIGBUS"
	[ "$(key_of c1 max hugetlb.2MB.events)" -ge 1 ] || fail "hugetlb.2MB.events: $(cgf c1 hugetlb.2MB.events)"
}

test_devices_denied_by_ebpf_filter() {
	cfg '.mounts += [{"destination": "/dev/kmsg", "type": "bind", "source": "/dev/kmsg", "options": ["bind"]}]'
	args /rt-helper write /dev/kmsg
	runfg d1
	assert_eq "$OUT" EPERM "open of a device outside the allow-list"
	args /rt-helper write /dev/null
	runfg d2
	assert_eq "$OUT" ok "a default device"
	cfg '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	args /rt-helper write /dev/kmsg
	runfg d3
	assert_eq "$OUT" ok "an allowed device"
}

test_devices_update_replaces_the_filter() {
	cfg '.mounts += [{"destination": "/dev/kmsg", "type": "bind", "source": "/dev/kmsg", "options": ["bind"]}]'
	start c1
	assert_eq "$(in_ctr c1 /rt-helper write /dev/kmsg)" EPERM "before update"
	echo '{"devices": [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]}' | rt update -r - c1 ||
		fail "update of the device rules"
	assert_eq "$(in_ctr c1 /rt-helper write /dev/kmsg)" ok "after update"
	assert_eq "$(in_ctr c1 /rt-helper write /dev/null)" ok "defaults kept"
}

test_freeze_thaw() {
	start c1
	rt pause c1 || fail "pause"
	assert_eq "$(status_of c1)" paused "status"
	assert_eq "$(cgf c1 cgroup.freeze)" 1 "cgroup.freeze"
	assert_eq "$(key_of c1 frozen cgroup.events)" 1 "cgroup.events frozen"
	rt resume c1 || fail "resume"
	assert_eq "$(status_of c1)" running "status after resume"
	assert_eq "$(key_of c1 frozen cgroup.events)" 0 "thawed"
}

test_update_running_container() {
	cfg '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 20} | .linux.resources.cpu = {"shares": 1024}'
	start c1
	rt update --memory 64m --memory-swap 96m --pids-limit 5 --cpu-quota 10000 --cpu-period 50000 --cpu-share 2048 --cpuset-cpus 0 c1 ||
		fail "update with flags"
	assert_eq "$(cgf c1 memory.max)" 67108864 "memory.max"
	assert_eq "$(cgf c1 memory.swap.max)" 33554432 "memory.swap.max"
	assert_eq "$(cgf c1 pids.max)" 5 "pids.max"
	assert_eq "$(cgf c1 cpu.max)" "10000 50000" "cpu.max"
	assert_eq "$(cgf c1 cpu.weight)" 79 "cpu.weight from shares 2048"
	assert_eq "$(cgf c1 cpuset.cpus)" 0 "cpuset.cpus"
	rt update --cpu-period 100000 c1 || fail "update --cpu-period"
	assert_eq "$(cgf c1 cpu.max)" "10000 100000" "the quota stays when only the period changes"
	echo '{"memory": {"limit": -1}, "unified": {"memory.high": "50000000"}}' | rt update --resources - c1 ||
		fail "update from stdin"
	assert_eq "$(cgf c1 memory.max)" max "memory.max unlimited"
	assert_eq "$(cgf c1 memory.swap.max)" max "swap unlimited with memory"
	assert_eq "$(cgf c1 memory.high)" 49999872 "unified memory.high (page-aligned)"
	assert_eq "$(cgf c1 pids.max)" 5 "pids unchanged"
}

test_events_stats_v2() {
	cfg '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 10}'
	start c1
	OUT=$(rt events --stats c1) || fail "events --stats"
	assert_json "$OUT" '.type == "stats" and .id == "c1"' "type and id"
	assert_json "$OUT" '.data.memory.usage.limit == 33554432 and .data.memory.usage.usage > 0' "memory usage"
	assert_json "$OUT" '.data.memory.raw.anon >= 0' "memory.stat in raw"
	assert_json "$OUT" '.data.pids == {"current": 1, "limit": 10}' "pids"
	assert_json "$OUT" '.data.cpu.usage.total > 0' "cpu usage"
	assert_json "$OUT" '.data.cpuset.cpus | length >= 1' "cpuset"
}

test_kill_all_uses_cgroup_kill() {
	local pids p
	[ -e "$CGROOT/cgroup.kill" ] || [ -n "$(ls "$CGROOT"/*/cgroup.kill 2>/dev/null)" ] || skip "no cgroup.kill"
	args /bin/sh -c 'sleep 600 & sleep 600 & echo ready; exec sleep 600'
	start c1
	pids=$(cgf c1 cgroup.procs)
	[ "$(wc -w <<<"$pids")" -ge 3 ] || fail "expected 3 processes: $pids"
	rt kill --all c1 KILL || fail "kill --all"
	for p in $pids; do
		wait_until 10 pid_gone "$p" || fail "process $p survived kill --all"
	done
	wait_until 10 is_status c1 stopped || fail "status $(status_of c1)"
}

test_delete_leaves_no_cgroup() {
	cfg '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 10}'
	start c1
	[ -d "$CG/c1" ] || fail "no $CG/c1"
	rt delete --force c1 || fail "delete --force"
	[ ! -d "$CG/c1" ] || fail "$CG/c1 left after delete"
	rt state c1 >/dev/null 2>&1 && fail "state left after delete"
	true
}

test_bad_value_leaves_nothing() {
	cfg '.linux.cgroupsPath = "/rt-vm/c1" | .linux.resources.cpu = {"cpus": "999"}'
	rt create --bundle "$BUNDLE" c1 </dev/null >/dev/null 2>"$T/c1.err" && fail "create with cpuset.cpus 999 succeeded"
	assert_contains "$(cat "$T/c1.err")" "cpuset.cpus" "the error names the file"
	[ ! -d "$CG/c1" ] || fail "cgroup left behind"
}

# A relative cgroupsPath lands below the caller's cgroup, which holds the
# caller: controllers cannot be enabled there ("no internal processes"),
# and trying must not half-enable the threaded ones (cpuset, cpu, pids),
# which would turn it "domain threaded" and break every cgroup below it.
test_relative_path_leaves_caller_cgroup_intact() {
	local caller=$CG/caller
	mkdir "$caller" || fail "mkdir $caller"
	echo "$BASHPID" >"$caller/cgroup.procs" || fail "cannot move into $caller"
	cfg '.linux.cgroupsPath = "x/y" | .linux.resources.pids = {"limit": 10}'
	rt create --bundle "$BUNDLE" c1 </dev/null >/dev/null 2>"$T/c1.err" && rt delete --force c1
	echo "$BASHPID" >"$CGROOT/cgroup.procs"
	assert_eq "$(cat "$caller/cgroup.type")" domain "the caller's cgroup type"
	assert_eq "$(cat "$caller/cgroup.subtree_control")" "" "the caller's subtree_control"
	rmdir "$caller/x/y" "$caller/x" 2>/dev/null
	mkdir "$caller/z" && echo "$BASHPID" >"$caller/z/cgroup.procs" || fail "a new cgroup below the caller refuses processes"
	echo "$BASHPID" >"$CGROOT/cgroup.procs"
	rmdir "$caller/z" "$caller"
}

# ---------------------------------------------------------------------------
# Rootless on pure cgroup v2: an ordinary user (made for the test, removed
# after it), its state under XDG_RUNTIME_DIR.

RL_USER=rtvm-rl
rl_user() {
	useradd -M -s /bin/sh "$RL_USER" || fail "useradd"
	echo "userdel $RL_USER" >>"$T/.undo"
	mkdir -p "$T/xdg" "$T/rl" && chown "$RL_USER:" "$T/xdg" "$T/rl" && chmod 755 "$T" || fail "dirs"
}
as_user() { runuser -u "$RL_USER" -- env -i PATH="$PATH" USER="$RL_USER" XDG_RUNTIME_DIR="$T/xdg" "$@"; }
# rl_bundle [JQ FILTER]: the user's spec --rootless on the base rootfs
rl_bundle() {
	rm -f "$T/rl/config.json"
	(cd "$T/rl" && as_user "$RT" spec --rootless) || fail "spec --rootless"
	jq --arg r "$WORK/base/rootfs" '.root.path = $r | .process.terminal = false | .process.args = ["/rt-helper", "sleep", "600"]' \
		"$T/rl/config.json" | jq "${1:-.}" >"$T/rl/c.json" && mv "$T/rl/c.json" "$T/rl/config.json" &&
		chown "$RL_USER:" "$T/rl/config.json" || fail "edit the config"
}

# no delegated cgroup: no limits, the container in the user's own cgroup;
# with and without a cgroup namespace, /sys/fs/cgroup is there read-only
test_rootless_without_a_cgroup() {
	local ns
	rl_user
	for ns in with without; do
		rl_bundle
		[ $ns = with ] || rl_bundle '.linux.namespaces |= map(select(.type != "cgroup"))'
		jq '.process.args = ["sh", "-c", "cat /proc/self/uid_map; test -r /sys/fs/cgroup/cgroup.controllers && echo cgroupfs; touch /sys/fs/cgroup/x 2>/dev/null || echo read-only"]' \
			"$T/rl/config.json" >"$T/rl/c.json" && mv "$T/rl/c.json" "$T/rl/config.json" && chown "$RL_USER:" "$T/rl/config.json"
		OUT=$(as_user "$RT" run --bundle "$T/rl" rl1 2>"$T/rl1.err") || fail "run ($ns a cgroup namespace): $(cat "$T/rl1.err")"
		assert_contains "$OUT" "cgroupfs" "/sys/fs/cgroup $ns a cgroup namespace"
		assert_contains "$OUT" "read-only" "/sys/fs/cgroup $ns a cgroup namespace"
	done
	rl_bundle '.linux.resources.memory = {"limit": 33554432}'
	as_user "$RT" run -d --bundle "$T/rl" rl2 </dev/null >/dev/null 2>"$T/rl2.err" && fail "limits without a cgroup were accepted"
	assert_contains "$(cat "$T/rl2.err")" "cannot set memory limit" "the error"
	[ ! -e "$T/xdg/rt/rl2" ] || fail "state left behind"
}

# A subtree delegated to the user as the kernel documents it (the
# directory and its cgroup.procs, cgroup.subtree_control and
# cgroup.threads chowned): limits enforced, pause, update, delete.
test_rootless_delegated_v2_subtree() {
	local d=$CG/deleg pid
	rl_user
	echo "+memory +pids" >"$CG/cgroup.subtree_control" || fail "enable memory, pids in $CG"
	mkdir -p "$d/shell" || fail "mkdir"
	echo "rmdir $d/shell $d" >>"$T/.undo"
	chown "$RL_USER:" "$d" "$d/cgroup.procs" "$d/cgroup.subtree_control" "$d/cgroup.threads" \
		"$d/shell" "$d/shell/cgroup.procs" || fail "chown"
	echo "+memory +pids" >"$d/cgroup.subtree_control" || fail "enable memory, pids in $d"
	rl_bundle '.linux.cgroupsPath = "/rt-vm/deleg/c1" | .linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 20}}'
	in_deleg() { sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$d/shell" runuser -u "$RL_USER" -- env -i PATH="$PATH" USER="$RL_USER" XDG_RUNTIME_DIR="$T/xdg" "$RT" "$@"; }
	in_deleg run -d --bundle "$T/rl" c1 </dev/null >"$T/c1.out" 2>"$T/c1.err" || fail "run -d: $(cat "$T/c1.err")"
	wait_text "$T/c1.out" ready
	assert_eq "$(cat "$d/c1/memory.max")" 33554432 "memory.max"
	assert_eq "$(cat "$d/c1/pids.max")" 20 "pids.max"
	pid=$(as_user "$RT" state c1 | jq -r .pid)
	grep -qx "$pid" "$d/c1/cgroup.procs" || fail "the init is not in $d/c1"
	in_deleg exec c1 /rt-helper exit 0 || fail "exec"
	in_deleg update --memory 64m c1 || fail "update"
	assert_eq "$(cat "$d/c1/memory.max")" 67108864 "memory.max after update"
	as_user "$RT" pause c1 || fail "pause"
	assert_eq "$(as_user "$RT" state c1 | jq -r .status)" paused "status"
	as_user "$RT" resume c1 || fail "resume"
	as_user "$RT" kill c1 KILL || fail "kill"
	rl_stopped() { [ "$(as_user "$RT" state c1 | jq -r .status)" = stopped ]; }
	wait_until 10 rl_stopped || fail "the init outlived KILL"
	as_user "$RT" delete c1 || fail "delete"
	[ ! -d "$d/c1" ] || fail "$d/c1 left"
}

# shellcheck source=checkpoint.sh
. "$REPO_ROOT/tests/vm/checkpoint.sh"

# ---------------------------------------------------------------------------
# The runner.

setup() {
	mkdir -p "$WORK" "$CG" || return 1
	# bash's process substitution needs it; the guest's devtmpfs lacks it
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	"$REPO_ROOT/contrib/make-bundle" --rt "$RT" --helper "$RT_HELPER" "$WORK/base" >/dev/null || return 1
	jq '.process.terminal = false | .process.args = ["/rt-helper", "sleep", "600"]' "$WORK/base/config.json" >"$WORK/c.json" &&
		mv "$WORK/c.json" "$WORK/base/config.json"
}

# Delete what a test left; report leftovers as its failure.
cleanup_test() {
	local id left
	for id in $(rt list -q 2>/dev/null); do
		timeout 20 "$RT" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
	done
	[ -s "$T/.loop" ] && losetup -d "$(cat "$T/.loop")" 2>/dev/null
	for id in $("$RT" --root "$T/xdg/rt" list -q 2>/dev/null); do
		echo "rootless container $id" >>"$T/.leak"
		timeout 20 "$RT" --root "$T/xdg/rt" delete --force "$id" >/dev/null 2>&1
	done
	# what a test made for itself (a user, its cgroups), in reverse
	[ -s "$T/.undo" ] && tac "$T/.undo" | while read -r cmd; do eval "$cmd" 2>/dev/null; done
	left=$(find "$CG" -mindepth 1 -type d 2>/dev/null)
	if [ -n "$left" ]; then
		echo "leaked cgroups: $(echo $left)" >>"$T/.leak"
		for id in $(sort -r <<<"$left"); do
			echo 0 >"$id/cgroup.freeze" 2>/dev/null
			echo 1 >"$id/cgroup.kill" 2>/dev/null
			sleep 0.2
			rmdir "$id" 2>/dev/null
		done
	fi
}


if ! setup; then
	echo "not ok - setup: cannot make the test bundle"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "# guest kernel $(uname -r); cgroup2 controllers: $(cat "$CGROOT/cgroup.subtree_control")"
for fn in $(declare -F | awk '$3 ~ /^test_/ { print $3 }'); do
	selected "$fn" "$@" && run_test "$WORK/$fn" "$fn" "$fn"
done
summary
