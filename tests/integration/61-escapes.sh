# shellcheck shell=bash
# Container escapes, performed for real: each test runs the attack of a
# known runc CVE class against the runtime and fails if it works. The
# attacker is tests/helper/attack-rt.c (static, copied into the rootfs as
# /attack). See docs/security.md for the threat model and what each proves.
#
# Container ids carry the runner's pid: default cgroups are /rt/<id> at the
# root of each hierarchy, shared with any other run on the machine.

ATTACK_SRC=$REPO_ROOT/tests/helper/attack-rt.c
U=${RUNNER_PID:-$$}

# attack_install: build attack-rt once per run, copy it to the rootfs as
# /attack; ATTACK is the host copy.
attack_install() {
	local dir="${BASE_BUNDLE%/*}/attack" bin
	bin=$dir/attack-rt
	mkdir -p "$dir" || fail "mkdir $dir"
	{
		flock 9
		if [ ! -x "$bin" ] || [ "$ATTACK_SRC" -nt "$bin" ]; then
			gcc -static -O2 -Wall -Wextra -Werror -o "$bin.tmp" "$ATTACK_SRC" >&2 && mv "$bin.tmp" "$bin"
		fi
	} 9>"$dir/.lock"
	[ -x "$bin" ] || fail "cannot build $ATTACK_SRC"
	cp "$bin" "$BUNDLE/rootfs/attack" || fail "cannot copy attack-rt into the rootfs"
	ATTACK=$bin
}

# host_marker: MARKER, a host file whose path does not exist in the rootfs.
# Reaching it from inside the container means reaching the host.
host_marker() {
	MARKER=$T/host-marker
	echo host >"$MARKER"
	[ ! -e "$BUNDLE/rootfs$MARKER" ] || fail "the rootfs has $MARKER"
}

