#!/bin/bash
# shellcheck disable=SC2317 # the chk_ functions are run indirectly, by check NAME FUNC
# docker.sh: the runtime in $RT driven by Docker 20.10 (Debian's docker.io),
# as a user would: `dockerd --add-runtime rt=$RT` and `docker run --runtime rt`.
# dockerd and its containerd run privately (data root, exec root, pid file,
# sockets, config in a temp dir; no iptables, no bridge, no IP forwarding),
# the image is imported from a busybox-static rootfs tarball, and every
# container runs with --network none.
#
#   RT=/usr/sbin/runc tests/engines/docker.sh
#   RT=./rt tests/engines/docker.sh     (ENG_TRACE=1 logs every runtime call)
#
# Unavoidable global paths (/run/docker/plugins, shim sockets in
# /run/containerd/s) are removed at the end if they did not exist before.
# The docker CLI used is /usr/bin/docker (20.10), not whatever docker comes
# first in PATH; DOCKER=... overrides it.
ENG_SUITE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$ENG_SUITE_DIR/lib.sh"

eng_init docker
need_pkg dockerd docker.io
need_pkg /usr/bin/docker docker.io
need_pkg containerd containerd
need_pkg containerd-shim-runc-v2 containerd

DOCKER_CLI=${DOCKER:-/usr/bin/docker}
D=$W/docker
C=$W/containerd
mkdir -p "$D"/{data,exec,cli} "$C"/{root,state,opt}
DSOCK=$D/docker.sock
CSOCK=$C/containerd.sock
CGP=/$CG_NAME/docker # absolute cgroup parent of every container
IMG=localhost/busybox:rt
IP_FORWARD_BEFORE=$(cat /proc/sys/net/ipv4/ip_forward)

# dockerd 20.10 writes its trust key to /etc/docker/key.json unless told
# otherwise, and only a daemon.json can tell it: a private config file (so
# /etc/docker/daemon.json is never read either).
jq -n --arg k "$D/key.json" '{"deprecated-key-path": $k}' >"$D/daemon.json"

# Its own containerd: the one dockerd would start itself writes a config
# that creates /opt/containerd.
cat >"$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$CSOCK"

[ttrpc]
  address = "$CSOCK.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$C/opt"
EOF

track_path /run/docker /run/docker/plugins /var/run/docker.sock /var/run/docker.pid /var/lib/docker \
	/etc/docker /etc/docker/key.json /run/containerd /run/containerd/s /opt/containerd /var/lib/containerd \
	"$HOME/.docker"

export DOCKER_CONFIG=$D/cli
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH

DK=("$DOCKER_CLI" -H "unix://$DSOCK")
RUNOPTS=(--runtime rt --network none)
ENG=docker
CLI=("${DK[@]}")
RUN_OPTS=("${RUNOPTS[@]}")
# shellcheck source=docker-cli.sh
. "$ENG_SUITE_DIR/docker-cli.sh"
dk() { e "$@"; }
dk_run() { e_run "$@"; }
# rm_after NAME: remove container NAME when the check ends.
rm_after() { defer "${DK[@]}" rm -f "$1"; }

docker_cleanup() {
	local id
	if daemon_alive dockerd; then
		for id in $(timeout 30 "${DK[@]}" ps -aq 2>/dev/null); do
			timeout 30 "${DK[@]}" rm -f "$id" >/dev/null 2>&1
		done
		stop_daemon dockerd 20
	fi
	stop_daemon containerd
}
on_cleanup docker_cleanup

# ---------------------------------------------------------------------------

chk_daemons() {
	start_daemon containerd containerd --config "$C/config.toml"
	wait_for 20 ctr --address "$CSOCK" version ||
		fail "containerd did not answer on $CSOCK: $(tail -n 3 "$W/containerd.log")" || return
	start_daemon dockerd dockerd \
		--config-file "$D/daemon.json" \
		--data-root "$D/data" --exec-root "$D/exec" --pidfile "$D/docker.pid" \
		-H "unix://$DSOCK" --containerd "$CSOCK" \
		--iptables=false --ip-masq=false --ip-forward=false --bridge=none --userland-proxy=false \
		--cgroup-parent "$CGP" --exec-opt native.cgroupdriver=cgroupfs \
		--add-runtime "rt=$RT"
	wait_for 30 "${DK[@]}" version ||
		fail "dockerd did not answer on $DSOCK: $(tail -n 3 "$W/dockerd.log")" || return
	dk info --format '{{json .}}'
	want_ok "docker info" || return
	local j=$OUT
	want_eq "$(jq -r '.Runtimes.rt.path' <<<"$j")" "$RT" "runtime rt" || return
	want_eq "$(jq -r '.CgroupDriver' <<<"$j")" cgroupfs "cgroup driver" || return
	want_eq "$(jq -r '.Driver' <<<"$j")" overlay2 "storage driver" || return
}

