#!/bin/bash
# run.sh: integration tests of an OCI runtime with runc's command line.
#
# Every tests/integration/NN-topic.sh defines test_* functions. Each test runs
# in its own bash process, with a time limit, a fresh state dir ($ROOT) and a
# fresh copy of the base bundle ($BUNDLE). See usage below.
set -u -o pipefail

ITEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$ITEST_DIR/../.." && pwd)
# shellcheck source=lib.sh
. "$ITEST_DIR/lib.sh"

usage() {
	cat <<EOF
usage: ${0##*/} [OPTIONS] [PATTERN...]

Run the integration tests against the runtime in \$RT (default: the repo's
built ./rt). A PATTERN selects tests whose name or file contains it (shell
glob characters allowed); without one, all tests run.

  -v, --verbose          print every test's log
  -k, --keep-going       run all tests even after a failure (the default)
  -x, --stop             stop at the first failure
  -t, --timeout SECONDS  time limit of one test (default \${RT_TEST_TIMEOUT:-60})
      --max-time SECONDS time budget of the whole run; tests not started
                         by then count as failed (default \${RT_TEST_MAX_TIME:-0}: none)
  -l, --list             list the tests (and their tags) and exit
      --keep             keep the temp dirs of failed tests
  -h, --help             show this help

Environment: RT (runtime binary or command name), RT_FLAVOR (rt|runc; by
default from \`\$RT --version\`), HELPER (static rt-helper binary),
RT_TEST_TIMEOUT, TMPDIR. Tests tagged rt_only are skipped only when RT is runc.
Must run as root. Ends with the line 'N passed, N failed[, N skipped]'.
EOF
}

die() {
	echo "${0##*/}: $*" >&2
	exit 2
}

VERBOSE=0
STOP=0
KEEP=0
LIST=0
TIMEOUT=${RT_TEST_TIMEOUT:-60}
MAX_TIME=${RT_TEST_MAX_TIME:-0}
PATTERNS=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	-v | --verbose) VERBOSE=1 ;;
	-k | --keep-going) STOP=0 ;;
	-x | --stop) STOP=1 ;;
	-t | --timeout) [ $# -ge 2 ] || die "$1 needs SECONDS"; TIMEOUT=$2; shift ;;
	--timeout=*) TIMEOUT=${1#*=} ;;
	--max-time) [ $# -ge 2 ] || die "$1 needs SECONDS"; MAX_TIME=$2; shift ;;
	--max-time=*) MAX_TIME=${1#*=} ;;
	-l | --list) LIST=1 ;;
	--keep) KEEP=1 ;;
	--) shift; PATTERNS+=("$@"); break ;;
	-*) die "unknown option: $1 (see --help)" ;;
	*) PATTERNS+=("$1") ;;
	esac
	shift
done
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "bad timeout: $TIMEOUT"
[[ $MAX_TIME =~ ^[0-9]+$ ]] || die "bad max time: $MAX_TIME"

# ---------------------------------------------------------------------------
# Discovery: test functions in file order, with their tags.

TEST_FILES=()
TEST_FUNCS=()
TEST_TAGLIST=()

discover() {
	local f line fn tags
	declare -A where=()
	for f in "$ITEST_DIR"/[0-9][0-9]-*.sh; do
		[ -f "$f" ] || continue
		while IFS= read -r line; do
			fn=${line%% *}
			tags=${line#"$fn"}
			if [ -n "${where[$fn]:-}" ]; then
				die "test $fn defined in both ${where[$fn]##*/} and ${f##*/}"
			fi
			where[$fn]=$f
			TEST_FILES+=("$f")
			TEST_FUNCS+=("$fn")
			TEST_TAGLIST+=("$tags")
		done < <(
			# shellcheck disable=SC1090
			. "$f" >/dev/null 2>&1 || exit 1
			grep -oE '^[[:space:]]*(function[[:space:]]+)?test_[A-Za-z0-9_]+[[:space:]]*\(\)' "$f" |
				sed -E 's/^[[:space:]]*(function[[:space:]]+)?//; s/[[:space:]]*\(\)$//' |
				while read -r fn; do
					declare -F "$fn" >/dev/null || continue
					echo "$fn${TEST_TAGS[$fn]:-}"
				done
		)
	done
}

selected() {
	local fn=$1 file=${2##*/} p
	[ ${#PATTERNS[@]} -eq 0 ] && return 0
	for p in "${PATTERNS[@]}"; do
		# shellcheck disable=SC2053
		[[ $fn == *$p* || ${fn#test_} == $p || $file == *$p* ]] && return 0
	done
	return 1
}

discover
if [ "$LIST" -eq 1 ]; then
	for ((i = 0; i < ${#TEST_FUNCS[@]}; i++)); do
		selected "${TEST_FUNCS[$i]}" "${TEST_FILES[$i]}" || continue
		printf '%s %s%s\n' "${TEST_FILES[$i]##*/}" "${TEST_FUNCS[$i]}" "${TEST_TAGLIST[$i]}"
	done
	exit 0
fi

# ---------------------------------------------------------------------------
# Setup.

[ "$(id -u)" -eq 0 ] || die "must run as root"

need_pkg() { # need_pkg COMMAND-OR-PATH DEBIAN-PACKAGE
	if [[ $1 == /* ]]; then [ -e "$1" ] && return 0; else command -v "$1" >/dev/null 2>&1 && return 0; fi
	command -v apt-get >/dev/null 2>&1 || die "$1 missing: install the Debian package $2"
	echo "# installing $2" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q "$2" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$2" >/dev/null 2>&1; } ||
		die "cannot install $2"
}
need_pkg jq jq
need_pkg timeout coreutils
need_pkg /bin/busybox busybox-static

# The runtime under test.
RT=${RT:-$REPO_ROOT/rt}
if [[ $RT != */* ]]; then
	RT=$(command -v "$RT") || die "runtime not found in PATH: ${RT}"
fi
[ -x "$RT" ] || die "runtime not executable: $RT (build it, or set RT)"
RT=$(cd "$(dirname "$RT")" && pwd)/$(basename "$RT")
if [ -z "${RT_FLAVOR:-}" ]; then
	case $("$RT" --version 2>/dev/null | head -n1) in
	"runc version"*) RT_FLAVOR=runc ;;
	*) RT_FLAVOR=rt ;;
	esac
fi
export RT RT_FLAVOR ITEST_DIR REPO_ROOT VERBOSE

# The static helper placed in every rootfs as /rt-helper.
HELPER_SRC=$REPO_ROOT/tests/helper/rt-helper.c
HELPER=${HELPER:-$REPO_ROOT/tests/helper/rt-helper}
if [ ! -x "$HELPER" ] || { [ -f "$HELPER_SRC" ] && [ "$HELPER_SRC" -nt "$HELPER" ]; }; then
	need_pkg gcc gcc
	need_pkg /usr/lib/x86_64-linux-gnu/libc.a libc6-dev
	echo "# building $HELPER" >&2
	gcc -static -O2 -Wall -Wextra -Werror -o "$HELPER" "$HELPER_SRC" || die "cannot build the helper"
fi
export HELPER

TMPBASE=$(mktemp -d "${TMPDIR:-/tmp}/rt-itest.XXXXXX") || die "mktemp failed"
chmod 755 "$TMPBASE"
RUNNER_PID=$$
export RUNNER_PID

CUR_JOB=""
CUR_T=""

runner_cleanup_test() { # after each test, in the runner: returns leak report
	local leaks="" left d
	[ -n "${T:-}" ] || return 0
	lib_cleanup_containers
	lib_kill_tracked_pids
	left=$(cg_children)
	if [ -n "$left" ]; then
		leaks+="leaked cgroups: $(echo $left | sed "s#/sys/fs/cgroup/##g"); "
		while IFS= read -r d; do
			[ -n "$d" ] && lib_remove_cgroup "$d"
		done <<<"$left"
	fi
	left=$(mounts_under "$T")
	if [ -n "$left" ]; then
		leaks+="leaked mounts: $(echo $left); "
		lib_umount_under "$T"
	fi
	left=$(stray_procs)
	if [ -n "$left" ]; then
		leaks+="leaked processes: $(echo $left | head -c 200); "
		for d in $(awk '{print $1}' <<<"$left"); do
			_owned_pid "$d" && kill -KILL "$d" 2>/dev/null
		done
	fi
	lib_remove_test_users
	if [ -f "$T/.users" ]; then
		while read -r d; do
			[ -n "$d" ] && getent passwd "$d" >/dev/null && leaks+="user $d left: cannot remove it; "
		done <"$T/.users"
	fi
	LEAKS=${leaks%; }
}

final_cleanup() {
	if [ -n "$CUR_JOB" ]; then
		kill -TERM -- "-$CUR_JOB" 2>/dev/null
		sleep 0.5
		kill -KILL -- "-$CUR_JOB" 2>/dev/null
		wait "$CUR_JOB" 2>/dev/null
		CUR_JOB=""
	fi
	[ -n "$CUR_T" ] && runner_cleanup_test
	CUR_T=""
	lib_umount_under "$TMPBASE"
	cg_teardown
	if [ -z "$(mounts_under "$TMPBASE")" ]; then
		if [ "$KEEP" -eq 1 ] && [ -n "$(ls -A "$TMPBASE/kept" 2>/dev/null)" ]; then
			find "$TMPBASE" -mindepth 1 -maxdepth 1 ! -name kept -exec rm -rf {} +
			echo "# kept failed tests' dirs in $TMPBASE/kept" >&2
		else
			rm -rf "$TMPBASE"
		fi
	else
		echo "# warning: mounts left under $TMPBASE" >&2
	fi
}

on_exit() {
	local rc=$?
	trap - EXIT INT TERM
	final_cleanup
	exit "$rc"
}
trap on_exit EXIT
trap 'echo "# interrupted" >&2; exit 130' INT TERM

cg_setup "rt-test-$$" || die "cannot set up the runner's cgroups"

BASE_BUNDLE=$TMPBASE/base
"$REPO_ROOT/contrib/make-bundle" --rt "$RT" --helper "$HELPER" "$BASE_BUNDLE" >/dev/null ||
	die "make-bundle failed"
# Normalize the runtime's default spec for tests: no terminal, a long
# sleeper as the default process. Everything else stays the runtime's own.
jq '.process.terminal = false | .process.args = ["/rt-helper", "sleep", "600"]' \
	"$BASE_BUNDLE/config.json" >"$BASE_BUNDLE/config.json.tmp" &&
	mv "$BASE_BUNDLE/config.json.tmp" "$BASE_BUNDLE/config.json" || die "cannot edit the base config"
export BASE_BUNDLE

echo "# runtime: $RT ($RT_FLAVOR): $("$RT" --version 2>/dev/null | head -n1)"

# ---------------------------------------------------------------------------
# Running.

PASSED=0
FAILED=0
SKIPPED=0
RAN=0

print_log() { # print_log FILE [LINES]
	[ -s "$1" ] || return 0
	if [ -n "${2:-}" ]; then tail -n "$2" "$1"; else cat "$1"; fi | sed 's/^/#   /'
}

run_one() { # run_one INDEX FILE FUNC TAGS
	local idx=$1 file=$2 fn=$3 tags=$4 rc reason result
	if [[ " $tags " == *" rt_only "* ]] && is_runc; then
		echo "ok - $fn # SKIP rt_only (RT is runc)"
		SKIPPED=$((SKIPPED + 1))
		return 0
	fi
	T=$TMPBASE/$(printf '%03d' "$idx")-$fn
	ROOT=$T/root
	BUNDLE=$T/bundle
	TEST_NAME=$fn
	export T ROOT BUNDLE TEST_NAME
	mkdir -p "$ROOT"
	cp -a "$BASE_BUNDLE" "$BUNDLE"
	CUR_T=$T
	local start=$SECONDS limit=$TIMEOUT
	[[ " $tags " == *" slow "* ]] && limit=$((TIMEOUT * 4))
	timeout -k 5 "$limit" bash -c '
		. "$ITEST_DIR/lib.sh"
		. "$1"
		lib_run_test "$2"' run-test "$file" "$fn" </dev/null >"$T/log" 2>&1 &
	CUR_JOB=$!
	wait "$CUR_JOB"
	rc=$?
	CUR_JOB=""
	LEAKS=""
	runner_cleanup_test
	CUR_T=""

	reason=""
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		reason="timed out after ${limit}s"
	elif [ -s "$T/.reason" ]; then
		reason=$(head -n1 "$T/.reason")
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		reason="exit status $rc: $(grep -v '^  ' "$T/log" | tail -n1)"
	fi
	if [ -n "$LEAKS" ]; then
		reason=${reason:+$reason; }$LEAKS
	fi
	if [ -n "$reason" ]; then
		echo "not ok - $fn: $reason"
		FAILED=$((FAILED + 1))
		result=fail
		if [ "$VERBOSE" -eq 1 ]; then print_log "$T/log"; else print_log "$T/log" 15; fi
	elif [ "$rc" -eq 77 ]; then
		echo "ok - $fn # SKIP $(head -n1 "$T/.skip" 2>/dev/null)"
		SKIPPED=$((SKIPPED + 1))
		result=skip
	else
		echo "ok - $fn"
		PASSED=$((PASSED + 1))
		result=pass
		[ "$VERBOSE" -eq 1 ] && print_log "$T/log"
	fi
	[ "$VERBOSE" -eq 1 ] && echo "#   ($((SECONDS - start))s)"
	lib_umount_under "$T"
	if [ "$result" = fail ] && [ "$KEEP" -eq 1 ]; then
		mkdir -p "$TMPBASE/kept"
		rm -rf "$BUNDLE/rootfs"
		mv "$T" "$TMPBASE/kept/"
	else
		rm -rf "$T"
	fi
	[ "$result" != fail ]
}

for ((i = 0; i < ${#TEST_FUNCS[@]}; i++)); do
	selected "${TEST_FUNCS[$i]}" "${TEST_FILES[$i]}" || continue
	RAN=$((RAN + 1))
	if [ "$MAX_TIME" -gt 0 ] && [ "$SECONDS" -ge "$MAX_TIME" ]; then
		echo "not ok - ${TEST_FUNCS[$i]}: not run: the run's time budget of ${MAX_TIME}s is spent"
		FAILED=$((FAILED + 1))
		continue
	fi
	if ! run_one "$((i + 1))" "${TEST_FILES[$i]}" "${TEST_FUNCS[$i]}" "${TEST_TAGLIST[$i]}"; then
		[ "$STOP" -eq 1 ] && { echo "# stopping at the first failure"; break; }
	fi
done

[ "$RAN" -eq 0 ] && echo "# no test matched: ${PATTERNS[*]}"
summary="$PASSED passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && summary+=", $SKIPPED skipped"
# Clean up before the summary so that it stays the last line.
trap - EXIT INT TERM
final_cleanup
echo "$summary"
[ "$FAILED" -eq 0 ] && [ "$RAN" -gt 0 ]
