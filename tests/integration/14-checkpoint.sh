# shellcheck shell=bash
# checkpoint and restore on this host: the command line and the refusals.
# CRIU 3.17 cannot work on this host's kernel ("criu check" fails on the
# vDSO); the dumps and restores that work are tested in the cgroup v2 guest
# (tests/vm/checkpoint.sh), for rt and runc alike.

need_criu() { command -v criu >/dev/null || skip "criu is not installed"; }

start_sleeper() {
	set_args /rt-helper sleep 600
	ctr_run_detached "$1" || fail "run $1: $(head -n1 "$T/$1.err")"
}

test_checkpoint_where_criu_fails_says_why() {
	need_criu
	criu check >"$T/criu-check" 2>&1 && skip "criu works on this kernel: the v2 guest tests cover it"
	start_sleeper c1
	run_rt checkpoint --image-path "$T/img" c1
	assert_failure "checkpoint where criu cannot work"
	assert_error_line
	# criu's own first error (on this host, its vDSO check), and where its log is
	assert_contains "$ERR" "checkpoint \`c1\`: criu: "
	assert_contains "$ERR" "(log: $T/img/dump.log)"
	assert_eq "$(status_of c1)" running "the container after a failed checkpoint"
	[ -s "$T/img/dump.log" ] || fail "no dump.log"
}

test_checkpoint_not_running() {
	set_args /rt-helper sleep 600
	ctr_create c1 || fail "create"
	run_rt checkpoint --image-path "$T/img" c1
	assert_failure "checkpoint of a created container"
	assert_error_line
	assert_contains "$ERR" "container not running: \`c1\` is created"
	run_rt checkpoint --image-path "$T/img" nosuch
	assert_failure "checkpoint of no container"
	assert_contains "$ERR" "container does not exist"
}

test_checkpoint_bad_options_name_the_option() {
	start_sleeper c1
	run_rt checkpoint --image-path "$T/img" --manage-cgroups-mode sometimes c1
	assert_failure
	assert_error_line
	assert_contains "$ERR" "--manage-cgroups-mode: \`sometimes\`"
	run_rt checkpoint --image-path "$T/img" --empty-ns ipc c1
	assert_failure
	assert_contains "$ERR" "--empty-ns: \`ipc\`"
	run_rt checkpoint --image-path "$T/img" --page-server nohost c1
	assert_failure
	assert_contains "$ERR" "--page-server: \`nohost\`"
	run_rt checkpoint --status-fd x c1
	assert_failure
	assert_contains "$ERR" "--status-fd: \`x\`"
	run_rt checkpoint --detach c1
	assert_failure "restore's --detach is not checkpoint's"
	assert_contains "$ERR" "unknown or incomplete option \`--detach\`"
	assert_eq "$(status_of c1)" running
}

test_restore_refusals_leave_nothing() {
	need_criu
	start_sleeper c1
	# the id of a running container is not free
	run_rt restore -d --bundle "$BUNDLE" --image-path "$T/img" c1
	assert_failure "restore over a running container"
	assert_contains "$ERR" "container with given ID already exists"
	assert_eq "$(status_of c1)" running "the container after the refused restore"
	rt delete -f c1 || fail "delete c1"
	# no such image directory: nothing made
	run_rt restore -d --bundle "$BUNDLE" --image-path "$T/none" c2
	assert_failure "restore from a missing image directory"
	assert_error_line
	assert_contains "$ERR" "--image-path \`$T/none\`"
	assert_nothing_left c2
	# an empty one: CRIU says what it misses, and nothing is left
	mkdir "$T/empty"
	run_rt restore -d --bundle "$BUNDLE" --image-path "$T/empty" c3
	assert_failure "restore from an empty image directory"
	assert_error_line
	assert_contains "$ERR" "restore \`c3\`: criu"
	assert_nothing_left c3
}

test_checkpoint_restore_help_and_features() {
	run_rt checkpoint --help
	assert_success
	assert_contains "$OUT" "--leave-running"
	assert_contains "$OUT" "--pre-dump"
	run_rt restore --help
	assert_success
	assert_contains "$OUT" "--bundle"
	assert_contains "$OUT" "--lsm-mount-context"
	run_rt features
	assert_json "$OUT" '.annotations["io.github.rt.checkpoint.enabled"] == "true"'
}

rt_only test_checkpoint_where_criu_fails_says_why test_checkpoint_not_running test_checkpoint_bad_options_name_the_option \
	test_restore_refusals_leave_nothing test_checkpoint_restore_help_and_features
