# shellcheck shell=bash
# cgroups: limits as the host's files show them, update, pause/resume, ps,
# events, kill --all, removal, bad values; then the cgroup v2 code paths
# (eBPF device filter, cgroup.kill, cgroup.freeze) in a private mount
# namespace with cgroup2 mounted at /sys/fs/cgroup.
#
# Containers use relative cgroupsPaths, so they land below the runner's
# rt-test-PID cgroups and the runner's leak check sees them. hugetlb is the
# exception on a hybrid host: the runner's cgroup2 directory holds
# processes, so it cannot pass controllers down; those tests use an
# absolute path of their own and remove it.

# cg50_dir ID FILE: the container's cgroup directory that has FILE.
cg50_dir() {
	local d
	for d in $(container_cgroup_dirs "$1"); do
		[ -e "$d/$2" ] && { echo "$d"; return 0; }
	done
	return 1
}

# cg50_need ID FILE: that directory, or skip when no hierarchy has FILE.
cg50_need() {
	cg50_dir "$1" "$2" || skip "no cgroup with $2 on this host"
}

# cg50_file ID FILE: the content of FILE in the container's cgroup.
cg50_file() {
	local d
	d=$(cg50_need "$1" "$2") || exit 77
	cat "$d/$2"
}

# cg50_start ID: run a sleeper detached, with a relative cgroupsPath.
cg50_start() {
	cfg '.linux.cgroupsPath = $p' --arg p "cg50-$1"
	ctr_run_detached "$1" || fail "run $1 failed: $(head -n1 "$T/$1.err")"
	wait_output "$T/$1.out" ready
}

# cg50_ready N: N sleepers of c1 said ready.
cg50_ready() { [ "$(grep -c ready "$T/c1.out" 2>/dev/null)" -ge "$1" ]; }

# cg50_update ID ARGS...: rt update that must succeed.
cg50_update() {
	local id=$1
	shift
	run_rt update "$@" "$id"
	assert_success "update $*"
}

# cg50_remove_abs PATH: remove an absolute cgroup path from every hierarchy.
cg50_remove_abs() {
	local m
	for m in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
		[ -d "$m$1" ] && lib_remove_cgroup "$m$1"
	done
	return 0
}

# ---------------------------------------------------------------------------
# Limits at create time (cgroup v1 files on this host).

test_cg_memory_reservation_swap() {
	cfg '.linux.resources.memory = {"limit": 33554432, "reservation": 16777216, "swap": 67108864}'
	cg50_start c1
	assert_eq "$(cg50_file c1 memory.limit_in_bytes)" 33554432 "memory.limit_in_bytes"
	assert_eq "$(cg50_file c1 memory.soft_limit_in_bytes)" 16777216 "memory.soft_limit_in_bytes"
	cg50_dir c1 memory.memsw.limit_in_bytes >/dev/null &&
		assert_eq "$(cg50_file c1 memory.memsw.limit_in_bytes)" 67108864 "memory.memsw.limit_in_bytes"
	true
}

test_cg_pids_max() {
	cfg '.linux.resources.pids = {"limit": 7}'
	cg50_start c1
	assert_eq "$(cg50_file c1 pids.max)" 7 "pids.max"
}

test_cg_cpu_quota_period_shares() {
	cfg '.linux.resources.cpu = {"shares": 256, "quota": 25000, "period": 50000}'
	cg50_start c1
	cg50_need c1 cpu.cfs_quota_us >/dev/null
	assert_eq "$(cg50_file c1 cpu.shares)" 256 "cpu.shares"
	assert_eq "$(cg50_file c1 cpu.cfs_quota_us)" 25000 "cpu.cfs_quota_us"
	assert_eq "$(cg50_file c1 cpu.cfs_period_us)" 50000 "cpu.cfs_period_us"
}

test_cg_cpuset_pins() {
	cfg '.linux.resources.cpu = {"cpus": "0", "mems": "0"}'
	cg50_start c1
	assert_eq "$(cg50_file c1 cpuset.cpus)" 0 "cpuset.cpus"
	assert_eq "$(cg50_file c1 cpuset.mems)" 0 "cpuset.mems"
	assert_eq "$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$(pid_of c1)/status")" 0 "the process runs on cpu 0 only"
}

