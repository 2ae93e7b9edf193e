# shellcheck shell=bash
# kill: signal names with and without SIG, numbers, default, --all.

# start_sleeper ID: create and start a helper that reports caught signals.
start_sleeper() {
	ctr_create "$1" || fail "create $1 failed: $(head -n1 "$T/$1.err")"
	run_rt start "$1"
	assert_success "start $1"
	wait_output "$T/$1.out" ready
}

count_in() { grep -cF -- "$2" "$1" 2>/dev/null; }

_count_is() { [ "$(count_in "$1" "$2")" -ge "$3" ]; }
wait_count() { # wait_count FILE TEXT N
	wait_until 10 _count_is "$1" "$2" "$3" ||
		fail "expected $3 '$2' in ${1##*/}, got $(count_in "$1" "$2")"
}

test_kill_usr1_forms() {
	local n=0 sig
	start_sleeper c1
	for sig in USR1 SIGUSR1 10; do
		run_rt kill c1 "$sig"
		assert_success "kill c1 $sig"
		n=$((n + 1))
		wait_count "$T/c1.out" "got SIGUSR1" "$n"
	done
	assert_eq "$(status_of c1)" running "USR1 is caught: still running"
}

test_kill_term_forms() {
	local sig i=0
	for sig in TERM SIGTERM 15; do
		i=$((i + 1))
		start_sleeper "t$i"
		run_rt kill "t$i" "$sig"
		assert_success "kill t$i $sig"
		wait_output "$T/t$i.out" "got SIGTERM"
		wait_status "t$i" stopped
	done
}

test_kill_default_signal_is_term() {
	start_sleeper c1
	run_rt kill c1
	assert_success "kill without a signal"
	wait_output "$T/c1.out" "got SIGTERM"
	wait_status c1 stopped
}

test_kill_kill_forms() {
	local sig i=0 pid
	for sig in KILL SIGKILL 9; do
		i=$((i + 1))
		start_sleeper "k$i"
		pid=$(pid_of "k$i")
		run_rt kill "k$i" "$sig"
		assert_success "kill k$i $sig"
		wait_status "k$i" stopped
		wait_pid_gone "$pid"
		refute_contains "$(cat "$T/k$i.out")" "got" "SIGKILL cannot be caught"
	done
}

test_kill_created_container() {
	local pid
	ctr_create c1 || fail "create failed"
	pid=$(pid_of c1)
	run_rt kill c1 KILL
	assert_success "kill of a created container"
	wait_status c1 stopped
	wait_pid_gone "$pid"
}

test_kill_stopped_fails() {
	set_args /rt-helper exit 0
	ctr_create c1 || fail "create failed"
	run_rt start c1
	wait_status c1 stopped
	run_rt kill c1 KILL
	assert_failure "kill of a stopped container"
}

test_kill_nonexistent_fails() {
	run_rt kill nonexistent KILL
	assert_failure "kill of a nonexistent container"
}

test_kill_bad_signal_fails() {
	start_sleeper c1
	run_rt kill c1 NOTASIGNAL
	assert_failure "kill with an unknown signal name"
	assert_eq "$(status_of c1)" running "status after a bad kill"
}

test_kill_all() {
	# init plus one more process: both report USR1.
	set_args /bin/sh -c '/rt-helper sleep 600 & exec /rt-helper sleep 600'
	ctr_create c1 || fail "create failed"
	run_rt start c1
	assert_success "start"
	wait_count "$T/c1.out" ready 2
	run_rt kill c1 USR1
	assert_success "kill USR1"
	wait_count "$T/c1.out" "got SIGUSR1" 1
	sleep 0.3
	assert_eq "$(count_in "$T/c1.out" "got SIGUSR1")" 1 "kill without --all signals only the init process"
	run_rt kill --all c1 USR1
	assert_success "kill --all USR1"
	wait_count "$T/c1.out" "got SIGUSR1" 3
	run_rt kill --all c1 KILL
	assert_success "kill --all KILL"
	wait_status c1 stopped
}

test_kill_all_shared_pid_namespace() {
	# Without a pid namespace, killing init does not kill the other
	# processes: --all must reach them all.
	local pids p
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	set_args /bin/sh -c '/rt-helper sleep 600 & exec /rt-helper sleep 600'
	ctr_create c1 || fail "create failed"
	run_rt start c1
	assert_success "start"
	wait_count "$T/c1.out" ready 2
	pids=$(container_pids c1)
	[ "$(wc -w <<<"$pids")" -ge 2 ] || fail "expected 2 processes in the container cgroup, got '$pids'"
	run_rt kill --all c1 KILL
	assert_success "kill --all KILL"
	wait_status c1 stopped
	for p in $pids; do
		wait_pid_gone "$p"
	done
}

# container_pids ID: host pids in the container's cgroup.
container_pids() {
	local d
	d=$(container_cgroup_dirs "$1" | head -n1)
	[ -n "$d" ] && cat "$d/cgroup.procs"
}
