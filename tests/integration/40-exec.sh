# shellcheck shell=bash
# rt exec: namespaces, cgroups, the process (defaults from the container's
# config, command-line overrides, --process), exit status, --detach,
# signals, and the states exec refuses.

CAP_SYS_ADMIN=21 CAP_SYS_PTRACE=19
capmask() { # capmask BIT...: the 16-digit hex mask /proc/self/status shows
	local m=0 b
	for b in "$@"; do m=$((m | (1 << b))); done
	printf '%016x\n' "$m"
}
hexor() { printf '%016x\n' "$((0x$1 | 0x$2))"; }

# sleeper ID [RUN-OPTIONS...]: a detached container running the default
# `/rt-helper sleep 600`, once it is ready.
sleeper() {
	local id=$1
	shift
	ctr_run_detached "$id" "$@" || fail "run --detach $id failed: $(head -n1 "$T/$id.err")"
	wait_output "$T/$id.out" ready
}

# exec_helper ID ARGS...: `exec ID /rt-helper ARGS`, which must succeed.
exec_helper() {
	local id=$1
	shift
	run_rt exec "$id" /rt-helper "$@"
	assert_success "exec /rt-helper $*"
}

test_exec_joins_every_namespace() {
	cfg '.linux.namespaces += [{"type": "time"}]'
	sleeper c1
	local pid n
	pid=$(pid_of c1)
	exec_helper c1 ns
	for n in pid net mnt ipc uts user cgroup time; do
		assert_kv "$n" "$(stat -L -c %i "/proc/$pid/ns/$n")"
	done
	assert_ne "$(kv pid)" "$(host_ns pid)" "the container has its own pid namespace"
	assert_ne "$(kv time)" "$(host_ns time)" "the container has its own time namespace"
	exec_helper c1 pid
	assert_ne "$(kv pid)" 1 "exec'd process is not init"
}

test_exec_sees_the_container_root() {
	sleeper c1
	run_rt exec c1 /rt-helper stat /rt-helper
	assert_success "exec"
	exec_helper c1 cwd
	assert_kv cwd /
	exec_helper c1 ls /
	assert_contains "$OUT" "entry=rt-helper" "the container's root"
}

test_exec_joins_the_cgroups() {
	sleeper c1
	local pid epid
	pid=$(pid_of c1)
	run_rt exec --detach --pid-file "$T/e.pid" c1 /rt-helper sleep 30
	assert_success "exec --detach"
	epid=$(cat "$T/e.pid")
	track_pid "$epid"
	assert_eq "$(cat "/proc/$epid/cgroup")" "$(cat "/proc/$pid/cgroup")" "cgroups of the exec'd process"
	exec_helper c1 cgroup
	assert_contains "$OUT" "0::/" "cgroup namespace view"
}

test_exec_exit_codes() {
	sleeper c1
	run_rt exec c1 /rt-helper exit 7
	assert_status 7 "exit status of exec"
	run_rt exec c1 /rt-helper exit 0
	assert_status 0 "exit status of exec"
	run_rt exec c1 sh -c 'kill -9 $$'
	assert_status 137 "killed by SIGKILL: 128+9"
}

test_exec_defaults_from_the_container() {
	cfg '.process.env = ["PATH=/bin:/sbin", "FROM_CONFIG=yes"] | .process.cwd = "/tmp" |
		.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [20]} |
		.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 321, "hard": 654}] |
		.process.noNewPrivileges = true |
		.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"],
			"permitted": ["CAP_KILL"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
	sleeper c1
	exec_helper c1 env
	grep -qxF FROM_CONFIG=yes <<<"$OUT" || fail "env of the config not used: $(tr '\n' '|' <<<"$OUT")"
	exec_helper c1 cwd
	assert_kv cwd /tmp
	exec_helper c1 ids
	assert_kv uid 1000
	assert_kv gid 1001
	assert_kv groups 20
	exec_helper c1 rlimits
	assert_kv RLIMIT_NOFILE 321:654
	exec_helper c1 caps
	assert_kv CapBnd "$(capmask 0 5)"
	assert_kv CapEff "$(capmask 5)"
	assert_kv CapAmb "$(capmask 5)"
	assert_kv no_new_privs 1
}