chk_import() {
	make_rootfs_tar "$W/rootfs.tar"
	dk import "$W/rootfs.tar" "$IMG"
	want_ok "docker import" || return
	dk image inspect -f '{{.Id}}' "$IMG"
	want_ok "image $IMG" || return
}

chk_echo() {
	dk_run --rm "$IMG" sh -c 'echo hi; echo err >&2'
	want_ok || return
	want_eq "$OUT" hi "stdout" || return
	want_eq "$ERR" err "stderr"
}

chk_true() {
	dk_run --rm "$IMG" true
	want_ok "docker run --rm true"
}

chk_tty() {
	dk_run --rm -t "$IMG" sh -c 'test -t 1 && echo is-tty; tty'
	want_ok || return
	want_match "$OUT" "is-tty" "output" || return
	want_match "$OUT" "/dev/pts/[0-9]+" "tty name"
}

chk_detached() {
	dk_run -d --name c1 "$IMG" sleep 600
	want_ok "docker run -d" || return
	local id=$OUT
	wait_for 10 status_is c1 running || fail "status of c1: $(state_of c1 .State.Status)" || return
	want_eq "$(state_of c1 .HostConfig.Runtime)" rt "runtime of c1" || return
	local pid cg
	pid=$(pid_of c1)
	cg=$(host_cgroup "$pid" memory)
	want_eq "$cg" "/sys/fs/cgroup/memory$CGP/$id" "memory cgroup of c1" || return
	run "$RT_REAL" --root "$D/exec/runtime-runc/moby" state "$id"
	want_ok "runtime state" || return
	want_eq "$(jq -r .status <<<"$OUT")" running "runtime status" || return
}

chk_top() {
	dk top c1
	want_ok "docker top" || return
	want_match "$OUT" "sleep 600" "docker top"
}

chk_update() {
	dk update --memory 32m --memory-swap 64m c1
	want_ok "docker update" || return
	local f
	f=$(host_cgroup "$(pid_of c1)" memory)/memory.limit_in_bytes
	want_eq "$(cat "$f" 2>/dev/null)" 33554432 "$f" || return
	dk exec c1 cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	want_eq "$OUT" 33554432 "memory.limit_in_bytes inside"
}