# srun ARGS...: run ARGS in a new container (unique id), in the foreground;
# sets STATUS OUT ERR. The container is deleted afterwards.
SRUN_SEQ=0
srun() {
	SRUN_SEQ=$((SRUN_SEQ + 1))
	local id="s$SRUN_SEQ-$U"
	set_args "$@"
	ctr_run "$id"
	rt delete --force "$id" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------
# a. CVE-2019-5736 class: the runtime binary overwritten through
# /proc/PID/exe of a runtime process that a container process can see.
# The runtime under test is a copy in $T, so a successful attack cannot
# damage $RT; the test passes only if the copy is unchanged.

# rt_copy: RTC, a private copy of the runtime; RTC_SUM its checksum.
rt_copy() {
	mkdir -p "$T/rtcopy"
	cp "$RT" "$T/rtcopy/rt" || fail "cannot copy $RT"
	chmod 755 "$T/rtcopy/rt"
	RTC=$T/rtcopy/rt
	RTC_SUM=$(sha256sum <"$RTC")
}

# copy_intact: fail at once if the copy was overwritten (a later command
# of the test would fail with an obscure error).
copy_intact() {
	[ "$(sha256sum <"$RTC")" = "$RTC_SUM" ] ||
		fail "the runtime binary was overwritten from inside the container (first bytes: $(head -c 8 "$RTC" | od -An -c | tr -s ' ')); attacker: $(tr '\n' ' ' <"$1")"
}

# assert_attack_failed OUTFILE: the copy is intact and exe-race reports
# no overwrite and no escape.
assert_attack_failed() {
	local out
	out=$(cat "$1")
	log "attacker: $(tr '\n' ' ' <"$1")"
	[ "$(sha256sum <"$RTC")" = "$RTC_SUM" ] ||
		fail "the runtime binary was overwritten from inside the container ($(kv via "$out"); first bytes: $(head -c 8 "$RTC" | od -An -c | tr -s ' '))"
	assert_eq "$(kv overwritten "$out")" 0 "overwrites of the runtime binary"
	[ "$(kv escaped "$out")" = 0 ] ||
		fail "the attacker reached the host through $(kv via "$out")"
}

# The classic exploit: the container's /evil is `#!/proc/self/exe`, so an
# `exec` of it makes the runtime's child execute the runtime binary itself
# inside the container; the attacker (pid 1) grabs /proc/PID/exe with
# O_PATH and reopens it for writing once the runtime has exited. The same
# attacker also races every exec'd child while it still runs the
# runtime's code (its exe, cwd, root and fds).
test_escape_exe_overwrite_via_exec() {
	local id="x$U" i
	attack_install
	host_marker
	rt_copy
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/evil"
	chmod 755 "$BUNDLE/rootfs/evil"
	set_args /attack exe-race 20 "$MARKER" /attack /rt-helper /bin/busybox
	RT=$RTC ctr_create "$id" || fail "create failed: $(head -n1 "$T/$id.err")"
	"$RTC" --root "$ROOT" start "$id" || fail "start failed"
	wait_output "$T/$id.out" ready
	for ((i = 0; i < 25; i++)); do
		"$RTC" --root "$ROOT" exec "$id" /evil </dev/null >>"$T/evil.out" 2>&1
		"$RTC" --root "$ROOT" exec "$id" /rt-helper pid </dev/null >>"$T/exec.out" 2>&1
		grep -q '^done' "$T/$id.out" && break
	done
	# the precondition: /evil really ran the runtime inside the container
	log "exec of /evil said: $(head -n 2 "$T/evil.out" | tr '\n' '|')"
	wait_output "$T/$id.out" "done" 30
	assert_attack_failed "$T/$id.out"
}

# A container that joins another's pid namespace: the new container's init
# runs the runtime's code (from clone to execve) in a pid namespace where
# the first container's processes already run.
test_escape_exe_shared_pid_namespace() {
	local a="xa$U" b i pid
	attack_install
	host_marker
	rt_copy
	set_args /attack exe-race 20 "$MARKER" /attack /rt-helper /bin/busybox
	RT=$RTC ctr_create "$a" || fail "create failed: $(head -n1 "$T/$a.err")"
	"$RTC" --root "$ROOT" start "$a" || fail "start failed"
	wait_output "$T/$a.out" ready
	pid=$(pid_of "$a")
	set_args /rt-helper exit 0
	cfg '.linux.namespaces |= map(if .type == "pid" then .path = ("/proc/" + $p + "/ns/pid") else . end)' --arg p "$pid"
	for ((i = 0; i < 15; i++)); do
		b="xb$i-$U"
		RT=$RTC ctr_create "$b" || { copy_intact "$T/$a.out"; fail "create of the joining container failed: $(head -n1 "$T/$b.err")"; }
		"$RTC" --root "$ROOT" start "$b" >/dev/null 2>&1
		wait_status "$b" stopped
		"$RTC" --root "$ROOT" delete --force "$b" >/dev/null 2>&1
		grep -q '^done' "$T/$a.out" && break
	done
	wait_output "$T/$a.out" "done" 30
	assert_attack_failed "$T/$a.out"
}

# ---------------------------------------------------------------------------
# b. CVE-2021-30465 class: mount destinations through symlinks in the
# rootfs. A mount must land inside the rootfs whatever the symlinks say.

# hostdir_setup: $T/hostdir, a host directory with one file; the attacks
# aim at it. hostdir_intact fails if anything appeared there.
hostdir_setup() {
	mkdir -p "$T/hostdir" "$T/src"
	echo marker >"$T/hostdir/marker"
	echo src >"$T/src/src-marker"
}
hostdir_intact() {
	local ls
	ls=$(ls -A "$T/hostdir")
	[ "$ls" = marker ] || fail "$1: the host directory $T/hostdir was written to: $(echo $ls)"
	[ -z "$(mounts_under "$T/hostdir")" ] || fail "$1: a mount landed on the host directory: $(mounts_under "$T/hostdir")"
}

# host_mounts_outside_rootfs: host mount points under $T that are not in
# the rootfs (with no mount namespace, the container's mounts are host
# mounts: all of them must be inside the rootfs).
host_mounts_outside_rootfs() {
	mounts_under "$T" | while IFS= read -r mp; do
		case $mp in "$BUNDLE/rootfs" | "$BUNDLE/rootfs/"*) ;; *) echo "$mp" ;; esac
	done
}

# try_hostile_mount LABEL MOUNT-JSON [no-mountns]: create with the mount,
# check that nothing reached the host, delete.
try_hostile_mount() {
	local label=$1 mnt=$2 nomnt=${3:-} id
	TRY_SEQ=$((${TRY_SEQ:-0} + 1))
	id="m$TRY_SEQ-$U"
	cp "$T/config.base" "$BUNDLE/config.json"
	add_mount "$mnt"
	[ -n "$nomnt" ] && cfg '.linux.namespaces |= map(select(.type != "mount")) | del(.linux.maskedPaths, .linux.readonlyPaths)'
	ctr_create "$id"
	log "$label: create status $STATUS: $(head -c 200 "$T/$id.err")"
	hostdir_intact "$label"
	local out
	out=$(host_mounts_outside_rootfs)
	[ -z "$out" ] || fail "$label: host mounts outside the rootfs: $(echo $out)"
	rt delete --force "$id" >/dev/null 2>&1
	[ -n "$nomnt" ] && lib_umount_under "$BUNDLE/rootfs"
	return 0
}

