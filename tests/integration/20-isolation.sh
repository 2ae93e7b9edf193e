# shellcheck shell=bash
# Isolation: sysctls against their namespaces, scheduler, I/O priority,
# personality, memory policy, LSM fields, Intel RDT, network devices, user
# and time namespaces, joined namespaces, devices, masked and read-only
# paths, propagation. Each effect is checked from inside a container (with
# /rt-helper, or /isol-helper for what rt-helper lacks), and each bad value
# by its error message and by nothing being left behind.
# More in 20-isolation-seccomp.sh and 20-isolation-mounts.sh; helpers in
# 20-isolation-lib.sh.

# shellcheck source=20-isolation-lib.sh
. "$ITEST_DIR/20-isolation-lib.sh"

# ---------------------------------------------------------------------------
# sysctl

test_isol_sysctl_namespaced_values() {
	local host_shm host_mq host_fwd
	host_shm=$(cat /proc/sys/kernel/shmmni)
	host_mq=$(cat /proc/sys/fs/mqueue/msg_max)
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	ns_add ipc
	ns_add network
	ns_add uts
	cfg '.linux.sysctl = {"kernel.shmmni": "1234", "fs.mqueue.msg_max": "42", "net/ipv4/ip_forward": $f,
		"kernel.domainname": "isol.test"}' --arg f "$((1 - host_fwd))"
	set_args /bin/sh -c '/rt-helper sysctl kernel.shmmni; /rt-helper sysctl fs.mqueue.msg_max;
		/rt-helper sysctl net.ipv4.ip_forward; /rt-helper domainname'
	ctr_run "c1-$$"
	assert_success "run with namespaced sysctls"
	assert_kv kernel.shmmni 1234
	assert_kv fs.mqueue.msg_max 42
	assert_kv net.ipv4.ip_forward "$((1 - host_fwd))"
	assert_kv domainname isol.test
	assert_eq "$(cat /proc/sys/kernel/shmmni)" "$host_shm" "host kernel.shmmni"
	assert_eq "$(cat /proc/sys/fs/mqueue/msg_max)" "$host_mq" "host fs.mqueue.msg_max"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd" "host net.ipv4.ip_forward"
}

rt_only test_isol_sysctl_ipc_needs_ipc_namespace
test_isol_sysctl_ipc_needs_ipc_namespace() {
	ns_del ipc
	cfg '.linux.sysctl = {"kernel.shmmax": "65536"}'
	expect_create_error '.linux.sysctl["kernel.shmmax"]: needs an ipc namespace'
	cfg '.linux.sysctl = {"fs.mqueue.queues_max": "10"}'
	expect_create_error '.linux.sysctl["fs.mqueue.queues_max"]: needs an ipc namespace'
}

rt_only test_isol_sysctl_net_needs_own_network_namespace
test_isol_sysctl_net_needs_own_network_namespace() {
	ns_del network
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	expect_create_error '.linux.sysctl["net.ipv4.ip_forward"]: needs a network namespace of the container'"'"'s own'
	# joining rt's own network namespace by path is the host's too
	cfg '.linux.namespaces += [{"type": "network", "path": $p}]' --arg p "/proc/$$/ns/net"
	expect_create_error "the network namespace \`/proc/$$/ns/net\` is the host's"
}

rt_only test_isol_sysctl_uts_and_unnamespaced
test_isol_sysctl_uts_and_unnamespaced() {
	ns_del uts
	cfg 'del(.hostname) | .linux.sysctl = {"kernel.domainname": "x.test"}'
	expect_create_error '.linux.sysctl["kernel.domainname"]: needs a uts namespace'
	ns_add uts
	cfg '.linux.sysctl = {"vm.swappiness": "10"}'
	expect_create_error '.linux.sysctl["vm.swappiness"]: "vm.swappiness" is not in a namespace rt can isolate'
	cfg '.linux.sysctl = {"kernel.pid_max": "100000"}'
	expect_create_error 'is not in a namespace rt can isolate'
	cfg '.linux.sysctl = {"../../etc/passwd": "x"}'
	expect_create_error '.linux.sysctl["../../etc/passwd"]: invalid key'
}

