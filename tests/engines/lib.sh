# shellcheck shell=bash
# lib.sh: shared code of the engine suites (podman.sh, containerd.sh, docker.sh).
#
# A suite drives the runtime in $RT through a real container engine, as a user
# would. It sources this file, calls eng_init NAME, runs its checks with
# `check "name" FUNCTION [ARGS...]`, and ends with eng_finish, which tears
# everything down, checks that the host is as it was, prints the closing line
# `N passed, N failed` and exits non-zero if a check failed.
#
# What eng_init sets up for the suite:
#   W         the suite's temp dir (everything the engine writes goes there)
#   LOG       $W/log: every command run by `run`, with its output
#   CG_NAME   rt-eng-PID: the cgroup this suite moved itself into, in every
#             hierarchy (engines get absolute cgroup parents below /$CG_NAME)
#   RT        the runtime, an absolute path (ENG_TRACE=1: $W/bin/rt-trace, a
#             wrapper that logs every call, its exit status and what the
#             runtime wrote to its --log file, into $W/rt-trace.log)
#   RT_REAL   the runtime itself
#
# Environment: RT (runtime path or command name; default the repo's ./rt),
# ENG_TRACE=1, ENG_KEEP=1 (keep $W), ENG_VERBOSE=1 (print each check's log),
# ENG_CMD_TIMEOUT (seconds, default 60: the limit of one engine command),
# TMPDIR.

set -u -o pipefail

ENG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$ENG_DIR/../.." && pwd)
ENG_CMD_TIMEOUT=${ENG_CMD_TIMEOUT:-60}

PASSED=0
FAILED=0
SKIPPED=0
NCHECK=0
REASON=""
W=""
LOG=/dev/null
ENG_FINISHED=0