test_escape_mount_destination_symlinks() {
	local r=$BUNDLE/rootfs up
	hostdir_setup
	up=$(printf '../%.0s' $(seq 20))
	ln -s / "$r/to-root"
	ln -s "$up${T#/}/hostdir" "$r/to-host-rel"
	ln -s "$T/hostdir" "$r/to-host-abs"
	mkdir -p "$r/d"
	ln -s "../../../../../../../../../../..$T/hostdir" "$r/d/deep"
	set_args /rt-helper sleep 600
	cp "$BUNDLE/config.json" "$T/config.base"
	local m
	for nomnt in "" no-mountns; do
		for m in \
			'{"destination": "/to-host-rel/a", "type": "tmpfs", "source": "tmpfs"}' \
			'{"destination": "/to-host-abs/b", "type": "tmpfs", "source": "tmpfs"}' \
			'{"destination": "/to-host-rel", "type": "tmpfs", "source": "tmpfs"}' \
			'{"destination": "/d/deep/c", "type": "tmpfs", "source": "tmpfs"}' \
			'{"destination": "/to-root/../../../../../..'"$T"'/hostdir/e", "type": "tmpfs", "source": "tmpfs"}' \
			'{"destination": "/../../../../../../..'"$T"'/hostdir", "type": "tmpfs", "source": "tmpfs"}' \
			'{"destination": "/to-host-abs/f", "type": "bind", "source": "'"$T"'/src", "options": ["rbind"]}' \
			'{"destination": "/to-host-rel/g", "type": "bind", "source": "'"$T"'/src/src-marker", "options": ["bind"]}'; do
			try_hostile_mount "$(jq -r .destination <<<"$m")${nomnt:+ ($nomnt)}" "$m" "$nomnt"
		done
	done
}

# The race: a host process (standing for a second container that shares a
# volume with this rootfs) swaps /vol between a directory and a symlink to
# the host directory as fast as it can, during many creates.
race_mounts() {
	local nomnt=$1 flipper i id ok=0 failed=0 end
	hostdir_setup
	mkdir -p "$BUNDLE/rootfs/vol"
	set_args /rt-helper sleep 600
	cfg '.mounts += [{"destination": "/vol/a", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/vol/b/c", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/vol/d", "type": "bind", "source": $s, "options": ["rbind"]}]' --arg s "$T/src"
	[ -n "$nomnt" ] && cfg '.linux.namespaces |= map(select(.type != "mount")) | del(.linux.maskedPaths, .linux.readonlyPaths)'
	"$ATTACK" flip 60 "$BUNDLE/rootfs/vol" "$(printf '../%.0s' $(seq 20))${T#/}/hostdir" >"$T/flip.out" 2>&1 &
	flipper=$!
	track_pid "$flipper"
	wait_output "$T/flip.out" ready
	end=$((SECONDS + 20))
	for ((i = 0; i < 60 && SECONDS < end; i++)); do
		id="v$i-$U"
		if ctr_create "$id"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
		hostdir_intact "create $i${nomnt:+ ($nomnt)}"
		local out
		out=$(host_mounts_outside_rootfs)
		[ -z "$out" ] || fail "create $i: host mounts outside the rootfs: $(echo $out)"
		rt delete --force "$id" >/dev/null 2>&1
		[ -n "$nomnt" ] && lib_umount_under "$BUNDLE/rootfs"
	done
	touch "$BUNDLE/rootfs/vol.stop"
	wait "$flipper"
	# without a mount namespace the mounts are the host's: undo them
	for ((i = 0; i < 5; i++)); do lib_umount_under "$BUNDLE/rootfs"; done
	log "race: $ok creates succeeded, $failed failed, $(cat "$T/flip.out" | tr '\n' ' ')"
	hostdir_intact "after the race"
}

test_escape_mount_symlink_race() {
	attack_install
	race_mounts ""
}