chk_rm_running() {
	local pid
	rm_after c1
	pid=$(pid_of c1)
	[ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "c1 is not running (pid '$pid')" || return
	dk rm -f c1
	want_ok "docker rm -f" || return
	wait_for 10 eval '! kill -0 '"$pid" || fail "process $pid of c1 still alive" || return
	dk inspect --type container c1
	want_rc 1 "c1 still exists"
}

chk_stop_kill() {
	rm_after c3
	dk_run -d --name c3 "$IMG" sleep 600
	want_ok || return
	local t0 dt
	t0=$(now)
	dk stop -t 1 c3
	want_ok "docker stop -t 1" || return
	dt=$(elapsed "$t0")
	awk -v d="$dt" 'BEGIN { exit !(d >= 0.9 && d < 8) }' || fail "stop -t 1 took ${dt}s" || return
	want_eq "$(state_of c3 .State.ExitCode)" 137 "exit code"
}

chk_kill() {
	rm_after c4
	dk_run -d --name c4 "$IMG" sleep 600
	want_ok || return
	dk kill c4
	want_ok "docker kill" || return
	dk wait c4
	want_ok "docker wait" || return
	want_eq "$OUT" 137 "exit code from docker wait"
}

chk_kill_signal() {
	e_run_trapping c5 USR1 'echo got-usr1; exit 7'
	want_ok || return
	wait_for 10 logs_have c5 ready || fail "c5 never printed ready" || return
	dk kill -s USR1 c5
	want_ok "docker kill -s USR1" || return
	dk wait c5
	want_eq "$OUT" 7 "exit code after USR1" || return
	logs_have c5 got-usr1 || fail "no got-usr1 in the logs"
}

restarts_done() { [ "$(state_of c7 '.RestartCount')" = 2 ] && [ "$(state_of c7 .State.Status)" = exited ]; }
chk_restart_policy() {
	rm_after c7
	dk_run -d --name c7 --restart on-failure:2 "$IMG" sh -c 'echo run; exit 3'
	want_ok || return
	wait_for 30 restarts_done ||
		fail "after 30s: RestartCount $(state_of c7 .RestartCount), status $(state_of c7 .State.Status)" || return
	want_eq "$(state_of c7 .State.ExitCode)" 3 "exit code" || return
	local n
	n=$(timeout 30 "${DK[@]}" logs c7 2>&1 | grep -c '^run$')
	want_eq "$n" 3 "runs (1 + 2 restarts)"
}

chk_oom() {
	rm_after c8
	# dd allocates a 64 MiB buffer and fills it from /dev/zero.
	dk_run --name c8 --memory 16m "$IMG" dd if=/dev/zero of=/dev/null bs=64M count=1
	want_rc 137 "exit code of the 64 MiB allocation in 16m" || return
	want_eq "$(state_of c8 .State.OOMKilled)" true "OOMKilled"
}

chk_pids_enforced() {
	dk_run --rm --pids-limit 10 "$IMG" sh -c 'for i in $(seq 20); do sleep 5 & done 2>&1; kill $(jobs -p) 2>/dev/null; wait'
	want_match "$OUT$ERR" "can't fork" "20 background sleeps under pids.max 10"
}

chk_nothing_left() {
	dk ps -aq
	want_ok "docker ps -a" || return
	want_eq "$OUT" "" "containers left" || return
	run "$RT_REAL" --root "$D/exec/runtime-runc/moby" list -q
	want_eq "$OUT" "" "runtime state left" || return
	want_eq "$(foreign_procs)" "" "processes (shims, containers) left" || return
	local left
	left=$(find "/sys/fs/cgroup/memory$CGP" -mindepth 1 -type d 2>/dev/null)
	want_eq "$left" "" "container cgroups left" || return
	left=$(mounts_under "$D/data" | grep -E '/merged$|/mounts/')
	want_eq "$left" "" "mounts left" || return
	want_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$IP_FORWARD_BEFORE" "net.ipv4.ip_forward" || return
	[ ! -e /sys/class/net/docker0 ] || fail "a docker0 interface exists" || return
}

setup_check "dockerd (+ its own containerd) up, runtime rt registered" chk_daemons
daemon_alive dockerd || { note "dockerd is not running: $(tail -n 5 "$W/dockerd.log" 2>/dev/null)"; eng_finish; }
setup_check "docker import of a busybox rootfs tarball" chk_import
check "run: stdout and stderr" chk_echo
check "run --rm true" chk_true
check "run exit code 3" chk_exit3
check "run -i (stdin)" chk_stdin
check "run -t (terminal)" chk_tty
check "run -it under script(1)" chk_it
setup_check "run -d (running, cgroup parent, runtime state)" chk_detached
check "exec" chk_exec
check "exec exit code 5" chk_exec_rc
check "exec -it under script(1)" chk_exec_t
check "top" chk_top
check "pause (paused, FROZEN)" chk_pause
check "unpause (running, THAWED)" chk_unpause
check "update --memory 32m" chk_update
check "rm -f of a running container" chk_rm_running
check "stop (SIGTERM handled, exit 0)" chk_stop_term
check "stop -t 1 (escalation to SIGKILL, 137)" chk_stop_kill
check "kill + wait (137)" chk_kill
check "kill -s USR1 (trapped, exit 7)" chk_kill_signal
check "restart" chk_restart
check "--restart on-failure:2 (2 restarts, exit 3)" chk_restart_policy
check "--memory 16m seen inside" chk_memory
check "--memory 16m OOM kill of 64 MiB (137, OOMKilled)" chk_oom
check "--pids-limit 10 seen inside" chk_pids_limit
check "--pids-limit 10 enforced (can't fork)" chk_pids_enforced
check "nothing left (containers, state, shims, cgroups, mounts, ip_forward, docker0)" chk_nothing_left
eng_finish
