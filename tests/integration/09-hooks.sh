# shellcheck shell=bash
# Hooks: each gets the state on stdin; order; args/env; timeout; failures.
#
# Every hook is `/bin/sh -c SCRIPT` and writes into $T/hooks, which is also
# bind-mounted at the same path in the container: createContainer and
# startContainer hooks run in the container's mount namespace.

HOOK_TYPES="createRuntime createContainer prestart startContainer poststart poststop"

hooks_setup() {
	mkdir -p "$T/hooks"
	cfg '.root.readonly = false | del(.hooks)'
	add_mount "$(jq -cn --arg d "$T/hooks" '{destination: $d, type: "bind", source: $d, options: ["rbind", "rw"]}')"
}

# add_hook TYPE SCRIPT [TIMEOUT]
add_hook() {
	local h
	h=$(jq -cn --arg s "$2" '{path: "/bin/sh", args: ["sh", "-c", $s]}')
	[ -n "${3:-}" ] && h=$(jq -c --argjson t "$3" '.timeout = $t' <<<"$h")
	cfg ".hooks.$1 = ((.hooks.$1 // []) + [\$h])" --argjson h "$h"
}

# add_state_hook TYPE: the hook saves its stdin to $T/hooks/TYPE.json
add_state_hook() { add_hook "$1" "cat > $T/hooks/$1.json"; }

hook_state() { cat "$T/hooks/$1.json" 2>/dev/null; }

assert_hook_ran() { [ -s "$T/hooks/$1.json" ] || fail "$1 hook did not run (or got no state)"; }
refute_hook_ran() { [ ! -e "$T/hooks/$1.json" ] || fail "$1 hook ran too early: $(hook_state "$1")"; }

# check_hook_state TYPE STATUS
check_hook_state() {
	local s
	assert_hook_ran "$1"
	s=$(hook_state "$1")
	assert_json "$s" '.id == "c1"' "$1 state id"
	assert_json "$s" --arg st "$2" '.status == $st' "$1 state status"
	assert_json "$s" --arg b "$(realpath "$BUNDLE")" '.bundle == $b' "$1 state bundle"
	assert_json "$s" '.ociVersion | type == "string"' "$1 state ociVersion"
}

test_hooks_get_state_on_stdin() {
	local t pid
	hooks_setup
	for t in $HOOK_TYPES; do add_state_hook "$t"; done
	ctr_create c1 || fail "create failed: $(head -n1 "$T/c1.err")"
	pid=$(pid_of c1)
	check_hook_state createRuntime creating
	check_hook_state createContainer creating
	# prestart (deprecated) is unspecified: runc says creating, crun created
	assert_hook_ran prestart
	assert_json "$(hook_state prestart)" '.id == "c1" and (.status == "creating" or .status == "created")' \
		"prestart state"
	assert_json "$(hook_state createRuntime)" --argjson p "$pid" '.pid == $p' "createRuntime state pid"
	assert_json "$(hook_state prestart)" --argjson p "$pid" '.pid == $p' "prestart state pid"
	assert_json "$(hook_state createContainer)" '.pid > 0' "createContainer state pid"
	refute_hook_ran startContainer
	refute_hook_ran poststop

	run_rt start c1
	assert_success "start"
	wait_output "$T/c1.out" ready
	check_hook_state startContainer created
	assert_json "$(hook_state startContainer)" '.pid > 0' "startContainer state pid"
	assert_hook_ran poststart
	assert_json "$(hook_state poststart)" '.id == "c1"' "poststart state id"
	refute_hook_ran poststop

	run_rt kill c1 KILL
	wait_status c1 stopped
	run_rt delete c1
	assert_success "delete"
	check_hook_state poststop stopped
}

# runc 1.1 runs poststart hooks at create (with status "created"); the spec
# runs them after the user process started, before `start` returns.
rt_only test_poststart_runs_at_start
test_poststart_runs_at_start() {
	local pid
	hooks_setup
	add_state_hook poststart
	ctr_create c1 || fail "create failed"
	pid=$(pid_of c1)
	refute_hook_ran poststart
	run_rt start c1
	assert_success "start"
	check_hook_state poststart running
	assert_json "$(hook_state poststart)" --argjson p "$pid" '.pid == $p' "poststart state pid"
}