# ---------------------------------------------------------------------------
# personality, scheduler, I/O priority, memory policy

test_isol_personality_linux32() {
	isol_helper
	cfg '.linux.personality = {"domain": "LINUX32"}'
	run_helper personality
	assert_kv domain LINUX32
	run_isol uname
	assert_match "$(kv machine)" '^i[3-6]86$' "uname machine under LINUX32"
	cfg '.linux.personality = {"domain": "LINUX"}'
	run_helper personality
	assert_kv domain LINUX
	run_isol uname
	assert_eq "$(kv machine)" "$(uname -m)" "uname machine under LINUX"
}

rt_only test_isol_personality_flags_rejected
test_isol_personality_flags_rejected() {
	cfg '.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}'
	expect_create_error '.linux.personality.flags: "ADDR_NO_RANDOMIZE": the runtime-spec defines no personality flags'
}

test_isol_scheduler_batch_and_idle() {
	cfg '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
	run_helper sched
	assert_kv policy SCHED_BATCH
	assert_kv nice 7
	cfg '.process.scheduler = {"policy": "SCHED_IDLE"}'
	run_helper sched
	assert_kv policy SCHED_IDLE
	# SCHED_RESET_ON_FORK shows in the flags sched_getattr reports
	cfg '.process.scheduler = {"policy": "SCHED_OTHER", "nice": -5, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}'
	run_helper sched
	assert_kv policy SCHED_OTHER
	assert_kv nice -5
	assert_kv flags 0x1
}

# A realtime policy works where the container's cgroup allows realtime
# tasks; with cgroup v1 realtime group scheduling (this host) a new cgroup
# has no realtime runtime, and the error says what to set.
test_isol_scheduler_fifo() {
	cfg '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}'
	set_args /rt-helper sched
	ctr_run "c1-$$"
	if [ "$STATUS" -eq 0 ]; then
		assert_kv policy SCHED_FIFO
		assert_kv priority 10
	else
		assert_contains "$ERR" ".process.scheduler: sched_setattr SCHED_FIFO"
		assert_contains "$ERR" "realtimeRuntime"
		[ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] ||
			fail "SCHED_FIFO failed without realtime group scheduling: $ERR"
		log "SCHED_FIFO refused by realtime group scheduling, as expected here"
	fi
}

rt_only test_isol_scheduler_bad_values
test_isol_scheduler_bad_values() {
	cfg '.process.scheduler = {"policy": "SCHED_OTHER", "priority": 5}'
	expect_create_error '.process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority'
	cfg '.process.scheduler = {"policy": "SCHED_FIFO"}'
	expect_create_error '.process.scheduler.priority: SCHED_FIFO needs a priority from 1 to 99'
	cfg '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 30}'
	expect_create_error '.process.scheduler.nice: 30 is not from -20 to 19'
	cfg '.process.scheduler = {"policy": "SCHED_ISO"}'
	expect_create_error '.process.scheduler.policy: SCHED_ISO is not implemented by the Linux kernel'
	cfg '.process.scheduler = {"policy": "SCHED_OTHER", "runtime": 1000}'
	expect_create_error 'runtime, deadline and period are for SCHED_DEADLINE only'
	cfg '.process.scheduler = {"policy": "SCHED_NONE"}'
	expect_create_error '.process.scheduler.policy'
}

test_isol_io_priority() {
	isol_helper
	cfg '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	run_isol ioprio
	assert_kv class IOPRIO_CLASS_IDLE
	cfg '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	run_isol ioprio
	assert_kv class IOPRIO_CLASS_BE
	assert_kv priority 6
	# the realtime class needs privileges the process no longer has
	cfg '.process.ioPriority = {"class": "IOPRIO_CLASS_RT", "priority": 2}'
	run_isol ioprio
	assert_kv class IOPRIO_CLASS_RT
	assert_kv priority 2
}

