# shellcheck shell=bash
# What engines read from a runtime: the words of its refusals (containerd's
# shim, go-runc, Podman, conmon and CRI-O match them: docs/engines.md),
# its exit codes, and runc's command-line habits. Each test runs against
# runc too (RT=runc): the words and codes are runc's.

# contract_sleeper ID: a started container of /rt-helper sleep.
contract_sleeper() {
	ctr_create "$1" || fail "create $1 failed: $(head -n1 "$T/$1.err")"
	run_rt start "$1"
	assert_success "start $1"
	wait_output "$T/$1.out" ready
}

# contract_stopped ID: a container whose process has exited (the bundle's
# args stay /rt-helper exit 0: make sleepers first).
contract_stopped() {
	set_args /rt-helper exit 0
	ctr_create "$1" || fail "create $1 failed"
	run_rt start "$1"
	wait_status "$1" stopped
}

# expect_refusal STATUS WORDS CMD...: the runtime fails with STATUS and
# its stderr carries runc's WORDS (containerd reads stderr for these).
expect_refusal() {
	local code=$1 words=$2
	shift 2
	run_rt "$@"
	assert_status "$code" "$*"
	assert_contains "$ERR" "$words" "$* says runc's words"
}

# containerd's shim stops a pod with `kill ID 9` and takes `container not
# running` for "already gone": a pod whose process exited on its own
# must not fail its StopPodSandbox.
test_contract_kill_stopped_and_missing() {
	contract_stopped c1
	expect_refusal 1 "container not running" kill c1 9
	expect_refusal 1 "container not running" kill c1 KILL
	expect_refusal 1 "container does not exist" kill nosuch 9
	# kill --all of a stopped container succeeds (runc 1.1)
	run_rt kill --all c1 KILL
	assert_success "kill --all of a stopped container"
}

test_contract_delete_and_state() {
	contract_sleeper c1
	expect_refusal 1 "cannot delete container c1 that is not stopped: running" delete c1
	expect_refusal 1 "container does not exist" delete nosuch
	run_rt delete --force nosuch
	assert_success "delete --force of a missing container"
	[ -z "$ERR" ] || fail "delete --force of a missing container said: $ERR"
	expect_refusal 1 "container does not exist" state nosuch
	[ -z "$OUT" ] || fail "state of a missing container printed: $OUT"
}

test_contract_start_wrong_state() {
	contract_sleeper c1
	expect_refusal 1 "cannot start an already running container" start c1
	run_rt pause c1
	assert_success "pause"
	expect_refusal 1 "cannot start a container in the paused state" start c1
	run_rt resume c1
	contract_stopped c2
	expect_refusal 1 "cannot start a container that has stopped" start c2
}

test_contract_pause_resume_update_wrong_state() {
	contract_sleeper c2
	expect_refusal 1 "container not paused" resume c2
	contract_stopped c1
	expect_refusal 1 "container not running" pause c1
	expect_refusal 1 "container not paused" resume c1
	expect_refusal 1 "container does not exist" pause nosuch
	expect_refusal 1 "container does not exist" update --pids-limit 10 nosuch
}

# exec fails with 255, as runc's exec does.
test_contract_exec_wrong_state() {
	contract_stopped c1
	expect_refusal 255 "cannot exec in a stopped container" exec c1 /rt-helper pid
	expect_refusal 255 "container does not exist" exec nosuch /rt-helper pid
}

test_contract_create_exists() {
	contract_sleeper c1
	cfg '.process.args = ["/rt-helper", "exit", "0"]'
	ctr_create c1
	assert_status 1 "create of an id that exists"
	assert_contains "$(cat "$T/c1.err")" "container with given ID already exists"
}

# Signal 0 asks whether the process is alive.
test_contract_kill_signal_zero() {
	contract_sleeper c1
	run_rt kill c1 0
	assert_success "kill c1 0"
	run_rt kill -a c1 0
	assert_success "kill -a c1 0"
	assert_eq "$(status_of c1)" running "signal 0 changed nothing"
}

# runc takes options after the id (urfave/cli moves them ahead), but for
# exec's and ps's arguments.
test_contract_options_after_the_id() {
	contract_sleeper c1
	run_rt update c1 --pids-limit 42
	assert_success "update ID --pids-limit"
	local d
	d=$(container_cgroup_dirs c1 | while read -r x; do [ -f "$x/pids.max" ] && echo "$x"; done | head -n1)
	[ -z "$d" ] || assert_eq "$(cat "$d/pids.max")" 42 "pids.max after update ID --pids-limit"
	run_rt kill c1 KILL --all
	assert_success "kill ID SIGNAL --all"
	wait_status c1 stopped
	run_rt delete c1 --force
	assert_success "delete ID --force"
	assert_nothing_left c1
	contract_sleeper c2
	run_rt exec c2 /bin/echo --all
	assert_success "exec keeps options after the command for the command"
	assert_contains "$OUT" "--all"
}

