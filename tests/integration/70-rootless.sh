# shellcheck shell=bash
# Rootless: an ordinary user, made by each test and removed after it, runs
# containers: alone with its own ids, with subordinate ids through
# newuidmap, and as root of a user namespace it made itself (how rootless
# Podman runs its runtime). Its state lives under $XDG_RUNTIME_DIR ($T/xdg).
# Every test but the nested-namespace one also passes with runc.

rt_only test_rootless_nested_userns

# rl_user: the test's user. Sets RL_USER RL_UID RL_GID RL_SUB (its first
# subordinate uid and gid, useradd's allocation), RL_DIR (its bundle dir)
# and ROOT (its default state root, which the harness's helpers then use).
rl_user() {
	command -v newuidmap >/dev/null || skip "newuidmap missing (Debian package uidmap)"
	RL_USER=rtrl$$
	printf '%s\n' "$RL_USER" >>"$T/.users"
	useradd -M -s /usr/sbin/nologin "$RL_USER" || fail "useradd $RL_USER"
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	RL_SUB=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
	[ -n "$RL_SUB" ] && [ "$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subgid)" = "$RL_SUB" ] ||
		fail "useradd gave $RL_USER no subordinate ids (SUB_UID_COUNT in /etc/login.defs)"
	RL_DIR=$T/rl
	mkdir -p "$RL_DIR" "$T/xdg"
	chown "$RL_USER:" "$RL_DIR" "$T/xdg"
	chmod 700 "$T/xdg"
	ROOT=$T/xdg/$(is_runc && echo runc || echo rt)
	as_user test -x "$RT" || fail "$RL_USER cannot run $RT (a directory on its way is closed to others)"
}

# as_user CMD...: CMD as the test's user, in a clean environment. Under
# ASan, no leak check for an exec: LeakSanitizer checks from a process it
# makes at exit, which a rootless exec makes in the container's pid
# namespace (rt cannot return from it), where it cannot reach rt and waits.
as_user() {
	local asan=${ASAN_OPTIONS:-}
	[ -n "$asan" ] && [[ " $* " == *" exec "* ]] && asan+=:detect_leaks=0
	runuser -u "$RL_USER" -- env -i PATH="$PATH" HOME="$RL_DIR" USER="$RL_USER" XDG_RUNTIME_DIR="$T/xdg" \
		${asan:+ASAN_OPTIONS="$asan"} ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} "$@"
}

# run_rl ARGS...: the runtime as the user, with its default root (run_cmd's
# STATUS OUT ERR).
run_rl() { run_cmd as_user "$RT" "$@"; }