test_escape_mount_symlink_race_no_mountns() {
	attack_install
	race_mounts no-mountns
}

# ---------------------------------------------------------------------------
# c. CVE-2019-16884 / CVE-2019-19921 class: a /proc that is not the
# kernel's procfs, so that masking (and LSM labels) would be written to a
# fake. rt must refuse, or mask the real procfs.

# A tmpfs at /proc in the config: masking would land on a fake.
test_escape_proc_is_tmpfs() {
	local id="p$U"
	cfg '.mounts |= map(if .destination == "/proc" then .type = "tmpfs" | .source = "tmpfs" else . end)'
	ctr_create "$id"
	ERR=$(cat "$T/$id.err")
	assert_failure "create with a tmpfs at /proc and maskedPaths under /proc"
	assert_error_line
	assert_match "$ERR" 'maskedPaths|readonlyPaths' "the error names the masked paths"
	assert_match "$ERR" 'procfs' "the error says /proc is not procfs"
	assert_nothing_left "$id"
}

# A bind mount of a fake proc tree (regular files) at /proc.
test_escape_proc_is_fake_bind() {
	local id="p$U"
	mkdir -p "$T/fakeproc/sys/kernel"
	echo fake >"$T/fakeproc/kcore"
	echo fake >"$T/fakeproc/sys/kernel/core_pattern"
	cfg '.mounts |= map(if .destination == "/proc" then {destination: "/proc", type: "bind", source: $s, options: ["rbind"]} else . end)' \
		--arg s "$T/fakeproc"
	ctr_create "$id"
	ERR=$(cat "$T/$id.err")
	assert_failure "create with a fake /proc bind-mounted"
	assert_error_line
	assert_match "$ERR" 'procfs' "the error says /proc is not procfs"
	[ "$(cat "$T/fakeproc/kcore")" = fake ] || fail "the fake /proc was written to"
	assert_nothing_left "$id"
}

# assert_proc_masked: inside a container from $BUNDLE, /proc is procfs,
# a masked file is masked and /proc/sys is read-only.
assert_proc_masked() {
	srun /attack fstype /proc
	assert_success "run"
	assert_kv fstype proc
	srun /rt-helper read /proc/timer_list
	assert_success "run"
	refute_contains "$OUT" "Timer List" "/proc/timer_list (a masked path) is readable"
	srun /attack writable /proc/sys/kernel/core_pattern
	assert_success "run"
	[ "$(kv writable)" != ok ] || fail "/proc/sys/kernel/core_pattern is writable in the container"
}

# The image's /proc is a symlink to a directory of its own: proc lands
# there (inside), and masking must hit the real procfs, not a fake.
test_escape_proc_symlink_inside_rootfs() {
	local r=$BUNDLE/rootfs
	attack_install
	rm -rf "$r/proc"
	mkdir -p "$r/fakeproc/sys/kernel"
	ln -s /fakeproc "$r/proc"
	assert_proc_masked_or_refused "/proc -> /fakeproc"
}

# The image's /proc is a symlink out of the rootfs (to a host directory):
# it must not be followed on the host.
test_escape_proc_symlink_outside_rootfs() {
	local r=$BUNDLE/rootfs
	attack_install
	hostdir_setup
	rm -rf "$r/proc"
	ln -s "$(printf '../%.0s' $(seq 20))${T#/}/hostdir" "$r/proc"
	assert_proc_masked_or_refused "/proc -> ../../..$T/hostdir"
	hostdir_intact "/proc symlink out of the rootfs"
}

# assert_proc_masked_or_refused LABEL: create fails with one error line
# and leaves nothing, or the container's /proc is the masked real procfs.
assert_proc_masked_or_refused() {
	local id="q$U"
	set_args /rt-helper exit 0
	ctr_create "$id"
	if [ "$STATUS" -ne 0 ]; then
		ERR=$(cat "$T/$id.err")
		log "$1: refused: $ERR"
		assert_error_line
		assert_nothing_left "$id"
		return 0
	fi
	rt delete --force "$id" >/dev/null 2>&1
	assert_proc_masked
}

