# shellcheck shell=bash
# Hostile and broken input: every broken config of the corpus in
# tests/bundles/ (and a few generated at test time) makes `create` fail with
# one clear error line that names what is wrong (the JSON path for a config
# error), and leaves nothing behind: no state dir under --root, no cgroup,
# no mount, no process. See docs/security.md.
#
# Corpus format (tests/bundles/):
#   NAME.jq    a jq filter applied to the base config; its first line is
#              `# expect: ERE`, what the error must match
#   NAME.json  a whole config.json as is (invalid JSON...), with
#              NAME.expect holding the ERE

CORPUS=$REPO_ROOT/tests/bundles

# hostile_case ID WHAT EXPECT: create ID from $BUNDLE must fail with one
# error line matching EXPECT and leave nothing. Appends a line to $T/bad
# instead of failing, so that one test reports every broken case.
hostile_case() {
	local id=$1 what=$2 expect=$3 err left
	ctr_track "$id"
	# bounded: 20 s, 2 GB of address space (a reader of /dev/zero must not
	# take the shared machine down); a sanitized rt reserves terabytes of
	# shadow address space: run-tests caps its allocations instead
	local vmem=2000000
	[ "${RT_SANITIZED:-0}" = 1 ] && vmem=unlimited
	(ulimit -v "$vmem" && exec timeout 20 "$RT" --root "$ROOT" create --bundle "$BUNDLE" "$id") \
		</dev/null >"$T/$id.out" 2>"$T/$id.err"
	STATUS=$?
	err=$(cat "$T/$id.err")
	printf '%s: status=%s err=%s\n' "$what" "$STATUS" "$(head -c 300 "$T/$id.err")" >&2
	if [ "$STATUS" -eq 0 ]; then
		echo "$what: create succeeded" >>"$T/bad"
		"$RT" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
		return 0
	fi
	if [ "$STATUS" -eq 124 ]; then
		echo "$what: create hung (killed after 20s)" >>"$T/bad"
	elif [ "$(printf '%s\n' "$err" | grep -c .)" -ne 1 ] || [[ $err != "rt: "* ]]; then
		echo "$what: not one 'rt: ' error line: $(printf '%s' "$err" | head -c 200 | tr '\n' '|')" >>"$T/bad"
	elif ! grep -Eq -- "$expect" <<<"$err"; then
		echo "$what: error does not match /$expect/: $err" >>"$T/bad"
	fi
	[ ! -s "$T/$id.out" ] && [ -z "$(grep -v '^rt: ' "$T/$id.err")" ] ||
		echo "$what: the container process ran" >>"$T/bad"
	# nothing left: state, state dir, cgroup, mount, process
	if "$RT" --root "$ROOT" state "$id" >/dev/null 2>&1 || [ -e "$ROOT/$id" ]; then
		echo "$what: state dir $ROOT/$id left behind" >>"$T/bad"
	fi
	left=$(cg_children)
	[ -z "$left" ] || echo "$what: cgroups left: $(echo $left)" >>"$T/bad"
	left=$(mounts_under "$T")
	[ -z "$left" ] || echo "$what: mounts left: $(echo $left)" >>"$T/bad"
	left=$(stray_procs)
	[ -z "$left" ] || echo "$what: processes left: $(echo $left)" >>"$T/bad"
	# clean up for the next case whatever was left
	"$RT" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
	lib_umount_under "$T"
	return 0
}

report_bad() {
	[ -s "$T/bad" ] || return 0
	sed 's/^/BAD: /' "$T/bad" >&2
	fail "$(wc -l <"$T/bad") of $1 cases misbehaved; first: $(head -n1 "$T/bad")"
}

# corpus_jq GLOB: run the jq cases whose name matches GLOB.
corpus_jq() {
	local f name expect n=0 base="$T/base-config.json"
	cp "$BUNDLE/config.json" "$base"
	for f in "$CORPUS"/$1.jq; do
		[ -f "$f" ] || continue
		name=$(basename "$f" .jq)
		expect=$(sed -n '1s/^# expect: //p' "$f")
		[ -n "$expect" ] || fail "$f: no '# expect:' first line"
		jq -f "$f" "$base" >"$BUNDLE/config.json" || fail "$f: jq failed"
		hostile_case "j$n-$RUNNER_PID" "$name" "$expect"
		n=$((n + 1))
	done
	[ "$n" -ge 10 ] || fail "only $n jq cases $1 in $CORPUS"
	report_bad "$n"
}