test_exec_env_cwd_user_overrides() {
	cfg '.process.env = ["PATH=/bin:/sbin", "KEEP=1", "FOO=old"]'
	sleeper c1
	run_rt exec --env FOO=new -e "BAR=two words" -e EMPTY= c1 /rt-helper env
	assert_success "exec --env"
	local e
	for e in PATH=/bin:/sbin KEEP=1 FOO=new "BAR=two words" EMPTY=; do
		grep -qxF -- "$e" <<<"$OUT" || fail "env lacks '$e': $(tr '\n' '|' <<<"$OUT")"
	done
	refute_contains "$OUT" "FOO=old" "--env replaces a variable of the config"
	run_rt exec --cwd /tmp c1 /rt-helper cwd
	assert_kv cwd /tmp
	run_rt exec --user 1000:1001 --additional-gids 20 -g 30 c1 /rt-helper ids
	assert_success "exec --user"
	assert_kv uid 1000
	assert_kv euid 1000
	assert_kv gid 1001
	assert_eq "$(kv groups | tr ',' '\n' | sort -n | tr '\n' ' ')" "20 30 " "additional gids"
	run_rt exec -u 1234 c1 /rt-helper ids
	assert_kv uid 1234
	assert_kv gid 0
}

test_exec_cap_and_no_new_privs() {
	cfg '.process.noNewPrivileges = false'
	sleeper c1
	local base
	exec_helper c1 caps
	base=$(kv CapEff)
	assert_kv no_new_privs 0
	run_rt exec --cap CAP_SYS_ADMIN -c CAP_SYS_PTRACE --no-new-privs c1 /rt-helper caps
	assert_success "exec --cap"
	assert_kv CapEff "$(hexor "$base" "$(capmask $CAP_SYS_ADMIN $CAP_SYS_PTRACE)")"
	assert_kv CapBnd "$(hexor "$base" "$(capmask $CAP_SYS_ADMIN $CAP_SYS_PTRACE)")"
	assert_kv no_new_privs 1
	run_rt exec --cap CAP_NOPE c1 true
	assert_status 255 "unknown capability"
	assert_contains "$ERR" CAP_NOPE
}

test_exec_seccomp_of_the_container() {
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]} |
		.root.readonly = false'
	sleeper c1
	exec_helper c1 syscall mkdir
	assert_eq "$OUT" EPERM "mkdir under the container's seccomp profile"
	exec_helper c1 syscall getcwd
	assert_eq "$OUT" ok "getcwd"
}

test_exec_process_json() {
	sleeper c1
	cat >"$T/process.json" <<-'EOF'
		{"terminal": false, "args": ["/rt-helper", "ids"], "cwd": "/tmp",
		 "env": ["PATH=/bin"], "user": {"uid": 42, "gid": 43, "umask": 63}}
	EOF
	run_rt exec --process "$T/process.json" c1
	assert_success "exec --process"
	assert_kv uid 42
	assert_kv gid 43
	assert_kv umask 0077
	jq '.args = ["/rt-helper", "env"]' "$T/process.json" >"$T/p2.json"
	run_rt exec -p "$T/p2.json" c1
	# and HOME, which runc and rt add from /etc/passwd (uid 42 has none: /)
	assert_eq "$(sort <<<"$OUT" | tr '\n' ' ')" "HOME=/ PATH=/bin " "the process' env only"
	echo '{"args": ["/rt-helper"], "cwd": 5}' >"$T/bad.json"
	run_rt exec --process "$T/bad.json" c1
	assert_status 255 "invalid process JSON"
	assert_contains "$ERR" ".cwd"
}

test_exec_detach_pid_file() {
	sleeper c1
	mkdir -p "$T/cwd"
	cd "$T/cwd" || fail "cd"
	run_rt exec --detach --pid-file rel.pid c1 /rt-helper sleep 30
	assert_success "exec --detach"
	[ -s "$T/cwd/rel.pid" ] || fail "no pid file relative to the caller's cwd"
	local epid
	epid=$(cat "$T/cwd/rel.pid")
	assert_match "$epid" '^[0-9]+$' "pid file content"
	track_pid "$epid"
	pid_alive "$epid" || fail "exec'd process $epid not alive"
	assert_eq "$(stat -L -c %i "/proc/$epid/ns/pid")" "$(stat -L -c %i "/proc/$(pid_of c1)/ns/pid")" \
		"pid namespace of the detached process"
	assert_eq "$(tr '\0' ' ' <"/proc/$epid/cmdline")" "/rt-helper sleep 30 " "its command"
}