rt_only test_isol_io_priority_bad
test_isol_io_priority_bad() {
	cfg '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}'
	expect_create_error '.process.ioPriority.priority: 8 is not from 0 to 7'
}

test_isol_memory_policy() {
	local node
	isol_helper
	node=$(cut -d, -f1 /sys/devices/system/node/online | cut -d- -f1)
	cfg '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": $n}' --arg n "$node"
	run_isol mempolicy
	assert_kv mode MPOL_BIND
	assert_kv nodes "$node"
	cfg '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": $n, "flags": ["MPOL_F_STATIC_NODES"]}' --arg n "$node"
	run_isol mempolicy
	assert_kv mode MPOL_INTERLEAVE
	assert_kv static 1
	cfg '.linux.memoryPolicy = {"mode": "MPOL_LOCAL"}'
	run_isol mempolicy
	assert_kv mode MPOL_LOCAL
}

rt_only test_isol_memory_policy_bad
test_isol_memory_policy_bad() {
	cfg '.linux.memoryPolicy = {"mode": "MPOL_BIND"}'
	expect_create_error '.linux.memoryPolicy.nodes: MPOL_BIND needs at least one node'
	cfg '.linux.memoryPolicy = {"mode": "MPOL_LOCAL", "nodes": "0"}'
	expect_create_error '.linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes'
	cfg '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0-x"}'
	expect_create_error '.linux.memoryPolicy.nodes: `0-x` is not a list like 0-3,7'
	# a node this host does not have: only the kernel knows, at start
	cfg '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "63"}'
	set_args /rt-helper pid
	expect_run_error '.linux.memoryPolicy: set_mempolicy MPOL_BIND 63: Invalid argument'
}

# Lowering the score needs CAP_SYS_RESOURCE, which rt may not have: then
# create fails and says so.
test_isol_oom_score_adj_negative() {
	cfg '.process.oomScoreAdj = -500'
	if (($(sed -n 's/^CapEff:\t//p' /proc/self/status | sed 's/^/0x/') & (1 << 24))); then
		run_helper oom_score_adj
		assert_kv oom_score_adj -500
	else
		log "no CAP_SYS_RESOURCE here: checking the error"
		expect_create_error '.process.oomScoreAdj: write `-500`'
	fi
}

# execCPUAffinity does not apply to init (the spec); a bad list is still an
# error before anything exists.
rt_only test_isol_exec_cpu_affinity_bad
test_isol_exec_cpu_affinity_bad() {
	cfg '.process.execCPUAffinity = {"initial": "0-", "final": "0"}'
	expect_create_error '.process.execCPUAffinity.initial: `0-` is not a list like 0-3,7'
}

# exec: `initial` while the process is cloned and joins the cgroup,
# `final` once it is there (runc 1.2).
test_isol_exec_cpu_affinity() {
	local last
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
	isol_helper
	last=$(($(nproc) - 1))
	set_args /rt-helper sleep 600
	ctr_create "c1-$$" || fail "create failed"
	rt start "c1-$$" || fail "start failed"
	jq -n --arg f "$last" '{"args": ["/isol-helper", "affinity"], "cwd": "/", "env": ["PATH=/bin"],
		"execCPUAffinity": {"initial": "0", "final": $f}}' >"$T/p.json"
	run_rt exec --process "$T/p.json" "c1-$$"
	assert_success "exec with execCPUAffinity"
	assert_kv cpus "$last"
	# without `final` rt leaves the affinity alone once the process is in
	# its cgroup (a cgroup v1 cpuset resets it when the process joins)
	jq -n '{"args": ["/isol-helper", "affinity"], "cwd": "/", "env": ["PATH=/bin"],
		"execCPUAffinity": {"initial": "0"}}' >"$T/p.json"
	run_rt exec --process "$T/p.json" "c1-$$"
	assert_success "exec with initial only"
	jq -n '{"args": ["/isol-helper", "affinity"], "cwd": "/", "env": ["PATH=/bin"],
		"execCPUAffinity": {"final": "1000"}}' >"$T/p.json"
	run_rt exec --process "$T/p.json" "c1-$$"
	assert_failure "exec with a final affinity of CPUs the host lacks"
	assert_contains "$ERR" ".process.execCPUAffinity.final: sched_setaffinity \`1000\`"
}

