# shellcheck shell=bash
# Operations on a running container: exec, ps, pause/resume, update,
# events, features.

start_c1() {
	ctr_create c1 || fail "create failed: $(head -n1 "$T/c1.err")"
	run_rt start c1
	assert_success "start"
	wait_output "$T/c1.out" ready
}

test_exec_joins_container() {
	local pid epid n
	start_c1
	pid=$(pid_of c1)
	run_rt exec c1 /rt-helper ns
	assert_success "exec"
	for n in pid net mnt ipc uts cgroup; do
		assert_eq "$(kv "$n")" "$(stat -L -c %i "/proc/$pid/ns/$n")" "exec'd process' $n namespace"
	done
	# a long-lived exec'd process, to compare cgroups from the host
	"$RT" --root "$ROOT" exec --detach --pid-file "$T/exec.pid" c1 /rt-helper sleep 600 \
		</dev/null >"$T/exec.out" 2>&1 || fail "exec --detach failed: $(head -n1 "$T/exec.out")"
	epid=$(tr -d '[:space:]' <"$T/exec.pid")
	track_pid "$epid"
	[[ $epid =~ ^[0-9]+$ ]] || fail "exec --pid-file holds '$epid'"
	wait_output "$T/exec.out" ready
	assert_eq "$(cat "/proc/$epid/cgroup")" "$(cat "/proc/$pid/cgroup")" "exec'd process' cgroups (host view)"
}

test_exec_exit_status() {
	start_c1
	run_rt exec c1 /rt-helper exit 5
	assert_status 5 "exec exit status"
}

test_exec_user_env_cwd() {
	start_c1
	run_rt exec --user 1000:1000 --env FOO=bar --cwd /tmp c1 /rt-helper ids
	assert_success "exec --user"
	assert_kv uid 1000
	assert_kv gid 1000
	run_rt exec --env FOO=bar --cwd /tmp c1 /rt-helper env
	grep -qx FOO=bar <<<"$OUT" || fail "exec --env FOO=bar not in env"
	run_rt exec --cwd /tmp c1 /rt-helper cwd
	assert_kv cwd /tmp
}

test_exec_stopped_container_fails() {
	set_args /rt-helper exit 0
	ctr_create c1 || fail "create failed"
	run_rt start c1
	wait_status c1 stopped
	run_rt exec c1 /rt-helper pid
	assert_failure "exec in a stopped container"
}

test_ps() {
	local pid
	start_c1
	pid=$(pid_of c1)
	run_rt ps c1
	assert_success "ps"
	assert_match "$(first_line "$OUT")" 'PID' "ps header"
	run_rt ps --format json c1
	assert_success "ps --format json"
	assert_json "$OUT" --argjson p "$pid" 'type == "array" and index($p) != null' "ps json has the init pid"
}

test_pause_resume() {
	start_c1
	run_rt pause c1
	assert_success "pause"
	assert_eq "$(status_of c1)" paused "status after pause"
	run_rt kill c1 USR1
	sleep 0.5
	refute_contains "$(cat "$T/c1.out")" "got SIGUSR1" "a paused process handled a signal"
	run_rt resume c1
	assert_success "resume"
	assert_eq "$(status_of c1)" running "status after resume"
	wait_output "$T/c1.out" "got SIGUSR1"
}

test_delete_force_paused() {
	local pid
	start_c1
	pid=$(pid_of c1)
	run_rt pause c1
	assert_success "pause"
	run_rt delete --force c1
	assert_success "delete --force of a paused container"
	wait_pid_gone "$pid"
	assert_nothing_left c1
}

test_update_pids_limit() {
	local d f
	start_c1
	run_rt update --pids-limit 50 c1
	assert_success "update --pids-limit"
	for d in $(container_cgroup_dirs c1); do
		[ -f "$d/pids.max" ] && f=$d/pids.max
	done
	[ -n "${f:-}" ] || skip "no pids controller"
	assert_eq "$(cat "$f")" 50 "pids.max after update"
}

test_events_stats() {
	start_c1
	run_rt events --stats c1
	assert_success "events --stats"
	assert_json "$(first_line "$OUT")" '.type == "stats" and .id == "c1"' "events --stats"
}

test_features() {
	run_cmd "$RT" features
	assert_success "features"
	assert_json "$OUT" '(.ociVersionMin | type == "string") and (.ociVersionMax | type == "string")' "features versions"
	assert_json "$OUT" '.linux.namespaces | index("pid") != null' "features lists namespaces"
	assert_json "$OUT" '.hooks | index("poststop") != null' "features lists hooks"
}