# Without a mount namespace, maskedPaths and readonlyPaths cannot be
# applied (runc refuses: "unable to restrict sys entries without a private
# MNT namespace"). rt must refuse too, not run the container unmasked.
test_escape_masks_need_mount_namespace() {
	local id="n$U"
	attack_install
	cfg '.linux.namespaces |= map(select(.type != "mount"))'
	set_args /attack writable /proc/sys/kernel/core_pattern
	ctr_run "$id"
	lib_umount_under "$BUNDLE/rootfs"
	if [ "$STATUS" -ne 0 ]; then
		assert_error_line
		assert_match "$ERR" 'maskedPaths|readonlyPaths|mount namespace' "the error names the masks"
		return 0
	fi
	[ "$(kv writable)" != ok ] ||
		fail "no mount namespace: maskedPaths/readonlyPaths silently skipped, the host's /proc/sys/kernel/core_pattern is writable from the container"
}

# ---------------------------------------------------------------------------
# d. CVE-2024-21626 class: the runtime's fds reaching the container.

# The process' fds are exactly 0 1 2 (+ preserved), whatever the caller
# leaks to the runtime (40-exec-fds.sh covers --preserve-fds and
# LISTEN_FDS for run and create).
test_escape_fds_exactly_stdio() {
	local id="f$U" got
	mkdir -p "$T/hostdir"
	set_args /rt-helper sleep 600
	ctr_create "$id" 3<"$BUNDLE/config.json" 4<"$T/hostdir" || fail "create failed"
	rt start "$id" || fail "start failed"
	wait_output "$T/$id.out" ready
	run_rt exec "$id" /rt-helper fds 3<"$BUNDLE/config.json" 4<"$T/hostdir" 5>"$T/leak"
	assert_success "exec"
	got=$(cut -d= -f1 <<<"$OUT" | sort -n | tr '\n' ' ')
	assert_eq "$got" "0 1 2 " "fds of an exec'd process"
	run_rt exec --preserve-fds 1 "$id" /rt-helper fds 3<"$BUNDLE/config.json" 4<"$T/hostdir"
	assert_success "exec --preserve-fds 1"
	got=$(cut -d= -f1 <<<"$OUT" | sort -n | tr '\n' ' ')
	assert_eq "$got" "0 1 2 3 " "fds of an exec'd process with --preserve-fds 1"
	# the container's init: its fds from the host's view
	got=$(ls "/proc/$(pid_of "$id")/fd" | sort -n | tr '\n' ' ')
	assert_eq "$got" "0 1 2 " "fds of the container's init"
}

# process.cwd = /proc/self/fd/N: N is one of the runtime's own fds in its
# child at chdir time. The working directory must never be a host
# directory (from which ../../.. leads to the host's root).
test_escape_cwd_proc_self_fd_create() {
	local n
	attack_install
	host_marker
	for n in 3 4 5 6 7 8 9 10 11 12; do
		cfg '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		srun /attack escape-cwd "$MARKER"
		if [ "$STATUS" -eq 0 ]; then
			log "cwd /proc/self/fd/$n: $(tr '\n' ' ' <<<"$OUT")"
			[ "$(kv escaped)" = 0 ] || fail "process.cwd /proc/self/fd/$n gave a host directory: $(kv cwd); the host's $MARKER is reachable"
		fi
	done
}

# The same with `exec --cwd`, whose child holds more of the runtime's fds.
test_escape_cwd_proc_self_fd_exec() {
	local id="e$U" n
	attack_install
	host_marker
	set_args /rt-helper sleep 600
	ctr_create "$id" || fail "create failed"
	rt start "$id" || fail "start failed"
	wait_output "$T/$id.out" ready
	for n in $(seq 3 16); do
		run_rt exec --cwd "/proc/self/fd/$n" "$id" /attack escape-cwd "$MARKER"
		[ "$STATUS" -eq 0 ] || continue
		[ "$(kv escaped)" = 0 ] || fail "exec --cwd /proc/self/fd/$n gave a host directory ($(kv cwd)): the host's $MARKER is reachable from the container"
	done
}

# A directory fd the caller leaks into the runtime (not close-on-exec),
# named by process.cwd: the runtime must not chdir out of the container.
test_escape_cwd_caller_leaked_fd() {
	attack_install
	host_marker
	cfg '.process.cwd = "/proc/self/fd/9"'
	set_args /attack escape-cwd "$MARKER"
	ctr_run "w$U" 9<"$T"
	rt delete --force "w$U" >/dev/null 2>&1
	[ "$STATUS" -ne 0 ] || [ "$(kv escaped)" = 0 ] ||
		fail "process.cwd /proc/self/fd/9 (a host dir fd leaked by the caller) put the process on the host: cwd $(kv cwd)"
}