# ---------------------------------------------------------------------------
# LSMs: applied where the host has them, a clear error where not.

lsm_enabled() {
	case $1 in
	apparmor) [ -d /sys/kernel/security/apparmor ] && [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] ;;
	selinux) [ -e /sys/fs/selinux/enforce ] ;;
	esac
}

test_isol_apparmor_profile() {
	cfg '.process.apparmorProfile = "unconfined"'
	if lsm_enabled apparmor; then
		run_helper cat /proc/self/attr/current
		assert_contains "$OUT" unconfined
	else
		log "AppArmor is not enabled here: checking the error"
		expect_create_error '.process.apparmorProfile: `unconfined` is set, but AppArmor is not enabled on this host'
	fi
}

test_isol_selinux_labels() {
	if lsm_enabled selinux; then
		cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2" |
			.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
		run_helper cat /proc/self/attr/current
		assert_contains "$OUT" "container_t:s0:c1,c2"
		run_helper mounts
		assert_contains "$(mountinfo_line /dev/shm)" 'context="system_u:object_r:container_file_t:s0:c1,c2"'
	else
		log "SELinux is not enabled here: checking the errors"
		cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
		expect_create_error '.process.selinuxLabel: `system_u:system_r:container_t:s0` is set, but SELinux is not enabled on this host'
		# a mountLabel is left out of the mount options (the kernel would
		# refuse `context=` without SELinux), as crun does
		cfg 'del(.process.selinuxLabel) | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
		run_helper mounts
		refute_contains "$(mountinfo_line /dev/shm)" 'context=' "no SELinux context on /dev/shm"
	fi
}

# ---------------------------------------------------------------------------
# Intel RDT

resctrl_mount() { awk '$0 ~ / - resctrl / { print $5; exit }' /proc/self/mountinfo; }

test_isol_intel_rdt() {
	local root id=rdt$RANDOM-$$ pid
	root=$(resctrl_mount)
	if [ -z "$root" ]; then
		log "resctrl is not mounted here: checking the error"
		cfg '.linux.intelRdt = {"closID": "isol"}'
		expect_create_error '.linux.intelRdt: resctrl is not mounted on this host'
		cfg '.linux.intelRdt = {}'
		expect_create_error '.linux.intelRdt: resctrl is not mounted on this host'
		return
	fi
	cfg '.linux.intelRdt = {}'
	ctr_create "$id" || fail "create with intelRdt failed: $(cat "$T/$id.err")"
	pid=$(pid_of "$id")
	grep -qx "$pid" "$root/$id/tasks" || fail "pid $pid not in $root/$id/tasks"
	rt delete --force "$id" || fail "delete failed"
	[ ! -e "$root/$id" ] || fail "resctrl group $root/$id left behind"
}

rt_only test_isol_intel_rdt_bad
test_isol_intel_rdt_bad() {
	cfg '.linux.intelRdt = {"closID": ".."}'
	expect_create_error '.linux.intelRdt.closID: ".." is not a resctrl group name'
	cfg '.linux.intelRdt = {"memBwSchema": "L3:0=ff"}'
	expect_create_error '.linux.intelRdt.memBwSchema: "L3:0=ff" does not start with MB:'
}

# ---------------------------------------------------------------------------
# network devices

