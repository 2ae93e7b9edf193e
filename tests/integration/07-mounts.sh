# shellcheck shell=bash
# Mounts: bind, read-only bind, tmpfs options, the special filesystems and
# their flags, a read-only root, masked/read-only paths, no old root.

STD_MOUNTS='[
 {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
 {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
 {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
 {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
 {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
 {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
]'

# has_opt MOUNTPOINT OPTION [MOUNTINFO]: OPTION among the mount's options.
has_opt() { mount_opts "$1" "${3-$OUT}" | grep -qxF -- "$2"; }

test_bind_mount_host_dir() {
	mkdir -p "$T/shared"
	echo hello >"$T/shared/marker"
	cfg '.root.readonly = true'
	add_mount "$(jq -cn --arg s "$T/shared" '{destination: "/mnt/deep/shared", type: "bind", source: $s, options: ["rbind", "rw"]}')"
	run_helper read /mnt/deep/shared/marker
	assert_eq "$OUT" $'ok\nhello' "host file seen through the bind mount"
	run_helper write /mnt/deep/shared/from-container
	assert_eq "$OUT" ok "write through a rw bind mount"
	[ -f "$T/shared/from-container" ] || fail "file written in the container is not on the host"
}

test_bind_mount_file() {
	echo "file content" >"$T/afile"
	cfg '.root.readonly = false'
	add_mount "$(jq -cn --arg s "$T/afile" '{destination: "/etc/bound-file", type: "bind", source: $s, options: ["bind"]}')"
	run_helper read /etc/bound-file
	assert_eq "$OUT" $'ok\nfile content' "bind-mounted file"
}

test_bind_mount_read_only() {
	mkdir -p "$T/rodir"
	echo keep >"$T/rodir/file"
	add_mount "$(jq -cn --arg s "$T/rodir" '{destination: "/mnt/ro", type: "bind", source: $s, options: ["rbind", "ro"]}')"
	run_helper write /mnt/ro/new
	assert_eq "$OUT" EROFS "write into a ro bind mount"
	run_helper write /mnt/ro/file
	assert_eq "$OUT" EROFS "append to a file in a ro bind mount"
	[ ! -e "$T/rodir/new" ] || fail "file created through a ro bind"
	assert_eq "$(cat "$T/rodir/file")" keep "file in the ro bind changed"
	run_helper mounts
	has_opt /mnt/ro ro || fail "/mnt/ro is not mounted ro: $(mountinfo_line /mnt/ro)"
	# the host's dir stays writable
	touch "$T/rodir/host-write" || fail "ro bind made the host dir read-only"
}

test_tmpfs_size_and_mode() {
	add_mount '{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "size=2m", "mode=1777"]}'
	run_helper mounts
	has_opt /scratch fstype=tmpfs || fail "/scratch is not tmpfs: $(mountinfo_line /scratch)"
	has_opt /scratch size=2048k || fail "/scratch has no size=2048k: $(mountinfo_line /scratch)"
	has_opt /scratch nosuid || fail "/scratch is not nosuid: $(mountinfo_line /scratch)"
	has_opt /scratch nodev || fail "/scratch is not nodev: $(mountinfo_line /scratch)"
	run_helper stat /scratch
	assert_kv type dir
}

# runc 1.1 resets a tmpfs' root to the mode of the directory it created
# (0755), ignoring mode=: the mount option must win.
rt_only test_tmpfs_mode_option
test_tmpfs_mode_option() {
	add_mount '{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=2m", "mode=1777"]}'
	run_helper stat /scratch
	assert_kv mode 1777
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	run_helper write /scratch/by-user
	assert_eq "$OUT" ok "non-root write into a 1777 tmpfs"
}

test_special_mounts_and_flags() {
	local n i dest type opt
	cfg '.mounts = $m' --argjson m "$STD_MOUNTS"
	run_helper mounts
	local info=$OUT
	n=$(jq length <<<"$STD_MOUNTS")
	for ((i = 0; i < n; i++)); do
		dest=$(jq -r ".[$i].destination" <<<"$STD_MOUNTS")
		type=$(jq -r ".[$i].type" <<<"$STD_MOUNTS")
		mountinfo_line "$dest" "$info" >/dev/null || fail "$dest not mounted"
		has_opt "$dest" "fstype=$type" "$info" || fail "$dest is not $type: $(mountinfo_line "$dest" "$info")"
		for opt in $(jq -r ".[$i].options[]" <<<"$STD_MOUNTS"); do
			case $opt in
			ro | nosuid | nodev | noexec)
				has_opt "$dest" "$opt" "$info" || fail "$dest lacks $opt: $(mountinfo_line "$dest" "$info")"
				;;
			esac
		done
	done
	has_opt /dev noexec "$info" && fail "/dev is noexec but was not asked to be"
	has_opt /dev/pts ptmxmode=666 "$info" || fail "devpts lacks ptmxmode=666: $(mountinfo_line /dev/pts "$info")"
	has_opt /dev/shm size=65536k "$info" || fail "/dev/shm lacks size=65536k"
	has_opt /proc rw "$info" || fail "/proc is not rw"
}

test_default_spec_mounts_present() {
	# Whatever the runtime's own spec mounts must show up with its flags.
	local n i dest type opt
	run_helper mounts
	local info=$OUT
	n=$(cfg_get '.mounts | length')
	for ((i = 0; i < n; i++)); do
		dest=$(cfg_get ".mounts[$i].destination")
		type=$(cfg_get ".mounts[$i].type")
		case $type in bind | cgroup | cgroup2) continue ;; esac
		mountinfo_line "$dest" "$info" >/dev/null || fail "$dest ($type) from the default spec not mounted"
		for opt in $(cfg_get ".mounts[$i].options // [] | .[]"); do
			case $opt in
			ro | nosuid | nodev | noexec)
				has_opt "$dest" "$opt" "$info" || fail "$dest lacks $opt"
				;;
			esac
		done
	done
}

test_readonly_root() {
	cfg '.root.readonly = true'
	run_helper write /newfile
	assert_eq "$OUT" EROFS "write to / with root.readonly"
	run_helper mounts
	has_opt / ro || fail "/ is not mounted ro: $(mountinfo_line /)"
	[ ! -e "$BUNDLE/rootfs/newfile" ] || fail "file created in a read-only root"
}

test_writable_root() {
	cfg '.root.readonly = false'
	run_helper write /newfile
	assert_eq "$OUT" ok "write to / without root.readonly"
	[ -f "$BUNDLE/rootfs/newfile" ] || fail "file written to / is not in the bundle's rootfs"
}

test_old_root_gone() {
	local base
	echo secret >"$T/host-marker"
	run_helper stat "$T/host-marker"
	assert_eq "$OUT" "error=ENOENT" "host file visible in the container"
	base=${T%/*}
	run_helper stat "$base"
	assert_eq "$OUT" "error=ENOENT" "host temp dir visible in the container"
	run_helper stat /rt-helper
	assert_kv type file
	# every mount point is / or at/under a configured mount or masked path
	run_helper mounts
	local allowed mp ok a
	allowed=$(cfg_get '(.mounts[].destination), (.linux.maskedPaths // [] | .[]), (.linux.readonlyPaths // [] | .[])')
	while read -r mp; do
		[ "$mp" = / ] && continue
		ok=0
		while IFS= read -r a; do
			[ -n "$a" ] || continue
			if [ "$mp" = "$a" ] || [[ $mp == "$a"/* ]]; then
				ok=1
				break
			fi
		done <<<"$allowed"
		[ "$ok" -eq 1 ] || fail "unexpected mount $mp in the container (old root?)"
	done < <(awk '{ print $5 }' <<<"$OUT")
}

test_masked_paths() {
	[ -e /proc/timer_list ] && [ -d /sys/firmware ] || skip "no /proc/timer_list or /sys/firmware on this kernel"
	cfg '.linux.maskedPaths = []'
	run_helper read /proc/timer_list
	assert_match "$OUT" $'^ok\nTimer List' "unmasked /proc/timer_list has content"
	cfg '.linux.maskedPaths = ["/proc/timer_list", "/sys/firmware", "/proc/does-not-exist"]'
	run_helper read /proc/timer_list
	assert_eq "$OUT" ok "masked /proc/timer_list reads empty"
	run_helper ls /sys/firmware
	assert_kv count 0
	run_helper write /sys/firmware/x
	[ "$OUT" != ok ] || fail "masked dir is writable"
}

test_readonly_paths() {
	cfg '.linux.readonlyPaths = ["/proc/sys", "/proc/sysrq-trigger"] |
		.process.capabilities = {"bounding": ["CAP_SYS_ADMIN"], "effective": ["CAP_SYS_ADMIN"], "permitted": ["CAP_SYS_ADMIN"]} |
		.linux.namespaces |= (map(select(.type != "uts")) + [{"type": "uts"}])'
	run_helper write /proc/sys/kernel/hostname
	assert_eq "$OUT" EROFS "write to a readonlyPaths entry"
	run_helper mounts
	has_opt /proc/sys ro || fail "/proc/sys is not ro: $(mountinfo_line /proc/sys)"
}

test_mount_without_destination_dir_created() {
	cfg '.root.readonly = false'
	add_mount '{"destination": "/a/b/c", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
	run_helper stat /a/b/c
	assert_kv type dir
	[ -d "$BUNDLE/rootfs/a/b/c" ] || fail "mount point not created in the rootfs"
}

# runtime-spec 1.2: a relative destination is deprecated, read as relative
# to "/", with a warning (runc warns too).
test_mount_relative_destination() {
	add_mount '{"destination": "rel/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}'
	set_args /bin/sh -c 'grep " /rel/mnt " /proc/self/mounts'
	ctr_run c1
	assert_success "run with a relative mount destination"
	assert_contains "$OUT" "tmpfs /rel/mnt tmpfs" "mounted below /"
	assert_contains "$ERR" "rel/mnt" "the warning names it"
}

# A read-only /dev with mounts and devices below it (runc makes what goes
# below first and remounts /dev read-only last).
test_mount_readonly_dev_with_mounts_below() {
	cfg '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
	set_args /bin/sh -c 'grep " /dev/pts " /proc/self/mounts >/dev/null && echo pts=yes;
		/rt-helper write /dev/newfile; /rt-helper write /dev/null'
	ctr_run c1
	assert_success "run with a read-only /dev"
	assert_eq "$OUT" $'pts=yes\nEROFS\nok' "pts below, /dev read-only, /dev/null usable"
}

# A destination that is a dangling symlink in the image: what it points to
# is made inside the root and mounted on (as runc does).
test_mount_destination_dangling_symlink() {
	ln -s /var/lib/dangling "$BUNDLE/rootfs/mylink"
	ln -s ../rel-target "$BUNDLE/rootfs/var/rellink" 2>/dev/null || { mkdir -p "$BUNDLE/rootfs/var"; ln -s ../rel-target "$BUNDLE/rootfs/var/rellink"; }
	add_mount '{"destination": "/mylink", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}'
	add_mount '{"destination": "/var/rellink", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}'
	set_args /bin/sh -c 'cut -d" " -f2 /proc/self/mounts | grep -e dangling -e rel-target'
	ctr_run c1
	assert_success "run with mount destinations that are dangling symlinks"
	assert_eq "$OUT" $'/var/lib/dangling\n/rel-target' "mounted where the symlinks point, inside the root"
	[ -d "$BUNDLE/rootfs/var/lib/dangling" ] && [ -d "$BUNDLE/rootfs/rel-target" ] || fail "the targets were not made in the rootfs"
}
