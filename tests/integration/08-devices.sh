# shellcheck shell=bash
# /dev: default devices, symlinks, extra devices.

test_default_devices() {
	local spec path maj min
	for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		IFS=: read -r path maj min <<<"$spec"
		run_helper stat "/dev/$path"
		assert_eq "$(kv type)" char "/dev/$path type"
		assert_eq "$(kv major):$(kv minor)" "$maj:$min" "/dev/$path major:minor"
		assert_eq "$(kv mode)" 0666 "/dev/$path mode"
	done
}

test_default_device_symlinks() {
	local spec path target
	for spec in ptmx=pts/ptmx fd=/proc/self/fd stdin=/proc/self/fd/0 stdout=/proc/self/fd/1 stderr=/proc/self/fd/2; do
		path=${spec%%=*}
		target=${spec#*=}
		run_helper stat "/dev/$path"
		assert_eq "$(kv type)" symlink "/dev/$path type"
		assert_eq "$(kv target)" "$target" "/dev/$path target"
	done
}

test_devpts_ptmx() {
	run_helper stat /dev/pts/ptmx
	assert_eq "$(kv type)" char "/dev/pts/ptmx type"
	assert_eq "$(kv major):$(kv minor)" 5:2 "/dev/pts/ptmx major:minor"
}

test_devices_usable() {
	run_helper write /dev/null
	assert_eq "$OUT" ok "write to /dev/null"
	run_helper read /dev/zero
	assert_match "$OUT" '^ok' "read /dev/zero"
	run_helper write /dev/full
	assert_eq "$OUT" ENOSPC "write to /dev/full"
}

test_extra_device() {
	cfg '.linux.devices = [{"path": "/dev/rt-test-null", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 0, "gid": 0}] |
		.linux.resources.devices = ((.linux.resources.devices // []) + [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}])'
	run_helper stat /dev/rt-test-null
	assert_eq "$(kv type)" char "type"
	assert_eq "$(kv major):$(kv minor)" 1:3 "major:minor"
	assert_eq "$(kv mode)" 0660 "fileMode 0660"
	run_helper write /dev/rt-test-null
	assert_eq "$OUT" ok "write to the extra device"
}

test_host_devices_not_exposed() {
	local d
	for d in /dev/sda /dev/vda /dev/mem /dev/kmsg /dev/loop0; do
		[ -e "$d" ] || continue
		run_helper stat "$d"
		assert_eq "$OUT" "error=ENOENT" "host device $d visible in the container"
	done
}

# The spec lets a device live anywhere in the container, not only in /dev
# (runc makes it where the config says).
test_device_outside_dev() {
	cfg '.linux.devices += [{"path": "/mydev/null2", "type": "c", "major": 1, "minor": 3, "fileMode": 438}] |
		.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
	run_helper stat /mydev/null2
	assert_eq "$(kv type)" char "/mydev/null2 type"
	assert_eq "$(kv major):$(kv minor)" 1:3 "/mydev/null2 major:minor"
}

# A device of linux.devices is made, not allowed: only resources.devices
# (and the default set) open the device cgroup, as with runc.
test_listed_device_not_allowed_by_itself() {
	[ -c /dev/kmsg ] || skip "no /dev/kmsg on the host"
	cfg '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 420}] |
		.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
	run_helper read /dev/kmsg
	assert_eq "$OUT" EPERM "reading a device the rules do not allow"
	run_helper write /dev/kmsg
	assert_eq "$OUT" EPERM "writing it"
}

# runc ignores access letters other than r, w and m ("rwa"): so does rt.
# (/dev/cpu_dma_latency: not in the default set, and reading it changes nothing.)
test_device_rule_access_other_letters() {
	cfg '.linux.devices = [{"path": "/dev/cpu_dma_latency", "type": "c", "major": 10, "minor": 259, "fileMode": 438}] |
		.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 259, "access": "rwm"}]'
	run_helper read /dev/cpu_dma_latency
	[ "$OUT" != EPERM ] || fail "read of an allowed device: $OUT"
	cfg '.linux.resources.devices += [{"allow": false, "type": "c", "major": 10, "minor": 259, "access": "rwa"}]'
	run_helper read /dev/cpu_dma_latency
	assert_eq "$OUT" EPERM "the rwa rule denies r (and w)"
}