# A virtual interface of this test (NETDEV), removed at the end whatever
# happens: a dummy where the kernel has them, else one end of a veth pair
# (its peer NETPEER stays on the host).
netdev_dummy() {
	NETDEV=rtd$$ NETPEER=""
	if ! ip link add "$NETDEV" type dummy 2>/dev/null; then
		NETPEER=rtp$$
		ip link add "$NETDEV" type veth peer name "$NETPEER" || fail "cannot add a dummy or veth interface"
	fi
	trap netdev_exit EXIT
	ip addr add 192.0.2.17/24 dev "$NETDEV" || fail "cannot add an address"
}

netdev_exit() {
	local rc=$?
	lib_cleanup_containers
	ip link del "$NETDEV" 2>/dev/null
	(exit "$rc")
	lib_test_exit
}

host_has_link() { ip link show "$1" >/dev/null 2>&1; }

test_isol_net_devices_moved_renamed() {
	local inside
	isol_helper
	netdev_dummy
	ns_add network
	cfg '.linux.netDevices = {($d): {"name": "ctr0"}}' --arg d "$NETDEV"
	set_args /bin/sh -c '/isol-helper netdev ctr0; /rt-helper ls /sys/class/net; echo done; sleep 600'
	ctr_create "c1-$$" || fail "create failed: $(cat "$T/c1-$$.err")"
	host_has_link "$NETDEV" && fail "$NETDEV still on the host after create"
	rt start "c1-$$" || fail "start failed"
	wait_output "$T/c1-$$.out" "done"
	inside=$(cat "$T/c1-$$.out")
	assert_kv exists 1 "$inside"
	assert_kv up 1 "$inside"
	assert_kv inet 192.0.2.17 "$inside"
	assert_kv prefix 24 "$inside"
	grep -qx "entry=ctr0" <<<"$inside" || fail "no ctr0 in /sys/class/net: $(tr '\n' ' ' <<<"$inside")"
	grep -qx "entry=$NETDEV" <<<"$inside" && fail "the host name $NETDEV is visible inside"
	rt delete --force "c1-$$" || fail "delete failed"
	# the spec: never moved back; the kernel destroys a virtual device
	# with its namespace (a physical one would return to the host)
	wait_until 5 eval '! host_has_link ctr0 && ! host_has_link "$NETDEV"' ||
		fail "the virtual device outlived the container's namespace"
	if [ -n "$NETPEER" ]; then
		wait_until 5 eval '! host_has_link "$NETPEER"' || fail "the veth peer outlived its other end"
	fi
	assert_nothing_left "c1-$$"
}

test_isol_net_devices_keep_name() {
	isol_helper
	netdev_dummy
	ns_add network
	cfg '.linux.netDevices = {($d): {}}' --arg d "$NETDEV"
	run_isol netdev "$NETDEV"
	assert_kv exists 1
	assert_kv up 1
	assert_kv inet 192.0.2.17
}

rt_only test_isol_net_devices_errors
test_isol_net_devices_errors() {
	netdev_dummy
	ns_del network
	cfg '.linux.netDevices = {($d): {}}' --arg d "$NETDEV"
	expect_create_error '.linux.netDevices: moving interfaces needs a network namespace'
	ns_add network
	cfg '.linux.netDevices = {"rt-no-such0": {}}'
	expect_create_error '.linux.netDevices["rt-no-such0"]: no interface "rt-no-such0" on the host'
	cfg '.linux.netDevices = {($d): {"name": "bad/name"}}' --arg d "$NETDEV"
	expect_create_error ".linux.netDevices[\"$NETDEV\"].name: \"bad/name\" is not a valid interface name"
	# a name taken in the container: checked before the move, the device
	# stays on the host
	cfg '.linux.netDevices = {($d): {"name": "lo"}}' --arg d "$NETDEV"
	expect_create_error ".linux.netDevices[\"$NETDEV\"]: move \`$NETDEV\` in as \`lo\`"
	host_has_link "$NETDEV" || fail "$NETDEV lost after a failed create"
	ip -o addr show dev "$NETDEV" | grep -q 192.0.2.17 || fail "$NETDEV lost its address after a failed create"
}

