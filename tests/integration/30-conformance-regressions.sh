# shellcheck shell=bash
# Behaviours the OCI validation suite caught in rt, kept as rt's own tests.

# A container without a mount namespace still gets its mounts (in the
# caller's namespace, as the config asks) and its /proc, and can wait for
# `start` (rt reopens exec.fifo through /proc/self/fd).
test_no_mount_namespace_waits_for_start() {
	local mnt
	# a read-only root needs a mount namespace of its own
	cfg '.linux.namespaces |= map(select(.type != "mount")) | .root.readonly = false'
	set_args /rt-helper pid
	ctr_create c1 || fail "create without a mount namespace failed: $(first_line "$(cat "$T/c1.err")")"
	assert_eq "$(status_of c1)" created "status after create"
	rt start c1 || fail "start failed"
	wait_status c1 stopped
	assert_contains "$(cat "$T/c1.out")" "pid=" "the process ran"
	rt delete c1 || fail "delete failed"
	# the mounts were made in this (the test's) mount namespace: undo them
	for mnt in $(mounts_under "$BUNDLE" | sort -r); do umount -l "$mnt"; done
}

# A hostname with a uts namespace joined by path is allowed (runc's rule).
test_hostname_with_joined_uts_namespace() {
	local pid
	set_args /rt-helper sleep 60
	ctr_create c1 || fail "create c1 failed"
	pid=$(pid_of c1)
	cfg '.linux.namespaces |= map(if .type == "uts" then .path = ("/proc/" + $p + "/ns/uts") else . end)' --arg p "$pid"
	cfg '.hostname = "joined"'
	run_helper hostname
	assert_kv hostname joined
}

# A container in a user namespace reaches the exec fifo while it waits.
test_user_namespace_container_waits_for_start() {
	cfg '.linux.namespaces += [{"type": "user"}]'
	cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	cfg '.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	chmod 755 "$T" "$BUNDLE"
	set_args /rt-helper ids
	ctr_create c1 || fail "create in a user namespace failed: $(first_line "$(cat "$T/c1.err")")"
	sleep 0.2
	assert_eq "$(status_of c1)" created "status while waiting for start"
	rt start c1 || fail "start failed"
	wait_status c1 stopped
	assert_contains "$(cat "$T/c1.out")" "uid=0" "root inside the user namespace"
}

# Every poststart hook runs even when an earlier one fails.
test_poststart_hooks_keep_going() {
	cfg '.hooks.poststart = [{"path": "/bin/false"}, {"path": "/bin/sh", "args": ["sh", "-c", "echo ran >> \($f)"]}]' \
		--arg f "$T/second"
	set_args /rt-helper exit 0
	ctr_create c1 || fail "create failed"
	rt start c1 || fail "start failed despite a failing poststart hook"
	[ -s "$T/second" ] || fail "the second poststart hook did not run"
}

# A config without `process` can be created; `start` then fails and says why.
test_start_without_process_fails() {
	cfg 'del(.process)'
	ctr_create c1 || fail "create without process failed: $(first_line "$(cat "$T/c1.err")")"
	run_rt start c1
	assert_failure "start without process"
	assert_contains "$ERR" ".process is not set" "start's error"
	rt delete --force c1 || fail "delete failed"
	assert_nothing_left c1
}
rt_only test_start_without_process_fails

# prestart hooks see the state of a created container (as with crun).
test_prestart_state_is_created() {
	cfg '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \($f)"]}]' --arg f "$T/prestart.json"
	set_args /rt-helper exit 0
	ctr_create c1 || fail "create failed"
	assert_json "$(cat "$T/prestart.json")" '.status == "created" and .id == "c1"' "prestart state"
}
rt_only test_prestart_state_is_created
