# shellcheck shell=bash
# Bad input: each gives a non-zero exit, an error on stderr, and leaves
# nothing behind (no state, state dir, process, cgroup or mount).
# Exact wording (one line `rt: <context>: <message>`) is checked for rt only.

# create_fails ID WHAT: create must fail and leave nothing.
create_fails() {
	ctr_create "$1"
	ERR=$(cat "$T/$1.err")
	assert_failure "create with $2"
	[ -n "$ERR" ] || fail "create with $2 printed no error"
	[ ! -s "$T/$1.out" ] || fail "create with $2 ran the process: $(cat "$T/$1.out")"
	assert_nothing_left "$1"
}

test_invalid_json_config() {
	echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
	create_fails c1 "invalid JSON"
}

rt_only test_invalid_json_config_message
test_invalid_json_config_message() {
	echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
	create_fails c1 "invalid JSON"
	assert_error_line
	assert_contains "$ERR" "config.json" "error names config.json"
}

test_missing_config() {
	rm -f "$BUNDLE/config.json"
	create_fails c1 "no config.json"
}

test_missing_rootfs() {
	rm -rf "$BUNDLE/rootfs"
	create_fails c1 "a missing rootfs"
}

rt_only test_missing_rootfs_message
test_missing_rootfs_message() {
	rm -rf "$BUNDLE/rootfs"
	create_fails c1 "a missing rootfs"
	assert_error_line
	assert_contains "$ERR" "rootfs" "error names the rootfs"
}

test_unknown_namespace_type() {
	cfg '.linux.namespaces |= map(if .type == "pid" then .type = "pidd" else . end)'
	create_fails c1 'namespace type "pidd"'
}

rt_only test_unknown_namespace_type_message
test_unknown_namespace_type_message() {
	local idx
	cfg '.linux.namespaces |= map(if .type == "pid" then .type = "pidd" else . end)'
	idx=$(cfg_get '[.linux.namespaces[].type] | index("pidd")')
	create_fails c1 'namespace type "pidd"'
	assert_error_line
	assert_contains "$ERR" "config.json: .linux.namespaces[$idx].type: unknown namespace type \"pidd\""
}

test_missing_process_binary() {
	set_args /does/not/exist
	ctr_run c1
	assert_failure "run of a missing binary"
	assert_nothing_left c1
}

test_bundle_does_not_exist() {
	ctr_track c1
	run_rt create --bundle "$T/no-such-bundle" c1
	assert_failure "create with a missing bundle dir"
	assert_nothing_left c1
}

test_invalid_container_ids() {
	local id
	for id in "../escape" "a/b" "" "."; do
		run_rt create --bundle "$BUNDLE" "$id"
		assert_failure "create with id '$id'"
	done
	[ ! -e "$T/escape" ] || fail "id ../escape created $T/escape"
	run_rt list -q
	assert_eq "$OUT" "" "containers after invalid ids"
	assert_nothing_left c1
}

test_start_twice_error() {
	ctr_create c1 || fail "create failed"
	run_rt start c1
	assert_success "first start"
	run_rt start c1
	assert_failure "second start"
	[ -n "$ERR" ] || fail "second start printed no error"
}

rt_only test_start_twice_error_message
test_start_twice_error_message() {
	ctr_create c1 || fail "create failed"
	run_rt start c1
	run_rt start c1
	assert_failure "second start"
	assert_error_line
	assert_contains "$ERR" c1 "error names the container"
}

test_unknown_subcommand_fails() {
	run_cmd "$RT" no-such-command
	assert_failure "unknown subcommand"
}

test_create_without_id_fails() {
	run_rt create --bundle "$BUNDLE"
	assert_failure "create without an id"
}

test_invalid_mount_source() {
	add_mount "$(jq -cn --arg s "$T/no-such-dir" '{destination: "/mnt/x", type: "bind", source: $s, options: ["rbind"]}')"
	create_fails c1 "a missing bind mount source"
}

test_invalid_rlimit_type() {
	cfg '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	create_fails c1 "an unknown rlimit"
}