# ---------------------------------------------------------------------------
# user and time namespaces, joined namespaces

test_isol_user_namespace_ids_and_maps() {
	local pid
	userns_maps
	set_args /bin/sh -c '/rt-helper ids; echo uid_map=$(cat /proc/self/uid_map); echo gid_map=$(cat /proc/self/gid_map); echo done; sleep 600'
	ctr_create "c1-$$" || fail "create failed: $(cat "$T/c1-$$.err")"
	rt start "c1-$$" || fail "start failed"
	wait_output "$T/c1-$$.out" "done"
	OUT=$(cat "$T/c1-$$.out")
	assert_kv uid 0
	assert_kv gid 0
	assert_match "$(kv uid_map)" '^ *0 +100000 +65536$' "uid_map inside"
	assert_match "$(kv gid_map)" '^ *0 +100000 +65536$' "gid_map inside"
	pid=$(pid_of "c1-$$")
	assert_eq "$(stat -c %u:%g "/proc/$pid")" "100000:100000" "the process' ids seen from the host"
	assert_ne "$(stat -L -c %i "/proc/$pid/ns/user")" "$(host_ns user)" "user namespace"
}

test_isol_time_offsets() {
	local host_mono host_boot
	isol_helper
	ns_add time
	cfg '.linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 31536000, "nanosecs": 0}}'
	host_mono=$(cut -d. -f1 /proc/uptime)
	run_isol clocks
	host_boot=$(cut -d. -f1 /proc/uptime)
	# CLOCK_BOOTTIME is what /proc/uptime shows; monotonic is a bit less
	local mono boot
	mono=$(kv monotonic)
	boot=$(kv boottime)
	[ "$((boot - 31536000))" -ge "$((host_mono - 2))" ] && [ "$((boot - 31536000))" -le "$((host_boot + 2))" ] ||
		fail "boottime inside $boot is not the host's ($host_mono..$host_boot) + 31536000"
	[ "$((mono - 86400))" -le "$((host_boot + 2))" ] && [ "$((mono - 86400))" -ge 0 ] && [ "$mono" -lt "$boot" ] ||
		fail "monotonic inside $mono is not the host's + 86400 (boottime $boot)"
}

test_isol_joined_namespaces_same_inode() {
	local pid n t
	ns_add ipc
	ns_add uts
	ns_add network
	ns_add cgroup
	ns_add time
	cp "$BUNDLE/config.json" "$T/orig.json"
	set_args /rt-helper sleep 600
	ctr_create "c1-$$" || fail "create c1 failed: $(cat "$T/c1-$$.err")"
	pid=$(pid_of "c1-$$")
	cp "$T/orig.json" "$BUNDLE/config.json"
	for t in pid ipc uts network cgroup time; do
		case $t in network) n=net ;; *) n=$t ;; esac
		cfg '.linux.namespaces |= (map(select(.type != $t)) + [{"type": $t, "path": $p}])' \
			--arg t "$t" --arg p "/proc/$pid/ns/$n"
	done
	cfg 'del(.hostname)'
	run_helper ns
	for n in pid ipc uts net cgroup time; do
		assert_eq "$(kv "$n")" "$(stat -L -c %i "/proc/$pid/ns/$n")" "joined $n namespace"
	done
	assert_ne "$(kv mnt)" "$(stat -L -c %i "/proc/$pid/ns/mnt")" "mount namespace (new)"
}

# ---------------------------------------------------------------------------
# devices

