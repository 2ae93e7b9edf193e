#!/bin/bash
# run.sh: a bounded libFuzzer run of the config parser (tests/fuzz/fuzz_config.c).
#
# Builds the target with clang (-fsanitize=fuzzer,address,undefined; installs
# clang and libclang-rt-14-dev with apt-get when missing and running as root),
# runs it on a copy of tests/fuzz/corpus in a temp dir, and exits non-zero on
# a crash, a leak, a timeout or an out-of-memory. The last line is
# `N passed, N failed` (one run: 1 passed or 1 failed).
#
# Environment: FUZZ_TIME (seconds, default 120), FUZZ_JOBS (parallel
# fuzzing processes, default 1), FUZZ_KEEP=1 keeps the temp dir (new corpus
# entries and crash inputs), CC (default clang).
# A crash input is copied to tests/fuzz/crashes/ so that it can be replayed:
#   ./fuzz_config tests/fuzz/crashes/crash-...
set -u -o pipefail

FUZZ_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$FUZZ_DIR/../.." && pwd)
TIME=${FUZZ_TIME:-120}
JOBS=${FUZZ_JOBS:-1}
CC=${CC:-clang}

say() { printf '# %s\n' "$*" >&2; }
result() {
	if [ "$1" -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
	exit "$1"
}

[[ $TIME =~ ^[0-9]+$ ]] && [ "$TIME" -gt 0 ] || { say "bad FUZZ_TIME: $TIME"; result 1; }

need_pkg() { # need_pkg TEST-COMMAND PACKAGE...
	eval "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		say "missing: install $2 (Debian package)"
		return 1
	fi
	say "installing ${*:2}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "${@:2}" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "${@:2}" >/dev/null 2>&1; }
}
need_pkg "command -v $CC" clang || result 1
need_pkg "command -v pkg-config && pkg-config --exists yajl" pkg-config libyajl-dev || result 1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rt-fuzz.XXXXXX") || result 1
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	if [ "${FUZZ_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# The fuzzer runtime comes with libclang-rt-NN-dev, NN clang's major version.
probe() {
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void) d; (void) n; return 0; }\n' >"$WORK/probe.c"
	"$CC" -fsanitize=fuzzer,address,undefined -o "$WORK/probe" "$WORK/probe.c" >/dev/null 2>&1
}
if ! probe; then
	major=$("$CC" -dumpversion 2>/dev/null | cut -d. -f1)
	need_pkg false "libclang-rt-${major:-14}-dev" || result 1
	probe || { say "$CC cannot build a libFuzzer target"; result 1; }
fi

# config.h only sets feature macros for libocispec: use the configured one
# if there is one, else the same macros.
if [ -f "$REPO/config.h" ]; then
	cfg_h=$REPO/config.h
else
	cfg_h=$WORK/config.h
	printf '#define _GNU_SOURCE 1\n' >"$cfg_h"
fi

say "building fuzz_config"
# shellcheck disable=SC2046
if ! "$CC" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-include "$cfg_h" -I"$REPO/libocispec" "$FUZZ_DIR/fuzz_config.c" "$REPO"/libocispec/[a-z]*.c \
	$(pkg-config --cflags --libs yajl) -o "$WORK/fuzz_config" 2>"$WORK/build.log"; then
	cat "$WORK/build.log" >&2
	say "build failed"
	result 1
fi

mkdir -p "$WORK/corpus" "$WORK/artifacts"
cp "$FUZZ_DIR"/corpus/* "$WORK/corpus/" 2>/dev/null
say "fuzzing for ${TIME}s on $(ls "$WORK/corpus" | wc -l) seed inputs"
(
	cd "$WORK" || exit 1
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	if [ "$JOBS" -gt 1 ]; then
		exec ./fuzz_config -max_total_time="$TIME" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
			-print_final_stats=1 -artifact_prefix="$WORK/artifacts/" -jobs="$JOBS" -workers="$JOBS" corpus
	fi
	exec ./fuzz_config -max_total_time="$TIME" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$WORK/artifacts/" corpus
) >"$WORK/fuzz.log" 2>&1
rc=$?
grep -E '^(stat::|Done|#[0-9]+ +DONE)' "$WORK/fuzz.log" | tail -n 12 >&2
artifacts=$(ls "$WORK/artifacts" 2>/dev/null)
if [ "$rc" -ne 0 ] || [ -n "$artifacts" ]; then
	grep -E 'ERROR: |SUMMARY: |runtime error|==[0-9]+==' "$WORK/fuzz.log" | head -n 20 >&2
	if [ -n "$artifacts" ]; then
		mkdir -p "$FUZZ_DIR/crashes"
		cp "$WORK"/artifacts/* "$FUZZ_DIR/crashes/"
		say "failing inputs copied to $FUZZ_DIR/crashes: $(echo $artifacts)"
	fi
	say "the fuzzer failed (exit $rc); log: $(tail -n 3 "$WORK/fuzz.log" | tr '\n' '|')"
	result 1
fi
say "no crash, leak or timeout in ${TIME}s ($(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/fuzz.log" | tail -n1) runs)"
result 0
