# shellcheck shell=bash
# Command line: --version, --help, spec, --log/--log-format.

SCHEMA_DIR=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema

# python3 with Debian's python3-jsonschema (not some other python3 in PATH).
sys_python() {
	if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi
}

validate_schema() { # validate_schema SCHEMA-FILE JSON-FILE
	[ -f "$SCHEMA_DIR/$1" ] || fail "schema $SCHEMA_DIR/$1 missing: apt-get install golang-github-opencontainers-specs-dev"
	"$(sys_python)" -c 'import jsonschema' 2>/dev/null ||
		fail "python3-jsonschema missing: apt-get install python3-jsonschema"
	run_cmd "$(sys_python)" "$ITEST_DIR/validate-json.py" "$SCHEMA_DIR/$1" "$2"
	[ "$STATUS" -eq 0 ] || fail "$2 does not match $1: $(printf '%s' "$OUT" | head -n3 | tr '\n' '|')"
}

test_version() {
	run_cmd "$RT" --version
	assert_success "--version"
	[ -n "$OUT" ] || fail "--version printed nothing"
}

rt_only test_version_format
test_version_format() {
	run_cmd "$RT" --version
	assert_success "--version"
	assert_match "$(first_line "$OUT")" '^rt version [0-9]+\.[0-9]+\.[0-9]+$' "first line of --version"
	# runc's lines: version, commit, spec, libseccomp
	assert_match "$(sed -n 2p <<<"$OUT")" '^commit: ([0-9a-f]{40}|unknown)$' "second line of --version"
	assert_match "$(sed -n 3p <<<"$OUT")" '^spec: [0-9]+\.[0-9]+\.[0-9]+$' "third line of --version"
	assert_match "$(sed -n 4p <<<"$OUT")" '^libseccomp: [0-9]+\.[0-9]+\.[0-9]+$' "fourth line of --version"
}

test_help_every_subcommand() {
	local sub
	run_cmd "$RT" --help
	assert_success "rt --help"
	[ -n "$OUT" ] || fail "--help printed nothing"
	for sub in spec create start state kill delete run list exec ps pause resume update events features; do
		run_cmd "$RT" "$sub" --help
		assert_success "$sub --help"
		[ -n "$OUT" ] || fail "$sub --help printed nothing on stdout"
	done
}

test_spec_writes_valid_config() {
	mkdir -p "$T/spec" && cd "$T/spec" || fail "cannot make $T/spec"
	run_cmd "$RT" spec
	assert_success "spec"
	[ -s config.json ] || fail "spec wrote no config.json"
	validate_schema config-schema.json config.json
	local c
	c=$(cat config.json)
	assert_json "$c" '.ociVersion | test("^1\\.")' "ociVersion"
	assert_json "$c" '.root.path == "rootfs"' "root.path"
	assert_json "$c" '.process.args | length > 0' "process.args"
	assert_json "$c" '[.linux.namespaces[].type] | (index("pid") != null and index("mount") != null)' \
		"pid and mount namespaces"
}

# runc's spec has a cgroup namespace only where /sys/fs/cgroup is cgroup2
# alone (tools that build on the spec add their own elsewhere).
test_spec_cgroup_namespace_on_cgroup2_only() {
	local want=false
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && want=true
	mkdir -p "$T/spec" && cd "$T/spec" || fail "cannot make $T/spec"
	run_cmd "$RT" spec
	assert_success "spec"
	assert_json "$(cat config.json)" --argjson w "$want" '([.linux.namespaces[].type] | index("cgroup") != null) == $w' \
		"a cgroup namespace iff the host is cgroup2 only"
}

test_spec_bundle_option() {
	mkdir -p "$T/b"
	run_cmd "$RT" spec --bundle "$T/b"
	assert_success "spec --bundle"
	[ -s "$T/b/config.json" ] || fail "spec --bundle wrote no $T/b/config.json"
	jq -e . "$T/b/config.json" >/dev/null || fail "spec --bundle wrote invalid JSON"
}

