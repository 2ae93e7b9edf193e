# shellcheck shell=bash
# run --detach, --pid-file, bundle paths.

test_run_detach_pid_file() {
	ctr_run_detached c1 --pid-file "$T/c1.pid" || fail "run --detach failed: $(head -n1 "$T/c1.err")"
	wait_output "$T/c1.out" ready
	assert_eq "$(status_of c1)" running "status after run --detach"
	[ -s "$T/c1.pid" ] || fail "no pid file"
	local filepid
	filepid=$(tr -d '[:space:]' <"$T/c1.pid")
	assert_match "$filepid" '^[0-9]+$' "pid file content"
	assert_eq "$filepid" "$(pid_of c1)" "pid file vs state pid"
	pid_alive "$filepid" || fail "pid $filepid from the pid file is not alive"
}

test_create_pid_file() {
	ctr_create c1 --pid-file "$T/c1.pid" || fail "create failed"
	[ -s "$T/c1.pid" ] || fail "no pid file after create"
	assert_eq "$(tr -d '[:space:]' <"$T/c1.pid")" "$(pid_of c1)" "pid file vs state pid"
}

# The pid file replaces a file (swapped in place) but never a directory:
# the create fails as runc's does, the directory stays where it was.
test_pid_file_replaces_a_file_not_a_directory() {
	echo stale >"$T/old.pid"
	ctr_create c1 --pid-file "$T/old.pid" || fail "create over an old pid file failed"
	assert_eq "$(cat "$T/old.pid")" "$(pid_of c1)" "the old pid file replaced"
	assert_eq "$(find "$T" -mindepth 1 -maxdepth 1 -name '*.tmp*' | wc -l)" 0 "no temporary left beside it"
	run_rt delete --force c1
	mkdir -p "$T/dir.pid/inside"
	run_rt create --bundle "$BUNDLE" --pid-file "$T/dir.pid" c2
	assert_failure "create with a directory as pid file"
	assert_match "$ERR" 'Is a directory' "the error"
	[ -d "$T/dir.pid/inside" ] || fail "the directory was moved or replaced"
	assert_eq "$(find "$T" -mindepth 1 -maxdepth 1 -name '*.tmp*' | wc -l)" 0 "no temporary left beside it"
	assert_nothing_left c2
}

test_pid_file_relative_path() {
	mkdir -p "$T/cwd"
	cd "$T/cwd" || fail "cd"
	ctr_create c1 --pid-file rel.pid || fail "create failed"
	[ -s "$T/cwd/rel.pid" ] || fail "relative --pid-file not written relative to the caller's cwd"
	assert_eq "$(tr -d '[:space:]' <"$T/cwd/rel.pid")" "$(pid_of c1)" "pid file vs state pid"
}

test_bundle_relative_path_is_absolute_in_state() {
	cd "$T" || fail "cd"
	ctr_track c1
	"$RT" --root "$ROOT" create --bundle bundle c1 </dev/null >"$T/c1.out" 2>"$T/c1.err" ||
		fail "create --bundle bundle failed: $(head -n1 "$T/c1.err")"
	run_rt state c1
	assert_json "$OUT" --arg b "$(realpath "$BUNDLE")" '.bundle == $b' "bundle in state is absolute"
}

test_bundle_defaults_to_cwd() {
	cd "$BUNDLE" || fail "cd"
	ctr_track c1
	"$RT" --root "$ROOT" create c1 </dev/null >"$T/c1.out" 2>"$T/c1.err" ||
		fail "create without --bundle in the bundle dir failed: $(head -n1 "$T/c1.err")"
	run_rt state c1
	assert_json "$OUT" --arg b "$(realpath "$BUNDLE")" '.bundle == $b' "bundle defaults to the cwd"
}

test_run_detach_exit_then_stopped() {
	set_args /rt-helper exit 7
	ctr_run_detached c1 || fail "run --detach failed"
	wait_status c1 stopped
	run_rt delete c1
	assert_success "delete of the stopped container"
	assert_nothing_left c1
}