# rl_spec [JQ FILTER]: the user's `spec --rootless` in RL_DIR, on the
# harness's rootfs, without a terminal, edited by the filter.
rl_spec() {
	rm -f "$RL_DIR/config.json"
	as_user sh -c 'cd "$1" && exec "$2" spec --rootless' rl_spec "$RL_DIR" "$RT" || fail "spec --rootless failed"
	rl_cfg --arg r "$BUNDLE/rootfs" '.root.path = $r | .process.terminal = false'
	[ $# -eq 0 ] || rl_cfg "$@"
}

rl_cfg() {
	jq "$@" "$RL_DIR/config.json" >"$RL_DIR/config.json.new" || fail "jq $*"
	mv "$RL_DIR/config.json.new" "$RL_DIR/config.json"
	chown "$RL_USER:" "$RL_DIR/config.json"
}

rl_args() { rl_cfg --argjson a "$(json_array "$@")" '.process.args = $a'; }

# the first line of `cat /proc/self/uid_map`, spaces squeezed
map_line() { printf '%s\n' "$1" | tr -s ' ' | sed 's/^ //' | grep -m1 "^$2 " || true; }

test_rootless_spec() {
	rl_user
	rl_spec
	assert_json "$(cat "$RL_DIR/config.json")" --argjson u "$RL_UID" --argjson g "$RL_GID" '
		(.linux.namespaces | map(.type) | index("user")) != null
		and (.linux.namespaces | map(.type) | index("network")) == null
		and .linux.uidMappings == [{"containerID": 0, "hostID": $u, "size": 1}]
		and .linux.gidMappings == [{"containerID": 0, "hostID": $g, "size": 1}]
		and ([.mounts[] | select(.destination == "/sys")][0] | .source == "/sys" and (.options | index("rbind")) != null)
		and ([.mounts[].options[]? | select(startswith("gid=") or startswith("uid="))] == [])
		and ((.linux.resources.devices // []) == [])' "spec --rootless"
}

test_rootless_run() {
	rl_user
	rl_spec
	rl_args sh -c 'id -u; id -g; cat /proc/self/uid_map; stat -c "%t,%T" /dev/null; ls /sys/kernel >/dev/null && echo sys'
	run_rl run --bundle "$RL_DIR" rl1
	assert_success
	assert_eq "$(printf '%s\n' "$OUT" | sed -n 1,2p | tr '\n' ' ')" "0 0 " "ids inside"
	assert_eq "$(map_line "$OUT" 0)" "0 $RL_UID 1" "uid_map"
	assert_contains "$OUT" "1,3"
	assert_contains "$OUT" "sys"
	# the state root is the user's, under XDG_RUNTIME_DIR
	assert_eq "$(stat -c %U "$ROOT")" "$RL_USER" "owner of $ROOT"
	is_runc || assert_eq "$(stat -c %a "$ROOT")" 700 "mode of $ROOT"
	assert_nothing_left rl1
}

test_rootless_lifecycle() {
	rl_user
	rl_spec
	rl_args /rt-helper sleep 600
	as_user "$RT" create --bundle "$RL_DIR" rl2 </dev/null >"$T/rl2.out" 2>"$T/rl2.err" ||
		fail "create: $(cat "$T/rl2.err")"
	assert_eq "$(status_of rl2)" created
	run_rl list -q
	assert_eq "$OUT" rl2 "list"
	run_rl start rl2
	assert_success
	wait_status rl2 running
	run_rl exec rl2 sh -c 'id -u; cat /proc/self/uid_map'
	assert_success
	assert_eq "$(printf '%s\n' "$OUT" | head -n1)" 0 "exec: uid"
	assert_eq "$(map_line "$OUT" 0)" "0 $RL_UID 1" "exec: uid_map"
	run_rl exec -d rl2 /rt-helper sleep 600
	assert_success
	# without a cgroup, runc 1.1's ps fails (`lstat : no such file`); rt
	# lists the processes of the container's pid namespace
	if ! is_runc; then
		run_rl ps --format json rl2
		assert_success
		assert_json "$OUT" --argjson p "$(pid_of rl2)" 'index($p) != null and length == 2' "ps"
	fi
	run_rl events --stats rl2
	assert_success
	run_rl kill rl2 KILL
	assert_success
	wait_status rl2 stopped
	run_rl delete rl2
	assert_success
	run_rl list -q
	assert_eq "$OUT" "" "list after delete"
	assert_nothing_left rl2
}

test_rootless_subid_range() {
	rl_user
	rl_spec --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson s "$RL_SUB" '
		.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": $s, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1}, {"containerID": 1, "hostID": $s, "size": 65536}]
		| .process.user = {"uid": 1000, "gid": 1000}'
	rl_args sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
	run_rl run --bundle "$RL_DIR" rl3
	assert_success
	assert_eq "$(printf '%s\n' "$OUT" | sed -n 1,2p | tr '\n' ' ')" "1000 1000 " "ids inside"
	assert_eq "$(map_line "$OUT" 1)" "1 $RL_SUB 65536" "the range in uid_map"
	[ "$(printf '%s\n' "$OUT" | tr -s ' ' | grep -c "^ *1 $RL_SUB 65536")" = 2 ] || fail "uid and gid ranges: $OUT"
	assert_nothing_left rl3
}

test_rootless_refused_mapping() {
	rl_user
	rl_spec --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson s "$((RL_SUB + 65536))" '
		.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": $s, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1}]'
	rl_args true
	run_rl run --bundle "$RL_DIR" rl4
	assert_failure
	is_runc || assert_contains "$ERR" ".linux.uidMappings: newuidmap: uid range"
	[ ! -e "$ROOT/rl4" ] || fail "state dir $ROOT/rl4 left behind"
	assert_nothing_left rl4
}

# rootless Podman's shape: the runtime is root of the user's own user
# namespace; the config has no user namespace of its own
test_rootless_in_userns() {
	rl_user
	rl_spec '.linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings)'
	rl_args sh -c 'id -u; cat /proc/self/uid_map; stat -c "%t,%T" /dev/null'
	run_cmd as_user unshare --user --map-root-user "$RT" run --bundle "$RL_DIR" rl5
	assert_success
	assert_eq "$(map_line "$OUT" 0)" "0 $RL_UID 1" "uid_map"
	assert_contains "$OUT" "1,3"
	assert_nothing_left rl5
	# the lifecycle from one user namespace, as Podman's commands share one
	rl_args /rt-helper sleep 600
	run_cmd as_user unshare --user --map-root-user sh -c '
		"$1" run -d --bundle "$2" rl5 </dev/null >/dev/null || exit 1
		"$1" exec rl5 sh -c "echo exec-uid=\$(id -u)" || exit 2
		"$1" kill rl5 KILL || exit 3
		while [ "$("$1" state rl5 | grep -c stopped)" = 0 ]; do sleep 0.1; done
		"$1" delete rl5 || exit 4' lifecycle "$RT" "$RL_DIR"
	assert_success
	assert_contains "$OUT" "exec-uid=0"
	assert_nothing_left rl5
}

# a user namespace below that one (runc 1.1 cannot: it clones the bind
# sources from a mount namespace the user namespace does not own)
test_rootless_nested_userns() {
	rl_user
	rm -f "$RL_DIR/config.json"
	as_user unshare --user --map-root-user sh -c 'cd "$1" && exec "$2" spec --rootless' spec "$RL_DIR" "$RT" ||
		fail "spec --rootless in a user namespace"
	rl_cfg --arg r "$BUNDLE/rootfs" '.root.path = $r | .process.terminal = false'
	rl_args sh -c 'id -u; cat /proc/self/uid_map'
	run_cmd as_user unshare --user --map-root-user "$RT" run --bundle "$RL_DIR" rl6
	assert_success
	assert_eq "$(map_line "$OUT" 0)" "0 0 1" "uid_map"
	assert_nothing_left rl6
}

# limits with no cgroup the user may write: refused (runc's rule), and
# nothing is left
test_rootless_limits_refused() {
	rl_user
	rl_spec '.linux.resources.memory.limit = 33554432'
	rl_args /rt-helper sleep 600
	run_rl run -d --bundle "$RL_DIR" rl7
	assert_failure
	assert_contains "$ERR" "cannot set memory limit: container could not join or create cgroup"
	[ ! -e "$ROOT/rl7" ] || fail "state dir $ROOT/rl7 left behind"
	assert_nothing_left rl7
}

# A subtree delegated to the user (chowned, below the runner's cgroups):
# limits, pause, update and ps through it. The user's commands run from
# inside it (moving a process needs write access where both cgroups meet).
in_delegated() {
	(
		for d in $RT_TEST_CGROUPS; do
			echo "$BASHPID" >"$d/rl-deleg/cgroup.procs" || exit 1
		done
		"$@"
	)
}

test_rootless_delegated_cgroup() {
	local d mem="" lim_file frz=""
	rl_user
	at_exit 'for d in $RT_TEST_CGROUPS; do lib_remove_cgroup "$d/rl-deleg"; done'
	for d in $RT_TEST_CGROUPS; do
		mkdir "$d/rl-deleg" || fail "mkdir $d/rl-deleg"
		if [ -f "$d/cpuset.cpus" ]; then
			cat "$d/cpuset.cpus" >"$d/rl-deleg/cpuset.cpus"
			cat "$d/cpuset.mems" >"$d/rl-deleg/cpuset.mems"
		fi
		chown -R "$RL_USER:" "$d/rl-deleg"
		{ [ -f "$d/freezer.state" ] || [ -f "$d/rl-deleg/cgroup.freeze" ]; } && frz=1
		[ -f "$d/memory.limit_in_bytes" ] && mem=$d lim_file=memory.limit_in_bytes
		[ -z "$mem" ] && [ -f "$d/memory.max" ] && mem=$d lim_file=memory.max
	done
	[ -n "$mem" ] || skip "no memory controller here"
	rl_spec '.linux.cgroupsPath = "c1" | .linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 20}}'
	rl_args /rt-helper sleep 600
	run_cmd in_delegated as_user "$RT" run -d --bundle "$RL_DIR" rl8
	assert_success
	wait_status rl8 running
	assert_eq "$(cat "$mem/rl-deleg/c1/$lim_file")" 33554432 "memory limit"
	grep -qx "$(pid_of rl8)" "$mem/rl-deleg/c1/cgroup.procs" || fail "init not in $mem/rl-deleg/c1"
	run_cmd in_delegated as_user "$RT" exec rl8 cat /proc/self/cgroup
	assert_success
	assert_contains "$OUT" "rl-deleg/c1"
	run_cmd in_delegated as_user "$RT" update --memory 64m rl8
	assert_success
	assert_eq "$(cat "$mem/rl-deleg/c1/$lim_file")" 67108864 "memory limit after update"
	if [ -n "$frz" ]; then
		run_rl pause rl8
		assert_success
		assert_eq "$(status_of rl8)" paused
		run_rl resume rl8
		assert_success
	fi
	run_rl kill rl8 KILL
	wait_status rl8 stopped
	run_rl delete rl8
	assert_success
	[ ! -e "$mem/rl-deleg/c1" ] || fail "cgroup c1 left behind"
	for d in $RT_TEST_CGROUPS; do
		rmdir "$d/rl-deleg" || fail "rmdir $d/rl-deleg"
	done
	assert_nothing_left rl8
}

# A rootless container cannot write what its user could not, nor can the
# user touch another user's containers.
test_rootless_hostile() {
	rl_user
	mkdir -p "$T/hostro"
	echo host >"$T/hostro/file"
	chmod 755 "$T/hostro"
	chmod 644 "$T/hostro/file"
	rl_spec --arg s "$T/hostro" '.mounts += [{"destination": "/mnt", "type": "bind", "source": $s, "options": ["rbind", "rw"]}]'
	rl_args sh -c 'echo x >/mnt/file && echo wrote; touch /mnt/new && echo made; echo finished'
	run_rl run --bundle "$RL_DIR" rl9
	assert_success
	assert_contains "$OUT" finished
	refute_contains "$OUT" wrote
	refute_contains "$OUT" made
	assert_eq "$(cat "$T/hostro/file")" host "host file"
	[ ! -e "$T/hostro/new" ] || fail "the container made a file in a root-owned dir"
	# root's container, in root's state: out of the user's reach
	local root_root=$T/root-state
	"$RT" --root "$root_root" run -d --bundle "$BUNDLE" rootctr </dev/null >"$T/rootctr.out" 2>&1 ||
		fail "root's run -d: $(cat "$T/rootctr.out")"
	at_exit '"$RT" --root "$T/root-state" delete -f rootctr >/dev/null 2>&1'
	run_cmd as_user "$RT" --root "$root_root" kill rootctr KILL
	assert_failure
	run_cmd as_user "$RT" --root "$root_root" delete -f rootctr
	assert_failure
	run_cmd as_user "$RT" list -q
	refute_contains "$OUT" rootctr
	assert_eq "$("$RT" --root "$root_root" state rootctr | jq -r .status)" running "root's container"
	"$RT" --root "$root_root" delete -f rootctr >/dev/null 2>&1
}
