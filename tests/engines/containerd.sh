#!/bin/bash
# shellcheck disable=SC2317 # the chk_ functions are run indirectly, by check NAME FUNC
# containerd.sh: the runtime in $RT driven by containerd 1.6 (ctr, the
# io.containerd.runc.v2 shim), as a user would: `ctr run --runc-binary $RT`.
# containerd runs privately (its own config, root, state and socket in a
# temp dir), the image is an OCI archive built locally and imported.
#
#   RT=/usr/sbin/runc tests/engines/containerd.sh
#   RT=./rt tests/engines/containerd.sh     (ENG_TRACE=1 logs every runtime call)
#
# containerd 1.6 always puts shim sockets in /run/containerd/s and ctr its
# FIFOs in /run/containerd/fifo; `ctr containers create` has no
# --runc-binary, so for it the runtime is found as `runc` first in
# containerd's PATH and keeps its state in the default /run/containerd/runc.
# Whatever of /run/containerd did not exist before is removed at the end.
ENG_SUITE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$ENG_SUITE_DIR/lib.sh"

eng_init containerd
need_pkg containerd containerd
need_pkg ctr containerd
need_pkg containerd-shim-runc-v2 containerd

C=$W/containerd
mkdir -p "$C"/{root,state,opt,bin} "$W/runc-root"
SOCK=$C/containerd.sock
# The namespace is also the first element of ctr's default cgroupsPath
# (/NS/ID): naming it after our own cgroup puts every container below it.
NS=$CG_NAME
IMG=localhost/busybox:latest
RUNC_ROOT=$W/runc-root

cat >"$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$SOCK"

[ttrpc]
  address = "$SOCK.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$C/opt"
EOF
ln -s "$RT" "$C/bin/runc"

track_path /run/containerd /run/containerd/s /run/containerd/fifo /run/containerd/runc \
	"/run/containerd/runc/$NS" /opt/containerd /var/lib/containerd /etc/containerd/config.toml

CTR=(ctr --address "$SOCK" --namespace "$NS")
# The runtime for `ctr run` and its state dir.
RUNOPTS=(--runc-binary "$RT" --runc-root "$RUNC_ROOT")
c() { run "${CTR[@]}" "$@"; }
c_run() { run "${CTR[@]}" run "${RUNOPTS[@]}" "$@"; }
# gone_after ID: kill and delete task and container ID when the check ends.
gone_after() {
	defer "${CTR[@]}" containers delete "$1"
	defer "${CTR[@]}" task delete --force "$1"
}

containerd_cleanup() {
	local id
	daemon_alive containerd || return 0
	for id in $(timeout 20 "${CTR[@]}" task ls -q 2>/dev/null); do
		timeout 20 "${CTR[@]}" task delete --force "$id" >/dev/null 2>&1
	done
	for id in $(timeout 20 "${CTR[@]}" containers ls -q 2>/dev/null); do
		timeout 20 "${CTR[@]}" containers delete "$id" >/dev/null 2>&1
	done
	for id in $(timeout 20 "${CTR[@]}" images ls -q 2>/dev/null); do
		timeout 20 "${CTR[@]}" images rm "$id" >/dev/null 2>&1
	done
	timeout 20 "${CTR[@]}" namespaces rm "$NS" >/dev/null 2>&1
	stop_daemon containerd
}
on_cleanup containerd_cleanup

