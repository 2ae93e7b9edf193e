# shellcheck shell=bash
# Lifecycle: create, start, state, kill, delete, list.

test_lifecycle_create_start_kill_delete() {
	local pid
	ctr_create c1 || fail "create failed: $(head -n1 "$T/c1.err")"
	assert_eq "$(status_of c1)" created "status after create"
	pid=$(pid_of c1)
	[[ $pid =~ ^[0-9]+$ ]] && [ "$pid" -gt 0 ] || fail "no pid after create: '$pid'"
	pid_alive "$pid" || fail "container process $pid not alive after create"
	sleep 0.5
	[ ! -s "$T/c1.out" ] || fail "the process ran before start: $(cat "$T/c1.out")"

	run_rt start c1
	assert_success "start"
	wait_output "$T/c1.out" ready
	assert_eq "$(status_of c1)" running "status after start"
	assert_eq "$(pid_of c1)" "$pid" "pid after start"

	run_rt kill c1 KILL
	assert_success "kill"
	wait_status c1 stopped
	wait_pid_gone "$pid"

	run_rt delete c1
	assert_success "delete"
	run_rt state c1
	assert_failure "state after delete"
	assert_nothing_left c1
}

test_state_fields() {
	cfg '.annotations = {"org.example.key": "value", "org.example.other": "two words"}'
	ctr_create c1 || fail "create failed"
	run_rt state c1
	assert_success "state"
	local s=$OUT
	assert_json "$s" '.ociVersion | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+")' "ociVersion"
	assert_json "$s" '.id == "c1"' "id"
	assert_json "$s" '.status == "created"' "status"
	assert_json "$s" '.pid | type == "number" and . > 0' "pid"
	assert_json "$s" --arg b "$(realpath "$BUNDLE")" '.bundle == $b' "bundle is the absolute bundle path"
	assert_json "$s" '.annotations == {"org.example.key": "value", "org.example.other": "two words"}' "annotations"
	printf '%s\n' "$s" >"$T/state.json"
	validate_state_schema "$T/state.json"
}

validate_state_schema() {
	local schema=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema/state-schema.json py=/usr/bin/python3
	[ -x "$py" ] || py=python3
	[ -f "$schema" ] || fail "$schema missing: apt-get install golang-github-opencontainers-specs-dev"
	run_cmd "$py" "$ITEST_DIR/validate-json.py" "$schema" "$1"
	[ "$STATUS" -eq 0 ] || fail "state does not match state-schema.json: $(first_line "$OUT")"
}

test_state_without_annotations() {
	cfg 'del(.annotations)'
	ctr_create c1 || fail "create failed"
	run_rt state c1
	assert_success "state"
	assert_json "$OUT" '(.annotations // {}) == {}' "no annotations when none are set"
}

test_state_nonexistent_fails() {
	run_rt state nonexistent
	assert_failure "state of a nonexistent container"
	[ -z "$OUT" ] || fail "state of a nonexistent container printed on stdout: $OUT"
}

test_start_twice_fails() {
	ctr_create c1 || fail "create failed"
	run_rt start c1
	assert_success "first start"
	wait_output "$T/c1.out" ready
	run_rt start c1
	assert_failure "second start"
	[ -n "$ERR" ] || fail "second start printed no error"
	assert_eq "$(status_of c1)" running "status after a second start"
	assert_eq "$(grep -c ready "$T/c1.out")" 1 "the process ran once"
}

test_start_stopped_fails() {
	set_args /rt-helper exit 0
	ctr_create c1 || fail "create failed"
	run_rt start c1
	assert_success "start"
	wait_status c1 stopped
	run_rt start c1
	assert_failure "start of a stopped container"
	assert_eq "$(status_of c1)" stopped "status after the failed start"
}

test_start_nonexistent_fails() {
	run_rt start nonexistent
	assert_failure "start of a nonexistent container"
}

test_delete_running_requires_force() {
	local pid
	ctr_create c1 || fail "create failed"
	run_rt start c1
	assert_success "start"
	wait_output "$T/c1.out" ready
	pid=$(pid_of c1)
	run_rt delete c1
	assert_failure "delete of a running container"
	assert_eq "$(status_of c1)" running "status after a refused delete"
	pid_alive "$pid" || fail "refused delete killed the process"
	run_rt delete --force c1
	assert_success "delete --force"
	wait_pid_gone "$pid"
	assert_nothing_left c1
}

