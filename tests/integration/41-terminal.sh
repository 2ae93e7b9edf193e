# shellcheck shell=bash
# Terminals: exec --tty with a console socket, consoleSize, runc's console
# rules, and run/exec in the foreground relaying the pty (under script(1),
# which gives them a terminal of their own).

need_script() { command -v script >/dev/null 2>&1 || skip "script(1) (util-linux) is not installed"; }

# console_receiver SOCKET OUT: a console socket that takes the pty master
# and copies what the container writes to OUT, until the pty closes.
console_receiver() {
	command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
	python3 "$REPO_ROOT/tests/helper/console-receiver.py" "$1" "$2" </dev/null >"$T/recv.log" 2>&1 &
	track_pid $!
	wait_until 10 test -e "$2.ready" || fail "the console receiver did not start: $(cat "$T/recv.log")"
}

# in_script CMD...: run CMD under script(1) with stdin from $IN (default
# /dev/null); sets STATUS and OUT (the terminal's output).
in_script() {
	local cmd
	printf -v cmd '%q ' "$@"
	script -qec "$cmd" /dev/null <"${IN:-/dev/null}" >"$T/script.out" 2>&1
	STATUS=$?
	# script(1) passes the EOF of its stdin on as a NUL, which the
	# container's terminal echoes as ^@ amid the output
	OUT=$(tr -d '\r' <"$T/script.out" | sed 's/\^@//g')
	printf '$ script -qec %s\n%s\n  status=%s\n' "$cmd" "$(sed 's/^/  out| /' <<<"$OUT")" "$STATUS" >&2
}

sleeper() {
	ctr_run_detached c1 || fail "run --detach failed: $(head -n1 "$T/c1.err")"
	wait_output "$T/c1.out" ready
}

test_exec_tty_console_socket() {
	sleeper
	console_receiver "$T/sock" "$T/console"
	run_rt exec --detach --tty --console-socket "$T/sock" c1 /rt-helper tty
	assert_success "exec -d -t --console-socket"
	wait_output "$T/console" "2=1"
	assert_contains "$(cat "$T/console")" "received=1" "one fd over the console socket"
	assert_contains "$(tr -d '\r' <"$T/console")" $'0=1\n1=1\n2=1' "stdio is the terminal"
}

test_exec_process_console_size() {
	sleeper
	console_receiver "$T/sock" "$T/console"
	cat >"$T/process.json" <<-'EOF'
		{"terminal": true, "consoleSize": {"height": 25, "width": 91},
		 "args": ["sh", "-c", "stty size; tty"], "cwd": "/", "env": ["PATH=/bin:/sbin"]}
	EOF
	run_rt exec -d --process "$T/process.json" --console-socket "$T/sock" c1
	assert_success "exec --process with a terminal"
	wait_output "$T/console" "/dev/pts/"
	assert_contains "$(tr -d '\r' <"$T/console")" "25 91" "consoleSize"
}

test_exec_console_rules() {
	sleeper
	console_receiver "$T/sock" "$T/console"
	run_rt exec --tty --console-socket "$T/sock" c1 /rt-helper tty
	assert_failure "a console socket without --detach"
	assert_contains "$ERR" "console-socket"
	run_rt exec --detach --console-socket "$T/sock" c1 /rt-helper tty
	assert_failure "a console socket without --tty"
	run_rt exec --detach --tty c1 /rt-helper tty
	assert_failure "--detach --tty without a console socket"
	assert_contains "$ERR" "tty"
}

test_exec_tty_foreground() {
	need_script
	sleeper
	in_script "$RT" --root "$ROOT" exec -t c1 /rt-helper tty
	assert_status 0 "exec -t in the foreground"
	assert_contains "$OUT" $'0=1\n1=1\n2=1' "stdio is a terminal"
	in_script "$RT" --root "$ROOT" exec --tty c1 sh -c 'exit 6'
	assert_status 6 "exit status through the terminal"
}

test_run_terminal_foreground() {
	need_script
	cfg '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111} |
		.process.args = ["sh", "-c", "tty; stty size; exit 3"]'
	ctr_track c1
	in_script "$RT" --root "$ROOT" run --bundle "$BUNDLE" c1
	assert_status 3 "run with a terminal"
	assert_contains "$OUT" "/dev/pts/" "the process' terminal"
	assert_contains "$OUT" "33 111" "consoleSize (script's own terminal has no size)"
	assert_nothing_left c1
}

test_run_terminal_restores_the_terminal() {
	need_script
	cfg '.process.terminal = true | .process.args = ["/rt-helper", "exit", "0"]'
	ctr_track c1
	# shellcheck disable=SC2016
	in_script sh -c 'stty -a >"$0.before"; "$1" --root "$2" run --bundle "$3" c1; stty -a >"$0.after"' \
		"$T/stty" "$RT" "$ROOT" "$BUNDLE"
	assert_status 0 "run with a terminal"
	grep -q -- '-icanon' "$T/stty.before" && fail "script's terminal is raw to start with"
	assert_eq "$(cat "$T/stty.after")" "$(cat "$T/stty.before")" "rt's terminal settings after run"
}