task_status() { timeout 20 "${CTR[@]}" task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
task_pid() { timeout 20 "${CTR[@]}" task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }
status_is() { [ "$(task_status "$1")" = "$2" ]; }

# ---------------------------------------------------------------------------

chk_daemon() {
	start_daemon containerd env PATH="$C/bin:$PATH" containerd --config "$C/config.toml"
	wait_for 20 "${CTR[@]}" version || fail "containerd did not answer on $SOCK: $(tail -n 3 "$W/containerd.log")" || return
	c version
	want_ok "ctr version" || return
	want_match "$OUT" "Server:" "ctr version" || return
}

chk_import() {
	make_oci_archive "$W/busybox-oci.tar" "$IMG"
	c images import "$W/busybox-oci.tar"
	want_ok "ctr images import" || return
	c images ls -q
	grep -qxF "$IMG" <<<"$OUT" || fail "$IMG not in the image list: $OUT" || return
	c images check
	want_ok "ctr images check" || return
	want_match "$OUT" "$IMG +application/vnd.oci.image.manifest.v1\+json +sha256:[0-9a-f]+ +complete" "images check" || return
}

chk_true() {
	gone_after r1
	c_run --rm "$IMG" r1 true
	want_ok "ctr run --rm true" || return
	want_eq "$OUT" "" "output"
}

chk_echo() {
	gone_after r2
	c_run --rm "$IMG" r2 sh -c 'echo hi'
	want_ok || return
	want_eq "$OUT" hi "output"
}

chk_exit3() {
	gone_after r3
	c_run --rm "$IMG" r3 sh -c 'exit 3'
	want_rc 3 "exit code"
}

chk_stdin() {
	# ctr 1.6 loses an EOF that arrives before it has set up its stdin
	# copier (the container then waits for it forever): the input comes a
	# little later, and the container reads lines rather than up to EOF.
	gone_after r4
	printf 'line one\nline two\n' >"$W/in.txt"
	local cmd
	cmd="(sleep 0.5; cat $(printf '%q' "$W/in.txt")) | $(printf '%q ' "${CTR[@]}" run "${RUNOPTS[@]}") --rm $IMG r4 sh -c 'read a; read b; echo \"\$b/\$a\"'"
	run bash -c "$cmd"
	want_ok || return
	want_eq "$OUT" 'line two/line one' "output"
}

chk_tty() {
	gone_after r5
	run_tty "${CTR[@]}" run "${RUNOPTS[@]}" --rm -t "$IMG" r5 sh -c 'test -t 0 && test -t 1 && echo both-tty'
	want_ok || return
	want_match "$OUT" "both-tty$" "output"
}

chk_detached() {
	c_run -d "$IMG" c1 sleep 600
	want_ok "ctr run -d" || return
	wait_for 10 status_is c1 RUNNING || fail "task c1: '$(task_status c1)', expected RUNNING" || return
	local pid cg
	pid=$(task_pid c1)
	cg=$(host_cgroup "$pid" memory)
	want_eq "$cg" "/sys/fs/cgroup/memory/$NS/c1" "memory cgroup of c1" || return
	run "$RT_REAL" --root "$RUNC_ROOT/$NS" state c1
	want_ok "runtime state in --runc-root" || return
	want_eq "$(jq -r .status <<<"$OUT")" running "runtime status" || return
}

chk_exec() {
	c task exec --exec-id e1 c1 sh -c 'echo exec-ok; cat /proc/1/cmdline | tr "\0" " "'
	want_ok "ctr task exec" || return
	want_eq "$OUT" "exec-ok"$'\n'"sleep 600 " "output"
}

chk_exec_rc() {
	c task exec --exec-id e2 c1 sh -c 'exit 5'
	want_rc 5 "exec exit code"
}

chk_exec_t() {
	run_tty "${CTR[@]}" task exec -t --exec-id e3 c1 sh -c 'test -t 0 && test -t 1 && echo exec-tty'
	want_ok || return
	want_match "$OUT" "exec-tty" "output"
}

chk_ps() {
	c task ps c1
	want_ok "ctr task ps" || return
	local pid
	pid=$(task_pid c1)
	awk -v p="$pid" '$1 == p { f = 1 } END { exit !f }' <<<"$OUT" ||
		fail "task ps does not list the init pid $pid: $(tr '\n' '|' <<<"$OUT")" || return
}

chk_pause() {
	c task pause c1
	want_ok "ctr task pause" || return
	want_eq "$(task_status c1)" PAUSED "status" || return
	local f
	f=$(host_cgroup "$(task_pid c1)" freezer)/freezer.state
	want_eq "$(cat "$f" 2>/dev/null)" FROZEN "$f"
}

chk_resume() {
	c task resume c1
	want_ok "ctr task resume" || return
	want_eq "$(task_status c1)" RUNNING "status" || return
	local f
	f=$(host_cgroup "$(task_pid c1)" freezer)/freezer.state
	want_eq "$(cat "$f" 2>/dev/null)" THAWED "$f" || return
	c task exec --exec-id e4 c1 true
	want_ok "exec after resume" || return
}

chk_metrics() {
	c task metrics c1
	want_ok "ctr task metrics" || return
	want_match "$OUT" "pids\.current +[1-9]" "metrics" || return
	want_match "$OUT" "memory\.usage_in_bytes +[1-9]" "metrics" || return
}

chk_kill_kill() {
	gone_after c1
	local pid
	pid=$(task_pid c1)
	c task kill -s SIGKILL c1
	want_ok "ctr task kill -s SIGKILL" || return
	wait_for 10 status_is c1 STOPPED || fail "task c1: '$(task_status c1)', expected STOPPED" || return
	c task delete c1
	want_ok "ctr task delete" || return
	want_match "$ERR" "exit code 137" "exit status reported by ctr task delete" || return
	c containers delete c1
	want_ok "ctr containers delete" || return
	[ ! -d "/proc/$pid" ] || fail "process $pid still alive" || return
	[ ! -e "$RUNC_ROOT/$NS/c1" ] || fail "runtime state $RUNC_ROOT/$NS/c1 left" || return
}

chk_kill_term() {
	gone_after c2
	c_run -d "$IMG" c2 sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	want_ok || return
	wait_for 10 status_is c2 RUNNING || fail "c2 not running" || return
	sleep 0.3 # let sh install its trap
	c task kill c2
	want_ok "ctr task kill" || return
	wait_for 10 status_is c2 STOPPED || fail "task c2: '$(task_status c2)', expected STOPPED" || return
	c task delete c2
	want_ok "ctr task delete" || return
	[[ $ERR != *"non-zero exit code"* ]] || fail "c2 did not exit 0: $ERR" || return
	c containers delete c2
	want_ok "ctr containers delete" || return
}

chk_kill_all() {
	gone_after c3
	c_run -d "$IMG" c3 sh -c 'sleep 600 & sleep 600 & sleep 600'
	want_ok || return
	wait_for 10 status_is c3 RUNNING || fail "c3 not running" || return
	local cg n
	cg=$(host_cgroup "$(task_pid c3)" memory)
	wait_for 5 eval '[ "$(wc -l <"'"$cg"'/cgroup.procs")" -ge 3 ]'
	n=$(wc -l <"$cg/cgroup.procs")
	[ "$n" -ge 3 ] || fail "c3 has $n processes, expected 3" || return
	c task kill -a -s SIGKILL c3
	want_ok "ctr task kill -a" || return
	wait_for 10 status_is c3 STOPPED || fail "task c3: '$(task_status c3)', expected STOPPED" || return
	n=$(cat "$cg/cgroup.procs" 2>/dev/null | wc -l)
	want_eq "$n" 0 "processes left in c3's cgroup" || return
	c task delete c3
	want_ok "ctr task delete" || return
	want_match "$ERR" "exit code 137" "exit status reported by ctr task delete" || return
	c containers delete c3
	want_ok "ctr containers delete" || return
}

chk_create_start() {
	# `ctr containers create` has no --runc-binary: containerd finds the
	# runtime as `runc` in its PATH ($C/bin/runc -> $RT).
	gone_after c4
	c containers create "$IMG" c4 -- sh -c 'exit 4'
	want_ok "ctr containers create" || return
	c task start c4
	want_rc 4 "exit status from ctr task start" || return
	c task delete c4
	c containers delete c4
	want_ok "ctr containers delete" || return
}

chk_memory() {
	gone_after c5
	c_run -d --memory-limit 16777216 "$IMG" c5 sleep 600
	want_ok || return
	wait_for 10 status_is c5 RUNNING || fail "c5 not running" || return
	local f
	f=$(host_cgroup "$(task_pid c5)" memory)/memory.limit_in_bytes
	want_eq "$(cat "$f" 2>/dev/null)" 16777216 "$f" || return
	c task kill -s SIGKILL c5
	wait_for 10 status_is c5 STOPPED
	c task delete c5
	c containers delete c5
	want_ok "ctr containers delete" || return
}

chk_oom() {
	gone_after r6
	c_run --rm --memory-limit 16777216 "$IMG" r6 dd if=/dev/zero of=/dev/null bs=64M count=1
	want_rc 137 "exit code of the 64 MiB allocation under a 16 MiB limit"
}

chk_nothing_left() {
	c task ls -q
	want_ok || return
	want_eq "$OUT" "" "tasks left" || return
	c containers ls -q
	want_ok || return
	want_eq "$OUT" "" "containers left" || return
	run "$RT_REAL" --root "$RUNC_ROOT/$NS" list -q
	want_eq "$OUT" "" "runtime state left in --runc-root" || return
	run "$RT_REAL" --root "/run/containerd/runc/$NS" list -q
	want_eq "$OUT" "" "runtime state left in /run/containerd/runc/$NS" || return
	want_eq "$(foreign_procs)" "" "processes (shims, containers) left" || return
	local left
	left=$(find "/sys/fs/cgroup/memory/$NS" -mindepth 1 -type d 2>/dev/null)
	want_eq "$left" "" "container cgroups left" || return
	left=$(mounts_under "$C/state")
	want_eq "$left" "" "mounts left" || return
}

setup_check "containerd up on a private socket" chk_daemon
daemon_alive containerd || { note "containerd is not running: $(tail -n 5 "$W/containerd.log" 2>/dev/null)"; eng_finish; }
setup_check "ctr images import (local OCI archive) + images check" chk_import
check "run --rm true" chk_true
check "run --rm sh -c 'echo hi'" chk_echo
check "run exit code 3" chk_exit3
check "run with stdin from a pipe" chk_stdin
check "run -t under script(1)" chk_tty
setup_check "run -d (RUNNING, cgroup /NS/ID, state in --runc-root)" chk_detached
check "task exec" chk_exec
check "task exec exit code 5" chk_exec_rc
check "task exec -t under script(1)" chk_exec_t
check "task ps" chk_ps
check "task pause (PAUSED, FROZEN)" chk_pause
check "task resume (RUNNING, THAWED)" chk_resume
check "task metrics" chk_metrics
check "task kill -s SIGKILL + delete (137) + containers delete" chk_kill_kill
check "task kill (SIGTERM handled) + delete (0)" chk_kill_term
check "task kill -a -s SIGKILL (every process)" chk_kill_all
check "containers create + task start (exit 4; runtime as runc in PATH)" chk_create_start
check "--memory-limit 16 MiB (host cgroup)" chk_memory
check "--memory-limit 16 MiB OOM kill of 64 MiB (137)" chk_oom
check "nothing left (tasks, containers, state, shims, cgroups, mounts)" chk_nothing_left
eng_finish
