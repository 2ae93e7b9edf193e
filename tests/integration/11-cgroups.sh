# shellcheck shell=bash
# cgroups: the default path, relative paths below the caller's cgroup, removal, limits.
# The runner lives in rt-test-PID cgroups ($RT_TEST_CGROUPS), so default and
# relative paths land below them.

# the runner's cgroup dir of the hierarchy that has FILE
runner_cgroup_with() {
	local d
	while IFS= read -r d; do
		[ -n "$d" ] && [ -e "$d/$1" ] && { echo "$d"; return 0; }
	done <<<"$RT_TEST_CGROUPS"
	return 1
}

# container_cgroup_with ID FILE: the container's cgroup dir that has FILE
container_cgroup_with() {
	local d
	for d in $(container_cgroup_dirs "$1"); do
		[ -e "$d/$2" ] && { echo "$d"; return 0; }
	done
	return 1
}

# check_below_caller ID V1_ONLY: the container's process is in a child of
# the caller's (runner's) cgroup in every hierarchy (v1 ones only if asked).
check_below_caller() {
	local pid d mine rel found
	pid=$(pid_of "$1")
	[ -n "$pid" ] || fail "no pid for $1"
	while IFS= read -r mine; do
		[ -n "$mine" ] || continue
		if [ "$2" = 1 ] && [ "$(stat -f -c %T "$mine")" = cgroup2fs ]; then
			continue
		fi
		found=""
		while IFS= read -r d; do
			grep -qx "$pid" "$d/cgroup.procs" 2>/dev/null && found=$d
		done < <(find "$mine" -mindepth 1 -type d)
		[ -n "$found" ] || fail "container process not below the caller's cgroup $mine: $(tr '\n' ' ' <"/proc/$pid/cgroup")"
	done <<<"$RT_TEST_CGROUPS"
}

# Without cgroupsPath rt uses /rt/<id> (/rt-<hash of --root>/<id> for a
# --root other than /run/rt) in every hierarchy, never the caller's cgroup;
# runc uses <caller>/<id>. The leaf is the id either way.
rt_only test_cgroup_default_is_rt_id
test_cgroup_default_is_rt_id() {
	local dirs d n=0
	cfg 'del(.linux.cgroupsPath)'
	ctr_create c1 || fail "create failed"
	dirs=$(container_cgroup_dirs c1)
	for d in $dirs; do
		case $d in
		*/rt-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]/c1) n=$((n + 1)) ;;
		*) fail "default cgroup $d is not <hierarchy>/rt-<hash>/c1" ;;
		esac
		grep -qF " ${d%/rt-*} " /proc/self/mountinfo || fail "$d is not at the root of its hierarchy"
	done
	[ "$n" -gt 0 ] || fail "no container cgroup found"
	run_rt delete --force c1
	assert_success "delete"
	for d in $dirs; do
		[ ! -d "$d" ] || fail "cgroup $d left after delete"
	done
}

test_cgroup_removed_on_delete() {
	local dirs d
	ctr_create c1 || fail "create failed"
	run_rt start c1
	wait_output "$T/c1.out" ready
	dirs=$(container_cgroup_dirs c1)
	[ -n "$dirs" ] || fail "no container cgroup found"
	run_rt kill c1 KILL
	wait_status c1 stopped
	run_rt delete c1
	assert_success "delete"
	for d in $dirs; do
		[ ! -d "$d" ] || fail "cgroup $d left after delete"
	done
}

test_cgroups_path_relative() {
	local d base rel="rt-rel-$RUNNER_PID"
	cfg '.linux.cgroupsPath = $p' --arg p "$rel/c1"
	ctr_create c1 || fail "create failed"
	for d in $(container_cgroup_dirs c1); do
		base=$(grep -xF -- "${d%/"$rel"/c1}" <<<"$RT_TEST_CGROUPS") ||
			fail "relative cgroupsPath not below the caller's cgroup: $d"
	done
	[ -n "$base" ] || fail "no container cgroup found"
	rt delete --force c1
	# The runtime may keep the intermediate dir (runc 1.1 does, and puts it
	# at the root of the cgroup2 hierarchy): remove it, if empty.
	while IFS= read -r d; do
		rmdir "$d/$rel" "${d%/*}/$rel" 2>/dev/null
	done <<<"$RT_TEST_CGROUPS"
	true
}

test_cgroups_path_absolute() {
	local d mine
	cfg '.linux.cgroupsPath = $p' --arg p "/rt-test-$RUNNER_PID/abs/c1"
	ctr_create c1 || fail "create failed"
	for d in $(container_cgroup_dirs c1); do
		mine=$(grep -xF -- "${d%/abs/c1}" <<<"$RT_TEST_CGROUPS") ||
			fail "absolute cgroupsPath /rt-test-$RUNNER_PID/abs/c1 not honoured: $d"
	done
	[ -n "$mine" ] || fail "no container cgroup found"
	rt delete --force c1
	while IFS= read -r d; do rmdir "$d/abs" 2>/dev/null; done <<<"$RT_TEST_CGROUPS"
	true
}

# A cgroup that already holds processes is someone else's: a second
# container with the same cgroupsPath is refused, and its failed create
# neither kills nor removes what the first one runs (runc 1.1 allows it).
# A container put in a cgroup that already holds another's processes:
# runc 1.1 warns and goes on (its words); so does rt.
test_cgroups_path_occupied_warns() {
	local p="/rt-test-$RUNNER_PID/shared"
	cfg '.linux.cgroupsPath = $p' --arg p "$p"
	set_args /rt-helper sleep 600
	ctr_create c1 || fail "first create failed"
	ctr_create c2 || fail "second create into an occupied cgroup failed: $(head -n1 "$T/c2.err")"
	assert_contains "$(cat "$T/c2.err")" "container's cgroup is not empty" "the warning"
	rt delete --force c2
	rt delete --force c1
	while IFS= read -r d; do rmdir "$d/${p#"/rt-test-$RUNNER_PID/"}" 2>/dev/null; done <<<"$RT_TEST_CGROUPS"
	true
}

