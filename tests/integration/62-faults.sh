# shellcheck shell=bash
# Faults: the runtime killed with SIGKILL at each stage of create, start
# and delete, with strace's fault injection (`-e inject=SYSCALL:signal=KILL
# :when=N`), so rt needs no test hooks. Afterwards `delete --force` (after
# `list` and `state`, which must keep working) must remove every trace:
# process, cgroups, mounts, state dir, temporary files.
#
# The stages are found in a traced dry run: a stage is "the Nth call of
# SYSCALL made by the runtime's parent (P) or its child (C)", N counted as
# strace counts for the injection (per process, from its start). A kill
# at syscall entry means the call never happens.

U=${RUNNER_PID:-$$}

need_strace() {
	command -v strace >/dev/null 2>&1 || skip "strace is not installed"
	under_ptrace
}

# dry_run: traces of one create ($T/dry.create), start ($T/dry.start) and
# delete ($T/dry.delete) of a container whose process exits at once.
dry_run() {
	local id="dry-$U" s
	set_args /rt-helper exit 0
	ctr_track "$id"
	strace -f -qq -s 200 -o "$T/dry.create" "$RT" --root "$ROOT" create --bundle "$BUNDLE" "$id" \
		</dev/null >"$T/dry.out" 2>&1 &
	s=$!
	wait_status "$id" created
	strace -f -qq -s 200 -o "$T/dry.start" "$RT" --root "$ROOT" start "$id" </dev/null >/dev/null 2>&1 ||
		fail "dry run: start failed"
	wait "$s"
	wait_status "$id" stopped
	strace -f -qq -s 200 -o "$T/dry.delete" "$RT" --root "$ROOT" delete "$id" </dev/null >/dev/null 2>&1 ||
		fail "dry run: delete failed"
	assert_nothing_left "$id"
}

