# shellcheck shell=bash
# Id-mapped mounts (idmap, ridmap, per-mount uidMappings/gidMappings),
# checked by the owners a container sees through them.

# shellcheck source=20-isolation-lib.sh
. "$ITEST_DIR/20-isolation-lib.sh"

# idsrc NAME UID:GID: a host directory below $T with a file, both owned by
# UID:GID, and a file owned by root.
idsrc() {
	SRC=$T/$1
	mkdir -p "$SRC"
	echo data >"$SRC/file"
	echo root >"$SRC/rootfile"
	chown "$2" "$SRC" "$SRC/file" || fail "chown"
	chmod 755 "$T" "$SRC"
}

# stat_owner PATH: uid:gid of PATH as the last run's output shows it
owner_of() { awk -v p="$1" '$1 == p { print $2 }' <<<"$OUT"; }

stat_args() {
	local p args=""
	for p in "$@"; do
		args+="echo \"$p \$(/rt-helper stat $p | sed -n 's/^uid=//p'):\$(/rt-helper stat $p | sed -n 's/^gid=//p')\"; "
	done
	set_args /bin/sh -c "$args"
}

# Without a user namespace: the mount's own mappings. On-disk ids are the
# mapping's containerID side, what the container sees its hostID side (the
# kernel's idmapped-mount semantics, as runc and crun use them).
test_isol_idmap_mount_own_mappings() {
	idsrc idm 1000:1000
	add_mount "$(jq -n --arg s "$SRC" '{"destination": "/idm", "type": "bind", "source": $s, "options": ["bind", "idmap"],
		"uidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}],
		"gidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}]}')"
	stat_args /idm /idm/file /idm/rootfile
	ctr_run "c1-$$"
	assert_success "run with an id-mapped mount"
	assert_eq "$(owner_of /idm/file)" 0:0 "a file owned by 1000 on disk, through the mapping"
	assert_eq "$(owner_of /idm)" 0:0 "the directory"
	assert_eq "$(owner_of /idm/rootfile)" 65534:65534 "a file whose owner the mapping leaves out"
	assert_eq "$(stat -c %u:%g "$SRC/file")" 1000:1000 "the host's view is unchanged"
}

# uidMappings and gidMappings alone make a bind mount id-mapped (runc).
test_isol_idmap_mount_mappings_without_option() {
	idsrc idm 1000:1000
	add_mount "$(jq -n --arg s "$SRC" '{"destination": "/idm", "type": "bind", "source": $s, "options": ["rbind"],
		"uidMappings": [{"containerID": 1000, "hostID": 2000, "size": 1}],
		"gidMappings": [{"containerID": 1000, "hostID": 3000, "size": 1}]}')"
	stat_args /idm/file
	ctr_run "c1-$$"
	assert_success "run"
	assert_eq "$(owner_of /idm/file)" 2000:3000 "uid and gid mapped separately"
}

# With a user namespace and no mappings of its own, the mount takes the
# container's: root-owned host files are the container root's.
test_isol_idmap_mount_container_mappings() {
	userns_maps
	idsrc idm 0:0
	# the container's root cannot make mount points in a root-owned rootfs
	mkdir -p "$BUNDLE/rootfs/idm" "$BUNDLE/rootfs/plain"
	add_mount "$(jq -n --arg s "$SRC" '{"destination": "/idm", "type": "bind", "source": $s, "options": ["bind", "idmap"]}')"
	add_mount "$(jq -n --arg s "$SRC" '{"destination": "/plain", "type": "bind", "source": $s, "options": ["bind"]}')"
	stat_args /idm/file /plain/file
	ctr_run "c1-$$"
	assert_success "run in a user namespace with an id-mapped mount"
	assert_eq "$(owner_of /idm/file)" 0:0 "through the container's mapping"
	assert_eq "$(owner_of /plain/file)" 65534:65534 "the same file through a plain bind mount"
}