say() { printf '%s\n' "$*"; }
note() { printf '# %s\n' "$*"; }
logf() { [ -n "$W" ] && printf '%s\n' "$*" >>"$LOG"; }
die() {
	printf '%s: %s\n' "${ENG_NAME:-engines}" "$*" >&2
	exit 2
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# ---------------------------------------------------------------------------
# Packages.

APT_UPDATED=0
# need_pkg COMMAND-OR-PATH DEBIAN-PACKAGE...: install the packages if missing.
need_pkg() {
	local what=$1
	shift
	if [[ $what == /* ]]; then [ -e "$what" ] && return 0; else command -v "$what" >/dev/null 2>&1 && return 0; fi
	command -v apt-get >/dev/null 2>&1 || die "$what missing: install the Debian package(s) $*"
	note "installing $*"
	local policy_made=0 rc
	# The postinst scripts of docker.io/containerd start system services
	# through invoke-rc.d: forbid that while installing.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_made=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	timeout 900 apt-get install -y -q --no-install-recommends "$@" >>"${W:-/tmp}/apt.log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$APT_UPDATED" -eq 0 ]; then
		APT_UPDATED=1
		timeout 600 apt-get update -q >>"${W:-/tmp}/apt.log" 2>&1
		timeout 900 apt-get install -y -q --no-install-recommends "$@" >>"${W:-/tmp}/apt.log" 2>&1
		rc=$?
	fi
	[ "$policy_made" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
	[ "$rc" -eq 0 ] || die "cannot install $* (see ${W:-/tmp}/apt.log)"
}

# ---------------------------------------------------------------------------
# Checks and counters.

# fail MESSAGE: record why the current check failed; returns 1, so a check
# function can say `cond || fail "why" || return`.
fail() {
	[ -z "$REASON" ] && REASON=$*
	logf "FAIL: $*"
	return 1
}

# check NAME FUNCTION [ARGS...]: run one check and count it. With
# ENG_CHECKS=REGEX only the checks whose name matches run (setup checks,
# see setup_check, always do); ENG_REPEAT=N runs each of them N times (to
# catch a flaky one).
check() {
	local i
	if [ -n "${ENG_CHECKS:-}" ] && [ "${ENG_SETUP_CHECK:-0}" != 1 ] && ! [[ $1 =~ $ENG_CHECKS ]]; then
		return 0
	fi
	for ((i = 0; i < ${ENG_REPEAT:-1}; i++)); do
		_check "$@"
	done
}
# setup_check NAME FUNCTION [ARGS...]: a check later ones depend on.
setup_check() {
	ENG_SETUP_CHECK=1 _check "$@"
}
_check() {
	local name=$1 t0 rc dt
	shift
	NCHECK=$((NCHECK + 1))
	REASON=""
	logf ""
	logf "### $NCHECK $name"
	local logmark tracemark=0
	logmark=$(wc -l <"$LOG")
	[ -f "$W/rt-trace.log" ] && tracemark=$(wc -l <"$W/rt-trace.log")
	t0=$(now)
	DEFERRED=()
	"$@"
	rc=$?
	dt=$(elapsed "$t0")
	run_deferred
	if [ "$rc" -eq 0 ]; then
		PASSED=$((PASSED + 1))
		say "ok $NCHECK - $name (${dt}s)"
		[ "${ENG_VERBOSE:-0}" = 1 ] && tail -n +"$((logmark + 1))" "$LOG" | sed 's/^/#   /'
	else
		FAILED=$((FAILED + 1))
		[ -n "$REASON" ] || REASON="exit status $rc"
		say "not ok $NCHECK - $name (${dt}s): $REASON"
		if [ "${ENG_VERBOSE:-0}" = 1 ]; then
			tail -n +"$((logmark + 1))" "$LOG" | sed 's/^/#   /'
		else
			tail -n +"$((logmark + 1))" "$LOG" | grep -v '^FAIL: ' | tail -n 25 | sed 's/^/#   /'
		fi
		if [ -f "$W/rt-trace.log" ]; then
			# runtime calls of this check that failed or logged an error
			tail -n +"$((tracemark + 1))" "$W/rt-trace.log" | awk '
				/^[0-9]/ { cmd = $0; shown = 0; if ($2 != "rc=0:") { print; shown = 1 }; next }
				/"level":"(error|fatal)"|level=error|error/ { if (!shown) print cmd; shown = 1; print }' |
				tail -n 20 | sed 's/^/#   rt| /'
		fi
	fi
	return 0
}

# defer CMD...: run CMD (with a time limit, output to the log) when the
# current check ends, passed or failed: removes what the check made.
DEFERRED=()
defer() {
	local a cmd=""
	for a in "$@"; do cmd+="$(printf '%q' "$a") "; done
	DEFERRED+=("$cmd")
}
run_deferred() {
	local i
	for ((i = ${#DEFERRED[@]} - 1; i >= 0; i--)); do
		logf "\$ (after check) ${DEFERRED[$i]}"
		eval "timeout -k 5 $ENG_CMD_TIMEOUT ${DEFERRED[$i]}" </dev/null >>"$LOG" 2>&1
	done
	DEFERRED=()
}

# skip_check NAME REASON
skip_check() {
	NCHECK=$((NCHECK + 1))
	SKIPPED=$((SKIPPED + 1))
	say "ok $NCHECK - $1 # SKIP $2"
}

# run [-t SECONDS] [-i FILE] CMD...: run a command with a time limit, never
# failing; sets RC, OUT (stdout) and ERR (stderr). Stdio goes through files,
# so a daemonized child that keeps them open cannot block us. -i feeds FILE
# on stdin (default /dev/null).
run() {
	local secs=$ENG_CMD_TIMEOUT in=/dev/null
	while [ $# -gt 0 ]; do
		case $1 in
		-t) secs=$2; shift 2 ;;
		-i) in=$2; shift 2 ;;
		*) break ;;
		esac
	done
	logf "\$ $*"
	local t0
	t0=$(now)
	timeout -k 5 "$secs" "$@" <"$in" >"$W/.out" 2>"$W/.err"
	RC=$?
	RUN_TIME=$(elapsed "$t0")
	OUT=$(cat "$W/.out")
	ERR=$(cat "$W/.err")
	[ -n "$OUT" ] && printf '%s\n' "$OUT" | head -n 40 | sed 's/^/  out| /' >>"$LOG"
	[ -n "$ERR" ] && printf '%s\n' "$ERR" | head -n 40 | sed 's/^/  err| /' >>"$LOG"
	logf "  rc=$RC (${RUN_TIME}s)"
	[ "$RC" -eq 124 ] && logf "  (timed out after ${secs}s)"
	return 0
}

# run_tty [-t SECONDS] [-s SECONDS] CMD...: run CMD with a terminal as its
# stdin/stdout (util-linux script(1)); OUT has the terminal's output with \r
# removed. -s keeps script's stdin open that long before the EOF (an EOF
# that reaches the terminal before the engine has put it in raw mode is an
# EOF on the engine's stdin: `podman run -it` then sometimes loses the
# container's output, with runc as with rt).
# script's own stdin is /dev/null: it then writes an EOF to the pty, which
# the pty echoes as "^@" (or "^D") before or after the output: those are
# removed too.
run_tty() {
	local secs=$ENG_CMD_TIMEOUT hold=0 cmd a
	while [ $# -gt 0 ]; do
		case $1 in
		-t) secs=$2; shift 2 ;;
		-s) hold=$2; shift 2 ;;
		*) break ;;
		esac
	done
	cmd=""
	for a in "$@"; do cmd+="$(printf '%q' "$a") "; done
	logf "\$ script -qec '$cmd' /dev/null"
	local t0
	t0=$(now)
	if [ "$hold" = 0 ]; then
		timeout -k 5 "$secs" script -qec "$cmd" /dev/null </dev/null >"$W/.out" 2>"$W/.err"
		RC=$?
	else
		sleep "$hold" | timeout -k 5 "$secs" script -qec "$cmd" /dev/null >"$W/.out" 2>"$W/.err"
		RC=${PIPESTATUS[1]}
	fi
	RUN_TIME=$(elapsed "$t0")
	OUT=$(tr -d '\r\000\004' <"$W/.out" | sed 's/\^[@D]//g')
	ERR=$(cat "$W/.err")
	[ -n "$OUT" ] && printf '%s\n' "$OUT" | head -n 40 | cat -v | sed 's/^/  tty| /' >>"$LOG"
	[ -n "$ERR" ] && printf '%s\n' "$ERR" | head -n 40 | sed 's/^/  err| /' >>"$LOG"
	logf "  rc=$RC (${RUN_TIME}s)"
	return 0
}

first_line() { printf '%s\n' "$1" | grep -m1 . | head -c 400; }
# what_failed: the first line of stderr, else stdout, of the last `run`.
what_failed() {
	if [ -n "$ERR" ]; then first_line "$ERR"; else first_line "$OUT"; fi
}

# want_rc N [WHAT]: the last `run` exited N.
want_rc() {
	[ "$RC" -eq "$1" ] && return 0
	fail "${2:-exit status}: got $RC, expected $1: $(what_failed)"
}
want_ok() { want_rc 0 "${1:-command failed}"; }
# want_eq GOT WANT WHAT
want_eq() {
	[ "$1" = "$2" ] && return 0
	fail "${3:-value}: got '$(printf '%s' "$1" | head -c 300)', expected '$2'"
}
# want_match TEXT REGEX WHAT
want_match() {
	[[ $1 =~ $2 ]] && return 0
	fail "${3:-output}: '$(printf '%s' "$1" | head -c 300 | tr '\n' '|')' does not match /$2/"
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------
# Cleanup actions (run in reverse order by eng_teardown) and paths created
# outside $W by the engines.

CLEANUPS=()
on_cleanup() { CLEANUPS+=("$*"); }

# Paths outside $W that an engine may create: remember the ones that do not
# exist yet; eng_teardown removes them (never a socket that is still bound).
TRACKED=()
track_path() {
	local p
	for p in "$@"; do
		[ -e "$p" ] || [ -L "$p" ] || TRACKED+=("$p")
	done
}

_live_sockets() { awk 'NR > 1 && $8 != "" { print $8 }' /proc/net/unix 2>/dev/null | sort -u; }

# remove_created PATH: remove a path an engine created, except live sockets.
remove_created() {
	local p=$1 live f
	[ -e "$p" ] || [ -L "$p" ] || return 0
	case $p in
	/sys/fs/cgroup/*) remove_cgroup "$p"; return ;;
	/ | /run | /var | /var/lib | /etc | /tmp | /var/tmp | /opt | /dev/shm) return 1 ;;
	esac
	live=$(_live_sockets)
	if [ -d "$p" ] && [ ! -L "$p" ]; then
		while IFS= read -r f; do
			[ -n "$f" ] || continue
			if [ -S "$f" ] && grep -qxF -- "$f" <<<"$live"; then
				note "warning: $f is a live socket, left in place"
				continue
			fi
			rm -f -- "$f"
		done < <(find "$p" ! -type d 2>/dev/null)
		find "$p" -depth -type d -empty -delete 2>/dev/null
	else
		if [ -S "$p" ] && grep -qxF -- "$p" <<<"$live"; then
			note "warning: $p is a live socket, left in place"
			return 0
		fi
		rm -f -- "$p"
	fi
}

# ---------------------------------------------------------------------------
# Daemons: started in their own session, stopped by pid.

declare -A DAEMON_PID=()
# start_daemon NAME CMD...: start CMD in the background; log in $W/NAME.log.
start_daemon() {
	local name=$1
	shift
	logf "\$ (daemon $name) $*"
	setsid "$@" </dev/null >>"$W/$name.log" 2>&1 &
	DAEMON_PID[$name]=$!
	echo "${DAEMON_PID[$name]}" >"$W/$name.pid"
}

# stop_daemon NAME [SECONDS]: SIGTERM, then SIGKILL after SECONDS (10).
stop_daemon() {
	local name=$1 secs=${2:-10} pid i
	pid=${DAEMON_PID[$name]:-}
	[ -n "$pid" ] || return 0
	unset "DAEMON_PID[$name]"
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		note "warning: $name (pid $pid) ignored SIGTERM for ${secs}s, killing it"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

daemon_alive() { [ -n "${DAEMON_PID[$1]:-}" ] && kill -0 "${DAEMON_PID[$1]}" 2>/dev/null; }

# ---------------------------------------------------------------------------
# cgroups. The suite moves itself into rt-eng-PID (at the root of every
# hierarchy, v1 and the unified one), so the engines, their shims and their
# containers live below it, and moves back at the end. It never writes into
# the cgroup it came from except to move itself back.

CG_NAME=""
# shellcheck source=../cgroups.sh
. "$ENG_DIR/../cgroups.sh"

cg_setup() {
	cg_discover "$1" && cg_enter --exclusive && CG_NAME=$1
}

# cg_dir CONTROLLER: our cgroup dir in that v1 hierarchy ("unified" for v2).
cg_dir() {
	local i
	for ((i = 0; i < ${#CG_MINE[@]}; i++)); do
		[ "${CG_MINE[$i]}" = "/sys/fs/cgroup/$1/$CG_NAME" ] && { echo "${CG_MINE[$i]}"; return 0; }
	done
	return 1
}

# remove_cgroup DIR: thaw, kill what is left inside (by pid: all of it was
# started by this suite), rmdir depth-first.
_not_this_shell() { [ "$1" != "$$" ] && [ "$1" != "$BASHPID" ]; }
remove_cgroup() { cg_remove "$1" _not_this_shell; }

cg_procs_left() { # processes anywhere in our cgroups (in the memory hierarchy)
	local d
	d=$(cg_dir memory) || d=${CG_MINE[0]:-}
	[ -n "$d" ] && [ -d "$d" ] && find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -un
}

_ppid() { awk '{ sub(/^.*\) /, ""); print $2 }' "/proc/$1/stat" 2>/dev/null; }

# foreign_procs: "PID:cmdline" of the processes in our cgroups that are not
# this shell's descendants (our daemons are, a shim or conmon is not).
foreign_procs() {
	local p q out=""
	for p in $(cg_procs_left); do
		q=$p
		while [ -n "$q" ] && [ "$q" -gt 1 ]; do
			[ "$q" = "$$" ] && break
			q=$(_ppid "$q")
		done
		[ "$q" = "$$" ] && continue
		[ -d "/proc/$p" ] || continue
		out+="$p:$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | head -c 60) "
	done
	printf '%s' "${out% }"
}


cg_teardown() {
	local i
	cg_move_back
	for ((i = 0; i < ${#CG_MNT[@]}; i++)); do
		remove_cgroup "${CG_MINE[$i]}" || note "warning: cannot remove ${CG_MINE[$i]}"
	done
}

# host_cgroup PID CONTROLLER: the host path of PID's cgroup in a v1
# hierarchy (e.g. /sys/fs/cgroup/memory/rt-eng-1/podman/libpod-ID).
host_cgroup() {
	local path
	path=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
		"/proc/$1/cgroup" 2>/dev/null | head -n1)
	[ -n "$path" ] || return 1
	echo "/sys/fs/cgroup/$2${path%/}"
}

# ---------------------------------------------------------------------------
# Mounts.

mounts_under() {
	awk -v d="$1" '{ mp = $5; gsub(/\\040/, " ", mp);
	  if (mp == d || index(mp, d "/") == 1) print mp }' /proc/self/mountinfo
}
umount_under() {
	local mp i
	for ((i = 0; i < 5; i++)); do
		[ -n "$(mounts_under "$1")" ] || return 0
		mounts_under "$1" | sort -r | while IFS= read -r mp; do
			umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null
		done
	done
}

# ---------------------------------------------------------------------------
# Images, built locally from Debian's static busybox.

# make_rootfs DIR: a busybox rootfs (every applet a symlink to /bin/busybox).
make_rootfs() {
	local d=$1 a
	mkdir -p "$d"/{bin,etc,tmp,proc,sys,dev,root,var/tmp}
	cp /bin/busybox "$d/bin/busybox"
	# One symlink per applet; perl (Essential in Debian) makes them all in
	# one process rather than 400 forks of ln.
	/bin/busybox --list | perl -e 'my $d = shift; while (<STDIN>) { chomp;
		next if $_ eq "busybox" or $_ eq "";
		symlink("busybox", "$d/bin/$_") or die "symlink $_: $!\n" }' "$d" ||
		return 1
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$d/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$d/etc/group"
	chmod 1777 "$d/tmp" "$d/var/tmp"
}

_tar_dir() { # _tar_dir DIR OUT: a reproducible tar of DIR's contents
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$1" -cf "$2" .
}

# make_rootfs_tar OUT: the busybox rootfs as a plain tarball (docker/podman import).
make_rootfs_tar() {
	local tmp=$W/.rootfs
	if [ ! -s "$W/.rootfs.tar" ]; then
		rm -rf "$tmp"
		make_rootfs "$tmp" || return 1
		_tar_dir "$tmp" "$W/.rootfs.tar" || return 1
		rm -rf "$tmp"
	fi
	cp "$W/.rootfs.tar" "$1"
}

# make_oci_archive OUT NAME: an OCI image layout tarball with one
# uncompressed layer (the busybox rootfs), the image named NAME through the
# io.containerd.image.name annotation (ctr import, podman load).
make_oci_archive() {
	local out=$1 name=$2 d=$W/.oci cfg man ldig lsz cdig csz mdig msz
	rm -rf "$d"
	mkdir -p "$d/blobs/sha256"
	make_rootfs_tar "$d/layer.tar"
	ldig=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
	lsz=$(stat -c %s "$d/layer.tar")
	mv "$d/layer.tar" "$d/blobs/sha256/$ldig"
	cfg=$(jq -cn --arg l "sha256:$ldig" '{
		architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
		config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
		          Cmd: ["sh"], WorkingDir: "/" },
		rootfs: { type: "layers", diff_ids: [$l] },
		history: [{ created: "1970-01-01T00:00:00Z", created_by: "busybox-static rootfs (rt engine tests)" }] }')
	printf '%s' "$cfg" >"$d/cfg"
	cdig=$(sha256sum "$d/cfg" | cut -d' ' -f1)
	csz=$(stat -c %s "$d/cfg")
	mv "$d/cfg" "$d/blobs/sha256/$cdig"
	man=$(jq -cn --arg c "sha256:$cdig" --argjson cs "$csz" --arg l "sha256:$ldig" --argjson ls "$lsz" '{
		schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs },
		layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls }] }')
	printf '%s' "$man" >"$d/man"
	mdig=$(sha256sum "$d/man" | cut -d' ' -f1)
	msz=$(stat -c %s "$d/man")
	mv "$d/man" "$d/blobs/sha256/$mdig"
	jq -cn --arg m "sha256:$mdig" --argjson ms "$msz" --arg n "$name" '{
		schemaVersion: 2,
		manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
		  platform: { architecture: "amd64", os: "linux" },
		  annotations: { "io.containerd.image.name": $n,
		                 "org.opencontainers.image.ref.name": ($n | sub("^.*:"; "")) } }] }' >"$d/index.json"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
	_tar_dir "$d" "$out"
	rm -rf "$d"
	# shellcheck disable=SC2034 # used by the suites
	OCI_CONFIG_DIGEST=$cdig
}

# ---------------------------------------------------------------------------
# The runtime, and the optional tracing wrapper.

resolve_rt() {
	RT=${RT:-$REPO_ROOT/rt}
	if [[ $RT != */* ]]; then
		RT=$(command -v "$RT") || die "runtime not found in PATH: $RT"
	fi
	[ -x "$RT" ] && [ -f "$RT" ] || die "runtime not executable: $RT (build it with make, or set RT)"
	RT=$(cd "$(dirname "$RT")" && pwd -P)/$(basename "$RT")
	RT_REAL=$RT
	RT_VERSION=$("$RT" --version 2>/dev/null | head -n1)
	# RT_FLAVOR (rt, runc, crun) is for the suites.
	# shellcheck disable=SC2034
	case $RT_VERSION in
	"runc version"*) RT_FLAVOR=runc ;;
	"crun version"*) RT_FLAVOR=crun ;;
	*) RT_FLAVOR=rt ;;
	esac
}

