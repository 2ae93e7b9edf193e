# shellcheck shell=bash
# The container process: user, groups, umask, cwd, env, rlimits,
# capabilities, no_new_privs, hostname, oom_score_adj, fds, sysctl, seccomp.

# Capability bits used below.
CAP_CHOWN=0 CAP_KILL=5 CAP_NET_BIND_SERVICE=10
capmask() { # capmask BIT...: the 16-digit hex mask /proc/self/status shows
	local m=0 b
	for b in "$@"; do m=$((m | (1 << b))); done
	printf '%016x\n' "$m"
}

test_pid_is_one_in_new_pid_namespace() {
	run_helper pid
	assert_kv pid 1
}

test_user_ids_groups_umask() {
	cfg '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [20, 10], "umask": 23}'
	run_helper ids
	assert_kv uid 1000
	assert_kv euid 1000
	assert_kv gid 1001
	assert_kv egid 1001
	local groups
	groups=$(kv groups | tr ',' '\n' | sort -n | tr '\n' ',')
	assert_eq "$groups" "10,20," "supplementary groups"
	assert_kv umask 0027
}

test_root_user_default_umask() {
	cfg '.process.user = {"uid": 0, "gid": 0}'
	run_helper ids
	assert_kv uid 0
	assert_kv gid 0
	assert_kv groups ""
	assert_kv umask 0022
}

test_cwd() {
	cfg '.process.cwd = "/tmp"'
	run_helper cwd
	assert_kv cwd /tmp
}

test_cwd_created_if_missing() {
	cfg '.process.cwd = "/new/work/dir" | .root.readonly = false'
	run_helper cwd
	assert_kv cwd /new/work/dir
}

test_env() {
	cfg '.process.env = ["PATH=/bin:/sbin", "FOO=bar baz", "EMPTY=", "WITH_EQ=a=b"]'
	run_helper env
	local e
	for e in "PATH=/bin:/sbin" "FOO=bar baz" "EMPTY=" "WITH_EQ=a=b"; do
		grep -qxF -- "$e" <<<"$OUT" || fail "env lacks '$e': $(tr '\n' '|' <<<"$OUT")"
	done
	refute_contains "$OUT" "TERM=xterm" "env from the default spec leaked in"
}

test_rlimits() {
	cfg '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 2048},
		{"type": "RLIMIT_CORE", "soft": 1024, "hard": 4096},
		{"type": "RLIMIT_NPROC", "soft": 500, "hard": 600}]'
	run_helper rlimits
	assert_kv RLIMIT_NOFILE 1024:2048
	assert_kv RLIMIT_CORE 1024:4096
	assert_kv RLIMIT_NPROC 500:600
}

test_rlimit_unlimited() {
	# The host's hard RLIMIT_CORE is unlimited here; keep it so.
	[ "$(ulimit -Hc)" = unlimited ] || skip "host hard RLIMIT_CORE is not unlimited"
	# jq 1.6 rounds 2^64-1 to a float: write the number with sed, last.
	set_args /rt-helper rlimits
	cfg '.process.rlimits = [{"type": "RLIMIT_CORE", "soft": 0, "hard": "U64MAX"}]'
	sed -i 's/"U64MAX"/18446744073709551615/' "$BUNDLE/config.json"
	ctr_run c1
	assert_success "run"
	assert_kv RLIMIT_CORE 0:unlimited
}

test_capabilities_reduced_set() {
	cfg '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
		"effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
		"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
		"inheritable": [], "ambient": []}'
	run_helper caps
	local m
	m=$(capmask $CAP_CHOWN $CAP_KILL $CAP_NET_BIND_SERVICE)
	assert_kv CapBnd "$m"
	assert_kv CapPrm "$m"
	assert_kv CapEff "$m"
	assert_kv CapInh 0000000000000000
	assert_kv CapAmb 0000000000000000
}

test_capabilities_ambient_non_root() {
	cfg '.process.user = {"uid": 1000, "gid": 1000} |
		.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
			"permitted": ["CAP_KILL"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
	run_helper caps
	local m
	m=$(capmask $CAP_KILL)
	assert_kv CapAmb "$m"
	assert_kv CapEff "$m"
	assert_kv CapPrm "$m"
	assert_kv CapBnd "$m"
}

test_capabilities_non_root_without_ambient() {
	cfg '.process.user = {"uid": 1000, "gid": 1000} |
		.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
			"permitted": ["CAP_KILL"]}'
	run_helper caps
	assert_kv CapBnd "$(capmask $CAP_KILL)"
	assert_kv CapEff 0000000000000000
	assert_kv CapPrm 0000000000000000
	assert_kv CapAmb 0000000000000000
}