test_isol_devices_numbers_modes_owners() {
	cfg '.linux.devices = [
		{"path": "/dev/isol-null", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 1000, "gid": 1001},
		{"path": "/dev/isol-loop", "type": "b", "major": 7, "minor": 200, "fileMode": 384},
		{"path": "/dev/sub/isol-fifo", "type": "p", "fileMode": 420, "uid": 5, "gid": 6}]'
	run_helper stat /dev/isol-null
	assert_kv type char
	assert_eq "$(kv major):$(kv minor)" 1:3 "major:minor"
	assert_kv mode 0640
	assert_eq "$(kv uid):$(kv gid)" 1000:1001 "owner"
	run_helper stat /dev/isol-loop
	assert_kv type block
	assert_eq "$(kv major):$(kv minor)" 7:200 "major:minor"
	assert_kv mode 0600
	assert_eq "$(kv uid):$(kv gid)" 0:0 "owner"
	run_helper stat /dev/sub/isol-fifo
	assert_kv type fifo
	assert_kv mode 0644
	assert_eq "$(kv uid):$(kv gid)" 5:6 "owner"
}

# In a user namespace mknod is forbidden: the host's node is bind-mounted
# (with the host's mode and owner: a user namespace cannot change them).
test_isol_devices_in_user_namespace() {
	local dev=/dev/net/tun
	[ -c $dev ] || skip "no $dev on this host"
	userns_maps
	cfg '.linux.devices = [{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200, "fileMode": 438}] |
		.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rwm"}] |
		.root.readonly = false'
	set_args /bin/sh -c '/rt-helper stat /dev/net/tun; /rt-helper write /dev/full; /rt-helper write /dev/null;
		/rt-helper mknod /tmp/n; /rt-helper mounts'
	ctr_run "c1-$$"
	assert_success "run in a user namespace with devices"
	assert_kv type char
	assert_eq "$(kv major):$(kv minor)" 10:200 "$dev major:minor"
	grep -qx ENOSPC <<<"$OUT" || fail "write to /dev/full did not give ENOSPC: $(tr '\n' ' ' <<<"$OUT")"
	grep -qx ok <<<"$OUT" || fail "write to /dev/null failed: $(tr '\n' ' ' <<<"$OUT")"
	grep -qx EPERM <<<"$OUT" || fail "mknod in a user namespace should be EPERM: $(tr '\n' ' ' <<<"$OUT")"
	mountinfo_line $dev >/dev/null || fail "$dev is not a bind mount in a user namespace"
	mountinfo_line /dev/null >/dev/null || fail "/dev/null is not a bind mount in a user namespace"
}

# A linux.devices entry for one of the default devices (common in configs
# that list /dev/null and friends) replaces the default one; in a user
# namespace the default is a bind mount already.
test_isol_devices_user_namespace_default_path() {
	userns_maps
	cfg '.linux.devices = [{"path": "/dev/full", "type": "c", "major": 1, "minor": 7, "fileMode": 438}]'
	run_helper stat /dev/full
	assert_kv type char
	assert_eq "$(kv major):$(kv minor)" 1:7 "/dev/full major:minor"
}

rt_only test_isol_devices_user_namespace_missing_on_host
test_isol_devices_user_namespace_missing_on_host() {
	userns_maps
	cfg '.linux.devices = [{"path": "/dev/rt-isol-none", "type": "c", "major": 1, "minor": 3}]'
	expect_create_error '.linux.devices[0]: bind-mount the host'"'"'s `/dev/rt-isol-none`'
}

# ---------------------------------------------------------------------------
# masked and read-only paths

