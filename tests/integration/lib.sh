# shellcheck shell=bash
# lib.sh: shared code of the integration harness.
#
# Sourced twice: by run.sh (the runner: cgroup setup, per-test cleanup) and by
# every test process (assertions and runtime helpers). A test process gets from
# the runner, in its environment:
#   RT RT_FLAVOR HELPER BASE_BUNDLE ITEST_DIR REPO_ROOT RT_TEST_CGROUPS
#   RUNNER_PID T ROOT BUNDLE TEST_NAME VERBOSE
# T is the test's own temp dir, ROOT the runtime's --root state dir (inside T),
# BUNDLE a fresh copy of the base bundle (inside T).

# ---------------------------------------------------------------------------
# Tags. A test file marks tests with `rt_only test_a test_b`: they check
# rt-specific behaviour (exact wording, extras) and are skipped only when RT
# is runc.
declare -gA TEST_TAGS=()
rt_only() {
	local t
	for t in "$@"; do
		TEST_TAGS[$t]+=" rt_only"
	done
}

# `slow test_a ...`: tests that run hundreds of containers get four times
# the per-test time limit (a loaded or sanitizer-built run is much slower).
slow() {
	local t
	for t in "$@"; do
		TEST_TAGS[$t]+=" slow"
	done
}

is_runc() { [ "${RT_FLAVOR:-rt}" = runc ]; }

# under_ptrace: LeakSanitizer aborts a traced process; a sanitized rt run
# under strace checks everything but leaks.
under_ptrace() {
	[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
	return 0
}

# ---------------------------------------------------------------------------
# Failing, skipping, logging.

# fail MESSAGE: record the first failure reason and end the test.
fail() {
	local msg="$*" frame=""
	if [ "${#FUNCNAME[@]}" -gt 1 ]; then
		local i
		for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
			case ${FUNCNAME[$i]} in
			fail | assert_* | refute_* | run_helper | lib_*) continue ;;
			esac
			frame=" (${BASH_SOURCE[$i]##*/}:${BASH_LINENO[$((i - 1))]})"
			break
		done
	fi
	if [ -n "${T:-}" ] && [ ! -s "$T/.reason" ]; then
		printf '%s%s\n' "$msg" "$frame" >"$T/.reason"
	fi
	printf 'FAIL: %s%s\n' "$msg" "$frame" >&2
	exit 1
}