# Every fd the runtime opens is close-on-exec: strace every runtime
# command, and in each process look at the calls before its first exec of
# something else (after it, the calls are the container's).
test_escape_fds_cloexec_strace() {
	local id="t$U" st="$T/strace" f bad
	command -v strace >/dev/null 2>&1 || skip "strace is not installed"
	under_ptrace
	mkdir -p "$st"
	local trace=open,openat,openat2,creat,socket,socketpair,accept,accept4,pipe,pipe2,dup,dup2,dup3,fcntl,memfd_create,open_tree,fsopen,fsmount,fspick,epoll_create,epoll_create1,eventfd,eventfd2,signalfd,signalfd4,inotify_init,inotify_init1,timerfd_create,recvmsg,execve,execveat
	S() { strace -f -qq -s 64 -e trace="$trace" -o "$st/$1" "$RT" --root "$ROOT" "${@:2}"; }
	set_args /rt-helper sleep 600
	ctr_track "$id"
	S create create --bundle "$BUNDLE" "$id" </dev/null >"$T/$id.out" 2>"$T/$id.err" &
	local spid=$!
	wait_status "$id" created
	S start start "$id" </dev/null >/dev/null 2>&1 || fail "start under strace failed"
	wait_output "$T/$id.out" ready
	S exec exec "$id" /rt-helper pid </dev/null >/dev/null 2>&1 || fail "exec under strace failed"
	S state state "$id" >/dev/null 2>&1
	S list list >/dev/null 2>&1
	S ps ps "$id" >/dev/null 2>&1
	S pause pause "$id" >/dev/null 2>&1
	S resume resume "$id" >/dev/null 2>&1
	S kill kill "$id" KILL >/dev/null 2>&1
	wait "$spid"
	S delete delete --force "$id" >/dev/null 2>&1
	set_args /rt-helper exit 0
	S run run --bundle "$BUNDLE" "r$U" </dev/null >/dev/null 2>&1
	ctr_track "r$U"
	log "strace lines: $(cat "$st"/* | wc -l), fd-making calls: $(cat "$st"/* | grep -cE ' (open|openat|openat2|socket|socketpair|pipe2|dup3?|fcntl|recvmsg)\(')"
	bad=$(for f in "$st"/*; do cloexec_violations "$f"; done)
	[ -z "$bad" ] || fail "fds opened without close-on-exec: $(head -n 8 <<<"$bad" | tr '\n' '|')"
}

# cloexec_violations FILE: strace -f lines (pid first) of the runtime's own
# code that create an fd without close-on-exec. A sanitized rt's runtime
# reads /proc/self/{maps,cmdline,environ} with the raw open(2) (glibc, and
# so rt, only ever uses openat) and closes them at once: not rt's fds.
cloexec_violations() {
	awk -v cmd="${1##*/}" -v sanitized="${RT_SANITIZED:-0}" '
	# a call strace split in two: join "<unfinished ...>" with its resumption
	/<unfinished \.\.\.>$/ { pend[$1] = $0; sub(/ <unfinished \.\.\.>$/, "", pend[$1]); next }
	/<\.\.\. [a-z0-9_]+ resumed>/ { r = $0; sub(/^[0-9]+ +<\.\.\. [a-z0-9_]+ resumed>/, "", r); $0 = pend[$1] r }
	# a pid stops being the runtime once it execs something else
	/ execve\(/ && / = 0$/ { if ($0 !~ /execve\("[^"]*\/rt"/) gone[$1] = 1; next }
	gone[$1] { next }
	/ = -1 / { next }
	{ call = $2; sub(/\(.*/, "", call) }
	sanitized == 1 && call == "open" && $2 ~ /^open\("\/proc\/self\/(maps|cmdline|environ)"/ { next }
	call ~ /^(open|openat|creat)$/ && $0 !~ /O_CLOEXEC/ { print cmd ": " $0; next }
	call == "openat2" && $0 !~ /O_CLOEXEC/ { print cmd ": " $0; next }
	call ~ /^(socket|socketpair|accept4)$/ && $0 !~ /SOCK_CLOEXEC/ { print cmd ": " $0; next }
	call ~ /^(accept|pipe|dup|epoll_create|eventfd|signalfd|inotify_init)$/ { print cmd ": " $0; next }
	call == "pipe2" && $0 !~ /O_CLOEXEC/ { print cmd ": " $0; next }
	call ~ /^(dup2|dup3)$/ && $0 !~ /O_CLOEXEC/ && $NF + 0 > 2 { print cmd ": " $0; next }
	call == "fcntl" && $0 ~ /F_DUPFD[,)]/ { print cmd ": " $0; next }
	call == "memfd_create" && $0 !~ /MFD_CLOEXEC/ { print cmd ": " $0; next }
	call == "open_tree" && $0 !~ /OPEN_TREE_CLOEXEC/ { print cmd ": " $0; next }
	call == "fsopen" && $0 !~ /FSOPEN_CLOEXEC/ { print cmd ": " $0; next }
	call == "fsmount" && $0 !~ /FSMOUNT_CLOEXEC/ { print cmd ": " $0; next }
	call == "epoll_create1" && $0 !~ /EPOLL_CLOEXEC/ { print cmd ": " $0; next }
	call == "eventfd2" && $0 !~ /EFD_CLOEXEC/ { print cmd ": " $0; next }
	call == "signalfd4" && $0 !~ /SFD_CLOEXEC/ { print cmd ": " $0; next }
	call == "inotify_init1" && $0 !~ /IN_CLOEXEC/ { print cmd ": " $0; next }
	call == "timerfd_create" && $0 !~ /TFD_CLOEXEC/ { print cmd ": " $0; next }
	call == "recvmsg" && $0 ~ /SCM_RIGHTS/ && $0 !~ /MSG_CMSG_CLOEXEC/ { print cmd ": " $0; next }
	' "$1"
}

# ---------------------------------------------------------------------------
# e. Devices: no block device of the host, by mknod or by open.

test_escape_mknod_block_default_caps() {
	attack_install
	srun /attack mknod-block /dev/rt-sda 8 0
	assert_success "run"
	assert_kv mknod EPERM
}

# With CAP_MKNOD granted, the devices cgroup must still deny the device.
test_escape_mknod_block_with_cap_mknod() {
	attack_install
	cfg '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
	srun /attack mknod-block /dev/rt-sda 8 0
	assert_success "run"
	log "with CAP_MKNOD: $(tr '\n' ' ' <<<"$OUT")"
	if [ "$(kv mknod)" = ok ]; then
		[ "$(kv open)" != ok ] || fail "a block device 8:0 made with mknod opens in the container"
	fi
	[ "$(kv read)" != ok ] || fail "a block device 8:0 made with mknod is readable in the container"
}

test_escape_no_host_block_devices() {
	attack_install
	srun /attack blockdevs
	assert_success "run"
	[ -z "$(grep '^dev=.* open=ok' <<<"$OUT")" ] || fail "host block devices open in the container: $(grep '^dev=' <<<"$OUT" | tr '\n' ' ')"
}

# The v1 devices cgroup of a default container denies by default: no
# `a *:* rwm`, and no read/write access to any block device.
test_escape_devices_cgroup_denies() {
	local id="d$U" d list
	set_args /rt-helper sleep 600
	ctr_create "$id" || fail "create failed"
	for d in $(container_cgroup_dirs "$id"); do
		[ -f "$d/devices.list" ] && list=$(cat "$d/devices.list")
	done
	[ -n "${list:-}" ] || skip "no v1 devices cgroup"
	log "devices.list: $(tr '\n' ',' <<<"$list")"
	! grep -q '^a ' <<<"$list" || fail "devices.list allows everything: $(tr '\n' ',' <<<"$list")"
	! grep -Eq '^b [^ ]+ [^ ]*[rw]' <<<"$list" || fail "devices.list allows block device access: $(grep '^b' <<<"$list" | tr '\n' ',')"
	! grep -Eq '^c \*:\* [^ ]*[rw]' <<<"$list" || fail "devices.list allows every char device"
}

# With /proc a symlink in the image, the proc mount is refused with runc's
# words (engines and users know them).
test_escape_proc_symlink_refused_with_runc_words() {
	local r=$BUNDLE/rootfs id="p$U"
	rm -rf "$r/proc"
	mkdir -p "$r/fakeproc"
	ln -s /fakeproc "$r/proc"
	set_args /rt-helper exit 0
	ctr_create "$id"
	assert_failure "create with /proc a symlink"
	assert_contains "$(cat "$T/$id.err")" "must be mounted on ordinary directory"
	assert_nothing_left "$id"
}
