# shellcheck shell=bash
# run: output and exit status of a foreground container.

test_run_output() {
	set_args /rt-helper pid
	ctr_run c1
	assert_success "run"
	assert_kv pid 1
	assert_kv ppid 0
}

test_run_exit_status() {
	set_args /rt-helper exit 3
	ctr_run c1
	assert_status 3 "exit status of run"
	rt delete c1 >/dev/null 2>&1
	assert_nothing_left c1
}