# skip REASON: end the test as skipped.
skip() {
	[ -n "${T:-}" ] && printf '%s\n' "$*" >"$T/.skip"
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

log() { printf '# %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# Running the runtime.

# rt ARGS...: the runtime with this test's state dir.
rt() { "$RT" --root "$ROOT" "$@"; }

# run_rt ARGS...: run the runtime, never failing; sets STATUS, OUT, ERR.
# Stdio goes through files, so a container that inherits them cannot block.
run_rt() {
	run_cmd "$RT" --root "$ROOT" "$@"
}

# run_cmd CMD...: as run_rt for any command.
run_cmd() {
	local out="$T/.run.out" err="$T/.run.err"
	"$@" </dev/null >"$out" 2>"$err"
	STATUS=$?
	OUT=$(cat "$out")
	ERR=$(cat "$err")
	{
		printf '$ %s\n' "$*"
		[ -n "$OUT" ] && printf '%s\n' "$OUT" | sed 's/^/  out| /'
		[ -n "$ERR" ] && printf '%s\n' "$ERR" | sed 's/^/  err| /'
		printf '  status=%s\n' "$STATUS"
	} >&2
	return 0
}

# ctr_track ID: remember a container id for cleanup.
ctr_track() {
	grep -qxF -- "$1" "$T/.ids" 2>/dev/null || printf '%s\n' "$1" >>"$T/.ids"
}

# track_pid PID: remember a host pid the test started; killed at cleanup.
track_pid() { printf '%s\n' "$1" >>"$T/.pids"; }

# ctr_create ID [CREATE-OPTIONS...]: `create --bundle $BUNDLE`, with the
# container's stdio (and the runtime's) in $T/ID.out and $T/ID.err.
ctr_create() {
	local id=$1
	shift
	ctr_track "$id"
	printf '$ %s --root %s create --bundle %s %s %s\n' "$RT" "$ROOT" "$BUNDLE" "$*" "$id" >&2
	"$RT" --root "$ROOT" create --bundle "$BUNDLE" "$@" "$id" \
		</dev/null >"$T/$id.out" 2>"$T/$id.err"
	STATUS=$?
	printf '  status=%s\n' "$STATUS" >&2
	[ -s "$T/$id.err" ] && sed 's/^/  err| /' "$T/$id.err" >&2
	return "$STATUS"
}

# ctr_run_detached ID [RUN-OPTIONS...]: `run --detach`, stdio as ctr_create.
ctr_run_detached() {
	local id=$1
	shift
	ctr_track "$id"
	printf '$ %s --root %s run --detach --bundle %s %s %s\n' "$RT" "$ROOT" "$BUNDLE" "$*" "$id" >&2
	"$RT" --root "$ROOT" run --detach --bundle "$BUNDLE" "$@" "$id" \
		</dev/null >"$T/$id.out" 2>"$T/$id.err"
	STATUS=$?
	printf '  status=%s\n' "$STATUS" >&2
	return "$STATUS"
}

# ctr_run ID [RUN-OPTIONS...]: `run` in the foreground; sets STATUS OUT ERR.
ctr_run() {
	local id=$1
	shift
	ctr_track "$id"
	run_rt run --bundle "$BUNDLE" "$@" "$id"
}

# run_helper ARGS...: run /rt-helper ARGS in a new container from $BUNDLE,
# in the foreground; asserts it exited 0 and leaves its output in OUT.
HELPER_SEQ=0
run_helper() {
	HELPER_SEQ=$((HELPER_SEQ + 1))
	local id="h$HELPER_SEQ"
	set_args /rt-helper "$@"
	ctr_run "$id"
	[ "$STATUS" -eq 0 ] || fail "run of /rt-helper $* exited $STATUS: $(first_line "$ERR")"
	rt delete "$id" >/dev/null 2>&1
}

state_json() { rt state "$1" 2>/dev/null; }
status_of() { rt state "$1" 2>/dev/null | jq -r '.status // empty' 2>/dev/null; }
pid_of() { rt state "$1" 2>/dev/null | jq -r '.pid // empty' 2>/dev/null; }

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

_status_is() { [ "$(status_of "$1")" = "$2" ]; }
# wait_status ID STATUS [SECONDS]
wait_status() {
	wait_until "${3:-10}" _status_is "$1" "$2" ||
		fail "container $1: status '$(status_of "$1")', expected '$2'"
}

_file_has() { grep -qF -- "$2" "$1" 2>/dev/null; }
# wait_output FILE TEXT [SECONDS]
wait_output() {
	wait_until "${3:-10}" _file_has "$1" "$2" ||
		fail "no '$2' in ${1##*/} after ${3:-10}s: $(head -c 300 "$1" 2>/dev/null | tr '\n' '|')"
}

pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
_pid_gone() { ! pid_alive "$1"; }
wait_pid_gone() { wait_until "${2:-10}" _pid_gone "$1" || fail "process $1 still alive"; }

# ---------------------------------------------------------------------------
# Bundle editing.

# cfg FILTER [JQ-OPTIONS...]: edit $BUNDLE/config.json with jq in place.
cfg() {
	local filter=$1 tmp="$BUNDLE/.config.json.tmp"
	shift
	jq "$filter" "$BUNDLE/config.json" "$@" >"$tmp" || fail "jq edit failed: $filter"
	mv "$tmp" "$BUNDLE/config.json"
}

# json_array STRING...: a JSON array of the strings (any characters).
json_array() {
	local json='[]' a
	for a in "$@"; do
		json=$(jq -cn --argjson j "$json" --arg a "$a" '$j + [$a]') || return 1
	done
	printf '%s\n' "$json"
}

# set_args ARG...: the container process' argv.
set_args() {
	local json
	json=$(json_array "$@") || fail "cannot encode args: $*"
	cfg '.process.args = $a' --argjson a "$json"
}

# cfg_get FILTER: query config.json.
cfg_get() { jq -r "$1" "$BUNDLE/config.json"; }

# add_mount JSON: append a mount object.
add_mount() { cfg ".mounts += [$1]"; }

# ---------------------------------------------------------------------------
# Reading helper output.

# kv KEY [TEXT]: the value of the first KEY=value line (TEXT default $OUT).
kv() {
	local key=$1 text=${2-$OUT} line
	while IFS= read -r line; do
		if [ "${line%%=*}" = "$key" ] && [ "$line" != "$key" ]; then
			printf '%s\n' "${line#*=}"
			return 0
		fi
	done <<<"$text"
	return 1
}

first_line() { printf '%s\n' "$1" | head -n1; }

# host_ns NAME: inode of the host's (this test shell's) namespace NAME.
host_ns() { stat -L -c %i "/proc/$$/ns/$1"; }

# mountinfo_line MOUNTPOINT [TEXT]: last mountinfo line for MOUNTPOINT.
mountinfo_line() {
	local mp=$1 text=${2-$OUT}
	awk -v mp="$mp" '$5 == mp { l = $0 } END { if (l != "") print l; else exit 1 }' <<<"$text"
}

# mount_opts MOUNTPOINT [TEXT]: per-mount and super options, one per line.
mount_opts() {
	local line
	line=$(mountinfo_line "$@") || return 1
	awk '{ n = split($6, a, ","); for (i = 1; i <= n; i++) print a[i];
	       for (i = 7; i <= NF; i++) if ($i == "-") break;
	       print "fstype=" $(i + 1);
	       n = split($(i + 3), b, ","); for (j = 1; j <= n; j++) print b[j] }' <<<"$line"
}

# ---------------------------------------------------------------------------
# Assertions.

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-values differ}: got '$1', expected '$2'"
}
assert_ne() {
	[ "$1" != "$2" ] || fail "${3:-values equal}: both '$1'"
}
assert_match() {
	[[ $1 =~ $2 ]] || fail "${3:-no match}: '$(printf '%s' "$1" | head -c 400)' !~ /$2/"
}
assert_contains() {
	[[ $1 == *"$2"* ]] || fail "${3:-missing text}: '$2' not in '$(printf '%s' "$1" | head -c 400)'"
}
refute_contains() {
	[[ $1 != *"$2"* ]] || fail "${3:-unexpected text}: '$2' in '$(printf '%s' "$1" | head -c 400)'"
}
assert_success() {
	[ "$STATUS" -eq 0 ] || fail "${1:-command failed}: status $STATUS: $(first_line "$ERR")"
}
assert_failure() {
	[ "$STATUS" -ne 0 ] || fail "${1:-command should have failed} but exited 0"
}
assert_status() {
	[ "$STATUS" -eq "$1" ] || fail "${2:-exit status}: got $STATUS, expected $1: $(first_line "$ERR")"
}
# assert_kv KEY EXPECTED [TEXT]
assert_kv() {
	local v
	v=$(kv "$1" "${3-$OUT}") || fail "no '$1=' in output: $(printf '%s' "${3-$OUT}" | head -c 300 | tr '\n' '|')"
	[ "$v" = "$2" ] || fail "$1: got '$v', expected '$2'"
}
# assert_json JSON [--arg NAME VALUE | --argjson NAME JSON]... JQ-EXPR [MESSAGE]:
# JQ-EXPR must yield true.
assert_json() {
	local json=$1 r
	local -a opts=()
	shift
	while [ "${1:-}" = --arg ] || [ "${1:-}" = --argjson ]; do
		opts+=("$1" "$2" "$3")
		shift 3
	done
	r=$(jq -e "${opts[@]}" "$1" <<<"$json" 2>&1) ||
		fail "${2:-json check failed}: $1 gave '$r' on $(printf '%s' "$json" | head -c 400)"
}
# assert_error_line: stderr is exactly one line `rt: ...` (rt's error form).
assert_error_line() {
	local err=${1-$ERR} n
	n=$(printf '%s\n' "$err" | grep -c .)
	[ "$n" -eq 1 ] || fail "stderr should be one line, got $n: $(printf '%s' "$err" | head -c 400)"
	[[ $err == "rt: "* ]] || fail "stderr should start with 'rt: ': $err"
}

