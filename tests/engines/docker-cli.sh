# shellcheck shell=bash
# tests/engines/docker-cli.sh: checks shared by the engines whose command
# line is docker's (Docker, Podman), sourced after lib.sh. The engine's
# script sets ENG (its name), CLI (the command, as an array) and RUN_OPTS
# (what every `run` gets: runtime, cgroup parent).

e() { run "${CLI[@]}" "$@"; }
e_run() { run "${CLI[@]}" run "${RUN_OPTS[@]}" "$@"; }

state_of() { timeout 30 "${CLI[@]}" inspect --type container -f "{{$2}}" "$1" 2>/dev/null; }
pid_of() { state_of "$1" .State.Pid; }
status_is() { [ "$(state_of "$1" .State.Status)" = "$2" ]; }
logs_have() { timeout 30 "${CLI[@]}" logs "$1" 2>&1 | grep -q -- "$2"; }

# e_run_trapping NAME SIGNAL ACTION: a detached container that prints
# "ready", then runs the shell ACTION when it gets SIGNAL.
e_run_trapping() {
	rm_after "$1"
	e_run -d --name "$1" "$IMG" sh -c "trap '$3' $2; echo ready; while :; do sleep 0.1; done"
}

chk_exit3() {
	e_run --rm "$IMG" sh -c 'exit 3'
	want_rc 3 "exit code"
}

chk_stdin() {
	printf 'line one\nline two\n' >"$W/in.txt"
	run -i "$W/in.txt" "${CLI[@]}" run "${RUN_OPTS[@]}" --rm -i "$IMG" sh -c 'cat; echo done'
	want_ok || return
	want_eq "$OUT" $'line one\nline two\ndone' "output"
}

chk_it() {
	run_tty -s 2 "${CLI[@]}" run "${RUN_OPTS[@]}" --rm -it "$IMG" sh -c 'test -t 0 && test -t 1 && echo both-tty'
	want_ok || return
	want_match "$OUT" "both-tty$" "output"
}

# (these use c1, left running by the engine's chk_detached)
chk_exec() {
	e exec c1 sh -c 'echo exec-ok; cat /proc/1/cmdline | tr "\0" " "'
	want_ok "$ENG exec" || return
	want_eq "$OUT" "exec-ok"$'\n'"sleep 600 " "output"
}

chk_exec_rc() {
	e exec c1 sh -c 'exit 5'
	want_rc 5 "exec exit code"
}

chk_exec_t() {
	run_tty "${CLI[@]}" exec -it c1 sh -c 'test -t 0 && test -t 1 && echo exec-tty'
	want_ok || return
	want_match "$OUT" "exec-tty$" "output"
}

chk_pause() {
	e pause c1
	want_ok "$ENG pause" || return
	want_eq "$(state_of c1 .State.Status)" paused "status" || return
	local f
	f=$(host_cgroup "$(pid_of c1)" freezer)/freezer.state
	want_eq "$(cat "$f" 2>/dev/null)" FROZEN "$f"
}

chk_unpause() {
	e unpause c1
	want_ok "$ENG unpause" || return
	want_eq "$(state_of c1 .State.Status)" running "status" || return
	local f
	f=$(host_cgroup "$(pid_of c1)" freezer)/freezer.state
	want_eq "$(cat "$f" 2>/dev/null)" THAWED "$f" || return
	e exec c1 true
	want_ok "exec after unpause"
}

chk_stop_term() {
	local t0 dt
	e_run_trapping c2 TERM 'echo got-term; exit 0'
	want_ok || return
	wait_for 10 logs_have c2 ready || fail "c2 never printed ready" || return
	t0=$(now)
	e stop -t 10 c2
	want_ok "$ENG stop" || return
	dt=$(elapsed "$t0")
	awk -v d="$dt" 'BEGIN { exit !(d < 5) }' || fail "stop took ${dt}s (TERM not delivered?)" || return
	want_eq "$(state_of c2 .State.Status)" exited "status" || return
	want_eq "$(state_of c2 .State.ExitCode)" 0 "exit code" || return
	logs_have c2 got-term || fail "no got-term in the logs" || return
	e rm c2
	want_ok "$ENG rm"
}

chk_restart() {
	e_run_trapping c6 TERM 'exit 0'
	want_ok || return
	wait_for 10 status_is c6 running || fail "c6 not running" || return
	local pid1 pid2
	pid1=$(pid_of c6)
	e restart -t 5 c6
	want_ok "$ENG restart" || return
	wait_for 10 status_is c6 running || fail "c6 not running after restart: $(state_of c6 .State.Status)" || return
	pid2=$(pid_of c6)
	[ -n "$pid2" ] && [ "$pid2" != 0 ] && [ "$pid2" != "$pid1" ] || fail "pid after restart: '$pid2' (before: $pid1)" || return
	e exec c6 echo alive
	want_eq "$OUT" alive "exec after restart"
}

chk_memory() {
	e_run --rm --memory 16m "$IMG" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	want_ok || return
	want_eq "$OUT" 16777216 "memory.limit_in_bytes inside"
}

chk_pids_limit() {
	e_run --rm --pids-limit 10 "$IMG" cat /sys/fs/cgroup/pids/pids.max
	want_ok || return
	want_eq "$OUT" 10 "pids.max inside"
}