# With ENG_TRACE=1 the engines get a wrapper that runs the runtime and logs
# each call (argv, exit status, and what the runtime appended to its --log
# file during the call) to $W/rt-trace.log, and keeps a copy of every
# config.json given to create/run in $W/configs. Failed checks show the
# failing calls.
# The wrapper does not exec: the runtime's stdio (which a created container
# inherits) is passed through untouched.
make_trace_wrapper() {
	mkdir -p "$W/bin"
	cat >"$W/bin/rt-trace" <<EOF
#!/bin/bash
rt_real='$RT_REAL'
trace='$W/rt-trace.log'
EOF
	cat >>"$W/bin/rt-trace" <<'EOF'
log="" prev="" bundle="" sub=""
for a in "$@"; do
	case $prev in --log) log=$a ;; --bundle | -b) bundle=$a ;; esac
	case $a in
	--log=*) log=${a#--log=} ;;
	--bundle=*) bundle=${a#--bundle=} ;;
	create | run) [ -z "$sub" ] && sub=$a ;;
	esac
	prev=$a
done
# Keep a copy of every config.json the engine hands over.
if [ -n "$sub" ] && [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
	mkdir -p "${trace%/*}/configs"
	cp "$bundle/config.json" "${trace%/*}/configs/${!#}.json" 2>/dev/null
fi
size=0
[ -n "$log" ] && [ -f "$log" ] && size=$(stat -c %s "$log")
"$rt_real" "$@"
rc=$?
{
	printf '%s rc=%s:' "$(date +%T.%N | cut -c1-12)" "$rc"
	printf ' %q' "$@"
	printf '\n'
	if [ -n "$log" ] && [ -f "$log" ]; then
		tail -c +"$((size + 1))" "$log" | sed 's/^/    log| /'
	fi
} >>"$trace"
exit "$rc"
EOF
	chmod 755 "$W/bin/rt-trace"
	# Engines derive the runtime's name from the file name (podman's
	# runtime_supports_json): keep the runtime's own name.
	mkdir -p "$W/trace"
	ln -s ../bin/rt-trace "$W/trace/${RT_REAL##*/}"
	RT=$W/trace/${RT_REAL##*/}
}

# ---------------------------------------------------------------------------
# Start and end of a suite.

ENG_T0=""
eng_init() {
	ENG_NAME=$1
	[ "$(id -u)" -eq 0 ] || die "must run as root"
	ENG_T0=$(now)
	resolve_rt
	need_pkg timeout coreutils
	need_pkg jq jq
	need_pkg /bin/busybox busybox-static
	need_pkg script util-linux
	need_pkg setsid util-linux
	W=$(mktemp -d "${TMPDIR:-/tmp}/rt-eng-$ENG_NAME.XXXXXX") || die "mktemp failed"
	chmod 755 "$W"
	LOG=$W/log
	: >"$LOG"
	trap eng_on_exit EXIT
	trap 'note "interrupted"; exit 130' INT TERM HUP
	cg_setup "rt-eng-$$" || die "cannot set up the suite's cgroups"
	if [ "${ENG_TRACE:-0}" = 1 ]; then
		make_trace_wrapper
	fi
	note "$ENG_NAME suite: runtime $RT_REAL ($RT_VERSION)${ENG_TRACE:+, traced}; work dir $W"
}

ENG_TORN_DOWN=0
eng_teardown() {
	[ "$ENG_TORN_DOWN" -eq 1 ] && return 0
	ENG_TORN_DOWN=1
	local i p
	for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
		logf "\$ (cleanup) ${CLEANUPS[$i]}"
		eval "${CLEANUPS[$i]}" >>"$LOG" 2>&1
	done
	for p in "${!DAEMON_PID[@]}"; do stop_daemon "$p"; done
	# Anything still in our cgroups was started by this suite: moving back
	# first, then remove_cgroup kills what is left by pid.
	cg_move_back
	LEFT_PROCS=""
	for p in $(cg_procs_left); do
		[ -d "/proc/$p" ] || continue
		LEFT_PROCS+="$p:$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | head -c 60) "
	done
	LEFT_PROCS=${LEFT_PROCS% }
	cg_teardown
	umount_under "$W"
	for ((i = ${#TRACKED[@]} - 1; i >= 0; i--)); do
		remove_created "${TRACKED[$i]}"
	done
}

# eng_finish: tear down, check the host, print the summary, exit.
eng_finish() {
	local left="" i p
	eng_teardown
	# What teardown had to clean up by force, and what is still there, is a
	# failure of the suite's last check.
	NCHECK=$((NCHECK + 1))
	[ -n "$LEFT_PROCS" ] && left+="processes left in the suite's cgroups: $LEFT_PROCS; "
	for ((i = 0; i < ${#CG_MINE[@]}; i++)); do
		[ -d "${CG_MINE[$i]}" ] && left+="cgroup ${CG_MINE[$i]} not removed; "
	done
	p=$(mounts_under "$W")
	[ -n "$p" ] && left+="mounts under $W: $(echo $p); "
	for ((i = 0; i < ${#TRACKED[@]}; i++)); do
		[ -e "${TRACKED[$i]}" ] && left+="${TRACKED[$i]} still exists; "
	done
	if [ -z "$left" ]; then
		PASSED=$((PASSED + 1))
		say "ok $NCHECK - host clean after teardown (no processes, cgroups, mounts or files left)"
	else
		FAILED=$((FAILED + 1))
		say "not ok $NCHECK - host clean after teardown: ${left%; }"
	fi
	if [ "${ENG_KEEP:-0}" = 1 ] || { [ "$FAILED" -gt 0 ] && [ "${ENG_KEEP_FAILED:-0}" = 1 ]; }; then
		note "kept $W"
	else
		[ -z "$(mounts_under "$W")" ] && rm -rf "$W"
	fi
	ENG_FINISHED=1
	note "$ENG_NAME: $(elapsed "$ENG_T0")s"
	local summary="$PASSED passed, $FAILED failed"
	[ "$SKIPPED" -gt 0 ] && summary+=", $SKIPPED skipped"
	say "$summary"
	trap - EXIT
	[ "$FAILED" -eq 0 ]
	exit
}

eng_on_exit() {
	local rc=$?
	trap - EXIT
	[ "$ENG_FINISHED" -eq 1 ] && exit "$rc"
	# An abnormal end (die, signal): clean up and count a failure.
	eng_teardown >/dev/null 2>&1
	if [ -n "$W" ] && [ -d "$W" ] && [ "${ENG_KEEP:-0}" != 1 ] && [ -z "$(mounts_under "$W")" ]; then
		rm -rf "$W"
	fi
	say "$PASSED passed, $((FAILED + 1)) failed"
	exit "$((rc == 0 ? 1 : rc))"
}