# idmap maps the top mount only, ridmap its submounts too.
test_isol_idmap_mount_recursive() {
	idsrc idm 1000:1000
	mkdir -p "$SRC/sub"
	mount -t tmpfs -o mode=755 tmpfs "$SRC/sub" || fail "tmpfs below the source"
	trap 'umount -l "$SRC/sub" 2>/dev/null; lib_test_exit' EXIT
	echo x >"$SRC/sub/file"
	chown 1000:1000 "$SRC/sub/file"
	add_mount "$(jq -n --arg s "$SRC" '{"destination": "/flat", "type": "bind", "source": $s, "options": ["rbind", "idmap"],
		"uidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}],
		"gidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}]}')"
	add_mount "$(jq -n --arg s "$SRC" '{"destination": "/deep", "type": "bind", "source": $s, "options": ["rbind", "ridmap"],
		"uidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}],
		"gidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}]}')"
	stat_args /flat/file /flat/sub/file /deep/file /deep/sub/file
	ctr_run "c1-$$"
	assert_success "run"
	assert_eq "$(owner_of /flat/file)" 0:0 "idmap: the top mount"
	assert_eq "$(owner_of /flat/sub/file)" 1000:1000 "idmap: a submount keeps its ids"
	assert_eq "$(owner_of /deep/file)" 0:0 "ridmap: the top mount"
	assert_eq "$(owner_of /deep/sub/file)" 0:0 "ridmap: the submount too"
}

rt_only test_isol_idmap_mount_errors
test_isol_idmap_mount_errors() {
	local base
	base=$(cat "$BUNDLE/config.json")
	add_mount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"],
		"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}'
	expect_create_error 'id-mapped mounts are supported for bind mounts only'
	printf '%s\n' "$base" >"$BUNDLE/config.json"
	add_mount "$(jq -n --arg s "$T" '{"destination": "/t", "type": "bind", "source": $s, "options": ["bind", "idmap"],
		"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}')"
	expect_create_error 'an id-mapped mount needs both uidMappings and gidMappings'
	printf '%s\n' "$base" >"$BUNDLE/config.json"
	add_mount "$(jq -n --arg s "$T" '{"destination": "/t", "type": "bind", "source": $s, "options": ["bind", "ridmap"]}')"
	expect_create_error 'idmap without uidMappings and gidMappings needs a user namespace to take them from'
	# a source that is not there: reported by the parent, which makes the mount
	printf '%s\n' "$base" >"$BUNDLE/config.json"
	add_mount "$(jq -n --arg s "$T/none" '{"destination": "/t", "type": "bind", "source": $s, "options": ["bind", "idmap"],
		"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}')"
	expect_create_error "open_tree \`$T/none\`: No such file or directory"
}

# crun's option syntax `idmap=uids=A-B-C#...;gids=...`: the same maps as
# uidMappings/gidMappings with containerID A, hostID B, size C.
rt_only test_isol_idmap_crun_option_syntax
test_isol_idmap_crun_option_syntax() {
	idsrc idm 1000:1000
	add_mount "$(jq -n --arg s "$SRC" '{"destination": "/idm", "type": "bind", "source": $s,
		"options": ["rbind", "idmap=uids=1000-2000-1#5-6-1;gids=1000-3000-1"]}')"
	stat_args /idm/file
	ctr_run "c1-$$"
	assert_success "run with idmap=uids=...;gids=..."
	assert_eq "$(owner_of /idm/file)" 2000:3000 "the option's maps"
	cfg '.mounts[-1].options = ["rbind", "idmap=uids=1000-2000-x;gids=1000-3000-1"]'
	expect_create_error '.mounts['
	assert_contains "$ERR" 'idmap=uids=1000-2000-x;gids=1000-3000-1`: invalid mapping'
}

# crun's src-nofollow binds a symlink itself; copy-symlink recreates it.
rt_only test_isol_mount_symlink_options
test_isol_mount_symlink_options() {
	ln -s /etc/hostname-target "$T/link"
	add_mount "$(jq -n --arg s "$T/link" '{"destination": "/nofollow", "type": "bind", "source": $s, "options": ["bind", "src-nofollow"]}')"
	add_mount "$(jq -n --arg s "$T/link" '{"destination": "/copied/link", "type": "bind", "source": $s, "options": ["bind", "copy-symlink"]}')"
	set_args /bin/sh -c 'echo "nofollow=$(readlink /nofollow)"; echo "copied=$(readlink /copied/link)"'
	ctr_run "c1-$$"
	assert_success "run with src-nofollow and copy-symlink"
	assert_kv nofollow /etc/hostname-target
	assert_kv copied /etc/hostname-target
	cfg '.mounts[-1].options = ["bind", "copy-symlink", "src-nofollow"]'
	expect_create_error 'copy-symlink and src-nofollow exclude each other'
}
