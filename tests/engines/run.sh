#!/bin/bash
# run.sh: run the engine suites (Podman, containerd, Docker) against the
# runtime in $RT. Ends with the line `N passed, N failed`, and exits
# non-zero if any check failed.
set -u -o pipefail

ENG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$ENG_DIR/../.." && pwd)

usage() {
	cat <<EOF
usage: ${0##*/} [-v] [podman|containerd|docker|all]...

Run the engine suites against the runtime in \$RT (a path or a command name;
default: the repo's built ./rt). Without a suite name, all three run.
Each suite installs the Debian packages it needs when they are missing,
runs its engine privately in a temp dir, and leaves nothing behind.

  -v, --verbose   print the log of every check, not only of failed ones
  -h, --help      show this help

Environment: RT, ENG_TRACE=1 (log every runtime call with its --log
output; failed checks show the failing calls), ENG_CHECKS=REGEX (run only
the checks whose name matches, plus the setup checks they need),
ENG_REPEAT=N (run each check N times), ENG_KEEP=1 (keep the work
dirs), ENG_SUITE_TIMEOUT (seconds per suite, default 600),
ENG_CMD_TIMEOUT (seconds per engine command, default 60), DOCKER (the
docker CLI, default /usr/bin/docker). Must run as root.
EOF
}

SUITES=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	-v | --verbose) export ENG_VERBOSE=1 ;;
	all) SUITES+=(podman containerd docker) ;;
	podman | containerd | docker) SUITES+=("$1") ;;
	*) echo "${0##*/}: unknown suite or option: $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[ ${#SUITES[@]} -gt 0 ] || SUITES=(podman containerd docker)

export RT=${RT:-$REPO_ROOT/rt}
SUITE_TIMEOUT=${ENG_SUITE_TIMEOUT:-600}

PASSED=0
FAILED=0
SKIPPED=0
T0=$(date +%s.%N)
for s in "${SUITES[@]}"; do
	result=$(mktemp "${TMPDIR:-/tmp}/rt-eng-result.XXXXXX")
	echo "# === $s ==="
	# The suite's closing line becomes a comment, so that this script's own
	# summary is the only `N passed, N failed` line.
	timeout -k 60 "$SUITE_TIMEOUT" bash "$ENG_DIR/$s.sh" 2>&1 </dev/null |
		while IFS= read -r line; do
			if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
				echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[4]:-0}" >"$result"
				echo "# $s: $line"
			else
				printf '%s\n' "$line"
			fi
		done
	rc=${PIPESTATUS[0]}
	if read -r p f k <"$result" 2>/dev/null && [ -n "${p:-}" ]; then
		PASSED=$((PASSED + p))
		FAILED=$((FAILED + f))
		SKIPPED=$((SKIPPED + k))
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "not ok - $s suite exited $rc"
			FAILED=$((FAILED + 1))
		fi
	else
		[ "$rc" -eq 124 ] && echo "not ok - $s suite timed out after ${SUITE_TIMEOUT}s" ||
			echo "not ok - $s suite ended without a result (exit status $rc)"
		FAILED=$((FAILED + 1))
	fi
	rm -f "$result"
done
echo "# total: $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')s"
summary="$PASSED passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && summary+=", $SKIPPED skipped"
echo "$summary"
[ "$FAILED" -eq 0 ]
