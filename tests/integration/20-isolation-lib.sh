# shellcheck shell=bash
# Helpers shared by the 20-isolation*.sh tests (no tests here).

# isol_helper: build tests/helper/isol-helper.c (static, cached by its
# checksum) and put it into the bundle's rootfs as /isol-helper.
isol_helper() {
	local src=$REPO_ROOT/tests/helper/isol-helper.c sum bin tmp
	sum=$(cksum <"$src" | cut -d' ' -f1)
	bin=${TMPDIR:-/tmp}/rt-isol-helper.$sum
	if [ ! -x "$bin" ]; then
		tmp=$(mktemp "$bin.XXXXXX") || fail "mktemp"
		gcc -static -O2 -Wall -Wextra -Werror -o "$tmp" "$src" || fail "cannot build isol-helper"
		mv -f "$tmp" "$bin"
	fi
	install -m 0755 "$bin" "$BUNDLE/rootfs/isol-helper" || fail "cannot install isol-helper"
}

# Container ids here end in -$$ (this test's shell): without a cgroupsPath
# rt puts a container in /rt/<id> at the root of every hierarchy, which all
# runs on the host share, and another run's `c1`, deleted, would kill ours.
# run_helper (lib.sh's, with such ids):
run_helper() {
	HELPER_SEQ=$((HELPER_SEQ + 1))
	local id="h$HELPER_SEQ-$$"
	set_args /rt-helper "$@"
	ctr_run "$id"
	[ "$STATUS" -eq 0 ] || fail "run of /rt-helper $* exited $STATUS: $(first_line "$ERR")"
	rt delete "$id" >/dev/null 2>&1
}

# run_isol ARGS...: run /isol-helper ARGS in a new container, as run_helper.
run_isol() {
	HELPER_SEQ=$((HELPER_SEQ + 1))
	local id="i$HELPER_SEQ-$$"
	set_args /isol-helper "$@"
	ctr_run "$id"
	[ "$STATUS" -eq 0 ] || fail "run of /isol-helper $* exited $STATUS: $(first_line "$ERR")"
	rt delete "$id" >/dev/null 2>&1
}

# expect_run_error TEXT: as expect_create_error for errors only `start`
# (the process' last steps) can see; run reports them.
expect_run_error() {
	local id=bad$RANDOM-$$
	ctr_run "$id"
	[ "$STATUS" -ne 0 ] || fail "run should have failed (expected: $1)"
	assert_contains "$ERR" "$1" "error message"
	rt delete --force "$id" >/dev/null 2>&1
	assert_nothing_left "$id"
}

ns_add() { cfg '.linux.namespaces |= (map(select(.type != $t)) + [{"type": $t}])' --arg t "$1"; }
ns_del() { cfg '.linux.namespaces |= map(select(.type != $t))' --arg t "$1"; }

userns_maps() {
	ns_add user
	cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	# the container's root (host uid 100000) must reach the bundle
	chmod 755 "$T" "$BUNDLE"
}
