# shellcheck shell=bash
# Concurrency: many runtime commands at once on one --root. Distinct ids
# never disturb each other; one id is won by exactly one create; `list`
# and `state` never see a half-written container and never fail; kills in
# the middle of a create leave no temporary files once deleted.
#
# Ids carry the runner's pid (default cgroups are /rt/<id>, machine-wide).

U=${RUNNER_PID:-$$}

# lifecycle ID: create, start, wait for the exit, delete; "ok" or why not
# in $T/res/ID.
lifecycle() {
	local id=$1 out=$T/res/$1 i st
	if ! "$RT" --root "$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>"$out.err"; then
		echo "create: $(head -n1 "$out.err")" >"$out"
		return
	fi
	if ! "$RT" --root "$ROOT" start "$id" </dev/null >/dev/null 2>"$out.err"; then
		echo "start: $(head -n1 "$out.err")" >"$out"
		return
	fi
	for ((i = 0; i < 200; i++)); do
		st=$("$RT" --root "$ROOT" state "$id" 2>/dev/null | jq -r .status)
		[ "$st" = stopped ] && break
		sleep 0.1
	done
	if ! "$RT" --root "$ROOT" delete "$id" </dev/null >/dev/null 2>"$out.err"; then
		echo "delete ($st): $(head -n1 "$out.err")" >"$out"
		return
	fi
	echo ok >"$out"
}

test_conc_50_parallel_lifecycles() {
	local i pids=() bad
	mkdir -p "$T/res"
	set_args /rt-helper exit 0
	for ((i = 0; i < 50; i++)); do
		ctr_track "p$i-$U"
		lifecycle "p$i-$U" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i"; done
	bad=$(for ((i = 0; i < 50; i++)); do
		r=$(cat "$T/res/p$i-$U" 2>/dev/null)
		[ "$r" = ok ] || echo "p$i: ${r:-no result}"
	done)
	[ -z "$bad" ] || fail "$(grep -c . <<<"$bad") of 50 parallel lifecycles failed: $(head -n 3 <<<"$bad" | tr '\n' '|')"
	run_rt list -q
	assert_eq "$OUT" "" "containers left after 50 parallel lifecycles"
	assert_nothing_left "p0-$U"
}

# Ten creates of one id at once: exactly one wins; each loser fails with
# one clear error line and touches nothing of the winner's.
test_conc_10_creates_of_one_id() {
	local id="same-$U" i pids=() won=0 lost=0 pid
	set_args /rt-helper sleep 600
	ctr_track "$id"
	for ((i = 0; i < 10; i++)); do
		"$RT" --root "$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >"$T/o$i" 2>"$T/e$i" &
		pids+=($!)
	done
	for ((i = 0; i < 10; i++)); do
		if wait "${pids[$i]}"; then
			won=$((won + 1))
		else
			lost=$((lost + 1))
			ERR=$(cat "$T/e$i")
			assert_error_line
			assert_contains "$ERR" "already exists" "a losing create's error"
		fi
	done
	assert_eq "$won" 1 "creates of one id that succeeded"
	# the winner is whole: created, its process alive, its cgroup there
	assert_eq "$(status_of "$id")" created "status of the winner"
	pid=$(pid_of "$id")
	pid_alive "$pid" || fail "the winner's process $pid is gone"
	[ -n "$(container_cgroup_dirs "$id")" ] || fail "the winner's cgroups are gone"
	[ "$(find "$ROOT" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1 ] || fail "state dirs: $(ls -A "$ROOT")"
	rt start "$id" || fail "start of the winner failed"
	rt delete --force "$id" || fail "delete of the winner failed"
	assert_nothing_left "$id"
}

# check_list_json JSON: every entry is a whole container.
_list_ok() {
	jq -e 'type == "array" and all(.[]; (.id | type == "string") and (.pid | type == "number")
		and (.status | IN("creating", "created", "running", "stopped", "paused"))
		and (.bundle | type == "string") and (.created | type == "string"))' >/dev/null 2>&1 <<<"$1"
}

# churn N ID-PREFIX: N sequential lifecycles (create, start, delete --force).
churn() {
	local i id
	for ((i = 0; i < $1; i++)); do
		id="$2$i-$U"
		echo "$id" >>"$T/.ids"
		"$RT" --root "$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
		"$RT" --root "$ROOT" start "$id" </dev/null >/dev/null 2>&1
		"$RT" --root "$ROOT" delete --force "$id" </dev/null >/dev/null 2>&1
	done
}

