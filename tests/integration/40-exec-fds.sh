# shellcheck shell=bash
# Extra fds: --preserve-fds N (create, run, exec) and systemd's LISTEN_FDS
# hand fds 3..3+N-1 to the process, and nothing else gets through.

# fd_files: three files for fds 3, 4 and 5.
fd_files() { : >"$T/fd-a" && : >"$T/fd-b" && : >"$T/fd-c" || fail "cannot create the fd files"; }

# assert_fds N: the helper's `fds` output in OUT lists exactly 0..2+N, and
# 3, 4... are fd-a, fd-b...
assert_fds() {
	local n=$1 want got i names=(fd-a fd-b fd-c)
	want=$(seq 0 $((2 + n)) | tr '\n' ' ')
	got=$(cut -d= -f1 <<<"$OUT" | sort -n | tr '\n' ' ')
	assert_eq "$got" "$want" "the process' fds"
	for ((i = 0; i < n; i++)); do
		assert_match "$(kv $((3 + i)))" "${names[$i]}\$" "fd $((3 + i))"
	done
}

test_run_preserve_fds() {
	fd_files
	set_args /rt-helper fds
	ctr_run c1 --preserve-fds 2 3<"$T/fd-a" 4<"$T/fd-b" 5<"$T/fd-c"
	assert_success "run --preserve-fds 2"
	assert_fds 2
}

test_run_without_preserve_fds() {
	fd_files
	set_args /rt-helper fds
	ctr_run c1 3<"$T/fd-a" 4<"$T/fd-b"
	assert_success "run"
	assert_fds 0
}

test_create_start_preserve_fds() {
	fd_files
	set_args /rt-helper fds
	ctr_create c1 --preserve-fds 1 3<"$T/fd-a" 4<"$T/fd-b" || fail "create --preserve-fds 1 failed"
	run_rt start c1
	assert_success "start"
	wait_status c1 stopped
	OUT=$(cat "$T/c1.out")
	assert_fds 1
}

test_run_listen_fds() {
	fd_files
	set_args /rt-helper fds
	# as systemd passes them: LISTEN_PID is the runtime's own pid
	run_cmd env LISTEN_FDS=2 bash -c 'export LISTEN_PID=$$; exec "$@"' listen \
		"$RT" --root "$ROOT" run --bundle "$BUNDLE" c1 3<"$T/fd-a" 4<"$T/fd-b" 5<"$T/fd-c"
	ctr_track c1
	assert_success "run with LISTEN_FDS=2"
	assert_fds 2
	set_args /rt-helper env
	run_cmd env LISTEN_FDS=2 bash -c 'export LISTEN_PID=$$; exec "$@"' listen \
		"$RT" --root "$ROOT" run --bundle "$BUNDLE" c2 3<"$T/fd-a" 4<"$T/fd-b"
	ctr_track c2
	assert_success "run with LISTEN_FDS=2"
	grep -qx LISTEN_FDS=2 <<<"$OUT" || fail "no LISTEN_FDS=2 in the process' env"
	grep -qx LISTEN_PID=1 <<<"$OUT" || fail "no LISTEN_PID=1 in the process' env"
}

test_exec_preserve_fds() {
	fd_files
	ctr_run_detached c1 || fail "run --detach failed"
	wait_output "$T/c1.out" ready
	run_rt exec --preserve-fds 2 c1 /rt-helper fds 3<"$T/fd-a" 4<"$T/fd-b" 5<"$T/fd-c"
	assert_success "exec --preserve-fds 2"
	assert_fds 2
	run_rt exec c1 /rt-helper fds 3<"$T/fd-a"
	assert_success "exec"
	assert_fds 0
}
