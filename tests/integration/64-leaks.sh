# shellcheck shell=bash
# Leaks: 500 containers started and deleted in a row (five tests of 100,
# one per way of running a container, each within the per-test time
# limit), one at a time. Afterwards the test shell's fds, the cgroups, the
# host's mounts and the state dirs are back where they were.
#
# rt has no long-lived process: every command is one process that exits
# (the container's process is the user's program after execve), so there
# is no runtime memory that could grow between containers. The tests show
# it: the peak RSS of `rt` is the same for the first and the last one.
#
# Ids carry the runner's pid (default cgroups are /rt/<id>, machine-wide).

U=${RUNNER_PID:-$$}
LEAK_N=${RT_LEAK_N:-100}

# snapshot: the resources a container could leak, one per line.
snapshot() {
	echo "shell fds: $(ls /proc/$$/fd | wc -l)"
	echo "state dirs: $(find "$ROOT" -mindepth 1 -maxdepth 1 | wc -l)"
	echo "tmp files: $(find "$ROOT" -name '*.tmp*' | wc -l)"
	echo "mounts under the test dir: $(mounts_under "$T" | wc -l)"
	echo "test cgroups: $(cg_children | wc -l)"
	echo "rt cgroups of this run: $(find /sys/fs/cgroup/*/rt -maxdepth 1 -name "*-$U" 2>/dev/null | wc -l)"
	echo "processes: $(stray_procs | wc -l)"
}

# leak_loop MODE: LEAK_N containers, one after the other, then compare.
leak_loop() {
	local mode=$1 i id before after start=$SECONDS rss1 rss2 eid
	eid="l$mode-keep-$U"
	set_args /rt-helper exit 0
	if [ "$mode" = exec ]; then
		set_args /rt-helper sleep 600
		ctr_create "$eid" || fail "create failed"
		rt start "$eid" || fail "start failed"
		wait_output "$T/$eid.out" ready
	fi
	before=$(snapshot)
	for ((i = 0; i < LEAK_N; i++)); do
		id="l$mode$i-$U"
		echo "$id" >>"$T/.ids"
		case $mode in
		run)
			/usr/bin/time -f %M -o "$T/rss" "$RT" --root "$ROOT" run --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 ||
				fail "run $i failed"
			# run deletes the container once its process has exited (as runc)
			[ ! -e "$ROOT/$id" ] || "$RT" --root "$ROOT" delete "$id" || fail "delete $i failed"
			;;
		lifecycle)
			/usr/bin/time -f %M -o "$T/rss" "$RT" --root "$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 ||
				fail "create $i failed"
			"$RT" --root "$ROOT" start "$id" || fail "start $i failed"
			wait_until 10 _status_is "$id" stopped || fail "container $i did not stop"
			"$RT" --root "$ROOT" delete "$id" || fail "delete $i failed"
			;;
		detach)
			/usr/bin/time -f %M -o "$T/rss" "$RT" --root "$ROOT" run --detach --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 ||
				fail "run --detach $i failed"
			"$RT" --root "$ROOT" kill "$id" KILL 2>/dev/null
			"$RT" --root "$ROOT" delete --force "$id" || fail "delete --force $i failed"
			;;
		exec)
			/usr/bin/time -f %M -o "$T/rss" "$RT" --root "$ROOT" exec "$eid" /rt-helper pid </dev/null >/dev/null 2>&1 ||
				fail "exec $i failed"
			;;
		failing)
			# a create that fails late (in the child: missing binary)
			set_args /no/such/binary
			/usr/bin/time -f %M -o "$T/rss" "$RT" --root "$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 &&
				fail "create $i of a missing binary succeeded"
			;;
		esac
		[ "$i" -eq 0 ] && rss1=$(tail -n1 "$T/rss")
		rss2=$(tail -n1 "$T/rss")
	done
	[ "$mode" = exec ] || wait_until 5 _no_strays
	after=$(snapshot)
	[ "$mode" = exec ] && { rt delete --force "$eid" || fail "delete failed"; }
	log "$LEAK_N x $mode in $((SECONDS - start))s; rt peak RSS: first ${rss1} KB, last ${rss2} KB"
	log "before: $(tr '\n' ';' <<<"$before") host mounts: $(wc -l </proc/self/mountinfo)"
	[ "$before" = "$after" ] || fail "after $LEAK_N x $mode: $(diff <(echo "$before") <(echo "$after") | grep '^>' | tr '\n' ';') (before: $(tr '\n' ';' <<<"$before"))"
	[ "$((rss2 - rss1))" -lt 1024 ] || fail "rt's peak RSS grew from ${rss1} KB to ${rss2} KB"
}

test_leaks_100_run() { leak_loop run; }
test_leaks_100_create_start_delete() { leak_loop lifecycle; }
test_leaks_100_detach_kill_delete() { leak_loop detach; }
test_leaks_100_exec() { leak_loop exec; }
test_leaks_100_failing_create() { leak_loop failing; }

slow test_leaks_100_run test_leaks_100_create_start_delete test_leaks_100_detach_kill_delete test_leaks_100_exec \
	test_leaks_100_failing_create