test_isol_masked_and_readonly_paths() {
	mkdir -p "$BUNDLE/rootfs/etc/isol-dir" "$BUNDLE/rootfs/isol-ro"
	echo secret >"$BUNDLE/rootfs/etc/isol-secret"
	echo secret >"$BUNDLE/rootfs/etc/isol-dir/file"
	cfg '.root.readonly = false |
		.linux.maskedPaths = ["/etc/isol-secret", "/etc/isol-dir", "/proc/timer_list"] |
		.linux.readonlyPaths = ["/isol-ro"]'
	set_args /bin/sh -c '/rt-helper read /etc/isol-secret; /rt-helper ls /etc/isol-dir; /rt-helper read /proc/timer_list;
		/rt-helper write /isol-ro/f; /rt-helper write /etc/isol-dir/f; /rt-helper write /isol-w'
	ctr_run "c1-$$"
	assert_success "run"
	mapfile -t lines <<<"$OUT"
	assert_eq "${lines[0]}" ok "masked file reads"
	assert_eq "${lines[1]}" "" "masked file is empty"
	assert_eq "${lines[2]}" count=0 "masked directory is empty"
	assert_eq "${lines[3]}" ok "masked /proc/timer_list reads"
	assert_eq "${lines[4]}" "" "masked /proc/timer_list is empty"
	assert_eq "${lines[5]}" EROFS "write below a read-only path"
	assert_eq "${lines[6]}" EROFS "write into a masked directory"
	assert_eq "${lines[7]}" ok "write elsewhere"
	assert_eq "$(cat "$BUNDLE/rootfs/etc/isol-secret")" secret "the masked file itself is untouched"
}

# ---------------------------------------------------------------------------
# propagation: a mount made inside shows on the host (rshared), a mount
# made on the host shows inside but not the reverse (rslave)

# shared_dir NAME: a directory below $T that is a shared mount of its own
# (unmounted at the end, with anything below it)
shared_dir() {
	SHARED=$T/$1
	mkdir -p "$SHARED"
	mount --bind "$SHARED" "$SHARED" || fail "bind $SHARED"
	trap 'lib_test_exit_umount' EXIT
	mount --make-shared "$SHARED" || fail "make $SHARED shared"
}
lib_test_exit_umount() {
	local rc=$?
	lib_cleanup_containers
	mounts_under "$SHARED" | sort -r | while read -r m; do umount -l "$m"; done
	exit "$rc"
}
sys_admin_caps() {
	cfg '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
}

test_isol_propagation_rshared_to_host() {
	isol_helper
	shared_dir shared
	cfg '.linux.rootfsPropagation = "rshared"'
	sys_admin_caps
	add_mount "$(jq -n --arg s "$SHARED" '{"destination": "/shared", "type": "bind", "source": $s, "options": ["rbind", "rshared"]}')"
	set_args /isol-helper mount tmpfs /shared/inner
	ctr_run "c1-$$"
	assert_success "run"
	assert_eq "$OUT" ok "mount inside"
	mounts_under "$SHARED" | grep -qx "$SHARED/inner" ||
		fail "the container's mount on /shared/inner did not propagate to the host: $(mounts_under "$SHARED" | tr '\n' ' ')"
}

test_isol_propagation_rslave_from_host() {
	isol_helper
	shared_dir slave
	cfg '.linux.rootfsPropagation = "rslave"'
	sys_admin_caps
	add_mount "$(jq -n --arg s "$SHARED" '{"destination": "/slave", "type": "bind", "source": $s, "options": ["rbind", "rslave"]}')"
	set_args /bin/sh -c 'echo ready; while [ ! -e /slave/from-host/x ]; do sleep 0.1; done; echo seen;
		/isol-helper mount tmpfs /slave/from-inside; echo done; sleep 600'
	ctr_create "c1-$$" || fail "create failed: $(cat "$T/c1-$$.err")"
	rt start "c1-$$" || fail "start failed"
	wait_output "$T/c1-$$.out" ready
	mkdir -p "$SHARED/from-host"
	mount -t tmpfs tmpfs "$SHARED/from-host" || fail "mount on the host"
	touch "$SHARED/from-host/x"
	wait_output "$T/c1-$$.out" "done"
	assert_contains "$(cat "$T/c1-$$.out")" seen "the host's mount is seen inside"
	if mounts_under "$SHARED" | grep -qx "$SHARED/from-inside"; then
		fail "a mount made inside an rslave mount reached the host"
	fi
}
