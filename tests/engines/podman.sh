#!/bin/bash
# shellcheck disable=SC2317 # the chk_ functions are run indirectly, by check NAME FUNC
# podman.sh: the runtime in $RT driven by Podman 4.3 (+ conmon), as a user
# would: `podman --runtime $RT` with the cgroupfs manager, podman's own
# storage and state in a temp dir, images built locally (no registry).
#
#   RT=/usr/sbin/runc tests/engines/podman.sh
#   RT=./rt tests/engines/podman.sh        (ENG_TRACE=1 logs every runtime call)
#
# Host side effects podman has even with its own root (blob-info cache under
# /var/lib/containers/cache, /var/tmp/podman* for `update`, libpod_parent
# cgroups, the runtime's default state dir) are recorded before and removed
# at the end if this suite created them.
ENG_SUITE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$ENG_SUITE_DIR/lib.sh"

eng_init podman
need_pkg podman podman
need_pkg conmon conmon
need_pkg /usr/lib/cni/host-local containernetworking-plugins

# conmon writes a file named "oom" into its cwd (inherited from podman)
# when a container is OOM-killed: work from inside $W.
cd "$W" || die "cannot cd to $W"

P=$W/podman
mkdir -p "$P"/{root,run,tmp,cni}
IMG=localhost/busybox:latest
CGP=/$CG_NAME/podman # absolute cgroup parent of every container

# Only settings that podman hands on to its exit command (`podman container
# cleanup`, run by conmon without this environment) as flags: root, runroot,
# tmpdir, volume path, network config dir, runtime, cgroup manager, events
# backend. Anything else (static_dir, lock_type, an events log path) would
# make the cleanup miss the container, and every foreground run then waits
# podman's 20 s conmon timeout.
#
# Rlimits: root here lacks CAP_SYS_RESOURCE, so the container's rlimits may
# not exceed our hard limits, and podman lowers its own RLIMIT_NPROC to
# 32768 at start-up. Podman's defaults (1048576) would make every create
# fail with "error setting rlimits ... operation not permitted".
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
[ "$nofile" = unlimited ] && nofile=1048576
if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi

cat >"$P/containers.conf" <<EOF
[containers]
netns = "none"
cgroupns = "host"
log_driver = "k8s-file"
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
conmon_path = ["/usr/bin/conmon"]
pull_policy = "never"
tmp_dir = "$P/tmp"
volume_path = "$P/root/volumes"
# The runtime registered by name, as README explains; checks below also
# pass --runtime PATH explicitly.
runtime = "rt"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "rt"]

[engine.runtimes]
rt = ["$RT"]

[network]
network_backend = "cni"
network_config_dir = "$P/cni"
cni_plugin_dirs = ["/usr/lib/cni"]
EOF
cat >"$P/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$P/root/storage"
runroot = "$P/run/storage"
EOF
cat >"$P/registries.conf" <<EOF
unqualified-search-registries = []
short-name-mode = "disabled"
EOF
export CONTAINERS_CONF=$P/containers.conf
export CONTAINERS_STORAGE_CONF=$P/storage.conf
export CONTAINERS_REGISTRIES_CONF=$P/registries.conf
unset CONTAINER_HOST CONTAINER_CONNECTION

