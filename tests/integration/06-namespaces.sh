# shellcheck shell=bash
# Namespaces: new ones differ from the host's, others are shared; loopback;
# joining a namespace by path; cgroup namespace.

# helper name of a spec namespace type
ns_name() {
	case $1 in
	network) echo net ;;
	mount) echo mnt ;;
	*) echo "$1" ;;
	esac
}

test_namespaces_differ_from_host() {
	local types t n inside
	run_helper ns
	types=$(cfg_get '.linux.namespaces[] | select(.path == null or .path == "") | .type')
	for t in pid network mount ipc uts user cgroup time; do
		n=$(ns_name "$t")
		[ -e "/proc/$$/ns/$n" ] || continue
		inside=$(kv "$n") || fail "helper printed no $n"
		if grep -qx "$t" <<<"$types"; then
			assert_ne "$inside" "$(host_ns "$n")" "$t namespace should be new"
		else
			assert_eq "$inside" "$(host_ns "$n")" "$t namespace (not configured) should be the host's"
		fi
	done
}

test_all_namespaces_new() {
	local t
	for t in pid network mount ipc uts cgroup; do
		cfg '.linux.namespaces |= (map(select(.type != $t)) + [{"type": $t}])' --arg t "$t"
	done
	run_helper ns
	for t in pid network mount ipc uts cgroup; do
		assert_ne "$(kv "$(ns_name "$t")")" "$(host_ns "$(ns_name "$t")")" "$t namespace should be new"
	done
}

test_no_network_namespace_shares_host() {
	cfg '.linux.namespaces |= map(select(.type != "network"))'
	run_helper ns
	assert_kv net "$(host_ns net)"
}

test_loopback_up_in_new_netns() {
	cfg '.linux.namespaces |= (map(select(.type != "network")) + [{"type": "network"}])'
	run_helper loopback
	assert_kv lo up
}

test_join_namespace_by_path() {
	local pid
	cfg '.linux.namespaces |= (map(select(.type != "network" and .type != "uts")) + [{"type": "network"}, {"type": "uts"}])'
	cp "$BUNDLE/config.json" "$T/config.orig.json"
	ctr_create c1 || fail "create c1 failed"
	pid=$(pid_of c1)
	cfg '.linux.namespaces |= map(if .type == "network" or .type == "uts" then .path = ("/proc/" + $p + "/ns/" + (if .type == "network" then "net" else "uts" end)) else . end)' --arg p "$pid"
	cfg 'del(.hostname)'
	run_helper ns
	assert_eq "$(kv net)" "$(stat -L -c %i "/proc/$pid/ns/net")" "joined network namespace"
	assert_eq "$(kv uts)" "$(stat -L -c %i "/proc/$pid/ns/uts")" "joined uts namespace"
	assert_ne "$(kv mnt)" "$(stat -L -c %i "/proc/$pid/ns/mnt")" "mount namespace is new"
}

test_cgroup_namespace_root() {
	cfg '.linux.namespaces |= (map(select(.type != "cgroup")) + [{"type": "cgroup"}])'
	run_helper cgroup
	local line
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		[ "${line##*:}" = / ] || fail "in a cgroup namespace every cgroup path is /, got '$line'"
	done <<<"$OUT"
}

test_uts_hostname_not_leaking() {
	local host
	host=$(hostname)
	cfg '.hostname = "inner-name"'
	run_helper hostname
	assert_kv hostname inner-name
	assert_eq "$(hostname)" "$host" "host hostname unchanged"
}

# --no-pivot leaves the host's mounts in the namespace, below the chroot:
# with a full procfs there, a process that makes a user namespace of its
# own (and so has CAP_SYS_ADMIN over a new mount namespace) could mount a
# bare /proc. runc hides them; so does rt.
test_no_pivot_cannot_mount_a_bare_proc() {
	cfg '.process.capabilities.bounding += ["CAP_SETFCAP"] | .process.capabilities.permitted += ["CAP_SETFCAP"]'
	set_args unshare -mrpf sh -c 'mount -t proc none /proc 2>/dev/null && echo mounted || echo refused'
	ctr_run c1 --no-pivot
	assert_success "run --no-pivot"
	assert_eq "$OUT" refused "mount -t proc from a user namespace in a --no-pivot container"
}

# With a user namespace, bind sources the container's root (a high host
# uid) may not reach are opened by rt on the host first, as runc does:
# the mounts work, in run and for exec.
test_userns_bind_sources_out_of_reach() {
	local i
	for i in 1 2; do
		mkdir -p "$T/inaccessible-$i/dir"
		touch "$T/inaccessible-$i/dir/foo.txt"
		chmod 700 "$T/inaccessible-$i"
		add_mount "$(jq -n --arg s "$T/inaccessible-$i/dir" --arg d "/tmp/mount-$i" '{source: $s, destination: $d, type: "bind", options: ["bind"]}')"
	done
	cfg '.linux.namespaces += [{"type": "user"}] | .root.readonly = false |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	chmod 755 "$T"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	set_args /bin/sh -c 'stat -c ok /tmp/mount-1/foo.txt /tmp/mount-2/foo.txt; exec /rt-helper sleep 600'
	ctr_run_detached c1 || fail "run -d: $(head -n1 "$T/c1.err")"
	wait_output "$T/c1.out" ready
	assert_eq "$(grep -c '^ok' "$T/c1.out")" 2 "both bind mounts in place"
	run_rt exec c1 stat -c ok /tmp/mount-1/foo.txt
	assert_success "exec"
	assert_eq "$OUT" ok "exec sees the mount"
}