# ordinal TRACE ROLE SYSCALL ERE [NTH]: N such that the NTH line of
# SYSCALL matching ERE made by ROLE (P: the first pid, C: another one) is
# that process' Nth call of SYSCALL. Nothing if another process makes its
# own Nth call of SYSCALL first (the injection would kill that one).
ordinal() {
	awk -v role="$2" -v sc="$3" -v re="$4" -v nth="${5:-1}" '
	NR == 1 { first = $1 }
	/^[0-9]+ +<\.\.\. / { next }
	{ name = $2; sub(/\(.*/, "", name) }
	name != sc { next }
	{ cnt[$1]++ }
	(role == "P") != ($1 == first) { other[cnt[$1]] = 1; next }
	$0 ~ re && ++seen == nth { n = cnt[$1]; if (!(n in other)) print n; exit }
	' "$1"
}

# leftovers ID: what is left of container ID (one line per kind), empty
# when nothing. The runner's own checks, plus temporary files in --root.
leftovers() {
	local id=$1 left
	[ ! -e "$ROOT/$id" ] || echo "state dir ($(ls -A "$ROOT/$id" | tr '\n' ' '))"
	left=$(find "$ROOT" -name '*.tmp*' 2>/dev/null)
	[ -z "$left" ] || echo "temporary files: $(echo $left)"
	left=$(cg_children)
	[ -z "$left" ] || echo "cgroups: $(echo $left | sed 's#/sys/fs/cgroup/##g')"
	left=$(mounts_under "$T")
	[ -z "$left" ] || echo "mounts: $(echo $left)"
	left=$(stray_procs)
	[ -z "$left" ] || echo "processes: $(echo $left | head -c 200)"
}

# pid_gone_or_zombie PID
_dead() { ! pid_alive "$1"; }

# recover STAGE ID: after the kill, list/state must work, delete --force
# must succeed and leave nothing. Problems go to $T/bad.
recover() {
	local stage=$1 id=$2 left
	run_rt list
	[ "$STATUS" -eq 0 ] || echo "$stage: list failed after the kill: $(first_line "$ERR")" >>"$T/bad"
	run_rt state "$id"
	[ "$STATUS" -eq 0 ] || [[ $ERR == *"does not exist"* ]] ||
		echo "$stage: state failed after the kill: $(first_line "$ERR")" >>"$T/bad"
	log "$stage: state after the kill: $(jq -c '{status, pid}' <<<"$OUT" 2>/dev/null)"
	run_cmd timeout 30 "$RT" --root "$ROOT" delete --force "$id"
	[ "$STATUS" -eq 0 ] || echo "$stage: delete --force failed: $(first_line "$ERR")" >>"$T/bad"
	# processes may take a moment to die; the rest is there or not
	[ -z "$(stray_procs)" ] || sleep 1
	left=$(leftovers "$id")
	if [ -n "$left" ]; then
		echo "$stage: left after delete --force: $(tr '\n' ';' <<<"$left")" >>"$T/bad"
		# clean up for the next stage
		lib_cleanup_containers
		local d
		for d in $(cg_children); do lib_remove_cgroup "$d"; done
		lib_umount_under "$T"
		rm -rf "${ROOT:?}/$id"
		find "$ROOT" -name '*.tmp*' -delete 2>/dev/null
	fi
	return 0
}

report_bad() {
	[ -s "$T/bad" ] || return 0
	sed 's/^/BAD: /' "$T/bad" >&2
	fail "$(wc -l <"$T/bad") of $1 stages left something or broke a command; first: $(head -n1 "$T/bad")"
}

# traced_kill TRACE-OUT SYSCALL N CMD...: run CMD under strace -f, killing
# the process that makes its Nth call of SYSCALL at its entry. Returns once
# the runtime's own process (the first one) is dead; strace may still be
# tracing a surviving child: it is waited for by stop_tracer.
traced_kill() {
	local out=$1 sc=$2 n=$3 first i
	shift 3
	strace -f -q -o "$out" -e trace="$sc" -e inject="$sc:signal=KILL:when=$n" "$@" \
		</dev/null >"$out.stdout" 2>"$out.stderr" &
	TRACER=$!
	track_pid "$TRACER"
	for ((i = 0; i < 200; i++)); do
		first=$(awk 'NR == 1 { print $1; exit }' "$out" 2>/dev/null)
		[ -n "$first" ] && break
		kill -0 "$TRACER" 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$first" ] && wait_until 20 _dead "$first"
	return 0
}
stop_tracer() {
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$TRACER" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$TRACER" 2>/dev/null && kill -KILL "$TRACER" 2>/dev/null
	wait "$TRACER" 2>/dev/null
	return 0
}

# fault_create LABEL ROLE SYSCALL ERE [NTH]: kill create at that call.
FSEQ=0
fault_create() {
	local label=$1 n id
	n=$(ordinal "$T/dry.create" "$2" "$3" "$4" "${5:-1}")
	[ -n "$n" ] || { echo "$label: stage not found in the dry run, or not the first to reach it ($2 $3 /$4/)" >>"$T/bad"; return 0; }
	FSEQ=$((FSEQ + 1))
	id="fc$FSEQ-$U"
	ctr_track "$id"
	traced_kill "$T/f$FSEQ" "$3" "$n" "$RT" --root "$ROOT" create --bundle "$BUNDLE" "$id"
	grep -q "killed by SIGKILL" "$T/f$FSEQ" ||
		echo "$label: the injection did not fire ($3 #$n)" >>"$T/bad"
	log "stage '$label': killed at $3 #$n (${SECONDS}s): $(grep -B1 'killed by SIGKILL' "$T/f$FSEQ" | head -n1 | cut -c1-160)"
	recover "create: $label" "$id"
	stop_tracer
}

# Before the clone: only the state dir and the cgroups exist.
test_fault_create_before_clone() {
	need_strace
	dry_run
	set_args /rt-helper sleep 600
	# before anything exists
	fault_create "state dir mkdirat" P mkdirat '' 1
	# state dir, state.json (with the cgroups to come) not yet linked in
	fault_create "first state.json link" P linkat 'state\.json"' 1
	# state.json written, config.json copy not yet in place
	fault_create "config.json link" P linkat 'config\.json"' 1
	# the cgroups recorded in state.json, none made yet
	fault_create "first cgroup mkdir" P mkdir '/rt-[0-9a-f]+/[^/"]+"' 1
	# cgroup creation: some hierarchies made
	fault_create "third cgroup mkdir" P mkdir '/rt-[0-9a-f]+/[^/"]+"' 3
	fault_create "devices cgroup rules" P openat 'devices\.allow' 1
	fault_create "exec.fifo mknod" P mknodat 'exec\.fifo' 1
	# the v1 `tasks` files the child will write itself into
	fault_create "cgroup tasks opened" P openat '/tasks"' 2
	fault_create "before clone" P clone3 '' 1
	report_bad 9
}

# After the clone: the child exists; it dies with the parent (PDEATHSIG)
# until it is READY, then it must be found and killed by delete.
test_fault_create_after_clone() {
	need_strace
	dry_run
	set_args /rt-helper sleep 600
	# the pid written (before GO: a create's child outlives create once READY)
	fault_create "pid recorded" P renameat2 'state\.json"' 1
	fault_create "GO sendmsg" P sendmsg '' 1
	# the child is READY and no longer dies with create: state says creating
	fault_create "final state write" P renameat2 'state\.json"' 2
	report_bad 3
}

test_fault_create_child() {
	need_strace
	# a cgroup namespace, so that the cgroup mounts are new mounts
	cfg '.linux.namespaces |= (map(select(.type != "cgroup")) + [{"type": "cgroup"}])'
	dry_run
	set_args /rt-helper sleep 600
	# (after GO, before its first mount, the child writes itself into its
	# v1 cgroups: "GO sendmsg" and this stage bracket that)
	fault_create "child: first mount" C mount '' 1
	fault_create "child: proc mount" C mount '"proc"' 1
	fault_create "child: cgroup mounts" C mount '"cgroup"' 2
	# (its first mknodat would be create's exec.fifo one: the second)
	fault_create "child: mknodat /dev/zero" C mknodat '"zero"' 1
	fault_create "child: pivot_root" C pivot_root '' 1
	fault_create "child: old root detach" C umount2 '' 1
	fault_create "child: masked paths" C mount '/dev/null' 1
	# the last step before READY (its working directory)
	fault_create "child: before READY" C chdir '' 2
	report_bad 8
}

# The parent killed while its child is mid-way through the mounts: the
# child's mounts are delayed by strace, the parent killed meanwhile.
test_fault_create_parent_dies_during_mounts() {
	local id="fm-$U" first i
	need_strace
	set_args /rt-helper sleep 600
	ctr_track "$id"
	strace -f -qq -o "$T/fm" -e trace=mount -e inject=mount:delay_enter=1500000:when=3 \
		"$RT" --root "$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 &
	TRACER=$!
	track_pid "$TRACER"
	for ((i = 0; i < 100; i++)); do
		first=$(awk 'NR == 1 { print $1; exit }' "$T/fm" 2>/dev/null)
		[ -n "$first" ] && [ "$(grep -c 'mount(' "$T/fm")" -ge 3 ] && break
		sleep 0.05
	done
	[ -n "$first" ] || fail "no trace"
	kill -KILL "$first"
	wait_until 10 _dead "$first"
	recover "parent killed during the child's mounts" "$id"
	stop_tracer
	report_bad 1
}

# start: killed before it opens exec.fifo, after (before the unlink), and
# the container's process killed at its execve.
test_fault_start() {
	local id n
	need_strace
	dry_run
	set_args /rt-helper sleep 600
	# before the fifo is opened: the container stays created
	id="fs1-$U"
	ctr_create "$id" || fail "create failed"
	n=$(ordinal "$T/dry.start" P openat 'exec\.fifo' 1)
	traced_kill "$T/s1" openat "$n" "$RT" --root "$ROOT" start "$id"
	stop_tracer
	assert_eq "$(status_of "$id")" created "status after start was killed before opening exec.fifo"
	run_rt start "$id"
	[ "$STATUS" -eq 0 ] || echo "start after a killed start failed: $(first_line "$ERR")" >>"$T/bad"
	recover "start: before exec.fifo open" "$id"
	# after the fifo is open, before it is removed: the process runs
	id="fs2-$U"
	ctr_create "$id" || fail "create failed"
	n=$(ordinal "$T/dry.start" P unlinkat 'exec\.fifo' 1)
	traced_kill "$T/s2" unlinkat "$n" "$RT" --root "$ROOT" start "$id"
	stop_tracer
	wait_output "$T/$id.out" ready
	log "status after start was killed after opening exec.fifo: $(status_of "$id")"
	[ "$(status_of "$id")" = running ] ||
		echo "start killed after opening exec.fifo: the process runs but status is '$(status_of "$id")' (exec.fifo left)" >>"$T/bad"
	recover "start: after exec.fifo open" "$id"
	# the container's process killed at its execve
	id="fs3-$U"
	ctr_create "$id" || fail "create failed"
	strace -qq -o "$T/s3" -p "$(pid_of "$id")" -e trace=execve -e inject=execve:signal=KILL:when=1 &
	TRACER=$!
	track_pid "$TRACER"
	sleep 0.5
	run_rt start "$id"
	log "start with the process killed at execve: status $STATUS: $ERR"
	# (EOF on exec.fifo means "exec'd" to start: a process killed right at
	# its execve looks the same; not a leak)
	stop_tracer
	recover "start: process killed at execve" "$id"
	report_bad 3
}

# delete: killed at each of its steps, then delete --force again.
test_fault_delete() {
	local id n spec sc re nth i=0
	need_strace
	set_args /rt-helper sleep 600
	# the dry run: delete --force of a running container
	id="fd0-$U"
	ctr_create "$id" || fail "create failed"
	rt start "$id" || fail "start failed"
	strace -f -qq -s 200 -o "$T/dry.delete" "$RT" --root "$ROOT" delete --force "$id" </dev/null >/dev/null 2>&1 ||
		fail "dry run: delete --force failed"
	assert_nothing_left "$id"
	for spec in "kill:SIGKILL:1" "rmdir:/rt-[0-9a-f]+/[^/\"]+\":1" "rmdir:/rt-[0-9a-f]+/[^/\"]+\":4" "unlinkat:state\\.json:1" "unlinkat:AT_REMOVEDIR:1"; do
		IFS=: read -r sc re nth <<<"$spec"
		i=$((i + 1))
		id="fd$i-$U"
		ctr_create "$id" || fail "create failed"
		rt start "$id" || fail "start failed"
		n=$(ordinal "$T/dry.delete" P "$sc" "$re" "$nth")
		if [ -z "$n" ]; then
			echo "delete: stage $sc /$re/ #$nth not in the dry run" >>"$T/bad"
			rt delete --force "$id"
			continue
		fi
		traced_kill "$T/d$i" "$sc" "$n" "$RT" --root "$ROOT" delete --force "$id"
		stop_tracer
		recover "delete killed at $sc /$re/ #$nth" "$id"
	done
	report_bad "$i"
}

# killed_state_write ID SYSCALL ERE NTH: create ID, killed at the NTH call
# of SYSCALL matching ERE by rt's own process (found in a dry run).
killed_state_write() {
	local n
	need_strace
	dry_run
	set_args /rt-helper sleep 600
	n=$(ordinal "$T/dry.create" P "$2" "$3" "$4")
	[ -n "$n" ] || fail "no $2 matching /$3/ #$4 by rt in the dry run"
	ctr_track "$1"
	traced_kill "$T/w" "$2" "$n" "$RT" --root "$ROOT" create --bundle "$BUNDLE" "$1"
	ls -A "$ROOT/$1" >&2
}

# A writer killed before its new state.json has a name leaves no temporary
# behind (it lives as an unnamed O_TMPFILE until complete).
test_fault_state_write_leaves_no_temporary() {
	local id="fn-$U"
	# the final write (creating -> created); the first ones link state.json
	# directly, later ones link a temporary beside it and swap the two
	killed_state_write "$id" linkat 'state\.json\.tmp' 2
	assert_eq "$(find "$ROOT" -name '*.tmp*' | wc -l)" 0 "no temporary file after a kill before the rename"
	recover "killed before state.json was named" "$id"
	stop_tracer
	report_bad 1
}

# A state.json write killed before its swap (RENAME_EXCHANGE) leaves the old state.json
# whole (readers never see half a file) and delete cleans the temporary.
test_fault_state_write_keeps_old_state() {
	local id="fw-$U"
	# kill the final write (creating -> created) before the swap
	killed_state_write "$id" renameat2 'state\.json"' 2
	run_rt state "$id"
	assert_success "state after a killed state write"
	assert_json "$OUT" '.status == "creating"' "the old state.json (creating) is still whole"
	run_rt list --format json
	assert_success "list after a killed state write"
	assert_json "$OUT" --arg id "$id" 'map(select(.id == $id)) | length == 1' "list shows the container once"
	recover "killed between state.json write and rename" "$id"
	stop_tracer
	report_bad 1
}

slow test_fault_create_before_clone test_fault_create_after_clone test_fault_create_child \
	test_fault_create_parent_dies_during_mounts test_fault_start test_fault_delete \
	test_fault_state_write_leaves_no_temporary test_fault_state_write_keeps_old_state