# runtime-spec: a capability the runtime cannot grant (a name newer than
# this host, or no capability at all) is a warning naming it, and the
# container runs with the others (runc warns too).
test_capabilities_unknown_warn_and_run() {
	cfg '.process.capabilities = {
		"bounding": ["CAP_KILL", "CAP_FUTURE_THING"], "effective": ["CAP_KILL", "CAP_FUTURE_THING"],
		"permitted": ["CAP_KILL", "CAP_FUTURE_THING"], "inheritable": [], "ambient": ["cap_kill; rm -rf /"]}'
	set_args /rt-helper caps
	ctr_run c1
	assert_success "run with capabilities this host does not know"
	assert_contains "$ERR" CAP_FUTURE_THING "the warning names the capability"
	assert_kv CapBnd "$(capmask $CAP_KILL)"
	assert_kv CapEff "$(capmask $CAP_KILL)"
	assert_kv CapAmb 0000000000000000
}

test_no_new_privileges() {
	cfg '.process.noNewPrivileges = true'
	run_helper caps
	assert_kv no_new_privs 1
	cfg '.process.noNewPrivileges = false'
	run_helper caps
	assert_kv no_new_privs 0
}

test_mknod_denied_without_cap_mknod() {
	cfg '.root.readonly = false |
		.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	set_args /rt-helper mknod /tmp/null2
	ctr_run c1
	assert_eq "$OUT" EPERM "mknod without CAP_MKNOD"
}

test_hostname() {
	cfg '.hostname = "rt-test-host"'
	run_helper hostname
	assert_kv hostname rt-test-host
}

# runc 1.1 ignores .domainname (runtime-spec 1.1 field).
rt_only test_domainname
test_domainname() {
	cfg '.domainname = "example.test"'
	run_helper domainname
	assert_kv domainname example.test
}

test_oom_score_adj() {
	cfg '.process.oomScoreAdj = 123'
	run_helper oom_score_adj
	assert_kv oom_score_adj 123
}

test_only_stdio_fds() {
	run_helper fds
	local fds
	fds=$(cut -d= -f1 <<<"$OUT" | sort -n | tr '\n' ' ')
	assert_eq "$fds" "0 1 2 " "open fds in the container (no leaked runtime fds): $(tr '\n' ' ' <<<"$OUT")"
}

test_no_terminal() {
	cfg '.process.terminal = false'
	run_helper tty
	assert_kv 0 0
	assert_kv 1 0
	assert_kv 2 0
}

test_sysctl() {
	local host
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": $v}' --arg v "$((1 - host))"
	run_helper sysctl net.ipv4.ip_forward
	assert_kv net.ipv4.ip_forward "$((1 - host))"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host" "host sysctl unchanged"
}

test_seccomp_errno() {
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"syscalls": [
			{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"},
			{"names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]} |
		.root.readonly = false'
	set_args /rt-helper syscall getcwd
	ctr_run s1
	assert_eq "$OUT" ok "getcwd is allowed"
	set_args /rt-helper syscall mkdir
	ctr_run s2
	assert_eq "$OUT" EPERM "mkdir under SCMP_ACT_ERRNO (default errno)"
	set_args /rt-helper syscall chmod
	ctr_run s3
	assert_eq "$OUT" EACCES "chmod under SCMP_ACT_ERRNO with errnoRet 13"
}

# runc and crun: without HOME in the env, the user's home from the
# container's /etc/passwd, else /; a HOME the config sets stays.
test_home_from_passwd() {
	cfg '.process.env = ["PATH=/bin:/usr/bin"]'
	set_args /bin/sh -c 'echo "home=$HOME"'
	ctr_run c1
	assert_success "run"
	assert_kv home /root
	cfg '.process.user = {"uid": 4242, "gid": 4242}'
	ctr_run c2
	assert_kv home /
	cfg '.process.env = ["PATH=/bin:/usr/bin", "HOME=/mine"] | .process.user = {"uid": 0, "gid": 0}'
	ctr_run c3
	assert_kv home /mine
	cfg '.process.env = ["PATH=/bin:/usr/bin"] | .process.args = ["/rt-helper", "sleep", "600"]'
	ctr_create c4 || fail "create"
	run_rt exec c4 /bin/sh -c 'echo "home=$HOME"'
	assert_success "exec"
	assert_kv home /root
}

# A cwd only root may enter still works for another user: runc enters it
# before dropping privileges.
test_cwd_only_root_may_enter() {
	cfg '.root.readonly = false | .process.user = {"uid": 1000, "gid": 1000} | .process.cwd = "/root"'
	chmod 700 "$BUNDLE/rootfs/root" 2>/dev/null || mkdir -m 700 "$BUNDLE/rootfs/root"
	set_args /rt-helper cwd
	ctr_run c1
	assert_success "run with cwd /root as uid 1000"
	assert_contains "$OUT" "/root"
	cfg '.process.args = ["/rt-helper", "sleep", "600"] | .process.user = {"uid": 0, "gid": 0} | .process.cwd = "/"'
	ctr_run_detached c2 || fail "run -d"
	wait_output "$T/c2.out" ready
	run_rt exec -u 1000:1000 --cwd /root c2 /rt-helper cwd
	assert_success "exec --cwd /root as uid 1000"
	assert_contains "$OUT" "/root"
}