test_cg_devices_list() {
	local d list
	cg50_start c1
	d=$(cg50_need c1 devices.list)
	list=$(cat "$d/devices.list")
	assert_contains "$list" "c 1:3 rwm" "/dev/null allowed"
	assert_contains "$list" "c 136:* rwm" "pty slaves allowed"
	refute_contains "$list" "a *:* rwm" "not everything allowed"
}

test_cg_devices_denied_in_container() {
	[ -c /dev/kmsg ] || skip "no /dev/kmsg"
	add_mount '{"destination": "/dev/kmsg", "type": "bind", "source": "/dev/kmsg", "options": ["bind"]}'
	cfg '.linux.cgroupsPath = "cg50-h"'
	run_helper write /dev/kmsg
	assert_eq "$OUT" EPERM "a device outside the allow-list cannot be opened"
	cfg '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	run_helper write /dev/kmsg
	assert_eq "$OUT" ok "an allowed device can be opened"
}

rt_only test_cg_hugetlb_on_unified
test_cg_hugetlb_on_unified() {
	local p="/rt-test-$RUNNER_PID-h/c1" m
	m=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	[ -n "$m" ] && grep -qw hugetlb "$m/cgroup.controllers" || skip "no hugetlb on the cgroup2 mount"
	grep -q 'cgroup .*hugetlb' /proc/self/mountinfo && skip "hugetlb is on a v1 hierarchy"
	[ -e "$m/hugetlb.2MB.max" ] || [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	# shellcheck disable=SC2064 # $p now: the local is gone when the trap runs
	trap "rc=\$?; lib_cleanup_containers; cg50_remove_abs '${p%/c1}'; (exit \$rc); lib_test_exit" EXIT
	cfg '.linux.cgroupsPath = $p | .linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]' --arg p "$p"
	ctr_run_detached c1 || fail "run failed: $(head -n1 "$T/c1.err")"
	wait_output "$T/c1.out" ready
	assert_eq "$(cat "$m$p/hugetlb.2MB.max")" 4194304 "hugetlb.2MB.max on the cgroup2 mount"
	run_rt delete --force c1
	assert_success "delete"
	[ ! -d "$m$p" ] || fail "$m$p left after delete"
}

rt_only test_cg_hugetlb_controller_not_enabled
test_cg_hugetlb_controller_not_enabled() {
	local m
	m=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	[ -n "$m" ] && grep -qw hugetlb "$m/cgroup.controllers" || skip "no hugetlb on the cgroup2 mount"
	# the runner's own cgroup2 dir holds processes: it cannot enable hugetlb below
	cfg '.linux.cgroupsPath = "cg50-c1" | .linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	ctr_create c1
	assert_failure "create with a controller its cgroup cannot have"
	assert_contains "$(cat "$T/c1.err")" "hugetlb controller is not enabled" "the error names the controller"
	assert_nothing_left c1
}

test_cg_bad_cpuset_leaves_nothing() {
	cfg '.linux.cgroupsPath = "cg50-c1" | .linux.resources.cpu = {"cpus": "999"}'
	ctr_create c1
	assert_failure "create with cpuset.cpus 999"
	if ! is_runc; then
		assert_contains "$(cat "$T/c1.err")" "cpuset.cpus" "the error names the file"
		assert_contains "$(cat "$T/c1.err")" "999" "the error names the value"
	fi
	assert_nothing_left c1
}

# This host has no systemd: the systemd driver must say so, and leave
# nothing (the driver itself is tested in a systemd guest: tests/vm/systemd.sh).
test_cg_systemd_driver_without_systemd() {
	[ -d /run/systemd/system ] && skip "systemd runs here"
	cfg '.linux.cgroupsPath = "system.slice:cg50:c1"'
	ctr_track c1
	"$RT" --root "$ROOT" --systemd-cgroup create --bundle "$BUNDLE" c1 </dev/null >"$T/c1.out" 2>"$T/c1.err"
	STATUS=$?
	assert_failure "--systemd-cgroup create where systemd does not run"
	is_runc || assert_contains "$(cat "$T/c1.err")" "systemd is not running on this host" "the error says why"
	assert_nothing_left c1
}

# ---------------------------------------------------------------------------
# update

test_cg_update_flags() {
	cfg '.linux.resources = (.linux.resources // {}) + {"memory": {"limit": 33554432}, "pids": {"limit": 50}, "cpu": {"shares": 512, "quota": 50000, "period": 100000}}'
	cg50_start c1
	cg50_update c1 --memory 64m --pids-limit 20 --cpu-share 300 --cpu-quota 30000 --cpuset-cpus 0
	assert_eq "$(cg50_file c1 memory.limit_in_bytes)" 67108864 "memory.limit_in_bytes after update"
	assert_eq "$(cg50_file c1 pids.max)" 20 "pids.max after update"
	assert_eq "$(cg50_file c1 cpu.shares)" 300 "cpu.shares after update"
	assert_eq "$(cg50_file c1 cpu.cfs_quota_us)" 30000 "cpu.cfs_quota_us after update"
	assert_eq "$(cg50_file c1 cpu.cfs_period_us)" 100000 "period unchanged"
	assert_eq "$(cg50_file c1 cpuset.cpus)" 0 "cpuset.cpus after update"
	cg50_update c1 --memory-reservation 1g
	assert_eq "$(cg50_file c1 memory.soft_limit_in_bytes)" 1073741824 "memory.soft_limit_in_bytes (1g)"
	assert_eq "$(cg50_file c1 memory.limit_in_bytes)" 67108864 "only what is given changes"
	cg50_update c1 --pids-limit -1
	assert_eq "$(cg50_file c1 pids.max)" max "pids.max unlimited"
}

test_cg_update_memory_units() {
	local spec
	cg50_start c1
	for spec in 16777216:16777216 16m:16777216 16M:16777216 16MiB:16777216 "16 MB:16777216" 2048k:2097152 1.5g:1610612736 1g:1073741824; do
		cg50_update c1 --memory "${spec%%:*}"
		assert_eq "$(cg50_file c1 memory.limit_in_bytes)" "${spec#*:}" "--memory ${spec%%:*}"
	done
	run_rt update --memory 12x c1
	assert_failure "--memory 12x"
	assert_contains "$ERR" "memory" "the error names the flag"
}

test_cg_update_resources_file_and_stdin() {
	cfg '.linux.resources.memory = {"limit": 33554432}'
	cg50_start c1
	printf '{"memory": {"limit": 50331648}, "pids": {"limit": 9}}' >"$T/res.json"
	cg50_update c1 --resources "$T/res.json"
	assert_eq "$(cg50_file c1 memory.limit_in_bytes)" 50331648 "memory from --resources FILE"
	assert_eq "$(cg50_file c1 pids.max)" 9 "pids from --resources FILE"
	printf '{"cpu": {"shares": 100}}' | "$RT" --root "$ROOT" update --resources - c1 || fail "update --resources - failed"
	assert_eq "$(cg50_file c1 cpu.shares)" 100 "cpu.shares from stdin"
	assert_eq "$(cg50_file c1 memory.limit_in_bytes)" 50331648 "memory unchanged by a document without it"
	printf '{"memory": {"limit": 67108864}}' >"$T/res2.json"
	cg50_update c1 --resources="$T/res2.json" --memory 1m
	assert_eq "$(cg50_file c1 memory.limit_in_bytes)" 67108864 "--resources wins over the flags (podman's --resources=FILE)"
	printf '{"memory": {"limit": "x"}}' >"$T/bad.json"
	run_rt update --resources "$T/bad.json" c1
	assert_failure "a bad resources document"
}

test_cg_update_bad_value_names_file() {
	cg50_start c1
	run_rt update --cpuset-cpus 999 c1
	assert_failure "update --cpuset-cpus 999"
	if ! is_runc; then
		assert_error_line
		assert_contains "$ERR" "cpuset.cpus" "the error names the file"
		assert_contains "$ERR" "999" "the error names the value"
	fi
	assert_eq "$(status_of c1)" running "the container still runs"
}

test_cg_update_stopped_fails() {
	set_args /rt-helper exit 0
	cfg '.linux.cgroupsPath = "cg50-c1"'
	ctr_create c1 || fail "create failed"
	run_rt start c1
	wait_status c1 stopped
	run_rt update --memory 64m c1
	assert_failure "update of a stopped container"
}

# ---------------------------------------------------------------------------
# pause/resume, ps, events, kill --all, delete

test_cg_pause_resume_freezer() {
	cg50_start c1
	run_rt pause c1
	assert_success "pause"
	assert_eq "$(status_of c1)" paused "status after pause"
	assert_eq "$(cg50_file c1 freezer.state)" FROZEN "freezer.state after pause"
	run_rt resume c1
	assert_success "resume"
	assert_eq "$(status_of c1)" running "status after resume"
	assert_eq "$(cg50_file c1 freezer.state)" THAWED "freezer.state after resume"
}

test_cg_ps_json_and_table() {
	local pid
	cg50_start c1
	pid=$(pid_of c1)
	run_rt ps --format json c1
	assert_success "ps --format json"
	assert_json "$OUT" --argjson p "$pid" '. == [$p]' "ps json lists the container's pid"
	run_rt ps c1
	assert_success "ps"
	assert_match "$(first_line "$OUT")" 'PID' "ps table header"
	assert_match "$OUT" "root +$pid " "ps table has the container's process"
	assert_eq "$(grep -c . <<<"$OUT")" 2 "header and one process"
	run_rt ps c1 -o pid,comm
	assert_success "ps with ps options"
	assert_match "$OUT" "^ *PID +COMMAND" "ps options are passed to ps"
	assert_match "$OUT" " *$pid +rt-helper" "ps -o pid,comm row"
}

test_cg_events_stats_shape() {
	cfg '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 10}'
	cg50_start c1
	run_rt events --stats c1
	assert_success "events --stats"
	assert_eq "$(grep -c . <<<"$OUT")" 1 "one line"
	assert_json "$OUT" '.type == "stats" and .id == "c1"' "event type and id"
	assert_json "$OUT" '.data.cpu.usage | has("kernel") and has("user") and (.total | type == "number")' "cpu usage"
	assert_json "$OUT" '.data.cpu.throttling | type == "object"' "cpu throttling"
	assert_json "$OUT" '.data.memory.usage.limit == 33554432 and (.data.memory.usage.usage > 0) and (.data.memory.usage | has("failcnt"))' "memory usage"
	assert_json "$OUT" '.data.memory.raw | type == "object" and has("rss")' "memory raw is memory.stat"
	assert_json "$OUT" '.data.memory | has("swap") and has("kernel")' "memory swap and kernel"
	assert_json "$OUT" '.data.pids == {"current": 1, "limit": 10}' "pids"
	assert_json "$OUT" '.data.blkio | type == "object"' "blkio"
	assert_json "$OUT" '.data.hugetlb | type == "object"' "hugetlb"
}

test_cg_events_stream_oom_and_end() {
	local evpid
	cfg '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	set_args /bin/sh -c 'echo ready; while [ ! -e /go ]; do sleep 0.1; done; dd if=/dev/zero of=/dev/null bs=64M count=1; echo dd=$?; exec /rt-helper sleep 600'
	cg50_start c1
	"$RT" --root "$ROOT" events --interval 500ms c1 >"$T/events.out" 2>"$T/events.err" &
	evpid=$!
	track_pid "$evpid"
	wait_output "$T/events.out" '"type":"stats"' 5
	touch "$BUNDLE/rootfs/go"
	wait_output "$T/c1.out" "dd=137"
	wait_output "$T/events.out" '{"type":"oom","id":"c1"}' 5
	run_rt delete --force c1
	assert_success "delete"
	wait_pid_gone "$evpid" 5
	wait "$evpid"
	assert_eq "$?" 0 "events exits 0 when the container is gone"
	jq -e . "$T/events.out" >/dev/null || fail "events printed lines that are not JSON"
}

# rt_only: runc 1.1 keeps going until the cgroup is removed
rt_only test_cg_events_end_with_the_process
test_cg_events_end_with_the_process() {
	local evpid
	cg50_start c1
	"$RT" --root "$ROOT" events --interval 200ms c1 >"$T/events.out" 2>"$T/events.err" &
	evpid=$!
	track_pid "$evpid"
	wait_output "$T/events.out" '"type":"stats"' 5
	run_rt kill c1 KILL
	assert_success "kill"
	wait_pid_gone "$evpid" 5
	wait "$evpid"
	assert_eq "$?" 0 "events exits 0 when the container process is gone"
	run_rt events c1
	assert_failure "events of a stopped container"
	assert_contains "$ERR" "not running" "the error says why"
}

test_cg_events_bad_interval() {
	cg50_start c1
	run_rt events --interval 0s c1
	assert_failure "interval 0"
	run_rt events --interval 5x c1
	assert_failure "interval 5x"
}

test_cg_kill_all_every_process() {
	local d pids p
	set_args /bin/sh -c '/rt-helper sleep 600 & /rt-helper sleep 600 & exec /rt-helper sleep 600'
	cg50_start c1
	wait_until 5 cg50_ready 3 || fail "the three sleepers did not start"
	d=$(cg50_dir c1 cgroup.procs | head -n1)
	pids=$(cat "$d/cgroup.procs")
	[ "$(wc -w <<<"$pids")" -ge 3 ] || fail "expected 3 processes, got '$pids'"
	run_rt kill --all c1 KILL
	assert_success "kill --all KILL"
	for p in $pids; do
		wait_pid_gone "$p"
	done
	wait_status c1 stopped
}

test_cg_kill_all_paused() {
	local pid
	cg50_start c1
	pid=$(pid_of c1)
	run_rt pause c1
	assert_success "pause"
	run_rt kill --all c1 KILL
	assert_success "kill --all KILL of a paused container"
	wait_pid_gone "$pid"
	wait_status c1 stopped
}

test_cg_delete_removes_every_dir() {
	local dirs d n
	cfg '.linux.resources.memory = {"limit": 33554432}'
	cg50_start c1
	dirs=$(container_cgroup_dirs c1)
	n=$(grep -c . <<<"$RT_TEST_CGROUPS")
	# runc leaves out name=systemd without systemd
	is_runc || assert_eq "$(grep -c . <<<"$dirs")" "$n" "a cgroup in every hierarchy"
	run_rt delete --force c1
	assert_success "delete --force"
	for d in $dirs; do
		[ ! -d "$d" ] || fail "$d left after delete"
	done
	assert_nothing_left c1
}

# A smaller period with the old quota would exceed the parent's limit: the
# quota goes first (runc's order), and a quota over the parent's is refused.
test_cg_update_cpu_period_below_a_limited_parent() {
	local cpu
	cpu=$(grep '/cpu/\|/cpu,cpuacct/' <<<"$RT_TEST_CGROUPS" | head -n1)
	[ -n "$cpu" ] && [ -f "$cpu/cpu.cfs_quota_us" ] || skip "no v1 cpu hierarchy"
	mkdir "$cpu/cg50-pod" || fail "mkdir"
	echo 50000 >"$cpu/cg50-pod/cpu.cfs_quota_us"
	cfg '.linux.cgroupsPath = "cg50-pod/c1" | .linux.resources.cpu = {"period": 100000, "quota": 20000}'
	ctr_run_detached c1 || fail "run: $(head -n1 "$T/c1.err")"
	wait_output "$T/c1.out" ready
	run_rt update --cpu-quota 60000 c1
	assert_failure "a quota over the parent's limit"
	run_rt update --cpu-period 10000 --cpu-quota 3000 c1
	assert_success "a smaller period with a smaller quota"
	assert_eq "$(cat "$cpu/cg50-pod/c1/cpu.cfs_period_us") $(cat "$cpu/cg50-pod/c1/cpu.cfs_quota_us")" "10000 3000" "period and quota"
	rt delete --force c1
	while IFS= read -r d; do rmdir "$d/cg50-pod" 2>/dev/null; done <<<"$RT_TEST_CGROUPS"
	true
}

# Values no cgroup file takes are refused by the config's validation,
# naming their JSON path, before any cgroup exists; at update before any
# file is written.
rt_only test_cg_resource_ranges_are_validated
test_cg_resource_ranges_are_validated() {
	cfg '.linux.resources.memory = {"swappiness": 101}'
	expect_create_error ".linux.resources.memory.swappiness: 101 is not between 0 and 100"
	cfg '.linux.resources.memory = {"limit": 33554432, "swap": 16777216}'
	expect_create_error ".linux.resources.memory.swap: 16777216 must be >= the memory limit 33554432"
	cfg '.linux.resources.memory = {} | .linux.resources.unified = {"../cgroup.procs": "1"}'
	expect_create_error '.linux.resources.unified["../cgroup.procs"]: invalid key'
	cfg '.linux.resources.unified = {}'
	cg50_start c1
	printf '{"memory": {"swappiness": 200}}' >"$T/res.json"
	run_rt update --resources "$T/res.json" c1
	assert_failure "update with swappiness 200"
	assert_contains "$ERR" ".linux.resources.memory.swappiness: 200 is not between 0 and 100"
	rt delete --force c1
}

# unified keys for a controller that v1 holds (memory on this hybrid
# host): refused with runc's words.
test_cg_unified_key_of_a_v1_controller() {
	grep -q '/memory/' <<<"$RT_TEST_CGROUPS" || skip "memory is not on a v1 hierarchy here"
	cfg '.linux.resources.unified = {"memory.min": "131072"}'
	set_args /rt-helper exit 0
	ctr_run c1
	assert_failure "unified memory.min with memory on v1"
	assert_contains "$ERR" "invalid configuration"
	assert_nothing_left c1
}

# cg50_nest ID: make `child/grandchild` below the container's cgroup in
# every hierarchy and move an exec'd sleeper there, as a container that
# makes cgroups of its own would (systemd inside, Docker in Docker, kind).
# Prints the host pid of the nested process.
cg50_nest() {
	local id=$1 d pid
	rt exec -d "$id" /rt-helper sleep 600 </dev/null >"$T/nest.out" 2>&1 || fail "exec of a sleeper into $id"
	wait_until 5 _cg50_two_procs "$id" || fail "the exec'd sleeper did not show up"
	pid=$(cat "$(cg50_dir "$id" cgroup.procs | head -n1)/cgroup.procs" | grep -vx "$(pid_of "$id")" | head -n1)
	for d in $(container_cgroup_dirs "$id"); do
		mkdir -p "$d/child/grandchild" || fail "mkdir below $d"
		if [ -f "$d/cpuset.cpus" ]; then
			cat "$d/cpuset.cpus" >"$d/child/cpuset.cpus" && cat "$d/cpuset.mems" >"$d/child/cpuset.mems" &&
				cat "$d/cpuset.cpus" >"$d/child/grandchild/cpuset.cpus" &&
				cat "$d/cpuset.mems" >"$d/child/grandchild/cpuset.mems"
		fi
		echo "$pid" >"$d/child/grandchild/cgroup.procs" || fail "move $pid into $d/child/grandchild"
	done
	echo "$pid"
}
_cg50_two_procs() { [ "$(grep -c . "$(cg50_dir "$1" cgroup.procs | head -n1)/cgroup.procs")" -ge 2 ]; }

# A container whose processes sit in cgroups it made below its own is
# still deleted whole (runc removes the subtree too); ps, kill --all and
# pause see the nested process.
test_cg_delete_with_sub_cgroups() {
	local dirs d nested
	cg50_start c1
	dirs=$(container_cgroup_dirs c1)
	nested=$(cg50_nest c1)
	run_rt ps --format json c1
	assert_success "ps"
	jq -e --argjson p "$nested" 'index($p) != null' <<<"$OUT" >/dev/null || fail "ps does not list the nested $nested: $OUT"
	run_rt pause c1
	assert_success "pause"
	d=$(cg50_need c1 freezer.state)
	assert_eq "$(cat "$d/child/grandchild/freezer.state")" FROZEN "the nested cgroup, once paused"
	run_rt resume c1
	assert_success "resume"
	run_rt delete --force c1
	assert_success "delete --force with sub-cgroups"
	wait_pid_gone "$nested"
	for d in $dirs; do
		[ ! -d "$d" ] || fail "$d left after delete"
	done
	assert_nothing_left c1
}

test_cg_kill_all_and_delete_with_sub_cgroups() {
	local nested
	cg50_start c1
	nested=$(cg50_nest c1)
	run_rt kill --all c1 KILL
	assert_success "kill --all"
	wait_pid_gone "$nested"
	wait_status c1 stopped
	run_rt delete c1
	assert_success "delete of the stopped container with sub-cgroups"
	assert_nothing_left c1
}

# cg50_frozen_create PATH DIR: freeze the freezer cgroup DIR (relative to
# the runner's), create c1 at cgroupsPath PATH, thaw, remove DIR; the
# create must fail saying why, leaving nothing.
cg50_frozen_create() {
	local fz
	fz=$(grep '/freezer/' <<<"$RT_TEST_CGROUPS" | head -n1)
	[ -n "$fz" ] || skip "no v1 freezer hierarchy"
	mkdir "$fz/$2" || fail "mkdir $fz/$2"
	echo FROZEN >"$fz/$2/freezer.state"
	cfg '.linux.cgroupsPath = $p' --arg p "$1"
	ctr_create c1
	STATUS=$?
	echo THAWED >"$fz/$2/freezer.state"
	find "$fz/$2" -depth -type d -exec rmdir {} + 2>/dev/null
	[ "$STATUS" -ne 0 ] || fail "create in a frozen cgroup succeeded"
	assert_contains "$(cat "$T/c1.err")" "unexpectedly frozen"
	assert_nothing_left c1
}

# A container put in a frozen cgroup would stop before its first step and
# create would wait for ever: refused, as runc refuses it.
test_cg_frozen_cgroup_refused() {
	cg50_frozen_create cg50-frozen cg50-frozen
}

# The same below a frozen parent (runc 1.1 waits for ever there).
rt_only test_cg_frozen_parent_refused
test_cg_frozen_parent_refused() {
	cg50_frozen_create cg50-frozen/c1 cg50-frozen
}

# ---------------------------------------------------------------------------
# The cgroup v2 code paths: a private mount namespace where cgroup2 is
# mounted over /sys/fs/cgroup (hiding the v1 hierarchies). Its root has
# only the controllers that v1 does not hold (hugetlb here), so these tests
# check what needs no controller: the eBPF device filter, cgroup.kill,
# cgroup.freeze, the checks for absent controllers, and statistics.

# cg50_v2 FUNC: run FUNC in that namespace; containers made there are
# deleted there (the outer namespace cannot see their cgroups).
cg50_v2() {
	unshare -m --propagation private -- bash -c '
		. "$ITEST_DIR/lib.sh"
		. "$1"
		trap "rc=\$?; lib_cleanup_containers; exit \$rc" EXIT
		mount -t cgroup2 none /sys/fs/cgroup || fail "cannot mount cgroup2 in a private mount namespace"
		"$2"' cg50-v2 "$ITEST_DIR/50-cgroups.sh" "$1"
	local rc=$?
	[ "$rc" -eq 77 ] && skip "$(cat "$T/.skip" 2>/dev/null)"
	[ "$rc" -eq 0 ] || fail "$(cat "$T/.reason" 2>/dev/null || echo "v2 part exited $rc")"
}

# cg50_v2_dir ID: the container's cgroup2 directory (relative path cg50-ID).
cg50_v2_dir() {
	echo "/sys/fs/cgroup$(awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup | sed 's#^/$##')/cg50-$1"
}

# cg50_v2_in ID CMD...: run CMD in the container's mount and pid namespaces
# and its cgroup (where its device filter applies).
cg50_v2_in() {
	local dir pid
	dir=$(cg50_v2_dir "$1")
	pid=$(pid_of "$1")
	shift
	sh -c 'echo $$ >"$1/cgroup.procs" && shift 2 && exec nsenter -t "$0" -m -p -- "$@"' "$pid" "$dir" x "$@"
}

cg50_v2_ebpf_devices() {
	[ -c /dev/kmsg ] || skip "no /dev/kmsg"
	add_mount '{"destination": "/dev/kmsg", "type": "bind", "source": "/dev/kmsg", "options": ["bind"]}'
	cfg '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "r"}]'
	cg50_start c1
	[ -e "$(cg50_v2_dir c1)/cgroup.procs" ] || fail "no cgroup2 directory $(cg50_v2_dir c1)"
	assert_eq "$(cg50_v2_in c1 /rt-helper write /dev/null)" ok "a default device is allowed"
	assert_eq "$(cg50_v2_in c1 /rt-helper write /dev/kmsg)" EPERM "write access not granted by an r rule"
	[ "$(cg50_v2_in c1 /rt-helper read /dev/kmsg | head -n1)" != EPERM ] || fail "read access granted by an r rule was denied"
	# replace the filter: the old one must be gone (all attached filters must allow)
	printf '{"devices": [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]}' |
		"$RT" --root "$ROOT" update --resources - c1 || fail "update of the device rules failed"
	assert_eq "$(cg50_v2_in c1 /rt-helper write /dev/kmsg)" ok "write allowed after update"
	printf '{"devices": [{"allow": false, "type": "c", "major": 1, "minor": 3, "access": "w"}]}' |
		"$RT" --root "$ROOT" update --resources - c1 || fail "update of the device rules failed"
	assert_eq "$(cg50_v2_in c1 /rt-helper write /dev/kmsg)" EPERM "the rules were replaced, not added to"
	assert_eq "$(cg50_v2_in c1 /rt-helper write /dev/null)" ok "a later default rule wins over an earlier deny"
	assert_eq "$(cg50_v2_in c1 /rt-helper write /dev/zero)" ok "other defaults still allowed"
}
rt_only test_cg_v2_ebpf_device_filter
test_cg_v2_ebpf_device_filter() { cg50_v2 cg50_v2_ebpf_devices; }

cg50_v2_kill_freeze() {
	local d pids p
	set_args /bin/sh -c '/rt-helper sleep 600 & exec /rt-helper sleep 600'
	cg50_start c1
	d=$(cg50_v2_dir c1)
	wait_until 5 cg50_ready 2 || fail "the sleepers did not start"
	run_rt pause c1
	assert_success "pause"
	assert_eq "$(status_of c1)" paused "status after pause"
	assert_eq "$(cat "$d/cgroup.freeze")" 1 "cgroup.freeze"
	run_rt resume c1
	assert_success "resume"
	assert_eq "$(cat "$d/cgroup.freeze")" 0 "cgroup.freeze after resume"
	pids=$(cat "$d/cgroup.procs")
	run_rt kill --all c1 KILL
	assert_success "kill --all"
	for p in $pids; do
		wait_pid_gone "$p"
	done
	run_rt delete c1
	assert_success "delete"
	[ ! -d "$d" ] || fail "$d left after delete"
}
# rt_only: on cgroup v2, runc puts relative paths below the caller's parent
rt_only test_cg_v2_freeze_and_cgroup_kill
test_cg_v2_freeze_and_cgroup_kill() { cg50_v2 cg50_v2_kill_freeze; }

cg50_v2_missing_controller() {
	cfg '.linux.cgroupsPath = "cg50-c1" | .linux.resources.memory = {"limit": 33554432}'
	grep -qw memory /sys/fs/cgroup/cgroup.controllers && skip "cgroup2 has memory here"
	ctr_create c1
	assert_failure "a memory limit without a memory controller"
	assert_contains "$(cat "$T/c1.err")" "memory controller" "the error names the controller"
	[ ! -e "$(cg50_v2_dir c1)" ] || fail "cgroup left behind"
	[ ! -e "$ROOT/c1" ] || fail "state left behind"
}
rt_only test_cg_v2_missing_controller_is_an_error
test_cg_v2_missing_controller_is_an_error() { cg50_v2 cg50_v2_missing_controller; }

cg50_v2_hugetlb_and_stats() {
	local p="/rt-test-$RUNNER_PID-v2h" d
	grep -qw hugetlb /sys/fs/cgroup/cgroup.controllers || skip "no hugetlb controller in cgroup2"
	# shellcheck disable=SC2064 # $p now: the local is gone when the trap runs
	trap "rc=\$?; lib_cleanup_containers; lib_remove_cgroup '/sys/fs/cgroup$p'; exit \$rc" EXIT
	cfg '.linux.cgroupsPath = $p | .linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 2097152}]' --arg p "$p/c1"
	ctr_run_detached c1 || fail "run failed: $(head -n1 "$T/c1.err")"
	wait_output "$T/c1.out" ready
	d=/sys/fs/cgroup$p/c1
	assert_eq "$(cat "$d/hugetlb.2MB.max")" 2097152 "hugetlb.2MB.max"
	run_rt events --stats c1
	assert_success "events --stats on cgroup v2"
	assert_json "$OUT" '.data.hugetlb["2MB"] | has("failcnt")' "hugetlb stats"
	assert_json "$OUT" '.data.cpu.usage.total > 0' "cpu usage from cpu.stat"
	run_rt delete --force c1
	[ ! -d "$d" ] || fail "$d left after delete"
}
rt_only test_cg_v2_hugetlb_and_stats
test_cg_v2_hugetlb_and_stats() { cg50_v2 cg50_v2_hugetlb_and_stats; }