test_spec_refuses_overwrite() {
	mkdir -p "$T/spec" && cd "$T/spec" || fail "cannot make $T/spec"
	echo KEEP >config.json
	run_cmd "$RT" spec
	assert_failure "spec over an existing config.json"
	assert_eq "$(cat config.json)" KEEP "config.json after a refused spec"
	[ -n "$ERR" ] || fail "refused spec printed no error"
}

# --log FILE --log-format json: an error is logged as a JSON line.
check_json_log() { # check_json_log FILE
	[ -s "$1" ] || fail "--log file $1 is empty or missing"
	local line n=0
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		jq -e . >/dev/null 2>&1 <<<"$line" || fail "log line is not JSON: $line"
		if jq -e '.level == "error" and (.msg | type == "string" and length > 0) and (.time | type == "string" and length > 0)' \
			>/dev/null 2>&1 <<<"$line"; then
			n=$((n + 1))
		fi
	done <"$1"
	[ "$n" -ge 1 ] || fail "no error line with level/msg/time in $1: $(head -c 300 "$1")"
}

test_log_format_json_separate_arg() {
	run_rt --log "$T/log.json" --log-format json start nonexistent
	assert_failure "start of a nonexistent container"
	check_json_log "$T/log.json"
}

test_log_format_json_equals_form() {
	run_rt --log="$T/log.json" --log-format=json start nonexistent
	assert_failure "start of a nonexistent container"
	check_json_log "$T/log.json"
}

test_log_format_json_create_error() {
	cfg '.linux.namespaces += [{"type": "pidd"}]'
	run_rt --log "$T/log.json" --log-format json create --bundle "$BUNDLE" c1
	assert_failure "create with a bad namespace"
	check_json_log "$T/log.json"
	assert_nothing_left c1
}

test_log_format_text() {
	run_rt --log "$T/log.txt" --log-format text start nonexistent
	assert_failure "start of a nonexistent container"
	[ -s "$T/log.txt" ] || fail "--log-format text wrote nothing to the log"
	run_rt --log "$T/default.txt" start nonexistent
	assert_failure "start of a nonexistent container"
	[ -s "$T/default.txt" ] || fail "--log (default format) wrote nothing to the log"
}

# --debug writes debug lines as runc does: logrus text (level=debug) on
# stderr or in the --log file, and "level":"debug" with --log-format json.
test_debug_lines() {
	set_args /rt-helper exit 0
	run_rt --debug run --bundle "$BUNDLE" d1
	assert_success "--debug run"
	assert_match "$ERR" 'time="[^"]+" level=debug msg=' "debug lines on stderr, logrus text"
	run_rt --debug --log "$T/debug.txt" run --bundle "$BUNDLE" d2
	assert_success "--debug --log run"
	grep -q 'level=debug' "$T/debug.txt" || fail "no debug line in the text log: $(head -c 300 "$T/debug.txt")"
	run_rt --debug --log "$T/debug.json" --log-format json run --bundle "$BUNDLE" d3
	assert_success "--debug --log --log-format json run"
	grep -q '"level":"debug"' "$T/debug.json" || fail "no debug line in the JSON log"
}

# The text log is logrus' format, which tools parse (runc's).
test_log_text_is_logrus() {
	run_rt --log "$T/log.txt" start nonexistent
	assert_failure "start of a nonexistent container"
	grep -Eq '^time="[^"]+" level=error msg="container does not exist' "$T/log.txt" ||
		fail "not a logrus line: $(cat "$T/log.txt")"
}

test_bad_log_format_fails() {
	run_rt --log "$T/log" --log-format yaml list
	assert_failure "--log-format yaml"
}

rt_only test_error_is_one_line
test_error_is_one_line() {
	run_rt start nonexistent
	assert_failure "start of a nonexistent container"
	assert_error_line
	assert_contains "$ERR" nonexistent "error names the container"
}