# The state's pid is the container process "as seen by the host": runc 1.1
# gives createContainer and startContainer hooks the pid inside the
# container's pid namespace (1).
rt_only test_hook_state_pid_is_host_pid
test_hook_state_pid_is_host_pid() {
	local pid
	hooks_setup
	add_state_hook createContainer
	add_state_hook startContainer
	ctr_create c1 || fail "create failed"
	pid=$(pid_of c1)
	run_rt start c1
	assert_success "start"
	assert_json "$(hook_state createContainer)" --argjson p "$pid" '.pid == $p' "createContainer state pid"
	assert_json "$(hook_state startContainer)" --argjson p "$pid" '.pid == $p' "startContainer state pid"
}

test_hook_order() {
	local t
	hooks_setup
	for t in createRuntime createContainer startContainer; do
		add_hook "$t" "echo $t >> $T/hooks/order"
	done
	ctr_create c1 || fail "create failed"
	run_rt start c1
	assert_success "start"
	assert_eq "$(tr '\n' ' ' <"$T/hooks/order")" "createRuntime createContainer startContainer " "hook order"
}

test_hooks_run_in_order_within_a_type() {
	hooks_setup
	add_hook createRuntime "echo first >> $T/hooks/seq"
	add_hook createRuntime "echo second >> $T/hooks/seq"
	add_hook createRuntime "echo third >> $T/hooks/seq"
	ctr_create c1 || fail "create failed"
	assert_eq "$(tr '\n' ' ' <"$T/hooks/seq")" "first second third " "hooks of one type run in order"
}

test_hook_args_and_env() {
	hooks_setup
	local h
	h=$(jq -cn --arg f "$T/hooks/args" '{path: "/bin/sh",
		args: ["sh", "-c", "echo \"$0|$1|$HOOK_VAR|${RT_HOOK_LEAK:-unset}\" > " + $f, "arg0", "arg1"],
		env: ["HOOK_VAR=hook value"]}')
	cfg '.hooks.createRuntime = [$h]' --argjson h "$h"
	# the runtime's own environment must not reach the hook
	RT_HOOK_LEAK=leaked ctr_create c1 || fail "create failed"
	assert_eq "$(cat "$T/hooks/args")" "arg0|arg1|hook value|unset" "hook argv and env (env is exactly the hook's)"
}

test_hook_timeout() {
	local start
	hooks_setup
	add_hook createRuntime "exec sleep 30" 1
	start=$SECONDS
	ctr_create c1
	assert_failure "create with a hook exceeding its timeout"
	[ $((SECONDS - start)) -lt 20 ] || fail "hook timeout of 1s not honoured: create took $((SECONDS - start))s"
	rt delete --force c1 >/dev/null 2>&1
	assert_nothing_left c1
}

test_hook_within_timeout_succeeds() {
	hooks_setup
	add_hook createRuntime "sleep 0.2; echo done > $T/hooks/slow" 5
	ctr_create c1 || fail "create with a hook within its timeout failed"
	assert_eq "$(cat "$T/hooks/slow")" "done" "slow hook output"
}

test_failing_createruntime_hook() {
	hooks_setup
	add_hook createRuntime "exit 1"
	add_state_hook poststop
	ctr_create c1
	assert_failure "create with a failing createRuntime hook"
	[ ! -s "$T/c1.out" ] || fail "the container process ran: $(cat "$T/c1.out")"
	assert_nothing_left c1
}

test_failing_createcontainer_hook() {
	hooks_setup
	add_hook createContainer "exit 7"
	ctr_create c1
	assert_failure "create with a failing createContainer hook"
	assert_nothing_left c1
}

test_failing_prestart_hook() {
	hooks_setup
	add_hook prestart "exit 1"
	ctr_create c1
	assert_failure "create with a failing prestart hook"
	assert_nothing_left c1
}