# pidfd_receiver SOCKET OUT: a listener that accepts once, takes the fd and
# its bytes, and writes `payload=...`, `pid=...` (the fd's process, from
# fdinfo) and `kind=...` (what the fd is) to OUT.
pidfd_receiver() {
	python3 - "$1" "$2" <<'PY' &
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
open(out + ".ready", "w").close()
s.settimeout(30)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 64, 4)
pid = [l.split()[1] for l in open("/proc/self/fdinfo/%d" % fds[0]) if l.startswith("Pid:")]
with open(out, "w") as f:
    f.write("payload=[%s]\npid=%s\nkind=%s\nnfds=%d\n" % (msg.decode(), pid[0] if pid else "", os.readlink("/proc/self/fd/%d" % fds[0]), len(fds)))
PY
	track_pid $!
	wait_until 10 test -e "$2.ready" || fail "the pidfd receiver did not start"
}

# runc's --pidfd-socket: a pidfd of the container's process (create, run)
# or of the exec'd one, with runc's words for which it is.
rt_only test_contract_pidfd_socket
test_contract_pidfd_socket() {
	pidfd_receiver "$T/c.sock" "$T/c.got"
	ctr_create c1 --pidfd-socket "$T/c.sock" || fail "create --pidfd-socket: $(head -n1 "$T/c1.err")"
	wait_until 10 test -s "$T/c.got" || fail "no pidfd came"
	OUT=$(cat "$T/c.got")
	assert_kv payload "[standard]"
	assert_kv kind "anon_inode:[pidfd]"
	assert_kv pid "$(pid_of c1)"
	pidfd_receiver "$T/e.sock" "$T/e.got"
	run_rt exec -d --pidfd-socket "$T/e.sock" c1 /rt-helper sleep 30
	assert_success "exec --pidfd-socket"
	wait_until 10 test -s "$T/e.got" || fail "no pidfd came for exec"
	OUT=$(cat "$T/e.got")
	assert_kv payload "[setns]"
	[ "$(kv pid)" != "$(pid_of c1)" ] || fail "the exec'd process's pidfd is the init's"
	rt delete --force c1
	run_rt create --bundle "$BUNDLE" --pidfd-socket "$T/nobody.sock" c2
	assert_failure "create with a socket nobody listens on"
	assert_contains "$ERR" "--pidfd-socket"
	assert_nothing_left c2
}

# crun's run.oci.pidfd_receiver annotation: the same, crun's one space.
rt_only test_contract_pidfd_receiver_annotation
test_contract_pidfd_receiver_annotation() {
	pidfd_receiver "$T/a.sock" "$T/a.got"
	cfg '.annotations["run.oci.pidfd_receiver"] = $s' --arg s "$T/a.sock"
	ctr_run_detached c1 || fail "run -d with the annotation: $(head -n1 "$T/c1.err")"
	wait_until 10 test -s "$T/a.got" || fail "no pidfd came"
	OUT=$(cat "$T/a.got")
	assert_kv payload "[ ]"
	assert_kv pid "$(pid_of c1)"
}

# In the host's pid namespace a container's orphans come to `run` (a
# subreaper, as runc), which reaps them; --no-subreaper leaves them to
# the host.
test_contract_run_subreaper() {
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	set_args /bin/sh -c 'p=$(/rt-helper sleep 30 >/dev/null 2>&1 & echo $!); sleep 0.5;
		echo "rt=$PPID"; echo "orphan_parent=$(sed -n "s/^PPid:\t//p" /proc/$p/status)"; kill $p'
	ctr_run c1
	assert_success "run"
	assert_eq "$(kv orphan_parent)" "$(kv rt)" "the orphan's parent is run"
	ctr_run c2 --no-subreaper
	assert_success "run --no-subreaper"
	[ "$(kv orphan_parent)" != "$(kv rt)" ] || fail "--no-subreaper: the orphan still went to run"
}

# Docker, its CLI and Podman turn a failed exec into 126 or 127 by these
# words (the CLI's check is case-sensitive): Go's, as runc prints them.
test_contract_exec_failure_words() {
	set_args nosuchbin
	ctr_run c1
	assert_failure "run of a command not on PATH"
	assert_contains "$ERR" 'executable file not found in $PATH'
	set_args /nosuch/bin
	ctr_run c2
	assert_failure "run of a missing absolute path"
	assert_contains "$ERR" "no such file or directory"
	set_args /etc/hostname
	ctr_run c3
	assert_failure "run of a file that is not executable"
	assert_contains "$ERR" "permission denied"
	set_args /bin
	ctr_run c4
	assert_failure "run of a directory"
	assert_contains "$ERR" "permission denied"
	set_args /rt-helper sleep 600
	contract_sleeper c5
	run_rt exec c5 nosuchbin
	assert_status 255 "exec of a command not on PATH"
	assert_contains "$ERR" 'executable file not found in $PATH'
}