# Global paths podman (or the runtime) may create.
track_path /var/lib/containers /var/lib/containers/cache /var/lib/containers/cache/blob-info-cache-v1.boltdb
track_path /run/containers /run/libpod /dev/shm/libpod_lock /etc/cni/net.d /var/lib/cni /run/netns
track_path /run/runc /run/crun "/run/${RT_REAL##*/}"
for d in /sys/fs/cgroup/*/; do
	track_path "${d%/}/libpod_parent"
done
VARTMP_BEFORE=$(compgen -G '/var/tmp/podman*')
on_cleanup podman_cleanup

PM=(podman --runtime "$RT")
ENG=podman
CLI=("${PM[@]}")
RUN_OPTS=(--cgroup-parent="$CGP")
# shellcheck source=docker-cli.sh
. "$ENG_SUITE_DIR/docker-cli.sh"
pm() { e "$@"; }
# pm_run ARGS...: podman run in our cgroup parent.
pm_run() { e_run "$@"; }
# rm_after NAME: remove container NAME when the check ends.
rm_after() { defer "${PM[@]}" rm -f -t 0 --ignore "$1"; }

podman_cleanup() {
	local id
	for id in $(timeout 30 "${PM[@]}" ps -aq 2>/dev/null); do
		timeout 30 "${PM[@]}" rm -f -t 0 "$id" >/dev/null 2>&1
	done
	local p
	for p in /var/tmp/podman*; do
		[ -e "$p" ] || continue
		grep -qxF -- "$p" <<<"$VARTMP_BEFORE" || rm -rf -- "$p"
	done
}

# ---------------------------------------------------------------------------

chk_info() {
	pm info --format json
	want_ok "podman info" || return
	local j=$OUT
	want_eq "$(jq -r .host.cgroupManager <<<"$j")" cgroupfs "cgroup manager" || return
	want_eq "$(jq -r .host.cgroupVersion <<<"$j")" v1 "cgroup version" || return
	want_eq "$(jq -r .store.graphDriverName <<<"$j")" overlay "graph driver" || return
	want_eq "$(jq -r .host.ociRuntime.path <<<"$j")" "$RT" "OCI runtime path" || return
	# The version line comes from `$RT --version`.
	want_match "$(jq -r .host.ociRuntime.version <<<"$j")" "${RT_VERSION%% *}" "runtime version" || return
}

chk_load() {
	make_oci_archive "$W/busybox-oci.tar" "$IMG"
	pm load -i "$W/busybox-oci.tar"
	want_ok "podman load" || return
	pm image inspect -f '{{.Id}}' "$IMG"
	want_ok "image $IMG after load" || return
	want_eq "$OUT" "$OCI_CONFIG_DIGEST" "image id" || return
}

chk_import() {
	make_rootfs_tar "$W/rootfs.tar"
	pm import "$W/rootfs.tar" localhost/busybox-import:latest
	want_ok "podman import" || return
	pm_run --rm localhost/busybox-import:latest /bin/busybox echo imported
	want_ok "run of the imported image" || return
	want_eq "$OUT" imported "output" || return
	pm rmi localhost/busybox-import:latest
	want_ok "podman rmi" || return
}

# The runtime registered in containers.conf (no --runtime).
chk_registered() {
	run podman run --rm --cgroup-parent="$CGP" "$IMG" sh -c 'echo registered'
	want_ok "podman run with the containers.conf runtime" || return
	want_eq "$OUT" registered "output" || return
}

chk_true() {
	pm_run --rm "$IMG" true
	want_ok "podman run --rm true" || return
	want_eq "$OUT" "" "output"
}

chk_echo() {
	pm_run --rm "$IMG" sh -c 'echo hi'
	want_ok || return
	want_eq "$OUT" hi "output"
}

chk_tty() {
	pm_run --rm -t "$IMG" sh -c 'test -t 0 && test -t 1 && echo is-tty; tty'
	want_ok || return
	want_match "$OUT" "is-tty" "output" || return
	want_match "$OUT" "/dev/pts/[0-9]+" "tty name" || return
}

C1=""
chk_detached() {
	pm_run -d --name c1 "$IMG" sleep 600
	want_ok "podman run -d" || return
	C1=$OUT
	want_match "$C1" '^[0-9a-f]{64}$' "container id" || return
	wait_for 10 status_is c1 running || fail "status of c1: $(state_of c1 .State.Status)" || return
	local pid
	pid=$(pid_of c1)
	[ -n "$pid" ] && [ "$pid" -gt 0 ] && [ -d "/proc/$pid" ] || fail "no process for c1 (pid '$pid')" || return
	# The container is in our cgroup parent.
	local cg
	cg=$(host_cgroup "$pid" memory)
	want_match "$cg" "^/sys/fs/cgroup/memory$CGP/" "container's memory cgroup" || return
}

chk_exec_i() {
	printf 'to exec\n' >"$W/in2.txt"
	run -i "$W/in2.txt" "${PM[@]}" exec -i c1 sh -c 'read l; echo "got: $l"'
	want_ok || return
	want_eq "$OUT" "got: to exec" "output"
}

chk_update() {
	pm update --memory 32m c1
	want_ok "podman update" || return
	local f
	f=$(host_cgroup "$(pid_of c1)" memory)/memory.limit_in_bytes
	want_eq "$(cat "$f" 2>/dev/null)" 33554432 "$f" || return
	pm exec c1 cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	want_eq "$OUT" 33554432 "memory.limit_in_bytes inside" || return
}

chk_rm_running() {
	local pid
	rm_after c1
	pid=$(pid_of c1)
	[ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "c1 is not running (pid '$pid')" || return
	pm rm -f -t 0 c1
	want_ok "podman rm -f" || return
	wait_for 10 eval '! kill -0 '"$pid" || fail "process $pid of c1 still alive" || return
	pm container exists c1
	want_rc 1 "c1 still exists" || return
}

chk_stop_kill() {
	# PID 1 without a TERM handler ignores SIGTERM: stop escalates to KILL.
	rm_after c3
	pm_run -d --name c3 "$IMG" sleep 600
	want_ok || return
	local t0 dt
	t0=$(now)
	pm stop -t 1 c3
	want_ok "podman stop -t 1" || return
	dt=$(elapsed "$t0")
	awk -v d="$dt" 'BEGIN { exit !(d >= 0.9 && d < 8) }' || fail "stop -t 1 took ${dt}s" || return
	want_eq "$(state_of c3 .State.ExitCode)" 137 "exit code" || return
	pm rm c3
	want_ok "podman rm" || return
}

chk_kill() {
	rm_after c4
	pm_run -d --name c4 "$IMG" sleep 600
	want_ok || return
	pm kill c4
	want_ok "podman kill" || return
	pm wait c4
	want_ok "podman wait" || return
	want_eq "$OUT" 137 "exit code from podman wait" || return
	pm rm -f -t 0 c4
	want_ok "podman rm -f" || return
}

chk_create_start_wait() {
	rm_after c5
	pm create --cgroup-parent="$CGP" --name c5 "$IMG" sh -c 'exit 4'
	want_ok "podman create" || return
	want_eq "$(state_of c5 .State.Status)" created "status after create" || return
	pm start c5
	want_ok "podman start" || return
	pm wait c5
	want_ok "podman wait" || return
	want_eq "$OUT" 4 "exit code" || return
	pm rm c5
	want_ok "podman rm" || return
}

chk_oom() {
	# dd allocates a 64 MiB buffer and fills it from /dev/zero.
	rm -f "$W/oom"
	rm_after c7
	pm_run --name c7 --memory 16m "$IMG" dd if=/dev/zero of=/dev/null bs=64M count=1
	want_rc 137 "exit code of the 64 MiB allocation in 16m" || return
	# conmon 2.1.6 saw the OOM event of the container's memory cgroup: it
	# writes "oom" into its cwd (podman 4.3 gives it no --persist-dir, so
	# State.OOMKilled stays false with any runtime).
	[ -e "$W/oom" ] || fail "conmon saw no OOM event (no $W/oom)" || return
	pm rm c7
	want_ok "podman rm" || return
}

chk_pids_enforced() {
	pm_run --rm --pids-limit 10 "$IMG" sh -c 'for i in $(seq 20); do sleep 5 & done 2>&1; echo started; kill $(jobs -p) 2>/dev/null; wait'
	want_match "$OUT$ERR" "can't fork" "20 background sleeps under pids.max 10" || return
}

chk_nothing_left() {
	pm ps -aq
	want_ok "podman ps -a" || return
	want_eq "$OUT" "" "containers left" || return
	# No container cgroups (libpod-*) left below our parent.
	local left
	left=$(find /sys/fs/cgroup/*"$CGP" -mindepth 1 -maxdepth 1 -type d -name 'libpod-*' 2>/dev/null)
	want_eq "$left" "" "container cgroups left" || return
	# No conmon or container process left in our cgroups.
	want_eq "$(foreign_procs)" "" "processes left" || return
	# No runtime state for a bundle of ours (podman passes no --root).
	run "$RT_REAL" list --format json
	left=$(jq -r --arg w "$W" '.[]? | select(.bundle | startswith($w)) | .id' <<<"${OUT:-[]}" 2>/dev/null)
	want_eq "$left" "" "runtime state left" || return
	# No container rootfs or shm mounts.
	left=$(mounts_under "$P" | grep -E '/merged$|/shm$')
	want_eq "$left" "" "mounts left" || return
}

check "podman info (cgroupfs, v1, overlay, runtime path)" chk_info
setup_check "podman load of a local OCI archive" chk_load
check "podman import of a rootfs tarball + run" chk_import
check "runtime registered in containers.conf" chk_registered
check "run --rm true" chk_true
check "run --rm sh -c 'echo hi'" chk_echo
check "run exit code 3" chk_exit3
check "run -i (stdin pipe)" chk_stdin
check "run -t (terminal)" chk_tty
check "run -it under script(1)" chk_it
setup_check "run -d (running, in the cgroup parent)" chk_detached
check "exec" chk_exec
check "exec exit code 5" chk_exec_rc
check "exec -i" chk_exec_i
check "exec -it under script(1)" chk_exec_t
check "pause (paused, FROZEN)" chk_pause
check "unpause (running, THAWED)" chk_unpause
check "update --memory 32m" chk_update
check "rm -f -t 0 of a running container" chk_rm_running
check "stop (SIGTERM handled, exit 0)" chk_stop_term
check "stop -t 1 (escalation to SIGKILL, 137)" chk_stop_kill
check "kill + wait (137) + rm -f" chk_kill
check "create + start + wait (exit 4)" chk_create_start_wait
check "restart" chk_restart
check "--memory 16m seen inside" chk_memory
check "--memory 16m OOM kill of 64 MiB (137, conmon OOM event)" chk_oom
check "--pids-limit 10 seen inside" chk_pids_limit
check "--pids-limit 10 enforced (can't fork)" chk_pids_enforced
check "nothing left (containers, cgroups, processes, state, mounts)" chk_nothing_left
eng_finish