test_failing_poststop_hook_removes_container() {
	hooks_setup
	add_hook poststop "exit 1"
	ctr_create c1 || fail "create failed"
	run_rt start c1
	wait_output "$T/c1.out" ready
	run_rt kill c1 KILL
	wait_status c1 stopped
	run_rt delete c1
	assert_nothing_left c1
}

# runtime-spec: a failing poststop hook is logged as a warning and the
# lifecycle continues. runc 1.1 makes `delete` exit 1 (though it deletes).
rt_only test_failing_poststop_hook_delete_succeeds
test_failing_poststop_hook_delete_succeeds() {
	hooks_setup
	add_hook poststop "exit 1"
	add_hook poststop "echo ran > $T/hooks/second"
	ctr_create c1 || fail "create failed"
	run_rt start c1
	wait_output "$T/c1.out" ready
	run_rt kill c1 KILL
	wait_status c1 stopped
	run_rt delete c1
	assert_success "delete with a failing poststop hook"
	assert_eq "$(cat "$T/hooks/second" 2>/dev/null)" ran "the next poststop hook ran"
	assert_nothing_left c1
}

# runtime-spec: a failing poststart hook is logged as a warning and the
# lifecycle continues. runc 1.1 fails `start` and kills the container.
rt_only test_failing_poststart_hook_start_succeeds
test_failing_poststart_hook_start_succeeds() {
	hooks_setup
	add_hook poststart "exit 1"
	ctr_create c1 || fail "create failed"
	run_rt start c1
	assert_success "start with a failing poststart hook"
	wait_output "$T/c1.out" ready
	assert_eq "$(status_of c1)" running "status after a failing poststart hook"
}

# runc runs createContainer hooks from inside the rootfs: a relative path
# in a hook is the container's.
test_createcontainer_hook_cwd_is_rootfs() {
	hooks_setup
	add_hook createContainer "pwd > $T/hooks/cwd"
	set_args /rt-helper exit 0
	ctr_run c1
	assert_success "run"
	assert_eq "$(cat "$T/hooks/cwd")" "$(realpath "$BUNDLE/rootfs")" "the createContainer hook's cwd"
}

# startContainer hooks run last before the execve, as runc runs them: as
# the container's user, under its seccomp filter.
test_startcontainer_hook_as_the_process() {
	hooks_setup
	chmod 777 "$T/hooks"
	add_hook startContainer "id -u > $T/hooks/uid"
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	set_args /rt-helper exit 0
	ctr_run c1
	assert_success "run"
	assert_eq "$(cat "$T/hooks/uid")" 1000 "the hook's uid"
}

# ... and with stdio only, none of the runtime's fds (the hook writes to
# the container's stdout, where runc's hooks write elsewhere).
rt_only test_startcontainer_hook_fds
test_startcontainer_hook_fds() {
	hooks_setup
	cfg '.hooks.startContainer = [{"path": "/rt-helper", "args": ["rt-helper", "fds"]}]'
	set_args /rt-helper exit 0
	ctr_run c1
	assert_success "run"
	assert_eq "$(grep -c '^[0-9]*=' <<<"$OUT")" 3 "the hook's fds: $(tr '\n' ' ' <<<"$OUT")"
}

test_startcontainer_hook_under_seccomp() {
	hooks_setup
	add_hook startContainer "mkdir $T/hooks/made"
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args /rt-helper exit 0
	ctr_run c1
	assert_failure "run with a startContainer hook the profile forbids"
	assert_contains "$ERR" "error running hook" "runc's words"
	[ ! -d "$T/hooks/made" ] || fail "the hook ran without the filter"
}

# A hook the filter kills: Go's words for the signal, as runc reports it.
test_startcontainer_hook_killed_by_seccomp() {
	hooks_setup
	add_hook startContainer "mkdir $T/hooks/made"
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL"}]}'
	set_args /rt-helper exit 0
	ctr_run c1
	assert_failure "run with a startContainer hook the profile kills"
	assert_contains "$ERR" "error running hook" "runc's words"
	assert_contains "$ERR" "bad system call" "Go's words for SIGSYS"
}