test_exec_signals_forwarded() {
	sleeper c1
	"$RT" --root "$ROOT" exec c1 /rt-helper sleep 30 </dev/null >"$T/e.out" 2>&1 &
	local rtpid=$!
	track_pid "$rtpid"
	wait_output "$T/e.out" ready
	kill -TERM "$rtpid"
	wait "$rtpid"
	assert_eq "$?" 143 "exit status after SIGTERM: 128+15"
	assert_contains "$(cat "$T/e.out")" "SIGTERM" "the process got the signal"
}

test_exec_into_stopped_fails() {
	set_args /rt-helper exit 0
	ctr_run_detached c1 || fail "run --detach failed"
	wait_status c1 stopped
	run_rt exec c1 /rt-helper pid
	assert_status 255 "exec into a stopped container"
	assert_contains "$ERR" "stopped"
	assert_error_line
}

# runc execs into a created container (its init waits for start, its
# namespaces and root are ready); the container stays created.
test_exec_into_created() {
	ctr_create c1 || fail "create failed"
	run_rt exec c1 /rt-helper ns
	assert_success "exec into a created container"
	[ -n "$(kv mnt)" ] || fail "no namespaces reported: $OUT"
	assert_eq "$(status_of c1)" created "still created"
	run_rt start c1
	assert_success "start after the exec"
	wait_status c1 running
}

test_exec_into_paused_fails() {
	sleeper c1
	run_rt pause c1
	assert_success "pause"
	run_rt exec c1 /rt-helper pid
	assert_status 255 "exec into a paused container"
	assert_contains "$ERR" "--ignore-paused"
	run_rt resume c1
	exec_helper c1 exit 0
}

test_exec_missing_container_and_usage() {
	run_rt exec nosuch /rt-helper pid
	assert_status 255 "exec into a missing container"
	assert_contains "$ERR" "does not exist"
	sleeper c1
	run_rt exec c1
	assert_status 1 "no command"
	run_rt exec c1 /no/such/binary
	assert_status 255 "missing binary"
	assert_contains "$ERR" "/no/such/binary"
	run_rt exec --cwd relative c1 /rt-helper cwd
	assert_status 255 "relative cwd"
	run_rt exec --user x c1 /rt-helper ids
	assert_status 1 "bad --user"
}

# make_sub DIRS: DIR/sub in each (cpuset needs its cpus and mems first).
make_sub() {
	local d
	while IFS= read -r d; do
		mkdir "$d/sub" || return 1
		if [ -f "$d/cpuset.cpus" ]; then
			cat "$d/cpuset.cpus" >"$d/sub/cpuset.cpus" && cat "$d/cpuset.mems" >"$d/sub/cpuset.mems" || return 1
		fi
	done <<<"$1"
}