test_conc_list_during_churn() {
	local c1 c2 n=0 bad=0 out id
	set_args /rt-helper sleep 600
	churn 25 ca &
	c1=$!
	churn 25 cb &
	c2=$!
	while kill -0 "$c1" 2>/dev/null || kill -0 "$c2" 2>/dev/null; do
		n=$((n + 1))
		if ! out=$("$RT" --root "$ROOT" list --format json 2>"$T/list.err"); then
			bad=$((bad + 1))
			log "list failed: $(cat "$T/list.err")"
		elif ! _list_ok "$out"; then
			bad=$((bad + 1))
			log "list gave a half-written container: $(head -c 400 <<<"$out")"
		fi
		# state of whatever is there: whole, or "does not exist"
		for id in $(jq -r '.[].id' <<<"$out" 2>/dev/null | head -n 3); do
			if ! "$RT" --root "$ROOT" state "$id" >"$T/state.out" 2>"$T/state.err"; then
				grep -q 'does not exist' "$T/state.err" || {
					bad=$((bad + 1))
					log "state $id failed: $(cat "$T/state.err")"
				}
			elif ! jq -e '.id and .status' "$T/state.out" >/dev/null 2>&1; then
				bad=$((bad + 1))
				log "state $id gave: $(head -c 200 "$T/state.out")"
			fi
		done
	done
	wait "$c1" "$c2"
	log "$n lists during 50 lifecycles"
	[ "$n" -ge 5 ] || fail "only $n lists ran"
	assert_eq "$bad" 0 "lists/states that failed or saw a half-written container (of $n)"
	run_rt list -q
	assert_eq "$OUT" "" "containers left after the churn"
	assert_nothing_left "ca0-$U"
}

# Creates killed with SIGKILL at random moments: list keeps working, and
# delete --force leaves nothing, no temporary state file either.
test_conc_random_kills_leave_nothing() {
	local i id pid tmp=0 delay
	set_args /rt-helper sleep 600
	for ((i = 0; i < 30; i++)); do
		id="k$i-$U"
		ctr_track "$id"
		"$RT" --root "$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 &
		pid=$!
		delay=$(printf '0.%03d' $((RANDOM % 60)))
		sleep "$delay"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		run_rt list --format json
		assert_success "list after a create killed after ${delay}s"
		_list_ok "$OUT" || fail "list after a kill: $(head -c 300 <<<"$OUT")"
		tmp=$((tmp + $(find "$ROOT" -name '*.tmp*' | wc -l)))
		run_rt delete --force "$id"
		assert_success "delete --force after a create killed after ${delay}s"
		[ -z "$(find "$ROOT" -name '*.tmp*')" ] || fail "temporary files left after delete: $(find "$ROOT" -name '*.tmp*')"
		[ ! -e "$ROOT/$id" ] || fail "state dir of $id left after delete --force"
	done
	log "temporary state files seen between a kill and its delete: $tmp"
	assert_nothing_left "k0-$U"
}

# The same id under two --root dirs (two engines on one host): two
# containers, and deleting one must not touch the other (its process, its
# cgroups). Default cgroups are /rt/<id> machine-wide, so the second create
# must get its own cgroup or fail cleanly.
test_conc_same_id_two_roots() {
	local id="tworoots-$U" root2="$T/root2" pid1 st2
	set_args /rt-helper sleep 600
	ctr_create "$id" || fail "create in the first root failed"
	pid1=$(pid_of "$id")
	rt start "$id" || fail "start failed"
	wait_output "$T/$id.out" ready
	mkdir -p "$root2"
	"$RT" --root "$root2" create --bundle "$BUNDLE" "$id" </dev/null >"$T/r2.out" 2>"$T/r2.err"
	st2=$?
	log "create of the same id in a second root: status $st2: $(head -c 200 "$T/r2.err")"
	if [ "$st2" -eq 0 ]; then
		"$RT" --root "$root2" delete --force "$id" >/dev/null 2>&1 || fail "delete in the second root failed"
	fi
	[ ! -e "$root2/$id" ] || fail "state dir left in the second root"
	pid_alive "$pid1" || fail "the first root's container was killed by a create/delete of the same id in another root"
	[ -n "$(container_cgroup_dirs "$id")" ] ||
		fail "the first root's container lost its cgroups to a delete in another root"
	assert_eq "$(status_of "$id")" running "status of the first root's container"
}

slow test_conc_50_parallel_lifecycles test_conc_list_during_churn test_conc_random_kills_leave_nothing