test_run_terminal_stdin() {
	need_script
	cfg '.process.terminal = true | .process.args = ["sh", "-c", "read x; echo got=$x"]'
	ctr_track c1
	printf 'hello\n' >"$T/in"
	IN=$T/in in_script "$RT" --root "$ROOT" run --bundle "$BUNDLE" c1
	assert_status 0 "run with a terminal"
	assert_contains "$OUT" "got=hello" "stdin reaches the process"
}

_winched() { grep -q "40 100" "$T/script.out" 2>/dev/null; }

test_run_terminal_resize() {
	need_script
	cfg '.process.terminal = true |
		.process.args = ["sh", "-c", "trap \"stty size; exit 0\" WINCH; echo ready; while :; do sleep 0.1; done"]'
	ctr_track c1
	script -qec "$(printf '%q ' "$RT" --root "$ROOT" run --bundle "$BUNDLE" c1)" /dev/null \
		</dev/null >"$T/script.out" 2>&1 &
	local job=$! pid rtpid tty
	track_pid "$job"
	wait_output "$T/script.out" ready
	pid=$(pid_of c1)
	# run is the parent of the container's process; its stdin is script's pty
	rtpid=$(awk '{ sub(/^.*\) /, ""); print $2 }' "/proc/$pid/stat")
	tty=$(readlink "/proc/$rtpid/fd/0")
	[[ $tty == /dev/pts/* ]] || fail "the stdin of rt ($rtpid) is not a pty: $tty"
	stty -F "$tty" rows 40 cols 100 || fail "cannot resize $tty"
	wait_until 10 _winched || fail "no resize seen in the container: $(tr '\r\n' '||' <"$T/script.out")"
	wait "$job"
	assert_eq "$?" 0 "run exits with the process"
}

test_run_detach_terminal_needs_console_socket() {
	cfg '.process.terminal = true'
	ctr_run_detached c1
	assert_failure "run -d with a terminal and no console socket"
	assert_contains "$(cat "$T/c1.err")" "cannot allocate a tty" "runc's message"
	assert_nothing_left c1
}

test_run_detach_terminal_console_socket() {
	cfg '.process.terminal = true | .process.args = ["/rt-helper", "tty"]'
	console_receiver "$T/sock" "$T/console"
	ctr_run_detached c1 --console-socket "$T/sock" || fail "run -d --console-socket failed: $(cat "$T/c1.err")"
	wait_output "$T/console" "2=1"
	assert_contains "$(tr -d '\r' <"$T/console")" $'0=1\n1=1\n2=1' "stdio is the terminal"
}

test_run_console_socket_needs_terminal() {
	console_receiver "$T/sock" "$T/console"
	ctr_run_detached c1 --console-socket "$T/sock"
	assert_failure "run -d --console-socket without process.terminal"
	assert_nothing_left c1
}

rt_only test_run_detach_terminal_needs_console_socket

# runc gives the process its terminal: the pty belongs to its user.
test_terminal_owned_by_the_process_user() {
	need_script
	cfg '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000} |
		.process.args = ["sh", "-c", "stat -L -c owner=%u:%g /proc/self/fd/0"]'
	ctr_track c1
	in_script "$RT" --root "$ROOT" run --bundle "$BUNDLE" c1
	assert_status 0 "run with a terminal as uid 1000"
	assert_contains "$OUT" "owner=1000:" "the pty's owner"
	cfg '.process.terminal = false | .process.user = {"uid": 0, "gid": 0} | .process.args = ["/rt-helper", "sleep", "600"]'
	sleeper
	in_script "$RT" --root "$ROOT" exec -t -u 1000:1000 c1 sh -c 'stat -L -c owner=%u:%g /proc/self/fd/0'
	assert_status 0 "exec -t as uid 1000"
	assert_contains "$OUT" "owner=1000:" "the exec'd process's pty owner"
}

# The runtime spec's default device: with a terminal, /dev/console is the
# process's terminal bound there (runc the same).
test_terminal_is_dev_console() {
	console_receiver "$T/sock" "$T/console"
	set_args sh -c 'tty; stat -L -c "console=%t:%T" /dev/console; stat -L -c "tty=%t:%T" "$(tty)"; grep " /dev/console " /proc/self/mountinfo | cut -d" " -f4,5,9'
	cfg '.process.terminal = true'
	ctr_run_detached c1 --console-socket "$T/sock" || fail "run: $(head -n1 "$T/c1.err")"
	wait_output "$T/console" "tty="
	wait_output "$T/console" "devpts"
	local out console tty
	out=$(tr -d '\r' <"$T/console")
	console=$(sed -n 's/^console=//p' <<<"$out")
	tty=$(sed -n 's/^tty=//p' <<<"$out")
	[ -n "$console" ] && [ "$console" = "$tty" ] || fail "/dev/console ($console) is not the terminal ($tty): $out"
	assert_match "$out" "/dev/console devpts" "/dev/console is a bind mount of a devpts node"
}