check_sub_cgroup() {
	local dirs=$1 d epid
	run_rt exec --detach --pid-file "$T/e.pid" --cgroup sub c1 /rt-helper sleep 30
	assert_success "exec --cgroup sub"
	epid=$(cat "$T/e.pid")
	track_pid "$epid"
	while IFS= read -r d; do
		grep -qx "$epid" "$d/sub/cgroup.procs" || fail "process $epid not in $d/sub"
	done <<<"$dirs"
	kill -KILL "$epid"
	wait_pid_gone "$epid"
	# a v1 controller's entry applies to its hierarchy only
	if grep -q '/pids/' <<<"$dirs"; then
		run_rt exec --detach --pid-file "$T/e2.pid" --cgroup pids:sub c1 /rt-helper sleep 30
		assert_success "exec --cgroup pids:sub"
		epid=$(cat "$T/e2.pid")
		track_pid "$epid"
		while IFS= read -r d; do
			case $d in
			*/pids/*) grep -qx "$epid" "$d/sub/cgroup.procs" || fail "process $epid not in $d/sub" ;;
			*) grep -qx "$epid" "$d/cgroup.procs" || fail "process $epid not in $d" ;;
			esac
		done <<<"$dirs"
		kill -KILL "$epid"
		wait_pid_gone "$epid"
	fi
	run_rt exec --cgroup nosuch c1 /rt-helper pid
	assert_status 255 "missing sub-cgroup"
	assert_contains "$ERR" "/nosuch/cgroup.procs: no such file " "runc's words"
	run_rt exec --cgroup ../c2 c1 /rt-helper pid
	assert_status 255 "a sub-cgroup outside the container's"
	assert_contains "$ERR" "../c2 is not a sub cgroup path" "runc's words"
	run_rt exec --cgroup .. c1 /rt-helper pid
	assert_status 255 "the parent cgroup"
	assert_contains "$ERR" ".. is not a sub cgroup path" "runc's words"
	run_rt exec --cgroup sub/../sub c1 /rt-helper pid
	assert_success "a path that stays below the container's cgroup"
	run_rt exec --cgroup whaaat:/ c1 /rt-helper pid
	assert_status 255 "an unknown controller"
	assert_contains "$ERR" "unknown controller whaaat" "runc's words"
}

test_exec_sub_cgroup() {
	sleeper c1
	local dirs d rc
	dirs=$(container_cgroup_dirs c1)
	[ -n "$dirs" ] || skip "the container's cgroups are not below the runner's"
	make_sub "$dirs" || fail "cannot make the sub-cgroups"
	# in a subshell: the sub-cgroups go even when a check fails, or the
	# container's cgroups could not be removed
	(check_sub_cgroup "$dirs")
	rc=$?
	wait_until 3 _pids_gone "$dirs"
	while IFS= read -r d; do rmdir "$d/sub"; done <<<"$dirs"
	return "$rc"
}
_pids_gone() {
	local d
	while IFS= read -r d; do [ ! -s "$d/sub/cgroup.procs" ] || return 1; done <<<"$1"
}

rt_only test_exec_into_created_fails test_exec_missing_container_and_usage

test_exec_user_namespace() {
	cfg '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	sleeper c1
	local pid epid
	pid=$(pid_of c1)
	exec_helper c1 ns
	assert_kv user "$(stat -L -c %i "/proc/$pid/ns/user")"
	assert_ne "$(kv user)" "$(host_ns user)" "the container has its own user namespace"
	exec_helper c1 ids
	assert_kv uid 0
	run_rt exec -d --pid-file "$T/e.pid" -u 1000:1000 c1 /rt-helper sleep 30
	assert_success "exec --detach in a user namespace"
	epid=$(cat "$T/e.pid")
	track_pid "$epid"
	assert_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$epid/status")" 101000 "host uid of container uid 1000"
}

test_exec_no_pivot_root() {
	sleeper c1 --no-pivot
	exec_helper c1 ls /
	assert_contains "$OUT" "entry=rt-helper" "the container's root, not the mount namespace's"
	exec_helper c1 stat /rt-helper
}

test_exec_lsm_needs_the_lsm() {
	[ -d /sys/kernel/security/apparmor ] && skip "AppArmor is enabled here"
	[ -e /sys/fs/selinux/enforce ] && skip "SELinux is enabled here"
	sleeper c1
	run_rt exec --apparmor some-profile c1 /rt-helper pid
	assert_status 255 "--apparmor without AppArmor"
	assert_contains "$ERR" "AppArmor is not enabled"
	run_rt exec --process-label system_u:system_r:container_t:s0 c1 /rt-helper pid
	assert_status 255 "--process-label without SELinux"
	assert_contains "$ERR" "SELinux is not enabled"
}

rt_only test_exec_lsm_needs_the_lsm

test_exec_process_json_takes_caps_rlimits_from_the_container() {
	cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 321, "hard": 654}] |
		.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"],
			"permitted": ["CAP_KILL"]}'
	sleeper c1
	echo '{"args": ["/rt-helper", "rlimits"], "cwd": "/"}' >"$T/p.json"
	run_rt exec --process "$T/p.json" c1
	assert_success "exec --process"
	assert_kv RLIMIT_NOFILE 321:654
	echo '{"args": ["/rt-helper", "caps"], "cwd": "/"}' >"$T/p.json"
	run_rt exec --process "$T/p.json" c1
	assert_kv CapBnd "$(capmask 0 5)"
	echo '{"args": ["/rt-helper", "caps"], "cwd": "/", "capabilities": {"bounding": ["CAP_CHOWN"]}}' >"$T/p.json"
	run_rt exec --process "$T/p.json" c1
	assert_kv CapBnd "$(capmask 0)"
}