# ... and never kills what it did not start: delete, kill --all and ps of
# the second container see its own processes only (runc kills them all).
rt_only test_cgroups_path_occupied_is_shared_safely
test_cgroups_path_occupied_is_shared_safely() {
	local p="/rt-test-$RUNNER_PID/shared" pid1 pid2
	cfg '.linux.cgroupsPath = $p' --arg p "$p"
	set_args /rt-helper sleep 600
	ctr_create c1 || fail "first create failed"
	ctr_create c2 || fail "second create failed"
	pid1=$(pid_of c1)
	pid2=$(pid_of c2)
	run_rt start c2
	assert_success "start c2"
	run_rt ps --format json c2
	assert_json "$OUT" --argjson p "$pid2" '. == [$p]' "ps of the second container lists its process only"
	run_rt kill --all c2 USR1
	assert_success "kill --all of the second container"
	kill -0 "$pid1" || fail "kill --all reached the first container's process"
	run_rt delete --force c2
	assert_success "delete --force of the second container"
	wait_pid_gone "$pid2"
	kill -0 "$pid1" || fail "the first container's process was killed"
	[ -n "$(container_cgroup_dirs c1)" ] || fail "the first container's cgroup is gone"
	rt delete --force c1
	while IFS= read -r d; do rmdir "$d/${p#"/rt-test-$RUNNER_PID/"}" 2>/dev/null; done <<<"$RT_TEST_CGROUPS"
	true
}

test_memory_limit() {
	local d
	cfg '.linux.resources.memory = {"limit": 67108864}'
	ctr_create c1 || fail "create failed"
	if d=$(container_cgroup_with c1 memory.limit_in_bytes); then
		assert_eq "$(cat "$d/memory.limit_in_bytes")" 67108864 "memory.limit_in_bytes"
	elif d=$(container_cgroup_with c1 memory.max); then
		assert_eq "$(cat "$d/memory.max")" 67108864 "memory.max"
	else
		skip "no memory controller"
	fi
}

test_pids_limit() {
	local d
	cfg '.linux.resources.pids = {"limit": 32}'
	ctr_create c1 || fail "create failed"
	d=$(container_cgroup_with c1 pids.max) || skip "no pids controller"
	assert_eq "$(cat "$d/pids.max")" 32 "pids.max"
}

# runtime-spec 1.3: pids.limit is optional, 0 is a limit like any other
# (runc 1.1 reads 0 as unset; runc 1.4 writes 1), below 0 is no limit.
rt_only test_pids_limit_zero_absent_negative
test_pids_limit_zero_absent_negative() {
	local d
	cfg '.linux.resources.pids = {"limit": 0} | .process.args = ["/rt-helper", "exit", "0"]'
	ctr_create c1 || fail "create with pids.limit 0 failed: $(first_line "$(cat "$T/c1.err")")"
	d=$(container_cgroup_with c1 pids.max) || skip "no pids controller"
	assert_eq "$(cat "$d/pids.max")" 0 "pids.max for a limit of 0"
	run_rt start c1
	assert_success "the init process itself runs under pids.max 0"
	cfg '.linux.resources.pids = {}'
	ctr_create c2 || fail "create without pids.limit failed"
	assert_eq "$(cat "$(container_cgroup_with c2 pids.max)/pids.max")" max "pids.max left alone"
	cfg '.linux.resources.pids = {"limit": -1}'
	ctr_create c3 || fail "create with pids.limit -1 failed"
	assert_eq "$(cat "$(container_cgroup_with c3 pids.max)/pids.max")" max "pids.max for -1"
}

test_cpu_shares() {
	local d
	cfg '.linux.resources.cpu = {"shares": 512}'
	ctr_create c1 || fail "create failed"
	d=$(container_cgroup_with c1 cpu.shares) || skip "no cgroup v1 cpu controller"
	assert_eq "$(cat "$d/cpu.shares")" 512 "cpu.shares"
}

test_cpuset_cpus() {
	local d
	cfg '.linux.resources.cpu = {"cpus": "0"}'
	ctr_create c1 || fail "create failed"
	d=$(container_cgroup_with c1 cpuset.cpus) || skip "no cpuset controller"
	assert_eq "$(cat "$d/cpuset.cpus")" 0 "cpuset.cpus"
}

# Docker sends zero for every value it does not set: zero means "not set",
# as with runc, and is never written to the cgroup.
test_zero_values_are_unset() {
	cfg '.linux.resources.blockIO = {"weight": 0} | .linux.resources.cpu = {"shares": 0, "quota": 0, "period": 0}'
	cfg '.linux.resources.memory = {"kernel": 0, "reservation": 0}'
	ctr_create c1 || fail "create with zero values failed: $(first_line "$(cat "$T/c1.err")")"
	rt update --resources - c1 <<<'{"memory":{"limit":33554432,"reservation":0,"swap":67108864,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0},"blockIO":{"weight":0}}' ||
		fail "update with Docker's zero values failed"
	assert_eq "$(cat "$(container_cgroup_with c1 memory.limit_in_bytes)/memory.limit_in_bytes")" 33554432 "memory limit after update"
}