test_delete_force_created() {
	local pid
	ctr_create c1 || fail "create failed"
	pid=$(pid_of c1)
	run_rt delete --force c1
	assert_success "delete --force of a created container"
	wait_pid_gone "$pid"
	assert_nothing_left c1
}

test_delete_force_nonexistent_succeeds() {
	run_rt delete --force nonexistent
	assert_success "delete --force of a nonexistent container"
}

test_delete_nonexistent_fails() {
	run_rt delete nonexistent
	assert_failure "delete of a nonexistent container"
}

test_duplicate_id_fails() {
	local pid
	ctr_create c1 || fail "first create failed"
	pid=$(pid_of c1)
	"$RT" --root "$ROOT" create --bundle "$BUNDLE" c1 </dev/null >"$T/dup.out" 2>"$T/dup.err"
	STATUS=$?
	ERR=$(cat "$T/dup.err")
	assert_failure "create with an existing id"
	assert_eq "$(status_of c1)" created "first container's status after the duplicate"
	assert_eq "$(pid_of c1)" "$pid" "first container's pid after the duplicate"
	pid_alive "$pid" || fail "first container's process died"
	run_rt start c1
	assert_success "start of the first container"
	wait_output "$T/c1.out" ready
	[ ! -s "$T/dup.out" ] || fail "the duplicate's process ran: $(cat "$T/dup.out")"
}

test_list() {
	local out ids
	ctr_create c1 || fail "create c1 failed"
	ctr_create c2 || fail "create c2 failed"
	run_rt start c2
	assert_success "start c2"
	wait_output "$T/c2.out" ready

	run_rt list -q
	assert_success "list -q"
	ids=$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')
	assert_eq "$ids" "c1 c2 " "list -q"

	run_rt list
	assert_success "list"
	assert_match "$(first_line "$OUT")" '^ID +PID +STATUS +BUNDLE +CREATED' "list header"
	out=$OUT
	assert_match "$out" $'\nc1 +[0-9]+ +created +'"$BUNDLE" "c1 row"
	assert_match "$out" $'\nc2 +[0-9]+ +running +'"$BUNDLE" "c2 row"

	run_rt list --format json
	assert_success "list --format json"
	assert_json "$OUT" 'type == "array" and length == 2' "list json is an array of 2"
	assert_json "$OUT" 'map(select(.id == "c1"))[0] | .status == "created" and .pid > 0' "c1 in list json"
	assert_json "$OUT" --arg b "$BUNDLE" 'map(select(.id == "c2"))[0] | .status == "running" and .bundle == $b' "c2 in list json"

	run_rt list --format=json
	assert_success "list --format=json"
	assert_json "$OUT" 'length == 2' "list --format=json"
}

# runc's table: sorted by id, every value whole (its tabwriter widens a
# column to the longest cell), the owner of each container's state.
test_list_sorted_whole_values() {
	local long=$T/a-bundle-path-that-is-longer-than-forty-characters-for-sure
	cp -a "$BUNDLE" "$long"
	for id in zz-last aa-first mm-middle k1 b2 y3 c4 x5; do
		ctr_track "$id"
		rt create --bundle "$long" "$id" </dev/null >/dev/null 2>&1 || fail "create $id"
	done
	run_rt list
	assert_success "list"
	assert_eq "$(sed 1d <<<"$OUT" | awk '{print $1}' | tr '\n' ' ')" "aa-first b2 c4 k1 mm-middle x5 y3 zz-last " \
		"rows sorted by id"
	assert_contains "$OUT" "$long" "the bundle is printed whole"
	assert_eq "$(sed -n 2p <<<"$OUT" | awk '{print $NF}')" root "owner"
	run_rt list -q
	assert_eq "$(tr '\n' ' ' <<<"$OUT")" "aa-first b2 c4 k1 mm-middle x5 y3 zz-last " "list -q sorted"
	run_rt list --format json
	assert_json "$OUT" 'map(.id) == ["aa-first", "b2", "c4", "k1", "mm-middle", "x5", "y3", "zz-last"]' "json sorted"
}

test_list_empty() {
	run_rt list -q
	assert_success "list -q with no containers"
	assert_eq "$OUT" "" "list -q with no containers"
}

test_run_removes_container() {
	set_args /rt-helper exit 0
	ctr_run c1
	assert_success "run"
	assert_nothing_left c1
}