# Split in three so that each stays well within the per-test time limit.
test_hostile_corpus_a_to_m() { corpus_jq '[a-m]*'; }
test_hostile_corpus_n_to_p() { corpus_jq '[n-p]*'; }
test_hostile_corpus_q_to_z() { corpus_jq '[q-z]*'; }

test_hostile_corpus_raw() {
	local f name n=0
	for f in "$CORPUS"/*.json; do
		name=$(basename "$f" .json)
		[ -f "$CORPUS/$name.expect" ] || fail "$f: no $name.expect"
		cp "$f" "$BUNDLE/config.json"
		hostile_case "r$n-$RUNNER_PID" "$name" "$(cat "$CORPUS/$name.expect")"
		n=$((n + 1))
	done
	[ "$n" -ge 5 ] || fail "only $n raw cases in $CORPUS"
	report_bad "$n"
}

# Inputs too big to commit, generated here.
test_hostile_deep_nesting() {
	local n=0
	# 100000 nested arrays where a string is expected, and in an unknown key
	{ printf '{"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"cwd": "/", "args": '
	  head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; printf '}}\n'; } >"$BUNDLE/config.json"
	hostile_case "d$n-$RUNNER_PID" "100000 nested arrays in .process.args" '\.process\.args'
	n=$((n + 1))
	{ printf '{"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "x-unknown": '
	  head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; printf ', "process": 5}\n'; } >"$BUNDLE/config.json"
	hostile_case "d$n-$RUNNER_PID" "100000 nested arrays in an unknown key" 'config.json'
	n=$((n + 1))
	report_bad "$n"
}

test_hostile_huge_values() {
	local n=0 base="$T/base-config.json"
	cp "$BUNDLE/config.json" "$base"
	# a 10 MB string where a short one is expected
	jq --rawfile s <(head -c 10000000 /dev/zero | tr '\0' 'a') '.hostname = $s' "$base" >"$BUNDLE/config.json"
	hostile_case "h$n-$RUNNER_PID" "10 MB hostname" '\.hostname'
	n=$((n + 1))
	# a million-digit number
	local doc
	doc=$(jq '.process.user.uid = 424242' "$base")
	{ printf '%s' "${doc%%424242*}"; head -c 1000000 /dev/zero | tr '\0' '9'; printf '%s' "${doc#*424242}"; } >"$BUNDLE/config.json"
	hostile_case "h$n-$RUNNER_PID" "1e6-digit uid" '\.process\.user\.uid'
	n=$((n + 1))
	# a 5000-byte mount destination (PATH_MAX is 4096)
	jq --arg d "/$(head -c 5000 /dev/zero | tr '\0' 'd')" '.mounts += [{destination: $d, type: "tmpfs", source: "tmpfs"}]' \
		"$base" >"$BUNDLE/config.json"
	hostile_case "h$n-$RUNNER_PID" "5000-byte mount destination" '\.mounts\[[0-9]+\]'
	n=$((n + 1))
	report_bad "$n"
}

# More supplementary groups than the kernel takes (NGROUPS_MAX 65536): the
# error must name .process.user.additionalGids, at create (as runc) or at
# the latest at start, and delete must leave nothing.
test_hostile_too_many_gids() {
	set_args /rt-helper ids
	cfg '.process.user.additionalGids = [range(100000)]'
	ctr_create c1
	STATUS=$?
	if [ "$STATUS" -eq 0 ]; then
		run_rt start c1
		assert_failure "start with 100000 additionalGids"
	else
		ERR=$(cat "$T/c1.err")
	fi
	assert_error_line
	assert_match "$ERR" 'additionalGids' "the error names .process.user.additionalGids"
	rt delete --force c1 >/dev/null 2>&1
	assert_nothing_left c1
}

# Unknown syscall names in a seccomp rule are skipped, as runc and
# libseccomp-based runtimes do (profiles name syscalls newer than the
# kernel): create succeeds and the known names of the rule still apply.
test_hostile_seccomp_unknown_syscall_skipped() {
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["not_a_syscall", "getcwd"], "action": "SCMP_ACT_ERRNO"}]}'
	run_helper syscall getcwd
	assert_eq "$OUT" EPERM "getcwd under a rule that also names an unknown syscall"
}

# Hundreds of mounts are legitimate: bounded time, nothing left.
test_hostile_many_mounts() {
	local start=$SECONDS
	cfg '.mounts += [range(2000) | {destination: "/m/\(.)", type: "tmpfs", source: "tmpfs", options: ["size=4k"]}]'
	set_args /rt-helper exit 0
	ctr_run c1
	assert_success "run with 2000 tmpfs mounts"
	log "2000 mounts: $((SECONDS - start))s"
	[ $((SECONDS - start)) -lt 30 ] || fail "2000 mounts took $((SECONDS - start))s"
	rt delete --force c1
	assert_nothing_left c1
	report_bad "$n"
}

# A 50 MB config.json (valid JSON: 50 MB of annotations) must be handled
# in bounded time and memory: refused with a clear error, or created and
# deleted with nothing left.
test_hostile_config_50mb() {
	local start rss
	jq -c --rawfile s <(head -c 1000000 /dev/zero | tr '\0' 'x') \
		'.annotations = ([range(50)] | map({key: "k\(.)", value: $s}) | from_entries)' \
		"$BUNDLE/config.json" >"$T/big.json" || fail "cannot generate the config"
	mv "$T/big.json" "$BUNDLE/config.json"
	[ "$(stat -c %s "$BUNDLE/config.json")" -ge 50000000 ] || fail "config is not 50 MB"
	set_args /rt-helper exit 0
	start=$SECONDS
	ctr_track big
	/usr/bin/time -f '%M' -o "$T/rss" timeout 60 "$RT" --root "$ROOT" create --bundle "$BUNDLE" big \
		</dev/null >"$T/big.out" 2>"$T/big.err"
	STATUS=$?
	rss=$(tail -n1 "$T/rss")
	log "create of a 50 MB config: status $STATUS in $((SECONDS - start))s, max RSS ${rss} KB: $(head -c 200 "$T/big.err")"
	[ "$STATUS" -ne 124 ] || fail "create of a 50 MB config hung"
	[ "${rss:-0}" -lt 2000000 ] || fail "create of a 50 MB config used ${rss} KB"
	if [ "$STATUS" -eq 0 ]; then
		run_rt state big
		assert_success "state of the 50 MB container"
		run_rt delete --force big
		assert_success "delete of the 50 MB container"
	else
		ERR=$(cat "$T/big.err")
		assert_error_line
	fi
	assert_nothing_left big
}

# Ids are path components of the state dir: none may escape --root.
test_hostile_container_ids() {
	local id long
	long=$(head -c 5000 /dev/zero | tr '\0' 'a')
	for id in "../escape" "a/b" "" "." ".." "/abs" "a b" $'a\nb' "-rf" "$long" "..." "a/../b"; do
		run_rt create --bundle "$BUNDLE" -- "$id"
		if [ "$id" = "..." ] || [ "$id" = "-rf" ]; then
			# valid ids (letters, digits, _+-.): they must work and be deletable
			[ "$STATUS" -eq 0 ] && { rt delete --force -- "$id" || fail "cannot delete '$id'"; }
			continue
		fi
		assert_failure "create with id '$(printf %q "$id" | head -c 40)'"
		assert_error_line
	done
	[ ! -e "$T/escape" ] || fail "id ../escape created $T/escape"
	[ ! -e /abs ] || fail "id /abs created /abs"
	run_rt list -q
	assert_eq "$OUT" "" "containers after invalid ids"
	assert_nothing_left c1
}

# A config.json that is not a regular file, or a bundle that is a symlink
# loop: a clear error, nothing left.
test_hostile_config_not_a_file() {
	rm -f "$BUNDLE/config.json"
	mkfifo "$BUNDLE/config.json"
	# a fifo would block a naive reader forever
	hostile_case "f0-$RUNNER_PID" "config.json is a fifo" 'config\.json.*(regular file|fifo)'
	rm -f "$BUNDLE/config.json"
	mkdir "$BUNDLE/config.json"
	hostile_case "f1-$RUNNER_PID" "config.json is a directory" 'config\.json'
	rmdir "$BUNDLE/config.json"
	ln -s config.json "$BUNDLE/config.json"
	hostile_case "f2-$RUNNER_PID" "config.json is a symlink loop" 'config\.json'
	rm -f "$BUNDLE/config.json"
	ln -s /dev/zero "$BUNDLE/config.json"
	# refused for what it is, not after eating the 2 GB address space limit
	hostile_case "f3-$RUNNER_PID" "config.json is /dev/zero" 'config\.json.*(regular file|too (large|big))'
	report_bad 4
}

slow test_hostile_corpus_a_to_m test_hostile_corpus_n_to_p test_hostile_corpus_q_to_z test_hostile_corpus_raw \
	test_hostile_many_mounts test_hostile_config_50mb
