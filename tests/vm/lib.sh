# shellcheck shell=bash
# lib.sh: what the guest suites (guest.sh, systemd.sh) share: assertions,
# waiting, config edits, and the runner of one test.
#
# A test is a function run in a subshell, in its own directory $T with a
# fresh copy of the suite's bundle at $BUNDLE; it fails with `fail`, which
# records the first reason. The suite defines cleanup_test, which deletes
# what a test left and writes what it found to $T/.leak (a failure too).

fail() {
	[ -s "$T/.reason" ] || printf '%s\n' "$*" >"$T/.reason"
	echo "FAIL: $*"
	exit 1
}
skip() {
	printf '%s\n' "$*" >"$T/.skip"
	exit 77
}
assert_eq() { [ "$1" = "$2" ] || fail "${3:-values differ}: got '$1', expected '$2'"; }
assert_match() { [[ $1 =~ $2 ]] || fail "${3:-no match}: '$1' !~ /$2/"; }
assert_contains() { [[ $1 == *"$2"* ]] || fail "${3:-missing}: '$2' not in '$(head -c 300 <<<"$1")'"; }
assert_json() { jq -e "$2" <<<"$1" >/dev/null 2>&1 || fail "${3:-json check}: $2 on $(head -c 400 <<<"$1")"; }

# wait_until SECONDS CMD...: poll every 0.2 s.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}
has_text() { grep -qF -- "$2" "$1" 2>/dev/null; }
wait_text() { wait_until "${3:-20}" has_text "$1" "$2" || fail "no '$2' in ${1##*/}: $(tail -c 300 "$1" 2>/dev/null | tr '\n' '|')"; }
pid_gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# cfg FILTER [JQ-ARGS...]: edit the bundle's config.json.
cfg() {
	local f=$1
	shift
	if ! jq "$f" "$@" "$BUNDLE/config.json" >"$BUNDLE/config.json.tmp"; then
		fail "jq edit failed: $f"
	fi
	mv "$BUNDLE/config.json.tmp" "$BUNDLE/config.json"
}

# selected NAME [PATTERN...]: no pattern, or one that NAME contains.
selected() {
	local p
	[ ${#@} -gt 1 ] || return 0
	for p in "${@:2}"; do
		[[ $1 == *$p* ]] && return 0
	done
	return 1
}

PASSED=0 FAILED=0 SKIPPED=0

# run_test DIR LABEL FUNCTION: the test in DIR (its $T), with a copy of
# $WORK/base as its bundle; prints "ok - LABEL" or "not ok - LABEL: WHY".
run_test() {
	local label=$2 fn=$3 rc reason start_s=$SECONDS
	T=$1
	BUNDLE=$T/bundle
	mkdir -p "$T" && cp -a "$WORK/base" "$BUNDLE"
	(cd "$T" && "$fn") >"$T/log" 2>&1
	rc=$?
	cleanup_test
	reason=$(cat "$T/.reason" 2>/dev/null)
	[ -s "$T/.leak" ] && reason="${reason:+$reason; }left behind: $(tr '\n' ' ' <"$T/.leak")"
	if [ "$rc" -eq 77 ] && [ -z "$reason" ]; then
		echo "ok - $label # SKIP $(cat "$T/.skip" 2>/dev/null)"
		SKIPPED=$((SKIPPED + 1))
	elif [ "$rc" -eq 0 ] && [ -z "$reason" ]; then
		echo "ok - $label ($((SECONDS - start_s))s)"
		PASSED=$((PASSED + 1))
		[ "${VERBOSE:-0}" = 1 ] && sed 's/^/#   /' "$T/log"
	else
		echo "not ok - $label: ${reason:-exit status $rc}"
		tail -n 15 "$T/log" | sed 's/^/#   /'
		FAILED=$((FAILED + 1))
	fi
}

# The closing line, and the suite's status.
summary() {
	local s="$PASSED passed, $FAILED failed"
	[ "$SKIPPED" -gt 0 ] && s+=", $SKIPPED skipped"
	echo "$s"
	[ "$FAILED" -eq 0 ]
}

# containers_conf [CONTAINERS_LINE] [ENGINE_LINE]: Podman's configuration
# for the guest suites (root's, and the rootless user's), with the extra
# lines; the cgroup manager is PODMAN_CGROUP_MANAGER's (default systemd).
containers_conf() {
	cat <<EOF
[containers]
${1:-}
log_driver = "k8s-file"
default_ulimits = []

[engine]
cgroup_manager = "${PODMAN_CGROUP_MANAGER:-systemd}"
events_logger = "file"
conmon_path = ["/usr/bin/conmon"]
pull_policy = "never"
runtime_supports_json = ["crun", "runc", "rt"]
${2:-}
EOF
}

# podman_setup: Podman as root with its storage in $WORK/podman, exported
# for the suite, and the busybox image (make_oci_archive, from
# tests/engines/lib.sh) loaded as localhost/busybox:latest; the load's log
# is $WORK/podman-load.log.
podman_setup() {
	local P=$WORK/podman
	mkdir -p "$P"/{root,run,tmp}
	containers_conf 'netns = "none"' "tmp_dir = \"$P/tmp\"" >"$P/containers.conf"
	cat >"$P/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$P/root"
runroot = "$P/run"
EOF
	export CONTAINERS_CONF=$P/containers.conf CONTAINERS_STORAGE_CONF=$P/storage.conf
	W=$WORK make_oci_archive "$WORK/busybox-oci.tar" localhost/busybox:latest >/dev/null || return 1
	timeout 300 podman load -i "$WORK/busybox-oci.tar" >"$WORK/podman-load.log" 2>&1 &&
		timeout 120 podman tag "$OCI_CONFIG_DIGEST" localhost/busybox:latest >>"$WORK/podman-load.log" 2>&1
}