# container_cgroup_dirs ID: the cgroup dir of the container's process in
# every hierarchy (found below the runner's own cgroups).
container_cgroup_dirs() {
	local pid d f
	pid=$(pid_of "$1")
	[ -n "$pid" ] && [ "$pid" -gt 0 ] || return 1
	while IFS= read -r d; do
		[ -n "$d" ] || continue
		# rt's default cgroupsPath is /rt/<id> (/rt-<hash>/<id>) at the root of each hierarchy
		while IFS= read -r f; do
			if grep -qx "$pid" "$f" 2>/dev/null; then
				dirname "$f"
				break
			fi
		done < <(find "$d" "${d%/*}/rt" "${d%/*}"/rt-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f] \
			-name cgroup.procs 2>/dev/null)
	done <<<"${RT_TEST_CGROUPS:-}"
}

# ---------------------------------------------------------------------------
# Leftover checks (also used by the runner after every test).

# cg_children: child cgroups left under the runner's own cgroups, and the
# cgroups /rt/<id> and /rt-<hash>/<id> (rt's default cgroupsPath, at the root of each
# hierarchy) of this test's containers. Only this test's ids: /rt is shared
# with every other user of rt on the machine.
cg_children() {
	local -a dirs=()
	local d dir id
	while IFS= read -r d; do
		[ -n "$d" ] && [ -d "$d" ] && dirs+=("$d")
	done <<<"${RT_TEST_CGROUPS:-}"
	[ ${#dirs[@]} -gt 0 ] && find "${dirs[@]}" -mindepth 1 -type d 2>/dev/null
	is_runc && return 0
	local -a cand=() inode=()
	local i
	# rt's default: /rt/<id> for --root /run/rt, else /rt-<8 hex>/<id>
	for id in $(_test_ids); do
		for dir in "${dirs[@]}"; do
			for d in "${dir%/*}/rt/$id" "${dir%/*}"/rt-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]/"$id"; do
				[ -d "$d" ] && ! _foreign_cgroup "$d" && cand+=("$d") && inode+=("$(stat -c %i "$d")")
			done
		done
	done
	[ ${#cand[@]} -gt 0 ] || return 0
	# An empty one may be another run's container of the same id, stopped
	# and about to be deleted: only a dir that stays is a leak.
	sleep 2
	for ((i = 0; i < ${#cand[@]}; i++)); do
		d=${cand[$i]}
		[ -d "$d" ] && [ "$(stat -c %i "$d" 2>/dev/null)" = "${inode[$i]}" ] && ! _foreign_cgroup "$d" &&
			find "$d" -type d 2>/dev/null
	done
	return 0
}

# _foreign_cgroup DIR: DIR holds a process that is not this test's: the
# same id used by another test run on this machine at the same time.
_foreign_cgroup() {
	local p
	while read -r p; do
		[ -n "$p" ] && [ -d "/proc/$p" ] && ! _owned_pid "$p" && return 0
	done < <(find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null)
	return 1
}

# _test_ids: container ids this test used (tracked, or with a state dir).
_test_ids() {
	[ -n "${T:-}" ] || return 0
	{
		cat "$T/.ids" 2>/dev/null
		[ -d "${ROOT:-}" ] && find "$ROOT" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null
	} | grep -v '^\.' | grep -v / | sort -u
}

# mounts_under DIR: host mount points at or below DIR.
mounts_under() {
	awk -v d="$1" '{ mp = $5; gsub(/\\040/, " ", mp);
	  if (mp == d || index(mp, d "/") == 1) print mp }' /proc/self/mountinfo
}

# _ppid PID: sets PPID_OF to PID's parent (no fork).
_ppid() {
	local st
	PPID_OF=""
	read -r st <"/proc/$1/stat" 2>/dev/null || return 1
	st=${st##*) }
	st=${st#* }
	PPID_OF=${st%% *}
}

# stray_procs: processes in the runner's cgroups that are neither an
# ancestor of this shell nor a descendant of it (so: left by a runtime).
# Every process is in one cgroup of each hierarchy: one hierarchy suffices.
stray_procs() {
	local me=$$ p q anc=" " seen pids first
	first=$(head -n1 <<<"${RT_TEST_CGROUPS:-}")
	[ -n "$first" ] && [ -d "$first" ] || return 0
	p=$me
	while [ -n "$p" ] && [ "$p" -gt 1 ]; do
		anc+="$p "
		_ppid "$p"
		p=$PPID_OF
	done
	pids=$(find "$first" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -un)
	for p in $pids; do
		[[ $anc == *" $p "* ]] && continue
		[ -d "/proc/$p" ] || continue
		q=$p seen=0
		while [ -n "$q" ] && [ "$q" -gt 1 ]; do
			if [ "$q" = "$me" ]; then
				seen=1
				break
			fi
			_ppid "$q"
			q=$PPID_OF
		done
		[ "$seen" -eq 1 ] && continue
		printf '%s %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | head -c 80)"
	done
}

# expect_create_error TEXT: create fails with one `rt: ...` line containing
# TEXT, and leaves nothing behind.
expect_create_error() {
	local id=bad$RANDOM-$$
	ctr_create "$id"
	[ "$STATUS" -ne 0 ] || fail "create should have failed (expected: $1)"
	ERR=$(cat "$T/$id.err")
	assert_error_line "$ERR"
	assert_contains "$ERR" "$1" "error message"
	assert_nothing_left "$id"
}

# assert_nothing_left ID: no state, state dir, process, cgroup or mount
# remains of container ID.
assert_nothing_left() {
	local id=$1 left
	if rt state "$id" >/dev/null 2>&1; then
		fail "container $id still has state"
	fi
	[ ! -e "$ROOT/$id" ] || fail "state dir $ROOT/$id left behind"
	left=$(cg_children)
	[ -z "$left" ] || fail "cgroups left behind: $(echo $left)"
	left=$(mounts_under "$T")
	[ -z "$left" ] || fail "mounts left behind: $(echo $left)"
	wait_until 3 _no_strays
	left=$(stray_procs)
	[ -z "$left" ] || fail "processes left behind: $(echo $left)"
}
_no_strays() { [ -z "$(stray_procs)" ]; }

# ---------------------------------------------------------------------------
# The test process: lib_run_test FUNC runs one test (in its own bash).

lib_run_test() {
	local fn=$1 rc
	trap lib_test_exit EXIT
	cd "$T" || exit 1
	[ "${RT_TEST_TRACE:-0}" = 1 ] && set -x
	"$fn"
	rc=$?
	[ "$rc" -eq 0 ] || [ -s "$T/.reason" ] || echo "$fn returned $rc" >"$T/.reason"
	exit "$rc"
}

lib_test_exit() {
	local rc=$? c
	set +x
	lib_cleanup_containers
	lib_kill_tracked_pids
	for c in "${LIB_AT_EXIT[@]}"; do
		eval "$c"
	done
	lib_remove_test_users
	exit "$rc"
}

# at_exit COMMAND: run COMMAND (a string, eval'd) when the test ends, after
# its containers are gone.
LIB_AT_EXIT=()
at_exit() { LIB_AT_EXIT+=("$*"); }

# Users a test made (one name per line in $T/.users): removed by the test
# and again by the runner, with their subordinate ids.
lib_remove_test_users() {
	local u
	[ -f "$T/.users" ] || return 0
	while read -r u; do
		[ -n "$u" ] && getent passwd "$u" >/dev/null && userdel "$u" 2>/dev/null
	done <"$T/.users"
	return 0
}

# ---------------------------------------------------------------------------
# Cleanup of one test's leftovers: containers, pids, mounts, cgroups.
# Run by the test's EXIT trap and again by the runner.

lib_cleanup_containers() {
	local id ids root
	# $ROOT, and the default roots of rootless runs (XDG_RUNTIME_DIR=$T/xdg)
	for root in "$ROOT" "$T"/xdg/*; do
		[ -d "$root" ] || continue
		ids=$( {
			[ "$root" = "$ROOT" ] && cat "$T/.ids" 2>/dev/null
			"$RT" --root "$root" list -q 2>/dev/null
			find "$root" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null
		} | sort -u)
		for id in $ids; do
			case $id in .* | "") continue ;; esac
			timeout 20 "$RT" --root "$root" delete --force "$id" </dev/null >/dev/null 2>&1
		done
	done
}

lib_kill_tracked_pids() {
	local p
	[ -f "$T/.pids" ] || return 0
	while read -r p; do
		[ -n "$p" ] && pid_alive "$p" && _owned_pid "$p" && kill -KILL "$p" 2>/dev/null
	done <"$T/.pids"
}

# Only kill what lives in the runner's cgroups: never anything else.
_in_test_cgroup() {
	[ -n "${RUNNER_PID:-}" ] && grep -q "/rt-test-$RUNNER_PID\(/\|$\)" "/proc/$1/cgroup" 2>/dev/null
}

# _owned_pid PID: PID is this run's: in the runner's cgroups, or a process
# whose root is a bundle of this test (a container outside them, e.g. in
# rt's default /rt/<id>).
_owned_pid() {
	local root
	_in_test_cgroup "$1" && return 0
	[ -n "${T:-}" ] || return 1
	local mark="/${T%/*}"
	mark="/${mark##*/}/${T##*/}/" # /rt-itest.XXXXXX/NNN-test_name/
	root=$(awk '$5 == "/" { r = $4 } END { print r }' "/proc/$1/mountinfo" 2>/dev/null)
	[ -n "$root" ] && [[ "$root/" == *"$mark"* ]]
}

lib_umount_under() {
	local mp
	mounts_under "$1" | sort -r | while IFS= read -r mp; do
		umount -l "$mp" 2>/dev/null
	done
}

# lib_remove_cgroup DIR: thaw, kill its processes (by pid), rmdir depth-first.
lib_remove_cgroup() { cg_remove "$1" _owned_pid; }

# ---------------------------------------------------------------------------
# The runner's own cgroups. A runtime creates default (relative) cgroup paths
# below its caller's cgroup, so the runner first moves itself into a cgroup
# rt-test-PID of its own in every hierarchy (made at the hierarchy's root),
# and moves back to where it came from at the end.

# shellcheck source=../cgroups.sh
. "$(dirname "${BASH_SOURCE[0]}")/../cgroups.sh"

# cg_setup NAME: create NAME in every hierarchy and move this shell into it.
cg_setup() {
	cg_discover "$1" && cg_enter || return 1
	RT_TEST_CGROUPS=$(printf '%s\n' "${CG_MINE[@]}")
	export RT_TEST_CGROUPS
}

# cg_teardown: move back to the original cgroups and remove ours.
cg_teardown() {
	local i
	cg_move_back
	for ((i = 0; i < ${#CG_MNT[@]}; i++)); do
		lib_remove_cgroup "${CG_MINE[$i]}" ||
			echo "warning: cannot remove ${CG_MINE[$i]}" >&2
	done
	CG_MNT=() CG_ORIG=() CG_MINE=()
}
